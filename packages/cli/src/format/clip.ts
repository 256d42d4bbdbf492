import { displayClusters, oneColumnRun } from "./display-width.js";

/** Where {@link clip} cuts a text, and how much of it was looked at to decide. */
export interface ClipEnd {
  /** The length (UTF-16 units) of the part shown before the ellipsis, or undefined when the whole text fits. */
  readonly end: number | undefined;
  /** How many UTF-16 units were examined: a bounded prefix for a text longer than what is shown. */
  readonly examined: number;
}

/**
 * Where `text` is cut to fit `max` terminal columns (the last one an ellipsis), never splitting a character a person
 * sees as one. Only a prefix of the text is examined (a few times what `max` columns can show), so a cell's cost
 * follows what is shown, not its full length.
 */
export function clipEnd(text: string, max: number): ClipEnd {
  // One column a character (ASCII, most Western text): when the first max + 1 are, the text is longer than max.
  const run = oneColumnRun(text.slice(0, max + 1));
  if (run > max) return { end: max - 1, examined: max + 1 };
  if (run === text.length) return { end: undefined, examined: run };
  // Grapheme clusters in a prefix, doubled until it decides: its last cluster may go on past it, so it decides
  // nothing unless the prefix is the whole text (zero-width clusters can make any prefix too short).
  for (let n = 4 * max; ; n *= 2) {
    const part = text.slice(0, n);
    const whole = part.length === text.length;
    let used = 0;
    let at = 0;
    let end = 0;
    for (const [cluster, w] of displayClusters(part)) {
      if (!whole && at + cluster.length === part.length) break;
      at += cluster.length;
      used += w;
      if (used > max) return { end, examined: part.length };
      if (used <= max - 1) end = at;
    }
    if (whole) return { end: undefined, examined: part.length };
  }
}

/** `text` cut to `max` terminal columns, its last one an ellipsis, never splitting a character a person sees as one. */
export function clip(text: string, max: number): string {
  const { end } = clipEnd(text, max);
  return end === undefined ? text : text.slice(0, end) + "…";
}
