/**
 * What to do about a permission fault (104, "Permission denied: read Shot"), of a call or of an upload the site refused
 * with that code: the site's words say what was refused,
 * not whom, so the hint names who the command ran as — from the credentials `sg` was given, without asking the site —
 * and where a site admin grants it. A script's permissions are its API script record's permission group; a person's,
 * their permission role; with `--sudo-as`, the call ran with the permissions of the person acted as. Never a secret:
 * only names (the script name, a login) and where they came from.
 *
 * @packageDocumentation
 */
import { SgFault } from "@sg/core";
import { SgTransferError } from "@sg/entities";
import type { AuthChoice } from "./connection.js";

/** The site's fault code for a call refused by the caller's permissions. */
const PERMISSION_FAULT = 104;

/** Where a site admin sets a person's permission role. */
const PERSON_ROLE = "the Permission Role on their HumanUser (Admin → People)";

/**
 * The site's words of a permission fault (104), or undefined for any other error: a call's `SgFault`, or an upload step
 * the site refused with that code (`@sg/entities`' `SgTransferError`, whose `errorCode` is read from the reply's
 * `(error_code 104)` by that package), "" when the refusal gave no words.
 *
 * @param error - what the command threw.
 */
export function permissionFaultWords(error: unknown): string | undefined {
  if (error instanceof SgFault) return error.errorCode === PERMISSION_FAULT ? error.serverMessage : undefined;
  if (error instanceof SgTransferError) return error.errorCode === PERMISSION_FAULT ? (error.serverMessage ?? "") : undefined;
  return undefined;
}

/** The one logged in, as the credentials name them, and where that one's permissions are granted. */
interface Account {
  /** e.g. `the script 'nightly'`. */
  readonly name: string;
  /** Where the name came from, e.g. `from SG_SCRIPT_NAME`. */
  readonly from: string;
  /** e.g. `the permission group of its API script record (Admin → Scripts)`. */
  readonly where: string;
  /** Another way out, e.g. `use a script or login that has it`. */
  readonly otherwise: string;
}

/** The one logged in, from the credentials alone. */
function loggedIn(auth: Exclude<AuthChoice, { kind: "none" }>): Account {
  const person = { where: `that person's permission role, ${PERSON_ROLE}`, otherwise: "log in as someone who has it" };
  switch (auth.kind) {
    case "script":
      return {
        name: `the script '${auth.scriptName.value}'`,
        from: `from ${auth.scriptName.source}`,
        where: "the permission group of its API script record (Admin → Scripts)",
        otherwise: "use a script or login that has it",
      };
    case "user":
      return { name: `the login '${auth.login.value}'`, from: `from ${auth.login.source}`, ...person };
    case "session":
      return auth.stored
        ? { name: auth.login ? `'${auth.login}'` : "the person logged in", from: "the session saved by sg login", ...person }
        : { name: "the person of the session token", from: `from ${auth.sessionToken.source}; sg whoami names them`, ...person };
  }
}

/**
 * The hint for a plain permission fault (104), of a call or of an upload step: who the command ran as and where a site
 * admin grants the permission, or undefined for any other error (and with no credentials). A refusal of the right to
 * sudo is a 104 too; the caller keeps its own advice for it (`sudo-forbidden`) and asks this only for the others.
 *
 * @param error - what the command threw.
 * @param auth - the credentials the command ran with.
 */
export function permissionAdvice(error: unknown, auth: AuthChoice | undefined): string | undefined {
  if (permissionFaultWords(error) === undefined || !auth || auth.kind === "none") return undefined;
  const account = loggedIn(auth);
  if (auth.sudoAs) {
    const as = `'${auth.sudoAs.value}'`;
    return (
      `sg ran as ${account.name} (${account.from}) acting as ${as} (from ${auth.sudoAs.source}), so the call had the permissions of ${as}: ` +
      `a site admin grants them on the permission role of ${as}, ${PERSON_ROLE}; or act as someone who has them, or leave out ${auth.sudoAs.source} to use those of ${account.name}.`
    );
  }
  return `sg ran as ${account.name} (${account.from}): a site admin grants the permission on ${account.where}; or ${account.otherwise}.`;
}
