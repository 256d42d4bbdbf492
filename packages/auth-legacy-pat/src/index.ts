/**
 * Legacy login + passphrase authentication for `@sg/*` (on Autodesk Identity sites: a login with a Personal
 * Access Token bound to it), with two-factor codes, an immediate exchange for a session, single-flight
 * re-login, optional `sudoAsLogin`, and errors that say what to do.
 *
 * @packageDocumentation
 */
export { legacyLoginAuth } from "./legacy-login-auth.js";
export { validateLegacyOptions } from "./options.js";
export type { LegacyLoginOptions, TwoFactorPrompt, ValidLegacyLoginOptions } from "./options.js";
export { LegacyErrorCode, PAT_STEPS, SESSION_ROUTE } from "./login-errors.js";
export type { LegacyErrorCodeValue } from "./login-errors.js";
export { explainLoginError } from "./explain-login.js";
export type { LoginAttempt } from "./explain-login.js";
export { explainSudoFault, withSudoHints } from "./sudo.js";
export type { SudoContext } from "./sudo.js";
export { authenticateHumanUser } from "./authenticate-human-user.js";
export type { AuthenticatedHumanUser, HumanUserCredentials } from "./authenticate-human-user.js";
