/**
 * The auth libraries' own diagnosis of an error, for the credentials `sg` ran with: some refusals reach the command
 * as the site's plain permission fault (a script role without sudo, the Identity rule that scripts may not activate
 * people), which the strategy never sees; the library's explainers give them their code and hint. Loaded with the
 * failure report and the doctor only.
 *
 * @packageDocumentation
 */
import { explainSudoFault as legacySudoFault } from "@sg/auth-legacy-pat";
import { explainScriptFault } from "@sg/auth-script";
import { explainSudoFault as sessionSudoFault } from "@sg/auth-session";
import type { AuthChoice } from "./connection.js";

/**
 * `error` as the library of `auth` explains it (an error with its own `code` and hint), or `error` itself when that
 * library has nothing to add. Never a secret: only the script name and the `--sudo-as` login are passed on.
 *
 * @param error - what the command threw.
 * @param auth - the credentials the command ran with.
 */
export function libraryDiagnosis(error: unknown, auth: AuthChoice): unknown {
  const sudoAsLogin = auth.kind === "none" ? undefined : auth.sudoAs?.value;
  switch (auth.kind) {
    case "script":
      return explainScriptFault(error, { scriptName: auth.scriptName.value, sudoAsLogin });
    case "user":
      return activation(error, sudoAsLogin) ?? (sudoAsLogin === undefined ? error : legacySudoFault(error, { sudoAsLogin }));
    case "session":
      return activation(error, sudoAsLogin) ?? (sudoAsLogin === undefined ? error : sessionSudoFault(error, { sudoAsLogin }));
    default:
      return error;
  }
}

/**
 * The Identity rule that only an admin's own legacy login with a valid PAT may activate a person, refused to a person
 * too (through `--sudo-as`, or with a session): @sg/auth-script recognises its fault (`SG_SCRIPT_CANNOT_ACTIVATE_USER`),
 * whoever made the call. Only that diagnosis is taken (its words speak of a script; the doctor gives its own).
 */
function activation(error: unknown, sudoAsLogin: string | undefined): unknown {
  const explained = explainScriptFault(error, { sudoAsLogin });
  return (explained as { code?: unknown }).code === "SG_SCRIPT_CANNOT_ACTIVATE_USER" ? explained : undefined;
}
