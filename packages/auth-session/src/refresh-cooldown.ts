import { SgSessionError } from "./session-errors.js";

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The failed refresh `first` again, for a refused call during its cool-down, when `refresh()` is not called:
 * same class and `code`; the message says when it failed (`at`) and when the next attempt may go (`coolDown`
 * later); `attempts` is empty (this error made no request of its own); `cause` is `first`. Built only from
 * `first`'s text, which was scrubbed of the token when it was made.
 */
export function failedEarlier(first: SgSessionError, at: number, coolDown: number): SgSessionError {
  return new SgSessionError(`${first.reason} (refresh() failed at ${iso(at)} and was not called again${coolDown === Infinity ? "" : `; next attempt from ${iso(at + coolDown)}`})`, {
    code: first.code,
    hint: `${first.hint} After a failure this sessionAuth() holds refresh() back for retryFailedRefreshAfterMs; a new one tries at once.`,
    cause: first,
  });
}
