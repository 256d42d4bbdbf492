import { SgValidationError, describeValue } from "@sg/core";
import type { OnRetry } from "./attempt-loop.js";
import type { FetchFunction } from "./fetcher.js";
import type { RetryBudgetOptions } from "./retry-budget.js";
import { HEADER_VALUE } from "./headers.js";
import { DEFAULT_RETRY_BUDGET } from "./retry-budget.js";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.js";
import type { JitterMode, RetryPolicy } from "./retry-policy.js";
import { LIBRARY_NAME as PREFIX } from "./user-agent.js";


/** Retry options of {@link JsonRpcTransportOptions}. */
export interface RetryOptions {
  /** Total attempts including the first (1 = never retry). Default 3. */
  readonly maxAttempts?: number | undefined;
  /** First backoff step in ms; retry n waits `baseDelayMs × n` (750, then 1500). Default 750. */
  readonly baseDelayMs?: number | undefined;
  /** Cap of one backoff delay in ms. Default 30 000. */
  readonly maxDelayMs?: number | undefined;
  /** Randomise delays: `none` (default), `full` (0..d) or `equal` (d/2..d). */
  readonly jitter?: JitterMode | undefined;
  /** Longest `Retry-After` (503/429) that is waited for, in ms; a longer one fails the call. Default 30 000. */
  readonly maxRetryAfterMs?: number | undefined;
  /**
   * Retry writes on 502/504, as the Python client does. Default `false`: a gateway's 502 or 504 does not prove
   * that the site did not apply the write, so a retry may apply it twice; such a write fails with `maybeSent: true`
   * instead. Never affects resets and timeouts after sending (a write is never retried after those).
   */
  readonly retryWrites?: boolean | undefined;
  /** Per-transport retry budget (token bucket), or `false` for none. Default `{capacity: 500, retryCost: 5, timeoutRetryCost: 10, successRefill: 1}`. */
  readonly budget?: RetryBudgetOptions | false | undefined;
  /**
   * Called before each retry, not awaited; return `false` to stop retrying. Exceptions it throws are logged and
   * ignored, and so is an async hook's rejection (an async hook cannot stop a retry).
   */
  readonly onRetry?: OnRetry | undefined;
  /** Random source for jitter, in [0, 1). Default `Math.random` (inject one in tests). */
  readonly random?: (() => number) | undefined;
}

/** Options of {@link jsonRpcTransport}. Every field is optional. */
export interface JsonRpcTransportOptions {
  /** Appended to the user-agent as `; <userAgent>`, e.g. `my-pipeline 2.1`. */
  readonly userAgent?: string | undefined;
  /** Send `locale: auto` so schema reads return localised display names. Default `false`. */
  readonly localized?: boolean | undefined;
  /** Limit for one HTTP attempt of an RPC, in ms. Default 120 000. */
  readonly timeoutMs?: number | undefined;
  /** Limit for a whole RPC including retries and backoff, in ms. Default 300 000. */
  readonly deadlineMs?: number | undefined;
  /** Limit for one attempt of a plain HTTP exchange (`http()`: uploads, downloads), in ms. Default 600 000. */
  readonly transferTimeoutMs?: number | undefined;
  /** Limit for a whole plain HTTP exchange including retries, in ms. Default 1 800 000. */
  readonly transferDeadlineMs?: number | undefined;
  /** The retry policy, or `false` to never retry. */
  readonly retry?: RetryOptions | false | undefined;
  /** A fetch function used for every request (proxies, custom CA, instrumentation). Default `globalThis.fetch`. */
  readonly fetch?: FetchFunction | undefined;
  /**
   * An undici `Dispatcher` passed to fetch as `dispatcher`: `new ProxyAgent(url)` for a proxy, `new Agent({ connect: { ca } })`
   * for a private CA, `new ProxyAgent({ uri, requestTls: { ca } })` for both (a ProxyAgent's `connect` is the connection
   * to the proxy, not to the site).
   */
  readonly dispatcher?: object | undefined;
  /** How many redirects `http()` follows for GET downloads. Default 5. */
  readonly maxRedirects?: number | undefined;
  /**
   * Largest answer to an RPC call read, in bytes (decoded): a longer one fails with `SgProtocolError` and is not
   * retried, and no more of it is read. Default 64 MiB (67 108 864). A write (`kind: "write"`) may answer up to 8 times
   * its request's length (the envelope's JSON, in UTF-16 code units) when that is more, since its answer echoes what it wrote.
   * Uploads and downloads (`http()`) are not limited.
   */
  readonly maxResponseBytes?: number | undefined;
}

/** The options that only concern plain HTTP exchanges (`http()`), which {@link jsonRpcCallTransport} has not. */
export type TransferOptionName = "transferTimeoutMs" | "transferDeadlineMs" | "maxRedirects";

/** Options of {@link jsonRpcCallTransport}: those of {@link JsonRpcTransportOptions} without the transfer ones. */
export type JsonRpcCallTransportOptions = Omit<JsonRpcTransportOptions, TransferOptionName>;

/** Options after validation and defaults. */
export interface ResolvedOptions {
  readonly userAgentSuffix: string | undefined;
  readonly localized: boolean;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly transferTimeoutMs: number;
  readonly transferDeadlineMs: number;
  readonly policy: RetryPolicy;
  readonly budget: Readonly<Record<keyof RetryBudgetOptions, number>> | false;
  readonly onRetry: OnRetry | undefined;
  readonly random: () => number;
  readonly fetch: FetchFunction | undefined;
  readonly dispatcher: object | undefined;
  readonly maxRedirects: number;
  readonly maxResponseBytes: number;
}

function fail(path: (string | number)[], expected: string, value: unknown): never {
  throw new SgValidationError(PREFIX, { path, expected, received: describeValue(value) });
}

/** How an option is checked: `ms` a positive duration, `n` a number ≥ 0, `i0`/`i1` an integer ≥ 0/1, `b` a boolean, `f` a function. */
type Kind = "ms" | "n" | "i0" | "i1" | "b" | "f";

const EXPECTED: Readonly<Record<Kind, string>> = {
  ms: "a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms)",
  n: "a number ≥ 0",
  i0: "an integer ≥ 0",
  i1: "an integer ≥ 1",
  b: "true or false",
  f: "a function",
};

function valid(kind: Kind, v: unknown): boolean {
  if (kind === "b") return typeof v === "boolean";
  if (kind === "f") return typeof v === "function";
  if (typeof v !== "number" || !Number.isFinite(v)) return false;
  return kind === "ms" ? v > 0 && v <= 2_147_483_647 : kind === "n" ? v >= 0 : Number.isInteger(v) && v >= (kind === "i1" ? 1 : 0);
}

/** Check one value against its kind; `undefined` passes through (the caller applies the default). */
function check<T>(kind: Kind, value: unknown, path: (string | number)[]): T | undefined {
  if (value !== undefined && !valid(kind, value)) fail(path, EXPECTED[kind], value);
  return value as T | undefined;
}

/**
 * A request's own limit `name` (`timeoutMs` or `deadlineMs`), checked as a duration in ms (or as `kind`: `i1` for
 * `maxBytes`), or `fallback` when it has none (then nothing is built: this runs for every call).
 */
export function limitOr(value: unknown, name: string, fallback: number, kind: "ms" | "i1" = "ms"): number {
  return value === undefined ? fallback : check<number>(kind, value, [name])!;
}

/** Where the transport options of Python's `Shotgun()` (and their usual spellings) go here. */
const PYTHON_NAMES: readonly (readonly [RegExp, string])[] = [
  [/^(https?_?)?proxy$/i, "Pass a proxy as dispatcher: new ProxyAgent(url), ProxyAgent from undici."],
  [/^ca_?certs?$/i, "Trust a CA with NODE_EXTRA_CA_CERTS=ca.pem, or pass dispatcher: new Agent({ connect: { ca } }) (with a proxy: new ProxyAgent({ uri, requestTls: { ca } })), from undici."],
  [/^timeout(_secs)?$/i, "Time limits are in milliseconds: timeoutMs for each attempt, deadlineMs for the whole call."],
];

/** Refuse any key of `input` (an options object at `path`) that is not in `known`, listing them; a key of `unset` set to `undefined` passes. */
function refuseUnknown(input: Record<string, unknown>, path: string[], known: readonly string[], unset: readonly string[] = []): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key) && !(unset.includes(key) && input[key] === undefined)) {
      throw new SgValidationError(PREFIX, {
        path: [...path, key],
        expected: `one of the options ${known.join(", ")}`,
        received: `an unknown option '${key}'`,
        hint: path.length ? undefined : PYTHON_NAMES.find(([name]) => name.test(key))?.[1],
      });
    }
  }
}

/**
 * Read the keys of `table` from `input` (an options object at `path`), checked, with the table's defaults.
 * Any other key than those and `also` is refused, so a misspelt nested option is not silently ignored.
 */
function readTable<T>(input: Record<string, unknown>, path: string[], table: Readonly<Record<string, readonly [Kind, unknown]>>, also: readonly string[] = []): T {
  refuseUnknown(input, path, [...Object.keys(table), ...also]);
  const out: Record<string, unknown> = {};
  for (const key in table) {
    const [kind, fallback] = table[key]!;
    out[key] = check(kind, input[key], [...path, key]) ?? fallback;
  }
  return out as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const D = DEFAULT_RETRY_POLICY;
const B = DEFAULT_RETRY_BUDGET;
const TOP_LEVEL: Readonly<Record<string, readonly [Kind, unknown]>> = {
  localized: ["b", false],
  timeoutMs: ["ms", 120_000],
  deadlineMs: ["ms", 300_000],
  transferTimeoutMs: ["ms", 600_000],
  transferDeadlineMs: ["ms", 1_800_000],
  fetch: ["f", undefined],
  maxRedirects: ["i0", 5],
  // 64 MiB: a read page is at most 500 rows, so ~130 KB a row, far above real rows; a write's limit also grows with
  // its request (rpc-calls.ts; see the README)
  maxResponseBytes: ["i1", 64 * 1024 * 1024],
};
const RETRY: Readonly<Record<string, readonly [Kind, unknown]>> = {
  maxAttempts: ["i1", D.maxAttempts],
  baseDelayMs: ["n", D.baseDelayMs],
  maxDelayMs: ["n", D.maxDelayMs],
  maxRetryAfterMs: ["n", D.maxRetryAfterMs],
  retryWrites: ["b", D.retryWrites],
  onRetry: ["f", undefined],
  random: ["f", Math.random],
};
const BUDGET: Readonly<Record<string, readonly [Kind, unknown]>> = {
  capacity: ["n", B.capacity],
  retryCost: ["n", B.retryCost],
  timeoutRetryCost: ["n", B.timeoutRetryCost],
  successRefill: ["n", B.successRefill],
};
/** Every option of {@link JsonRpcTransportOptions}, in the order an unknown-option error lists them. */
export const OPTION_NAMES: readonly string[] = ["userAgent", "localized", "timeoutMs", "deadlineMs", "transferTimeoutMs", "transferDeadlineMs", "retry", "fetch", "dispatcher", "maxRedirects", "maxResponseBytes"];

/**
 * Validate the factory options synchronously; throws {@link SgValidationError} naming the bad field.
 * `known` is the option names the factory takes (an unknown one is refused, listing them).
 */
export function resolveOptions(input: unknown, known: readonly string[] = OPTION_NAMES): ResolvedOptions {
  if (input === undefined) input = {};
  if (!isObject(input)) fail(["options"], "an options object (or nothing)", input);
  const o = input;
  // An option of jsonRpcTransport's set to undefined is absent, though this factory does not take it (a transfer one).
  refuseUnknown(o, [], known, OPTION_NAMES);
  const ua = o["userAgent"];
  if (ua !== undefined && (typeof ua !== "string" || !HEADER_VALUE.test(ua))) fail(["userAgent"], "a one-line string of Latin-1 characters (a header value fetch accepts)", ua);
  const dispatcher = o["dispatcher"];
  if (dispatcher !== undefined && (dispatcher === null || typeof dispatcher !== "object")) {
    fail(["dispatcher"], "an undici Dispatcher (e.g. new Agent() or new ProxyAgent())", dispatcher);
  }
  let policy: RetryPolicy = D;
  let budget: Readonly<Record<keyof RetryBudgetOptions, number>> | false = B;
  let onRetry: OnRetry | undefined;
  let random: () => number = Math.random;
  const retry = o["retry"];
  if (retry === false) {
    policy = { ...D, maxAttempts: 1 };
  } else if (retry !== undefined) {
    if (!isObject(retry)) fail(["retry"], "retry options or false", retry);
    const jitter = retry["jitter"];
    if (jitter !== undefined && jitter !== "none" && jitter !== "full" && jitter !== "equal") fail(["retry", "jitter"], "'none', 'full' or 'equal'", jitter);
    let policyFields: Omit<RetryPolicy, "jitter">;
    ({ onRetry, random, ...policyFields } = readTable<Omit<RetryPolicy, "jitter"> & { onRetry: OnRetry | undefined; random: () => number }>(retry, ["retry"], RETRY, ["jitter", "budget"]));
    policy = { ...policyFields, jitter: (jitter as JitterMode | undefined) ?? D.jitter };
    const b = retry["budget"];
    if (b === false) budget = false;
    else if (b !== undefined) {
      if (b === null || typeof b !== "object") fail(["retry", "budget"], "budget options or false", b);
      budget = readTable<Readonly<Record<keyof RetryBudgetOptions, number>>>(b as Record<string, unknown>, ["retry", "budget"], BUDGET);
    }
  }
  const top = readTable<Pick<ResolvedOptions, "localized" | "timeoutMs" | "deadlineMs" | "transferTimeoutMs" | "transferDeadlineMs" | "fetch" | "maxRedirects" | "maxResponseBytes">>(o, [], TOP_LEVEL, known);
  return { ...top, userAgentSuffix: (ua as string | undefined) || undefined, policy, budget, onRetry, random, dispatcher: dispatcher as object | undefined };
}

/**
 * Apply a per-call override (`retry: false` or `{maxAttempts, retryWrites, retryStatuses}`) to the transport's
 * policy, checked before anything is sent. Without one the transport's policy itself is returned: this runs
 * for every call, and builds nothing then.
 */
export function policyForCall(base: RetryPolicy, override: unknown, method: string): RetryPolicy {
  if (override === undefined) return base;
  if (override === false) return { ...base, maxAttempts: 1 };
  if (override === null || typeof override !== "object") {
    throw new SgValidationError(PREFIX, { path: ["retry"], expected: "retry override options or false", received: describeValue(override), method });
  }
  const r = override as Record<string, unknown>;
  const statuses = r["retryStatuses"];
  if (statuses !== undefined) {
    if (!Array.isArray(statuses)) fail(["retry", "retryStatuses"], "an array of HTTP statuses from 400 to 599", statuses);
    for (let i = 0; i < statuses.length; i += 1) {
      const s: unknown = statuses[i];
      if (!Number.isInteger(s) || (s as number) < 400 || (s as number) > 599) fail(["retry", "retryStatuses", i], "an HTTP status from 400 to 599", s);
    }
  }
  // Misspelt names are refused like the transport's own options (a `retryStatus` would do nothing), and the
  // statuses are copied: the caller's array changing mid-call cannot change what is retried.
  const { maxAttempts, retryWrites } = readTable<RetryPolicy>(r, ["retry"], { maxAttempts: ["i1", base.maxAttempts], retryWrites: ["b", base.retryWrites] }, ["retryStatuses"]);
  return { ...base, maxAttempts, retryWrites, retryStatuses: statuses ? [...(statuses as number[])] : base.retryStatuses };
}
