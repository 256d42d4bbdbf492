import { SgValidationError, describeValue, checkOptionsObject } from "@sg/core";
import { PACKAGE } from "./session-errors.js";

/** What {@link SessionAuthOptions.refresh} is given. */
export interface RefreshRequest {
  /**
   * Aborts when every client waiting for this refresh has been closed (`sg.close()`): stop then, e.g. pass it to
   * {@link browserLogin}. A token returned after that is not used, and the next refusal calls `refresh` again.
   */
  readonly signal: AbortSignal;
}

/** Options of {@link sessionAuth}. */
export interface SessionAuthOptions {
  /** The session token: from `get_session_token`, a browser's `_session_id` cookie, an SSO login, or {@link browserLogin}. Secret. */
  readonly sessionToken: string;
  /**
   * Get a new token when the site refuses the current one (expired or revoked). Called once per refusal,
   * shared by every call refused together; after it failed, not again before `retryFailedRefreshAfterMs`.
   * Without it, a refusal is an {@link SgSessionError} `SG_SESSION_EXPIRED`. It may return the token or a
   * Promise of it; to report a failure, throw (anything but a token, `undefined` included, is a failed refresh).
   * It must return a session of the site this strategy is used with. Its `signal` aborts when every client
   * waiting for it has been closed.
   */
  readonly refresh?: ((request: RefreshRequest) => string | PromiseLike<string>) | undefined;
  /** Called with each new token `refresh` returned, e.g. to store it. Awaited; a failure is logged, not thrown. */
  readonly onToken?: ((token: string) => void | Promise<void>) | undefined;
  /**
   * How long, in milliseconds, to fail refused calls at once after `refresh` failed (threw, or returned no new
   * token), without calling it again: a `refresh` that is a password login then cannot trip an account lockout,
   * nor one that is {@link browserLogin} open an approval page for every call. Then one new refresh is tried.
   * Time comes from the client's `clock`. Default `60000`; `0` calls `refresh` at every refusal; `Infinity`
   * never calls it again after a failure.
   */
  readonly retryFailedRefreshAfterMs?: number | undefined;
  /**
   * Act with the permissions of this HumanUser login (`sudo_as_login`), sent with every call, also after a
   * refresh. The session's user must have a permission role that allows 'sudo' (an admin's does), and the
   * target must be active and allow being impersonated.
   */
  readonly sudoAsLogin?: string | undefined;
}

/** {@link SessionAuthOptions} after validation, with the defaults filled in. */
export interface ValidSessionAuthOptions extends SessionAuthOptions {
  /** {@link SessionAuthOptions.retryFailedRefreshAfterMs}, `60000` unless given. */
  readonly retryFailedRefreshAfterMs: number;
}

const KNOWN = new Set(["sessionToken", "refresh", "onToken", "retryFailedRefreshAfterMs", "sudoAsLogin"]);
const ALIASES: Readonly<Record<string, string>> = {
  session_token: "sessionToken",
  token: "sessionToken",
  session: "sessionToken",
  sessionId: "sessionToken",
  session_id: "sessionToken",
  _session_id: "sessionToken",
  sudo_as_login: "sudoAsLogin",
  sudo: "sudoAsLogin",
};

/** Check a session token; `path` names it in the error. Never echoes it. */
export function checkToken(token: unknown, path: string, hint?: string): string {
  if (typeof token !== "string" || token === "") {
    throw new SgValidationError(PACKAGE, {
      path: [path],
      expected: "a session token (a non-empty string)",
      received: describeValue(token, true),
      ...(hint ? { hint } : {}),
    });
  }
  if (/^\s*_session_id\s*=/.test(token)) {
    throw new SgValidationError(PACKAGE, {
      path: [path],
      expected: "the value of the _session_id cookie, without the name",
      received: "a string starting with '_session_id='",
      hint: "Pass only what follows '_session_id=' (and stop at the next ';').",
      secrets: [token],
    });
  }
  if (/\s|;/.test(token)) {
    throw new SgValidationError(PACKAGE, {
      path: [path],
      expected: "a token without spaces, line breaks or ';'",
      received: `a string of ${token.length} characters containing whitespace or ';'`,
      hint: "The token was probably copied with surrounding text or a trailing newline; trim it.",
      secrets: [token],
    });
  }
  return token;
}

/**
 * Validate {@link SessionAuthOptions} synchronously and fill in the defaults. Throws {@link SgValidationError};
 * never echoes the token.
 */
export function validateSessionOptions(options: unknown): ValidSessionAuthOptions {
  const o = checkOptionsObject(PACKAGE, options, { factory: "sessionAuth", expected: "an object { sessionToken, refresh?, onToken?, retryFailedRefreshAfterMs?, sudoAsLogin? }", known: [...KNOWN], aliases: ALIASES, secret: ["sessionToken"] });
  const sessionToken = checkToken(o["sessionToken"], "sessionToken", "Get one with browserLogin() from this package, `sg login`, or a logged-in browser's _session_id cookie.");
  for (const name of ["refresh", "onToken"] as const) {
    if (o[name] !== undefined && typeof o[name] !== "function") {
      throw new SgValidationError(PACKAGE, { path: [name], expected: "a function, or undefined", received: describeValue(o[name], typeof o[name] === "string") });
    }
  }
  const retry = o["retryFailedRefreshAfterMs"];
  if (retry !== undefined && !(typeof retry === "number" && retry >= 0 && (Number.isSafeInteger(retry) || retry === Infinity))) {
    throw new SgValidationError(PACKAGE, { path: ["retryFailedRefreshAfterMs"], expected: "whole milliseconds >= 0 (0 = off), or Infinity", received: describeValue(retry) });
  }
  const sudoAsLogin = o["sudoAsLogin"];
  if (sudoAsLogin !== undefined && (typeof sudoAsLogin !== "string" || sudoAsLogin.trim() === "" || sudoAsLogin !== sudoAsLogin.trim())) {
    throw new SgValidationError(PACKAGE, { path: ["sudoAsLogin"], expected: "a HumanUser login (a non-empty string without surrounding spaces), or undefined", received: describeValue(sudoAsLogin) });
  }
  return Object.freeze({
    sessionToken,
    ...(sudoAsLogin === undefined ? {} : { sudoAsLogin }),
    retryFailedRefreshAfterMs: retry ?? 60_000,
    ...(o["refresh"] ? { refresh: o["refresh"] as (request: RefreshRequest) => string | PromiseLike<string> } : {}),
    ...(o["onToken"] ? { onToken: o["onToken"] as (token: string) => void | Promise<void> } : {}),
  });
}
