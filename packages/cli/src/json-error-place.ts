/**
 * Where a JSON syntax error is, in words a person can use on a big file: its line and column rather than the
 * parser's UTF-16 offset alone.
 *
 * @packageDocumentation
 */
import { REDACTED, isSecretKey, scrubText } from "@sg/core";
import { forTerminal } from "./terminal-text.js";

/** The characters of the line shown on each side of the error. */
const AROUND = 30;

/** The characters of the line on each side of the error scrubbed before the excerpt is cut: a long line is not scrubbed whole. */
const SCRUBBED = 65536;

/**
 * `message` (JSON.parse's, one line) with the line and column of its `at position N` in `text` (1-based, the column
 * in characters, as editors count) and up to {@link AROUND} characters of that line on each side of it, safe for a
 * terminal and free of secrets; unchanged when it names no position.
 *
 * The line is scrubbed (`secrets` and secret-named fields, see `scrubText`) before the excerpt is cut from it, and in
 * the excerpt a string cut by its edges, the value of a field whose name is a secret's or is not wholly in it, and
 * what follows such a value with no comma between are shown as `[REDACTED]`: a cut field name or a cut secret is not
 * found by the patterns.
 *
 * @param text - the JSON text that did not parse.
 * @param message - the parser's message.
 * @param secrets - the secret values sg knows (the connection's), scrubbed out.
 */
export function jsonErrorPlace(text: string, message: string, secrets: readonly string[] = []): string {
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
  const onLine = text.slice(start, offset);
  const column = onLine.length - (onLine.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0) + 1;
  // Scrubbed whole, then cut: the error is where the scrubbed text before it ends, or where a redaction across it starts.
  const from = Math.max(start, offset - SCRUBBED);
  const to = Math.min(end, offset + SCRUBBED);
  const line_ = scrubText(text.slice(from, to), secrets);
  const head = scrubText(text.slice(from, offset), secrets);
  let error = 0;
  while (error < head.length && head[error] === line_[error]) error++;
  // The text before the error parsed: a string open where the scrubbed part starts began before it.
  let open = false;
  if (from > start) for (const m of text.slice(start, from).matchAll(/[^"]+|"(?:[^"\\]|\\[^]?)*("?)/g)) open = m[0][0] === '"' && !m[1];
  const first = stepChars(line_, error, -AROUND);
  const last = stepChars(line_, error, AROUND);
  const shown = forTerminal(blankExcerpt(line_, open, first, last));
  return `${detail} (line ${line}, column ${column}): ${first > 0 || from > start ? "…" : ""}${shown}${last < line_.length || to < end ? "…" : ""}`;
}

/** The index `count` characters (code points) after `at` in `text` (before it when negative), within it. */
function stepChars(text: string, at: number, count: number): number {
  for (let n = Math.abs(count); n > 0 && at > 0 && at < text.length; n--) {
    const pair = count < 0 ? /[\ud800-\udbff][\udc00-\udfff]$/.test(text.slice(at - 2, at)) : /^[\ud800-\udbff][\udc00-\udfff]/.test(text.slice(at, at + 2));
    at += (count < 0 ? -1 : 1) * (pair ? 2 : 1);
  }
  return Math.max(0, Math.min(at, text.length));
}

/** One token of a line of JSON: a string (`closed` when its closing quote is there), punctuation, or any other run. */
interface Token {
  readonly start: number;
  readonly end: number;
  readonly kind: "string" | "punct" | "word";
  readonly closed: boolean;
}

const TOKEN = /"(?:[^"\\]|\\[^]?)*("?)|([{}[\],:])|[^\s"{}[\],:]+/gy;

/**
 * `text[first, last)` with the strings it cuts, the values of fields whose name is a secret's or is not wholly in it
 * (an array's items have none), and what follows a value blanked so with no comma between (a field's name aside), as
 * {@link REDACTED}.
 * `open`: `text` starts inside a string.
 */
function blankExcerpt(text: string, open: boolean, first: number, last: number): string {
  const tokens: Token[] = [];
  let i = 0;
  if (open) {
    const close = /^(?:[^"\\]|\\[^]?)*"/.exec(text);
    tokens.push({ start: -1, end: close ? close[0].length : text.length, kind: "string", closed: !!close });
    i = tokens[0]!.end;
  }
  while (i < last) {
    const ws = /\s*/y;
    ws.lastIndex = i;
    ws.exec(text);
    TOKEN.lastIndex = ws.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) break;
    tokens.push({ start: m.index, end: TOKEN.lastIndex, kind: m[0][0] === '"' ? "string" : m[2] ? "punct" : "word", closed: m[0][0] === '"' && m[0].length > 1 && !!m[1] });
    i = TOKEN.lastIndex;
  }
  const inside = (t: Token | undefined): boolean => !!t && t.kind === "string" && t.closed && t.start >= first && t.end <= last;
  const secretName = (t: Token): boolean => {
    try {
      return isSecretKey(JSON.parse(text.slice(t.start, t.end)) as string);
    } catch {
      return true;
    }
  };
  const blank: boolean[] = [];
  let out = "";
  let at = first;
  tokens.forEach((t, k) => {
    const before = tokens[k - 1];
    const value = before?.kind === "punct" && text[before.start] === ":";
    const key = value ? tokens[k - 2] : undefined;
    blank[k] =
      (t.kind === "string" && !inside(t)) ||
      (value && t.kind !== "punct" && (!inside(key) || secretName(key!))) ||
      // Text after a value with no comma between (the error is often there) is more of it, unless it names a field.
      (t.kind !== "punct" && before !== undefined && before.kind !== "punct" && blank[k - 1]! && !(tokens[k + 1]?.kind === "punct" && text[tokens[k + 1]!.start] === ":"));
    if (!blank[k] || t.end <= first || t.start >= last) return;
    out += text.slice(at, Math.max(at, t.start)) + (t.start >= first ? (t.kind === "string" ? '"' : "") : "") + REDACTED + (t.kind === "string" && t.closed && t.end <= last ? '"' : "");
    at = Math.min(t.end, last);
  });
  return out + text.slice(at, last);
}
