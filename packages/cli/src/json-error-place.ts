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
 * the excerpt the value of a field whose name may be a secret's or cannot be read (see `blankExcerpt`), and what
 * follows such a value with no comma between, are shown as `[REDACTED]`: a cut field name is not found by the
 * patterns. Without a position, the parser's own quote of the text is left out.
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
  // Without a position, Node's parser quotes ~10 characters each side of the token itself (`..."assword": Hunter2"...`):
  // a cut field name's value, not found by the patterns, so the quote is left out.
  if (!at) return message.replace(/, (?:\.\.\.)?"[^]*"(?:\.\.\.)? is not valid JSON$/, " (the text around it is not shown: it may hold a secret)");
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
  // A value at the line's start whose field name is on an earlier line (`"password":` then a line break).
  const keyBefore = from === start && /:\s*$/.test(text.slice(Math.max(0, start - 4096), start));
  const shown = forTerminal(blankExcerpt(line_, open, first, last, keyBefore));
  return `${detail} (line ${line}, column ${column}): ${first > 0 || from > start ? "…" : ""}${shown}${last < line_.length || to < end ? "…" : ""}`;
}

/** The index `count` characters (code points) after `at` in `text` (before it when negative), within it. */
function stepChars(text: string, at: number, count: number): number {
  // Backwards from the end of the text too (an unterminated string's error is there).
  for (let n = Math.abs(count); n > 0 && (count < 0 ? at > 0 : at < text.length); n--) {
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

/** A string in double quotes, or in single quotes (Python's, a common mistake), punctuation, or any other run. */
const TOKEN = /"(?:[^"\\]|\\[^]?)*("?)|'(?:[^'\\]|\\[^]?)*('?)|([{}[\],:])|[^\s"'{}[\],:]+/gy;

/**
 * A field name that may name a secret: `isSecretKey`'s, or one holding a secret's word anywhere (`password2`,
 * `password_proxy`, `api_key_old`). Wider than the patterns, as only an excerpt's value is blanked for it.
 */
const SECRET_WORD = /pass|secret|token|key|auth|cred|sess|otp|2fa|pin/i;

/**
 * `text[first, last)` with the value of each field whose name may be a secret's ({@link SECRET_WORD}) or cannot be
 * read (cut by the scrubbed part's start, on an earlier line), a whole list or object so, and what follows such a
 * value with no comma between (a field's name aside), as {@link REDACTED}. Strings of other fields are shown, cut or
 * not: the error is often inside one (a Windows path's `\r`, a tab, a string with no end).
 * `open`: `text` starts inside a string. `keyBefore`: the text before `text` ends with a field's `:` (a value at the
 * start of the line belongs to a name on an earlier line).
 */
function blankExcerpt(text: string, open: boolean, first: number, last: number, keyBefore: boolean): string {
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
    const quoted = m[0][0] === '"' || m[0][0] === "'";
    tokens.push({ start: m.index, end: TOKEN.lastIndex, kind: quoted ? "string" : m[3] ? "punct" : "word", closed: quoted && m[0].length > 1 && !!(m[1] || m[2]) });
    i = TOKEN.lastIndex;
  }
  /** Whether `t`, a field's name, may name a secret, or cannot be read. */
  const secretName = (t: Token | undefined): boolean => {
    if (!t || t.kind !== "string" || !t.closed || t.start < 0) return true;
    const raw = text.slice(t.start, t.end);
    try {
      const name = raw[0] === "'" ? raw.slice(1, -1) : (JSON.parse(raw) as string);
      return isSecretKey(name) || SECRET_WORD.test(name);
    } catch {
      return true;
    }
  };
  const blank: boolean[] = [];
  let depth = 0;
  let out = "";
  let at = first;
  tokens.forEach((t, k) => {
    const before = tokens[k - 1];
    const punct = (u: Token | undefined, c: string): boolean => u?.kind === "punct" && text[u.start] === c;
    const value = punct(before, ":");
    // A list or object that is a secret's value is blanked whole, to its matching end.
    if (depth > 0) {
      blank[k] = true;
      if (punct(t, "[") || punct(t, "{")) depth++;
      else if (punct(t, "]") || punct(t, "}")) depth--;
    } else {
      const secretValue = (value && secretName(tokens[k - 2])) || (k === (open ? 1 : 0) && keyBefore) || (k === 0 && open);
      if (secretValue && (punct(t, "[") || punct(t, "{"))) depth = 1;
      blank[k] =
        (secretValue && (t.kind !== "punct" || depth > 0)) ||
        // Text after a value with no comma between (the error is often there) is more of it, unless it names a field.
        (t.kind !== "punct" && before !== undefined && before.kind !== "punct" && blank[k - 1]! && !punct(tokens[k + 1], ":"));
    }
    if (!blank[k] || t.end <= first || t.start >= last) return;
    out += text.slice(at, Math.max(at, t.start)) + (t.start >= first && t.kind === "string" ? text[t.start] : "") + REDACTED + (t.kind === "string" && t.closed && t.end <= last ? text[t.end - 1] : "");
    at = Math.min(t.end, last);
  });
  return out + text.slice(at, last);
}
