/**
 * How many terminal columns text takes: East Asian wide and fullwidth characters (CJK, kana, Hangul, fullwidth forms)
 * and emoji take two, combining marks and zero-width characters none, anything else one. Counted per grapheme
 * cluster (what a person sees as one character: `👍🏽`, `👨‍👩‍👧`, `é` as e + accent), as terminals draw them.
 *
 * @packageDocumentation
 */

/**
 * The East Asian Wide (W) and Fullwidth (F) ranges of Unicode's EastAsianWidth.txt that are not emoji (emoji are
 * found by their property), merged into blocks; sorted, for a binary search.
 */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals, Kangxi radicals, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed CJK, compatibility
  [0x3400, 0x4dbf], // CJK unified ideographs extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi syllables and radicals
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fe4], // ideographic symbols and punctuation
  [0x17000, 0x18cff], // Tangut, Khitan
  [0x1b000, 0x1b2ff], // kana supplement and extensions, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK unified ideographs extensions B to F, compatibility supplement
  [0x30000, 0x3fffd], // CJK unified ideographs extensions G and H
];

/** Whether a code point is East Asian wide or fullwidth. */
function isWide(codePoint: number): boolean {
  let low = 0;
  let high = WIDE.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [start, end] = WIDE[mid]!;
    if (codePoint < start) high = mid - 1;
    else if (codePoint > end) low = mid + 1;
    else return true;
  }
  return false;
}

/** An emoji drawn as a picture: one with emoji presentation, or any pictograph followed by the emoji selector U+FE0F. */
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}/u;
/** A cluster that draws nothing: combining marks, format characters (zero-width space, joiners), variation selectors. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\uFE00-\uFE0F]+$/u;

/** Made on first use: building it loads ICU's segmentation data (tens of milliseconds), which most runs never need. */
let segmenter: Intl.Segmenter | undefined;

/** The columns one grapheme cluster takes: 0, 1 or 2. */
function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0) ?? 0;
  // ASCII, the common case, without a regular expression.
  if (cluster.length === 1 && first >= 0x20 && first < 0x7f) return 1;
  if (ZERO_WIDTH.test(cluster)) return 0;
  return EMOJI.test(cluster) || isWide(first) ? 2 : 1;
}

/**
 * The grapheme clusters of `text`, each with the columns it takes.
 *
 * @param text - what is written on the terminal (no control characters: the table shows them as symbols).
 */
export function* displayClusters(text: string): Generator<readonly [cluster: string, width: number]> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(text)) yield [segment, clusterWidth(segment)];
}

/**
 * Characters that take one column each and never join a neighbour in a cluster: printable ASCII, Latin-1 (not the
 * soft hyphen), Latin Extended A and B, IPA, spacing modifier letters, and the dashes and quotes of general
 * punctuation (`é`, `’`, `…`): most text in Western languages, measured without segmenting it.
 */
const ONE_COLUMN = /^[\x20-\x7e\xa0-\xac\xae-\u02ff\u2010-\u2027]*/;

/** How many of the first characters of `text` take one column each, on their own (see {@link ONE_COLUMN}). */
export function oneColumnRun(text: string): number {
  return ONE_COLUMN.exec(text)![0].length;
}

/**
 * How many terminal columns `text` takes.
 *
 * @param text - what is written on the terminal.
 */
export function displayWidth(text: string): number {
  if (oneColumnRun(text) === text.length) return text.length;
  let width = 0;
  for (const [, w] of displayClusters(text)) width += w;
  return width;
}
