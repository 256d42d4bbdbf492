/**
 * Protocol-neutral description of who is calling. An auth strategy produces these; a transport decides how
 * they are spoken on the wire (the JSON-RPC transport puts them in `params[0]`, a REST codec would trade
 * them for a bearer token).
 *
 * An optional field set to `undefined` means the same as a field left out (`{ sudoAsLogin: undefined }` is no
 * sudo): strategies may pass an optional value through as it is, and a transport must read `undefined` as absent,
 * as it must anyway for a field that is not there (`@sg/transport` does).
 *
 * @packageDocumentation
 */

import { isSecretKey } from "./redact.js";

/** Fields that any kind of credentials may carry. */
export interface CredentialOptions {
  /** Act with the permissions of this HumanUser login (`sudo_as_login`). */
  readonly sudoAsLogin?: string | undefined;
  /**
   * Browser-session UUID attached to the event log entries the call creates (`session_uuid`). A
   * `sessionUuid` call option (or client default) replaces it; apps set it there rather than here.
   */
  readonly sessionUuid?: string | undefined;
  /**
   * Extra auth parameters merged last, e.g. `{ product: "rv" }` for tokens minted by another product. An entry whose
   * name says it is a secret (its last word is `token`, `key`, `secret`, `password`, …: see `isSecretKey`, e.g.
   * `api_token`, `vaultToken`) is scrubbed from errors and logs like `scriptKey`; name a secret so, or it is shown.
   */
  readonly extra?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** A script (ApiUser) authenticating with its name and application key. */
export interface ScriptCredentials extends CredentialOptions {
  /** Discriminant. */
  readonly kind: "script";
  /** The script name shown under Admin → Scripts. */
  readonly scriptName: string;
  /** The script's application key. Secret. */
  readonly scriptKey: string;
}

/** A person authenticating with a (legacy) login and passphrase, plus an optional one-time 2FA code. */
export interface UserCredentials extends CredentialOptions {
  /** Discriminant. */
  readonly kind: "user";
  /** The ShotGrid login (the "legacy login" on Autodesk Identity sites). */
  readonly login: string;
  /** The password or, on Identity sites, the legacy passphrase. Secret. */
  readonly password: string;
  /** One-time two-factor code (`auth_token` on the wire). Secret. */
  readonly authToken?: string | undefined;
}

/** A session token obtained anywhere: `get_session_token`, a browser's `_session_id`, an SSO login. */
export interface SessionCredentials extends CredentialOptions {
  /** Discriminant. */
  readonly kind: "session";
  /** The session token. Secret. */
  readonly sessionToken: string;
  /** Ask the site to refuse an expired session instead of answering anonymously. Defaults to `true`. */
  readonly rejectIfExpired?: boolean | undefined;
}

/** Who is calling: one of the three kinds of credentials a ShotGrid site understands. */
export type Credentials = ScriptCredentials | UserCredentials | SessionCredentials;

/**
 * The secret values a set of credentials carries, for scrubbing them out of outside text (the site's words,
 * causes): `scriptKey`, `password`, `authToken`, `sessionToken`, and the `extra` entries whose names
 * {@link isSecretKey} takes for a secret's (strings and numbers). A secret equal to one of the credentials' public names (login, script name, sudo login) is left out:
 * messages show those names, so scrubbing it would show which name the secret is.
 */
export function secretsOf(credentials: Credentials | undefined): string[] {
  if (!credentials) return [];
  const c = credentials as unknown as Partial<Record<string, unknown>>;
  const shown = [c["login"], c["scriptName"], c["sudoAsLogin"]];
  const secrets = [c["scriptKey"], c["password"], c["authToken"], c["sessionToken"]];
  // The extra auth params whose names say they are secrets (`api_token`, `vault_token`: see isSecretKey).
  for (const [key, value] of Object.entries((c["extra"] ?? {}) as object)) if (isSecretKey(key)) secrets.push(typeof value === "number" ? `${value}` : value);
  return secrets.filter((s): s is string => typeof s === "string" && s !== "" && !shown.includes(s));
}

/** A one-line description of credentials that is safe to log: kind and public identity only. */
export function describeCredentials(credentials: Credentials | undefined): string {
  if (!credentials) return "no credentials";
  const sudo = credentials.sudoAsLogin ? ` (sudo as ${credentials.sudoAsLogin})` : "";
  switch (credentials.kind) {
    case "script":
      return `script '${credentials.scriptName}'${sudo}`;
    case "user":
      return `user '${credentials.login}'${credentials.authToken ? " with a 2FA code" : ""}${sudo}`;
    case "session":
      return `session token ending '${lastFour(credentials.sessionToken)}'${sudo}`;
  }
}

function lastFour(token: string): string {
  return token.length > 8 ? token.slice(-4) : "****";
}
