import { SgError } from "./errors.js";
import type { SgErrorOptions } from "./errors.js";

/**
 * A copy of `error` with `changes` made (a new hint, a cause, the secrets to scrub out of that cause): of the same
 * class, with the same own fields (`code`, `method`, `attempts`, `site`, a subclass's `status` or `errorCode`) and
 * the same `cause` unless changed, its `message` rebuilt from its `reason` and the hint. It is not made by its
 * class's constructor, which may take other arguments (a transport's or a custom fetch's own class); a subclass's
 * `#private` fields are not carried.
 *
 * For an error that is shared (one login's failure, which every caller waiting for that login receives) or was
 * handed out already, and that one caller must tell differently: change the copy, never the original.
 *
 * @param error - the error to copy; it is left unchanged.
 * @param changes - what differs in the copy: its `hint`, its `cause` (with the `secrets` to scrub out of that cause).
 *   The other fields (`code`, `method`, `attempts`, …) are the original's; set them on the copy after, if need be.
 * @returns the copy, an instance of `error`'s class.
 * @example
 * ```ts
 * // one failure handed to every caller of a shared login: this caller's write may have landed
 * const shared = new SgAuthError("The login failed.", { code: "SG_AUTH_FAILED" });
 * const mine = Object.assign(copyError(shared, { hint: MAYBE_APPLIED_HINT }), { maybeSent: true as const });
 * mine instanceof SgAuthError; // true, and `shared` is unchanged
 * ```
 */
export function copyError<E extends SgError>(error: E, changes: Pick<SgErrorOptions, "hint" | "cause" | "secrets"> = {}): E {
  const made = new SgError(error.reason, { ...error, cause: error.cause, ...changes });
  return Object.assign(Object.setPrototypeOf(made, Object.getPrototypeOf(error)) as E, error, { hint: made.hint });
}
