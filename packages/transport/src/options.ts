import { SgValidationError, describeValue } from "@sg/core";
import type { OnRetry } from "./attempt-loop.js";
import type { FetchFunction } from "./fetcher.js";
import type { RetryBudgetOptions } from "./retry-budget.js";
import { DEFAULT_RETRY_BUDGET } from "./retry-budget.js";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.js";
import type { JitterMode, RetryPolicy } from "./retry-policy.js";

const PREFIX = "@sg/transport";

/** Retry options of {@link JsonRpcTransportOptions}. */
export interface RetryOptions {
  /** Total attempts including the first (1 = never retry). Default 3. */
  readonly maxAttempts?: number;
  /** First backoff step in ms; retry n waits `baseDelayMs × n` (750, then 1500). Default 750. */
  readonly baseDelayMs?: number;
  /** Cap of one backoff delay in ms. Default 30 000. */
  readonly maxDelayMs?: number;
  /** Randomise delays: `none` (default), `full` (0..d) or `equal` (d/2..d). */
  readonly jitter?: JitterMode;
  /** Longest `Retry-After` (503/429) that is waited for, in ms; a longer one fails the call. Default 30 000. */
  readonly maxRetryAfterMs?: number;
  /** Retry writes on 502/504 (parity with the Python client). Default `true`. Never affects resets/timeouts. */
  readonly retryWrites?: boolean;
  /** Per-transport retry budget (token bucket), or `false` for none. Default `{capacity: 500, retryCost: 5, timeoutRetryCost: 10, successRefill: 1}`. */
  readonly budget?: RetryBudgetOptions | false;
  /** Called before each retry; return `false` to stop retrying. Exceptions it throws are logged and ignored. */
  readonly onRetry?: OnRetry;
  /** Random source for jitter, in [0, 1). Default `Math.random` (inject one in tests). */
  readonly random?: () => number;
}

/** Options of {@link jsonRpcTransport}. Every field is optional. */
export interface JsonRpcTransportOptions {
  /** Appended to the user-agent as `; <userAgent>`, e.g. `my-pipeline 2.1`. */
  readonly userAgent?: string;
  /** Send `locale: auto` so schema reads return localised display names. Default `false`. */
  readonly localized?: boolean;
  /** Limit for one HTTP attempt of an RPC, in ms. Default 120 000. */
  readonly timeoutMs?: number;
  /** Limit for a whole RPC including retries and backoff, in ms. Default 300 000. */
  readonly deadlineMs?: number;
  /** Limit for one attempt of a plain HTTP exchange (`http()`: uploads, downloads), in ms. Default 600 000. */
  readonly transferTimeoutMs?: number;
  /** Limit for a whole plain HTTP exchange including retries, in ms. Default 1 800 000. */
  readonly transferDeadlineMs?: number;
  /** The retry policy, or `false` to never retry. */
  readonly retry?: RetryOptions | false;
  /** A fetch function used for every request (proxies, custom CA, instrumentation). Default `globalThis.fetch`. */
  readonly fetch?: FetchFunction;
  /** An undici `Dispatcher` (e.g. `new ProxyAgent(url)` or `new Agent({ connect: { ca } })`) passed to fetch as `dispatcher`. */
  readonly dispatcher?: object;
  /** How many redirects `http()` follows for GET downloads. Default 5. */
  readonly maxRedirects?: number;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  readonly userAgentSuffix: string | undefined;
  readonly localized: boolean;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly transferTimeoutMs: number;
  readonly transferDeadlineMs: number;
  readonly policy: RetryPolicy;
  readonly budget: Required<RetryBudgetOptions> | false;
  readonly onRetry: OnRetry | undefined;
  readonly random: () => number;
  readonly fetch: FetchFunction | undefined;
  readonly dispatcher: object | undefined;
  readonly maxRedirects: number;
}

function fail(path: (string | number)[], expected: string, value: unknown): never {
  throw new SgValidationError(PREFIX, { path, expected, received: describeValue(value) });
}

/** Validate a positive duration in ms (finite, > 0). */
export function checkMs(value: unknown, path: (string | number)[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(path, "a positive number of milliseconds", value);
  return value;
}

function checkNonNegative(value: unknown, path: (string | number)[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) fail(path, "a number ≥ 0", value);
  return value;
}

/** Validate a whole number ≥ `min`. */
export function checkInt(value: unknown, path: (string | number)[], min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) fail(path, `an integer ≥ ${min}`, value);
  return value;
}

function checkBool(value: unknown, path: (string | number)[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") fail(path, "true or false", value);
  return value;
}

function checkFn<F>(value: unknown, path: (string | number)[]): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") fail(path, "a function", value);
  return value as F;
}

/** Validate the factory options synchronously; throws {@link SgValidationError} naming the bad field. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined) input = {};
  if (input === null || typeof input !== "object" || Array.isArray(input)) fail(["options"], "an options object (or nothing)", input);
  const o = input as Record<string, unknown>;
  const known = new Set(["userAgent", "localized", "timeoutMs", "deadlineMs", "transferTimeoutMs", "transferDeadlineMs", "retry", "fetch", "dispatcher", "maxRedirects"]);
  for (const key of Object.keys(o)) {
    if (!known.has(key)) fail([key], `one of the options ${[...known].join(", ")}`, `an unknown option '${key}'`);
  }
  if (o["userAgent"] !== undefined && (typeof o["userAgent"] !== "string" || /[\r\n]/.test(o["userAgent"]))) fail(["userAgent"], "a one-line string", o["userAgent"]);
  if (o["dispatcher"] !== undefined && (o["dispatcher"] === null || typeof o["dispatcher"] !== "object")) {
    fail(["dispatcher"], "an undici Dispatcher (e.g. new Agent() or new ProxyAgent())", o["dispatcher"]);
  }
  let policy: RetryPolicy = DEFAULT_RETRY_POLICY;
  let budget: Required<RetryBudgetOptions> | false = DEFAULT_RETRY_BUDGET;
  let onRetry: OnRetry | undefined;
  let random: () => number = Math.random;
  const retry = o["retry"];
  if (retry === false) {
    policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };
  } else if (retry !== undefined) {
    if (retry === null || typeof retry !== "object" || Array.isArray(retry)) fail(["retry"], "retry options or false", retry);
    const r = retry as Record<string, unknown>;
    const jitter = r["jitter"];
    if (jitter !== undefined && jitter !== "none" && jitter !== "full" && jitter !== "equal") fail(["retry", "jitter"], "'none', 'full' or 'equal'", jitter);
    policy = {
      maxAttempts: checkInt(r["maxAttempts"], ["retry", "maxAttempts"], 1) ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: checkNonNegative(r["baseDelayMs"], ["retry", "baseDelayMs"]) ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: checkNonNegative(r["maxDelayMs"], ["retry", "maxDelayMs"]) ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      jitter: (jitter as JitterMode | undefined) ?? DEFAULT_RETRY_POLICY.jitter,
      maxRetryAfterMs: checkNonNegative(r["maxRetryAfterMs"], ["retry", "maxRetryAfterMs"]) ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
      retryWrites: checkBool(r["retryWrites"], ["retry", "retryWrites"]) ?? DEFAULT_RETRY_POLICY.retryWrites,
    };
    onRetry = checkFn<OnRetry>(r["onRetry"], ["retry", "onRetry"]);
    random = checkFn<() => number>(r["random"], ["retry", "random"]) ?? Math.random;
    const b = r["budget"];
    if (b === false) budget = false;
    else if (b !== undefined) {
      if (b === null || typeof b !== "object") fail(["retry", "budget"], "budget options or false", b);
      const bb = b as Record<string, unknown>;
      budget = {
        capacity: checkNonNegative(bb["capacity"], ["retry", "budget", "capacity"]) ?? DEFAULT_RETRY_BUDGET.capacity,
        retryCost: checkNonNegative(bb["retryCost"], ["retry", "budget", "retryCost"]) ?? DEFAULT_RETRY_BUDGET.retryCost,
        timeoutRetryCost: checkNonNegative(bb["timeoutRetryCost"], ["retry", "budget", "timeoutRetryCost"]) ?? DEFAULT_RETRY_BUDGET.timeoutRetryCost,
        successRefill: checkNonNegative(bb["successRefill"], ["retry", "budget", "successRefill"]) ?? DEFAULT_RETRY_BUDGET.successRefill,
      };
    }
  }
  return {
    userAgentSuffix: (o["userAgent"] as string | undefined) || undefined,
    localized: checkBool(o["localized"], ["localized"]) ?? false,
    timeoutMs: checkMs(o["timeoutMs"], ["timeoutMs"]) ?? 120_000,
    deadlineMs: checkMs(o["deadlineMs"], ["deadlineMs"]) ?? 300_000,
    transferTimeoutMs: checkMs(o["transferTimeoutMs"], ["transferTimeoutMs"]) ?? 600_000,
    transferDeadlineMs: checkMs(o["transferDeadlineMs"], ["transferDeadlineMs"]) ?? 1_800_000,
    policy,
    budget,
    onRetry,
    random,
    fetch: checkFn<FetchFunction>(o["fetch"], ["fetch"]),
    dispatcher: o["dispatcher"] as object | undefined,
    maxRedirects: checkInt(o["maxRedirects"], ["maxRedirects"], 0) ?? 5,
  };
}

/** Apply a per-call override (`retry: false` or `{maxAttempts, retryWrites}`) to the transport's policy. */
export function policyForCall(base: RetryPolicy, override: unknown, method: string): RetryPolicy {
  if (override === undefined) return base;
  if (override === false) return { ...base, maxAttempts: 1 };
  if (override === null || typeof override !== "object") {
    throw new SgValidationError(PREFIX, { path: ["retry"], expected: "retry override options or false", received: describeValue(override), method });
  }
  const r = override as Record<string, unknown>;
  return {
    ...base,
    maxAttempts: checkInt(r["maxAttempts"], ["retry", "maxAttempts"], 1) ?? base.maxAttempts,
    retryWrites: checkBool(r["retryWrites"], ["retry", "retryWrites"]) ?? base.retryWrites,
  };
}
