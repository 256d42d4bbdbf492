/** Options of the per-transport retry budget (a token bucket). */
export interface RetryBudgetOptions {
  /** Tokens in a full bucket. Default 500. */
  readonly capacity?: number | undefined;
  /** Tokens one retry after an HTTP status (502, 503, 504, 429, a listed status) costs. Default 5. */
  readonly retryCost?: number | undefined;
  /**
   * Tokens one retry after a network failure or a timeout costs: a refused connection, a failed DNS lookup, a reset
   * or dropped connection, an attempt timeout. Default 10.
   */
  readonly timeoutRetryCost?: number | undefined;
  /** Tokens a call that succeeded at its first attempt puts back. Default 1. */
  readonly successRefill?: number | undefined;
}

/** A token bucket shared by every call of one transport: retries spend tokens, successes refill them. */
export interface RetryBudget {
  /** Take the tokens for one retry; `undefined` when the bucket cannot pay (then do not retry). */
  acquire(expensive: boolean): number | undefined;
  /** Report a successful call, with the tokens its retries spent (refunded) — or 0 for a first-try success. */
  recordSuccess(spent: number): void;
  /** Put back tokens taken by {@link RetryBudget.acquire} for a retry that was then not made. */
  refund(tokens: number): void;
  /** Tokens left. */
  available(): number;
}

/** Defaults of {@link RetryBudgetOptions} (each a number, also where exactOptionalPropertyTypes keeps an option's `| undefined`). */
export const DEFAULT_RETRY_BUDGET: Readonly<Record<keyof RetryBudgetOptions, number>> = Object.freeze({
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  successRefill: 1,
});

/** Create a retry budget. With the defaults, an outage allows about 100 retries before calls fail fast. */
export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  // An option set to undefined takes its default, as one left out does (a spread would copy the undefined).
  const o = { ...DEFAULT_RETRY_BUDGET };
  for (const key of Object.keys(o) as (keyof RetryBudgetOptions)[]) o[key] = options[key] ?? o[key];
  let tokens = o.capacity;
  return {
    acquire(expensive: boolean): number | undefined {
      const cost = expensive ? o.timeoutRetryCost : o.retryCost;
      if (tokens < cost) return undefined;
      tokens -= cost;
      return cost;
    },
    recordSuccess(spent: number): void {
      tokens = Math.min(o.capacity, tokens + (spent > 0 ? spent : o.successRefill));
    },
    refund(n: number): void {
      tokens = Math.min(o.capacity, tokens + n);
    },
    available(): number {
      return tokens;
    },
  };
}

/** A budget that never runs out (`retry: { budget: false }`). */
export const UNLIMITED_RETRY_BUDGET: RetryBudget = Object.freeze({
  acquire: (): number => 0,
  recordSuccess: (): void => {},
  refund: (): void => {},
  available: (): number => Number.POSITIVE_INFINITY,
});
