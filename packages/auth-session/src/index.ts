/**
 * Session-token authentication for `@sg/*`: tokens from a browser, an SSO login or another tool, with a refresh
 * hook; and {@link browserLogin}, the password-free login by browser approval.
 *
 * @packageDocumentation
 */
export { sessionAuth } from "./session-auth.js";
export { validateSessionOptions } from "./session-options.js";
export type { RefreshRequest, SessionAuthOptions, ValidSessionAuthOptions } from "./session-options.js";
export { explainSudoFault, withSudoHints } from "./sudo.js";
export type { SudoContext } from "./sudo.js";
export { browserLogin } from "./browser-login.js";
export type { BrowserLoginOptions, BrowserLoginResult } from "./browser-login.js";
export { NEW_TOKEN_HINT, SessionErrorCode, SgBrowserLoginError, SgSessionError } from "./session-errors.js";
export type { BrowserLoginErrorCode, SessionErrorCodeValue } from "./session-errors.js";
