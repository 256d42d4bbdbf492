import { SgSessionError } from "./session-errors.js";

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A cool-down longer than this (about 31,700 years; `Infinity` too) shows no next attempt: it is never in
 * practice, and `at` plus `Number.MAX_SAFE_INTEGER` is past the last time a `Date` holds (`toISOString` throws).
 */
export const NEVER_MS = 1e15;

/**
 * The failed refresh `first` again, for a refused call during its cool-down, when `refresh()` is not called:
 * same class and `code`; the message says when it failed (`at`) and when the next attempt may go (`coolDown`
 * later, unless it is longer than {@link NEVER_MS}); `attempts` is empty (this error made no request of its own);
 * `cause` is `first`. Built only from `first`'s text, which was scrubbed of the token when it was made.
 */
export function failedEarlier(first: SgSessionError, at: number, coolDown: number): SgSessionError {
  return new SgSessionError(`${first.reason} (refresh() failed at ${iso(at)} and was not called again${coolDown > NEVER_MS ? "" : `; next attempt from ${iso(at + coolDown)}`})`, {
    code: first.code,
    hint: `${first.hint} After a failure this sessionAuth() holds refresh() back for retryFailedRefreshAfterMs; a new one tries at once.`,
    cause: first,
  });
}
