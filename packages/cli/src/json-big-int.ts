import { UsageError } from "./exit-codes.js";

/**
 * The integers of a JSON text that `JSON.parse` would round: past 2^53 a JavaScript number holds only some integers
 * exactly (2^53 and 10^16 are kept, 2^53 + 1 becomes 2^53).
 */

/** One integer literal of a JSON text that `JSON.parse` would not keep exactly. */
interface UnsafeJsonInteger {
  /** Its digits as typed (`9007199254740993`). */
  readonly digits: string;
  /** What `JSON.parse` would make of it, in digits (`9007199254740992`), or `Infinity`. */
  readonly kept: string;
  /** Where it is, to follow the argument's name: `.splits.frame_id`, `[0][2]`; `""` for the whole text. */
  readonly path: string;
}

/** `a.b`, `[0]`, `["a b"]`: one step of a path. */
function step(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A JSON number token, read where it starts. */
const NUMBER = /-?\d+(?:[.eE][-+\d.eE]*)?/y;

/**
 * The first integer literal of `text` (valid JSON), outside strings, that `JSON.parse` would not keep exactly, or
 * undefined. One pass over the text, and none at all when it holds no run of 16 digits (every integer that is not
 * kept exactly is past 2^53, so has at least 16). Compared as BigInts: exact, and blind to `-0` and to the
 * exponent form `String()` gives from 10^21 on.
 */
function findUnsafeJsonInteger(text: string): UnsafeJsonInteger | undefined {
  if (!/\d{16}/.test(text)) return undefined;
  // Each open container: an array's index, or an object's current key (undefined until it is read).
  const stack: { key: string | number | undefined; array: boolean }[] = [];
  let wantKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      const start = i;
      while (text[++i] !== '"') if (text[i] === "\\") i++;
      const top = stack[stack.length - 1];
      if (wantKey && top) top.key = JSON.parse(text.slice(start, i + 1)) as string;
      wantKey = false;
    } else if (c === "{" || c === "[") {
      stack.push({ key: c === "[" ? 0 : undefined, array: c === "[" });
      wantKey = c === "{";
    } else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.array) top.key = (top.key as number) + 1;
      wantKey = !top?.array;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)?.[0] ?? c;
      const n = Number(token);
      if (!/[.eE]/.test(token) && !(Number.isFinite(n) && BigInt(n) === BigInt(token))) {
        return { digits: token, kept: Number.isFinite(n) ? String(BigInt(n)) : String(n), path: stack.map((s) => step(s.key ?? "")).join("") };
      }
      i += token.length - 1;
    }
  }
  return undefined;
}

/**
 * Refuse a JSON argument (valid JSON) holding an integer that `JSON.parse` would round: the record would get another
 * number than the one typed.
 *
 * @param what - the argument's name in messages (`data`, `filters`, …).
 * @param from - where the text was read from, when not the argument itself.
 */
export function refuseUnsafeIntegers(text: string, what: string, from: string | undefined): void {
  const big = findUnsafeJsonInteger(text);
  if (big) {
    throw new UsageError(
      `${what}${big.path}${from ? ` from ${from}` : ""}: ${big.digits} cannot be kept exactly: JavaScript would read it as ${big.kept} (past ±${Number.MAX_SAFE_INTEGER} only some integers are exact)`,
      `Give it as a string ("${big.digits}") if the field takes text, or a number within ±${Number.MAX_SAFE_INTEGER}.`,
    );
  }
}
