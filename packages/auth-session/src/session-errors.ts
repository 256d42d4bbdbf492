import { SgAuthError, SgError } from "@sg/core";
import type { FaultDetails, SgErrorOptions } from "@sg/core";

/** The package name, used as the prefix of every message this package writes. */
export const PACKAGE = "@sg/auth-session";

/** {@link SessionErrorCode}`.EXPIRED`, on its own so that a bundle with `sessionAuth` leaves out the browser login's codes. */
export const EXPIRED = "SG_SESSION_EXPIRED";
/** {@link SessionErrorCode}`.REFRESH_FAILED`, on its own like {@link EXPIRED}. */
export const REFRESH_FAILED = "SG_SESSION_REFRESH_FAILED";

/**
 * The code of @sg/transport's `SSO_SESSION_EXPIRED`: the API answered with a redirect to the site's SAML login (the
 * SSO session has expired). A literal, since an auth package imports only @sg/core.
 */
export const SSO_SESSION_EXPIRED = "SG_SSO_SESSION_EXPIRED";

/** `sudoAsLogin` names an inactive HumanUser (fault 102, "Cannot 'sudo' - inactive user account"). */
export const SUDO_INACTIVE_USER = "SG_SESSION_SUDO_INACTIVE_USER";
/** `sudoAsLogin` names no HumanUser, or a retired one (fault 102). */
export const SUDO_UNKNOWN_USER = "SG_SESSION_SUDO_UNKNOWN_USER";
/** The `sudoAsLogin` target has `can_impersonate_this_user` turned off (fault 102). */
export const SUDO_NOT_ALLOWED = "SG_SESSION_SUDO_NOT_ALLOWED";
/** The session's user has a permission role that does not allow 'sudo' (a permission fault). */
export const SUDO_FORBIDDEN = "SG_SESSION_SUDO_FORBIDDEN";

/** The stable `code` of every diagnostic this package produces. */
export const SessionErrorCode = {
  /**
   * The session token was refused (expired or revoked) and there is no `refresh` to get another. Also when the
   * site redirected the call to its SSO (SAML) login: then the message says the SSO session has expired, the hint
   * says to log in again in the browser, and the `cause` is @sg/transport's `SG_SSO_SESSION_EXPIRED` error. It is
   * this code rather than that one, since what to do is the same: get a new session token.
   */
  EXPIRED: EXPIRED as typeof EXPIRED,
  /**
   * `refresh()` threw or returned something that is not a new token; or, in the `retryFailedRefreshAfterMs`
   * cool-down after that, the token was refused again and `refresh()` was not called.
   */
  REFRESH_FAILED: REFRESH_FAILED as typeof REFRESH_FAILED,
  /** {@link SUDO_INACTIVE_USER}. */
  SUDO_INACTIVE_USER: SUDO_INACTIVE_USER as typeof SUDO_INACTIVE_USER,
  /** {@link SUDO_UNKNOWN_USER}. */
  SUDO_UNKNOWN_USER: SUDO_UNKNOWN_USER as typeof SUDO_UNKNOWN_USER,
  /** {@link SUDO_NOT_ALLOWED}. */
  SUDO_NOT_ALLOWED: SUDO_NOT_ALLOWED as typeof SUDO_NOT_ALLOWED,
  /** {@link SUDO_FORBIDDEN}: only through {@link explainSudoFault} or {@link withSudoHints}. */
  SUDO_FORBIDDEN: SUDO_FORBIDDEN as typeof SUDO_FORBIDDEN,
  /** browserLogin: the person denied the request, or it expired (about 5 minutes) — the site cannot tell which. */
  BROWSER_LOGIN_REJECTED: "SG_BROWSER_LOGIN_REJECTED",
  /** browserLogin: the site does not offer browser approval (HTTP 403, or `authentication_app_session_launcher_enabled: false`). */
  BROWSER_LOGIN_NOT_ENABLED: "SG_BROWSER_LOGIN_NOT_ENABLED",
  /** browserLogin: nobody approved within `timeoutMs`. */
  BROWSER_LOGIN_TIMEOUT: "SG_BROWSER_LOGIN_TIMEOUT",
  /** browserLogin: the site answered in an unexpected way, or could not be reached. */
  BROWSER_LOGIN_FAILED: "SG_BROWSER_LOGIN_FAILED",
} as const;

/** One of the values of {@link SessionErrorCode}. */
export type SessionErrorCodeValue = (typeof SessionErrorCode)[keyof typeof SessionErrorCode];

/** The session was refused and could not be renewed. */
export class SgSessionError extends SgAuthError {
  /** Which failure this is. */
  declare readonly code: typeof EXPIRED | typeof REFRESH_FAILED;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails & { readonly code: typeof EXPIRED | typeof REFRESH_FAILED }) {
    super(message, options);
  }
}

/** Codes of {@link SgBrowserLoginError}. */
export type BrowserLoginErrorCode =
  | typeof SessionErrorCode.BROWSER_LOGIN_REJECTED
  | typeof SessionErrorCode.BROWSER_LOGIN_NOT_ENABLED
  | typeof SessionErrorCode.BROWSER_LOGIN_TIMEOUT
  | typeof SessionErrorCode.BROWSER_LOGIN_FAILED;

/** The browser login did not produce a session. `code` says why. */
export class SgBrowserLoginError extends SgError {
  /** Which failure this is. */
  declare readonly code: BrowserLoginErrorCode;
  /** HTTP status of the answer that ended the login, when there was one. */
  readonly status: number | undefined;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: SgErrorOptions & { readonly code: BrowserLoginErrorCode; readonly status?: number | undefined }) {
    super(message, options);
    this.status = options.status;
  }
}

/** How to get a new session token; shared by the expiry error and the README. */
export const NEW_TOKEN_HINT: string =
  "Get a new session token: browserLogin({ site, appName }) from @sg/auth-session (approve in the browser), " +
  "`sg login` on the command line, or copy the `_session_id` cookie of a browser tab logged in to the site. " +
  "Pass refresh: () => newToken() to sessionAuth to renew it automatically (and onToken to store it).";
