import { UsageError } from "./exit-codes.js";

/** The encoding of bytes a person gave the CLI: UTF-16 when they start with its byte order mark, else UTF-8. */
function encodingOf(bytes: Uint8Array): "utf-16le" | "utf-16be" | "utf-8" {
  const [a, b] = bytes;
  return a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : "utf-8";
}

/**
 * The text of bytes a person gave the CLI (a file, standard input): UTF-8, its byte order mark dropped, or UTF-16
 * with a byte order mark (what Windows PowerShell 5.1's `Out-File` and `>` write), else `undefined`: bytes that are
 * not valid text of that encoding (Shift-JIS, Latin-1, a lone UTF-16 half) are never read as U+FFFD, and text with a
 * NUL (UTF-16 without its mark, a binary file) is not text either.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  const encoding = encodingOf(bytes);
  try {
    // TextDecoder drops the byte order mark of its encoding. A NUL is in no JSON text: UTF-16 without its mark (every
    // ASCII character followed or preceded by a zero byte, valid UTF-8 all the same) or a binary file.
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return text.includes("\0") ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Where `bytes`, which {@link decodeText} refused, first go wrong: the offset of the first byte of a sequence that is
 * not UTF-8 (or, after a UTF-16 byte order mark, of a unit that is half a surrogate pair, or of a last odd byte), or of
 * the first NUL, and what is there.
 */
function firstBadByte(bytes: Uint8Array): { readonly offset: number; readonly what: string } {
  const hex = (n: number, digits = 2): string => `0x${n.toString(16).toUpperCase().padStart(digits, "0")}`;
  const encoding = encodingOf(bytes);
  const le = encoding === "utf-16le";
  if (encoding !== "utf-8") {
    for (let i = 2; i < bytes.length; i += 2) {
      if (i + 1 === bytes.length) return { offset: i, what: "an odd last byte" };
      const unit = (n: number): number => (le ? bytes[n]! | (bytes[n + 1]! << 8) : (bytes[n]! << 8) | bytes[n + 1]!);
      const u = unit(i);
      if (u === 0) return { offset: i, what: "a NUL" };
      if (u >= 0xdc00 && u <= 0xdfff) return { offset: i, what: `the unit ${hex(u, 4)}, half a surrogate pair` };
      if (u >= 0xd800 && u <= 0xdbff) {
        const next = i + 3 < bytes.length ? unit(i + 2) : -1;
        if (next < 0xdc00 || next > 0xdfff) return { offset: i, what: `the unit ${hex(u, 4)}, half a surrogate pair` };
        i += 2;
      }
    }
  }
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    if (lead === 0) return { offset: i, what: "a NUL" };
    // How many continuation bytes follow the lead, and the range of the first (none overlong, no surrogate, ≤ U+10FFFF).
    const more = lead < 0x80 ? 0 : lead < 0xc2 ? -1 : lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : lead < 0xf5 ? 3 : -1;
    if (more < 0) return { offset: i, what: `the byte ${hex(lead)}` };
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return { offset: i, what: `the byte ${hex(lead)}` };
    }
    i += more + 1;
  }
  return { offset: bytes.length, what: "the end" };
}

/**
 * {@link decodeText}, or the usage error (exit 2) naming `named` (`data from x.json`), the offset of its first bad byte
 * and its line (see {@link firstBadByte}), and how to convert it.
 */
export function decodeTextInput(bytes: Uint8Array, named: string): string {
  const text = decodeText(bytes);
  if (text !== undefined) return text;
  const { offset, what } = firstBadByte(bytes);
  // The text before it is good (a NUL is good UTF-8 too): its lines say where the bad byte is.
  const line = new TextDecoder(encodingOf(bytes)).decode(bytes.subarray(0, offset)).split("\n").length;
  throw new UsageError(
    `${named} is not UTF-8 text (nor UTF-16 with a byte order mark): first at byte offset ${offset} (line ${line}), ${what}`,
    "Convert it to UTF-8, e.g. iconv -f SHIFT_JIS -t UTF-8 in.json > out.json, or in Windows PowerShell: Get-Content in.json | Set-Content -Encoding utf8 out.json",
  );
}
