import type { MethodKind } from "@sg/core";

/** How randomness is added to a backoff delay. */
export type JitterMode = "none" | "full" | "equal";

/** What one attempt ended with, as the retry policy sees it. */
export type AttemptOutcome =
  /** An HTTP answer with a status of 300 or more. */
  | { readonly type: "status"; readonly status: number; readonly retryAfterMs?: number | undefined }
  /** The request never left: connection refused, DNS failure, unreachable network, a proxy that could not reach the site. */
  | {
      readonly type: "not-sent";
      readonly code: string;
      /** The status a proxy refused with, when that was the failure (0: the proxy agent did not say). */
      readonly proxyStatus?: number | undefined;
    }
  /** The request may have reached the site: reset, socket hang-up, or the per-attempt timeout. */
  | { readonly type: "maybe-sent"; readonly code: string; readonly timeout?: boolean | undefined }
  /**
   * Never retried: TLS failures (a certificate, or a port that does not speak TLS), a port fetch refuses, a proxy
   * that wants a login or refused the site, faults, protocol errors.
   */
  | {
      readonly type: "fatal";
      readonly code: string;
      /** The status a proxy refused with, when that was the failure (0: the proxy agent did not say). */
      readonly proxyStatus?: number | undefined;
      /** `true` for a failed TLS handshake with an https:// proxy itself (not with the site). */
      readonly proxy?: true | undefined;
    };

/** The resolved policy for one call. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  /** First backoff step; the n-th retry waits `baseDelayMs × n`. */
  readonly baseDelayMs: number;
  /** Upper bound of one backoff delay. */
  readonly maxDelayMs: number;
  /** Jitter mode. */
  readonly jitter: JitterMode;
  /** A `Retry-After` longer than this is not waited for: the call fails instead. */
  readonly maxRetryAfterMs: number;
  /**
   * Whether writes are retried on 502/504, as the Python client does. Off by default: a gateway's 502 or 504 does
   * not prove that the site did not apply the write, so a retry may apply it twice.
   */
  readonly retryWrites: boolean;
  /** Extra statuses retried for reads only, like a 502 (from a per-call `retry.retryStatuses`); none by default. */
  readonly retryStatuses?: readonly number[] | undefined;
}

/** The decision for one failed attempt. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly reason: string }
  | {
      readonly retry: false;
      readonly reason: string;
      /**
       * `true` when a retry is withheld from a failure that is retried elsewhere: a write's (a read would be retried)
       * or a `Retry-After` over `maxRetryAfterMs`. Absent for a failure that is never retried, and when no attempts
       * are left.
       */
      readonly withheld?: true;
    };

/**
 * The default policy: 3 attempts, 750 ms × n, capped at 30 s, no jitter, `Retry-After` up to 30 s, writes not
 * retried on 502/504 (`retryWrites: true` retries them, as the Python client does, at the risk of a duplicate).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 750,
  maxDelayMs: 30_000,
  jitter: "none",
  maxRetryAfterMs: 30_000,
  retryWrites: false,
});

/**
 * The backoff before retry number `attempt` (1 after the first failure): incremental `baseDelayMs × attempt`,
 * capped at `maxDelayMs`, then jittered (`full`: uniform in [0, d]; `equal`: d/2 + uniform in [0, d/2]).
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "jitter">, random: () => number = Math.random): number {
  const d = Math.min(policy.baseDelayMs * attempt, policy.maxDelayMs);
  switch (policy.jitter) {
    case "full":
      return Math.round(random() * d);
    case "equal":
      return Math.round(d / 2 + random() * (d / 2));
    default:
      return d;
  }
}

/**
 * Decide whether attempt number `attempt` (1-based), which ended with `outcome`, is retried — the table of
 * architecture.md §4, except that writes are retried on 502/504 only with `retryWrites: true` (see the README):
 *
 * | outcome | read | write |
 * |---|---|---|
 * | 502 / 504 | retry | retry only with `retryWrites: true` |
 * | 429 | retry (Retry-After ≤ bound) | retry (Retry-After ≤ bound) |
 * | 503 | retry (Retry-After ≤ bound) | never |
 * | a status in `retryStatuses` (per call, e.g. 500) | retry (Retry-After ≤ bound) | never |
 * | never sent (refused, DNS; a proxy that could not reach the site: 502/503/504 to CONNECT) | retry | retry |
 * | maybe sent (reset, hang-up, attempt timeout) | retry | never |
 * | 500 and other statuses not listed, TLS, a proxy's other refusals (407, 403), faults, protocol errors | never | never |
 */
export function classify(outcome: AttemptOutcome, kind: MethodKind, attempt: number, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
  let retryable: boolean;
  let reason: string;
  let retryAfterMs: number | undefined;
  switch (outcome.type) {
    case "status": {
      const s = outcome.status;
      if (s === 502 || s === 504) {
        retryable = kind === "read" || policy.retryWrites;
        reason = retryable ? `HTTP ${s}` : `HTTP ${s} on a write with retryWrites off`;
      } else if (s === 429) {
        retryable = true;
        reason = "HTTP 429";
      } else if (s === 503 || policy.retryStatuses?.includes(s)) {
        // 503, and the statuses this call lists in retryStatuses: reads only, as a write may have landed.
        retryable = kind === "read";
        reason = `HTTP ${s}${s === 503 ? "" : " (in retryStatuses)"}${retryable ? "" : " on a write (never retried)"}`;
      } else {
        return { retry: false, reason: `HTTP ${s} is never retried` };
      }
      retryAfterMs = outcome.retryAfterMs;
      break;
    }
    case "not-sent":
      retryable = true;
      reason = `${outcome.code} (the request never left)`;
      break;
    case "maybe-sent":
      retryable = kind === "read";
      reason = retryable ? `${outcome.code} on a read` : `${outcome.code} after a write may have been sent (never retried)`;
      break;
    default:
      return { retry: false, reason: `${outcome.code} is never retried` };
  }
  // Only a write is refused here: every failure left is retried for a read.
  if (!retryable) return { retry: false, reason, withheld: true };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: `${reason}; no attempts left (${policy.maxAttempts} in total)` };
  // a Retry-After of 0 or a date past (a site clock behind) waits the backoff: an instant retry would hammer the site
  if ((retryAfterMs ?? 0) > 0) {
    if (retryAfterMs! > policy.maxRetryAfterMs) {
      return { retry: false, reason: `${reason} with Retry-After ${retryAfterMs} ms, above maxRetryAfterMs ${policy.maxRetryAfterMs}`, withheld: true };
    }
    return { retry: true, delayMs: retryAfterMs!, reason: `${reason}, Retry-After honoured` };
  }
  return { retry: true, delayMs: backoffDelay(attempt, policy, random), reason };
}
