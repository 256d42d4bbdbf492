import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { readEnv } from "./env-utf8.js";
import { UsageError } from "./exit-codes.js";
import { decodeTextInput } from "./text-input.js";
import { refuseUnsafeIntegers } from "./json-big-int.js";
import { jsonErrorPlace } from "./json-error-place.js";
import { refusePromptAfterStdin } from "./connection.js";
import type { CommandContext } from "./command-context.js";
import { resolveFromCwd, type CliInput } from "./io.js";

/** What a JSON argument must be: `any` leaves its shape to `@sg/entities`, which names the bad value's path. */
export type JsonArgShape = "array-or-object" | "object" | "any";

/** An example of each JSON argument, for the hint of a parse error. */
const EXAMPLES: Readonly<Record<string, string>> = {
  filters: `'[["code", "is", "SH010"], ["sg_status_list", "in", ["ip", "rdy"]]]'`,
  data: `'{"code": "SH010", "description": "…"}'`,
  requests: `'[{"request_type": "update", "entity_type": "Shot", "entity_id": 1, "data": {"sg_status_list": "ip"}}]'`,
  summaries: `'[{"field": "id", "type": "count"}]'`,
  grouping: `'[{"field": "sg_status_list", "type": "exact", "direction": "asc"}]'`,
};

/** The short form of the arguments that also take one (only as the argument itself: `-` and `@path` are JSON). */
const SHORT_EXAMPLES: Readonly<Record<string, string>> = {
  summaries: "id:count,created_at:latest",
  grouping: "sg_status_list:exact",
};

/** The example of a hint: the JSON form, and the short form too where the argument itself was given. */
function example(what: string, from: string | undefined): string {
  const json = EXAMPLES[what] ?? EXAMPLES["data"];
  const short = SHORT_EXAMPLES[what];
  return short && !from ? `${json} or ${short}` : `${json}`;
}

/** Standard inputs already read by a `-` argument of this run: there is only one stream to read. */
const readStdins = new WeakSet<CliInput>();

/**
 * Where a JSON argument is read from: standard input, the working directory, and Ctrl-C (`signal`); `args`, for a
 * command that connects, to refuse a `-` typed on the terminal before a passphrase prompt there.
 */
export type JsonArgSource = Pick<CommandContext, "io" | "signal"> & Partial<Pick<CommandContext, "args" | "secrets">>;

/**
 * The most bytes a JSON argument given as `-` or `@path` may hold: 256 MiB, half of the longest string Node.js
 * can make (about 512 MiB), so the limit is one usage error for both sources, reached while reading, before the
 * text (and the values parsed from it) fill memory. `SG_MAX_JSON_ARG_BYTES` can lower it, never raise it.
 */
export const MAX_JSON_ARG_BYTES: number = 256 * 1024 * 1024;

/** The limit of this run: {@link MAX_JSON_ARG_BYTES}, or the lower one of `SG_MAX_JSON_ARG_BYTES`. */
function maxJsonArgBytes(env: Readonly<Record<string, string | undefined>>): number {
  const text = readEnv(env, "SG_MAX_JSON_ARG_BYTES");
  if (text === undefined || text === "") return MAX_JSON_ARG_BYTES;
  const bytes = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(bytes >= 1 && bytes <= MAX_JSON_ARG_BYTES)) throw new UsageError(`SG_MAX_JSON_ARG_BYTES must be a whole number of bytes from 1 to ${MAX_JSON_ARG_BYTES}, got '${text}'`, "It can only lower the limit of a JSON argument read from - or @path.");
  return bytes;
}

/** The usage error of an input over the limit, naming where it came from. */
function tooLarge(what: string, from: string, limit: number): UsageError {
  const shown = limit % (1024 * 1024) === 0 ? `${limit / (1024 * 1024)} MiB` : `${limit}-byte`;
  return new UsageError(`${what} from ${from} is over the ${shown} limit of a JSON argument`, "Split the work over several runs; SG_MAX_JSON_ARG_BYTES can lower the limit, never raise it.");
}

/**
 * All of a stream's bytes, or an error: `overLimit()` as soon as more than `limit` bytes arrived (nothing more is
 * read), the stream's own error, or the abort's reason once `signal` aborts: Ctrl-C must end `sg batch -` even
 * while the program feeding it has not closed the pipe, or a person typing into a terminal has not pressed Ctrl-D.
 *
 * @param overLimit - the error of an input over `limit`.
 * @param stop - stops the stream once its text is no longer wanted (standard input is paused, a file closed).
 */
function readLimited(stream: NodeJS.ReadableStream, limit: number, overLimit: () => Error, stop: () => void, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: unknown): void => {
      stream.off("data", onData).off("end", settle).off("error", settle);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve(Buffer.concat(chunks));
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size <= limit) return void chunks.push(bytes);
      chunks.length = 0;
      stop();
      settle(overLimit());
    };
    const onAbort = (): void => {
      stop();
      settle(signal?.reason ?? new Error("aborted"));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    stream.on("data", onData).once("end", settle).once("error", settle);
  });
}

/**
 * The text of a JSON argument and where it came from: the argument itself; standard input for `-`; the file
 * `path` (relative to the working directory) for `@path`. JSON text never starts with `-` alone or `@`, so
 * neither form can be mistaken for an inline value.
 *
 * @param text - the argument as given.
 * @param what - its name in messages (`filters`, `data`, …).
 * @param source - standard input, the working directory and the run's abort signal.
 */
export async function jsonArgSource(text: string, what: string, source: JsonArgSource): Promise<{ readonly text: string; readonly from?: string }> {
  const { io } = source;
  if (text !== "-" && !text.startsWith("@")) return { text };
  const limit = maxJsonArgBytes(io.env);
  if (text === "-") {
    if (readStdins.has(io.stdin)) throw new UsageError(`${what}: standard input was already read for another argument`, "Only one argument can be -; pass the others inline or as @path.");
    if (source.args) refusePromptAfterStdin(source.args.values, io, what);
    readStdins.add(io.stdin);
    const from = "standard input";
    return { text: decodeTextInput(await readLimited(io.stdin, limit, () => tooLarge(what, from, limit), () => io.stdin.pause(), source.signal), `${what} from ${from}`), from };
  }
  const path = resolveFromCwd(io, text.slice(1));
  try {
    // A regular file's size is known before reading; a pipe (`@/dev/stdin`, `@<(cmd)`) is counted as it is read.
    if ((await stat(path)).size > limit) throw tooLarge(what, path, limit);
    const file = createReadStream(path);
    return { text: decodeTextInput(await readLimited(file, limit, () => tooLarge(what, path, limit), () => file.destroy(), source.signal), `${what} from ${path}`), from: path };
  } catch (error) {
    if (error instanceof UsageError || source.signal?.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`cannot read ${what} from ${path}${typeof code === "string" ? ` (${code})` : ""}`, "@path reads a JSON argument from a file, - from standard input.");
  }
}

/**
 * Parse a JSON command-line argument, or throw a usage error naming it (and the file or standard input it
 * came from).
 *
 * @param text - the JSON text.
 * @param what - its name in messages.
 * @param expect - the shape it must have.
 * @param from - where the text was read from, when not the argument itself.
 * @param secrets - the secret values sg knows, scrubbed from a syntax error's excerpt before it is cut.
 */
export function parseJsonArg(text: string, what: string, expect: JsonArgShape, from?: string, shortForm?: ShortForm, secrets: Iterable<string> = []): unknown {
  const named = from ? `${what} from ${from}` : what;
  // "Unexpected end of JSON input" for nothing at all would send a person looking for a syntax error.
  if (from && text.trim() === "") throw new UsageError(`${named} is empty`, `Expected JSON, e.g. ${example(what, from)}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? jsonErrorPlace(text, error.message.split("\n")[0] ?? "", [...secrets]) : "";
    throw new UsageError(`${named} is not valid JSON: ${detail}`, from && shortForm ? jsonOnlyHint(text, what, from, shortForm) : quotesStrippedHint(text, from) + `Example: ${example(what, from)}`);
  }
  refuseUnsafeIntegers(text, what, from);
  if (expect === "object" && (value === null || typeof value !== "object" || Array.isArray(value))) {
    throw new UsageError(`${named} must be a JSON object`, `Example: '{"code": "SH010"}'`);
  }
  if (expect === "array-or-object" && (value === null || typeof value !== "object")) {
    throw new UsageError(`${named} must be a JSON array of conditions (or a filter object)`, `Example: '[["code", "is", "SH010"]]'`);
  }
  return value;
}

/**
 * The start of the hint for an argument that looks like JSON whose double quotes a shell removed (`[[code,is,SH010]]`:
 * Windows PowerShell 5.1 strips the inner `"` of a program's arguments), else "".
 */
function quotesStrippedHint(text: string, from: string | undefined): string {
  return !from && /^\s*[[{]/.test(text) && /[a-z_]/i.test(text) && !text.includes('"')
    ? "It has no double quotes: the shell probably removed them (Windows PowerShell 5.1 does, inside a program's arguments); pass the JSON as @file.json, or pipe it to - (standard input). "
    : "";
}

/**
 * Read and parse a JSON argument given inline, as `-` (standard input) or as `@path` (a file): what every
 * command that takes JSON uses, so each JSON argument accepts all three.
 */
export async function readJsonArg(text: string, what: string, expect: JsonArgShape, source: JsonArgSource, shortForm?: ShortForm): Promise<unknown> {
  const read = await jsonArgSource(text, what, source);
  // The connection's secrets are scrubbed from the excerpt before it is cut: after, a cut secret is not found.
  return parseJsonArg(read.text, what, expect, read.from, shortForm, source.secrets);
}

/** The short form `a:b,c:d` of an argument: each item the values of `keys` in order, the first `required` needed. */
export interface ShortForm {
  readonly keys: readonly string[];
  readonly required: number;
}

/**
 * The hint of a short-form argument read from standard input or a file (`from`) that is not JSON: only the
 * argument itself takes the short form, so show the JSON of the text when it is one, else a JSON example.
 */
function jsonOnlyHint(text: string, what: string, from: string, shortForm: ShortForm): string {
  const where = from === "standard input" ? "From standard input" : "From a file";
  const jsonExample = `${where}, ${what} must be JSON, e.g. ${example(what, from)}`;
  // Broken JSON (`[{"field": "id"`) splits into items too: only text that does not start as JSON is a short form.
  if (/^\s*[[{"]/.test(text)) return jsonExample;
  let items: unknown;
  try {
    items = parseShortList(text.trim(), what, shortForm);
  } catch {
    return jsonExample;
  }
  return `${where}, ${what} must be JSON: '${JSON.stringify(items)}' (the short form ${shortFormText(shortForm)},… works only as the argument itself)`;
}

/** `field:type` or `field:type[:direction]`: the shape of one item of a short form. */
function shortFormText({ keys, required }: ShortForm): string {
  return keys.slice(0, required).join(":") + keys.slice(required).map((k) => `[:${k}]`).join("");
}

/**
 * Parse a record id argument: decimal digits only. `Number()` alone would read `0x10` as 16, `1e1` as 10 and
 * round ids beyond 2^53, so a typo would update or retire another record.
 */
export function parseId(text: string): number {
  const id = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`'${text}' is not a record id (a whole number ≥ 1 in digits)`);
  return id;
}

/**
 * Split `a,b, c` (each value of a repeatable `--<option>`, in order) into names; a name given twice is kept once,
 * where it first came.
 */
export function listArg(option: string, texts: string | readonly string[] | undefined): string[] | undefined {
  if (texts === undefined) return undefined;
  const parts = [...(typeof texts === "string" ? [texts] : texts)].flatMap((text) => {
    const names = text.split(",").map((p) => p.trim()).filter(Boolean);
    if (!names.length) throw new UsageError(`--${option} expects a comma-separated list of field names, got '${text}'`, option === "order" ? "Example: --order=-created_at,code ('-' for descending)" : `Example: --${option} code,sg_status_list`);
    return names;
  });
  return [...new Set(parts)];
}

/**
 * A list of small objects given as JSON (inline, `-` or `@path`), or in the short form `a:b,c:d`: each item is
 * the values of `keys` in order, separated by `:`, the first `required` of them needed. Only the shape of the
 * short form is checked here; what the values may be is left to `@sg/entities`.
 *
 * @param text - the argument as given.
 * @param what - its name in messages (`summaries`, `grouping`).
 * @param keys - the keys of an item, e.g. `["field", "type", "direction"]`.
 * @param required - how many of `keys` an item must give.
 * @param source - standard input, the working directory and the run's abort signal.
 */
export async function shortListArg(text: string, what: string, keys: readonly string[], required: number, source: JsonArgSource): Promise<unknown> {
  if (/^\s*[[{]/.test(text) || text === "-" || text.startsWith("@")) return readJsonArg(text, what, "any", source, { keys, required });
  return parseShortList(text, what, { keys, required });
}

/** The items of a short form `a:b,c:d`, or a usage error naming the item that does not fit it. */
function parseShortList(text: string, what: string, shortForm: ShortForm): Record<string, string>[] {
  const { keys, required } = shortForm;
  const form = shortFormText(shortForm);
  const items = text.split(",").map((item) => item.trim());
  if (items.every((item) => item === "")) throw new UsageError(`${what} is empty`, `Example: ${EXAMPLES[what] ? example(what, undefined) : form}`);
  return items.map((item) => {
    const values = item.split(":").map((v) => v.trim());
    if (values.length < required || values.length > keys.length || values.some((v) => v === "")) {
      throw new UsageError(`${what}: '${item}' is not ${form}`, `Example: ${EXAMPLES[what] ? example(what, undefined) : form}`);
    }
    return Object.fromEntries(values.map((v, i) => [keys[i], v]));
  });
}
