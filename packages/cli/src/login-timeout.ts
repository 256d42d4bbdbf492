/**
 * Whether a deadline ran out while `sg` was still logging in: the call was never sent, and the time may have gone
 * to a person at a prompt, so the site is not blamed for it.
 *
 * @packageDocumentation
 */
import { SgTimeoutError } from "@sg/core";

/**
 * The end of `@sg/core`'s reason for a call whose deadline passed while it waited for the auth strategy (a login,
 * a re-login after a refusal): `…: still waiting for credentials` or `…: still waiting for fresh credentials after a
 * refusal`. The error has no field that says so; this is the core's own sentence, never the site's.
 */
const WAITING_FOR_CREDENTIALS = /: still waiting for (?:fresh )?credentials\b[^:]*$/;

/**
 * Whether `error` is a deadline that passed before its call was sent, while the credentials (the login) were still
 * awaited.
 *
 * @param error - what the command threw.
 */
export function timedOutLoggingIn(error: unknown): error is SgTimeoutError {
  return error instanceof SgTimeoutError && error.scope === "deadline" && !error.maybeSent && WAITING_FOR_CREDENTIALS.test(error.reason);
}
