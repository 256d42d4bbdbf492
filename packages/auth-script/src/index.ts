/**
 * Script (ApiUser) authentication for `@sg/*`: script name + application key, optionally acting as a person
 * with `sudo_as_login`, and errors that say what to do when the site refuses.
 *
 * @packageDocumentation
 */
export { scriptAuth } from "./script-auth.js";
export { validateScriptOptions, MIN_KEY_LENGTH } from "./options.js";
export type { ScriptAuthOptions } from "./options.js";
export { ScriptErrorCode, SgScriptActivationError, SgScriptAuthError } from "./script-errors.js";
export type { ScriptErrorCodeValue } from "./script-errors.js";
export { explainScriptFault, scriptAuthHint, withScriptHints } from "./explain.js";
export type { ScriptFaultContext } from "./explain.js";
