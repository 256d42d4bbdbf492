/**
 * Where a JSON syntax error is, in words a person can use on a big file: its line and column rather than the
 * parser's UTF-16 offset alone.
 *
 * @packageDocumentation
 */
import { forTerminal } from "./terminal-text.js";

/** The characters of the line shown on each side of the error. */
const AROUND = 30;

/**
 * `message` (JSON.parse's, one line) with the line and column of its `at position N` in `text` (1-based, the column
 * in characters, as editors count) and up to {@link AROUND} characters of that line on each side of it, safe for a
 * terminal; unchanged when it names no position.
 *
 * @param text - the JSON text that did not parse.
 * @param message - the parser's message.
 */
export function jsonErrorPlace(text: string, message: string): string {
  // Newer engines add their own `(line 1 column 2)`, which would say it twice.
  const detail = message.replace(/ \(line \d+ column \d+\)$/, "");
  // The parser's own words end the message: a position inside the text it quotes (`"at position 3"`) is not one.
  const at = / in JSON at position (\d+)$/.exec(detail);
  if (!at) return message;
  const offset = Math.min(Number(at[1]), text.length);
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < start; i = text.indexOf("\n", i + 1)) line++;
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  // A CRLF line ends before its carriage return.
  else if (end > offset && text[end - 1] === "\r") end--;
  // Bounded slices: a one-line file of many megabytes is never split into characters.
  const before = [...text.slice(Math.max(start, offset - 2 * AROUND - 1), offset)];
  const after = [...text.slice(offset, Math.min(end, offset + 2 * AROUND + 1))];
  const onLine = text.slice(start, offset);
  const column = onLine.length - (onLine.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0) + 1;
  const shown = forTerminal(before.slice(-AROUND).join("") + after.slice(0, AROUND).join(""));
  return `${detail} (line ${line}, column ${column}): ${column - 1 > AROUND ? "…" : ""}${shown}${after.length > AROUND ? "…" : ""}`;
}
