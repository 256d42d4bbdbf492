import { SgValidationError, describeValue } from "@sg/core";
import type { Credentials } from "@sg/core";
import { LIBRARY_NAME as PREFIX } from "./user-agent.js";

/** The auth params object of the api3 protocol (`params[0]`), as sent on the wire. */
export type AuthParams = Record<string, string | number | boolean>;


function requireString(value: unknown, path: string[], secret: boolean): string {
  if (typeof value !== "string" || value === "") {
    throw new SgValidationError(PREFIX, { path, expected: "a non-empty string", received: describeValue(value, secret) });
  }
  return value;
}

/**
 * Speak credentials as the api3 auth params object (rpc-protocol.md §1.4): `script_name`/`script_key`;
 * `user_login`/`user_password` (+ `auth_token`); `session_token` + `reject_if_expired` (default `true`); then
 * `session_uuid`, `sudo_as_login`, and the `extra` params merged last (they may override earlier keys).
 * Throws {@link SgValidationError} for malformed credentials without echoing secret values: a secret field of any type,
 * and credentials or `extra` that are not objects, are described by their type only.
 */
export function authParams(credentials: Credentials): AuthParams {
  if (!credentials || typeof credentials !== "object") {
    throw new SgValidationError(PREFIX, { path: ["credentials"], expected: "a Credentials object", received: describeValue(credentials, true) });
  }
  const out: AuthParams = {};
  switch (credentials.kind) {
    case "script":
      out["script_name"] = requireString(credentials.scriptName, ["credentials", "scriptName"], false);
      out["script_key"] = requireString(credentials.scriptKey, ["credentials", "scriptKey"], true);
      break;
    case "user":
      out["user_login"] = requireString(credentials.login, ["credentials", "login"], false);
      out["user_password"] = requireString(credentials.password, ["credentials", "password"], true);
      if (credentials.authToken !== undefined && credentials.authToken !== "") {
        out["auth_token"] = requireString(credentials.authToken, ["credentials", "authToken"], true);
      }
      break;
    case "session":
      out["session_token"] = requireString(credentials.sessionToken, ["credentials", "sessionToken"], true);
      out["reject_if_expired"] = credentials.rejectIfExpired ?? true;
      break;
    default:
      throw new SgValidationError(PREFIX, {
        path: ["credentials", "kind"],
        expected: "'script', 'user' or 'session'",
        received: describeValue((credentials as { kind?: unknown }).kind),
      });
  }
  if (credentials.sessionUuid) out["session_uuid"] = credentials.sessionUuid;
  if (credentials.sudoAsLogin) out["sudo_as_login"] = credentials.sudoAsLogin;
  if (credentials.extra) {
    if (typeof credentials.extra !== "object") {
      throw new SgValidationError(PREFIX, { path: ["credentials", "extra"], expected: "an object of extra auth params", received: describeValue(credentials.extra, true) });
    }
    for (const [k, v] of Object.entries(credentials.extra)) out[k] = v;
  }
  return out;
}
