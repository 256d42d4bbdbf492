import { SgValidationError, describeValue, checkOptionsObject } from "@sg/core";
import { PACKAGE } from "./session-errors.js";

/** Options of {@link sessionAuth}. */
export interface SessionAuthOptions {
  /** The session token: from `get_session_token`, a browser's `_session_id` cookie, an SSO login, or {@link browserLogin}. Secret. */
  readonly sessionToken: string;
  /**
   * Get a new token when the site refuses the current one (expired or revoked). Called once per refusal,
   * shared by every call refused together. Without it, a refusal is an {@link SgSessionError} `SG_SESSION_EXPIRED`.
   */
  readonly refresh?: () => Promise<string>;
  /** Called with each new token `refresh` returned, e.g. to store it. Awaited; a failure is logged, not thrown. */
  readonly onToken?: (token: string) => void | Promise<void>;
}

const KNOWN = new Set(["sessionToken", "refresh", "onToken"]);
const ALIASES: Readonly<Record<string, string>> = {
  session_token: "sessionToken",
  token: "sessionToken",
  session: "sessionToken",
  sessionId: "sessionToken",
  session_id: "sessionToken",
  _session_id: "sessionToken",
};

/** Check a session token; `path` names it in the error. Never echoes it. */
export function checkToken(token: unknown, path: string, hint?: string): string {
  if (typeof token !== "string" || token === "") {
    throw new SgValidationError(PACKAGE, {
      path: [path],
      expected: "a session token (a non-empty string)",
      received: describeValue(token, typeof token === "string"),
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

/** Validate {@link SessionAuthOptions} synchronously. Throws {@link SgValidationError}; never echoes the token. */
export function validateSessionOptions(options: unknown): SessionAuthOptions {
  const o = checkOptionsObject(PACKAGE, options, { factory: "sessionAuth", expected: "an object { sessionToken, refresh?, onToken? }", known: [...KNOWN], aliases: ALIASES, secret: ["sessionToken"] });
  const sessionToken = checkToken(o["sessionToken"], "sessionToken", "Get one with browserLogin() from this package, `sg login`, or a logged-in browser's _session_id cookie.");
  for (const name of ["refresh", "onToken"] as const) {
    if (o[name] !== undefined && typeof o[name] !== "function") {
      throw new SgValidationError(PACKAGE, { path: [name], expected: "a function, or undefined", received: describeValue(o[name], typeof o[name] === "string") });
    }
  }
  return Object.freeze({
    sessionToken,
    ...(o["refresh"] ? { refresh: o["refresh"] as () => Promise<string> } : {}),
    ...(o["onToken"] ? { onToken: o["onToken"] as (token: string) => void | Promise<void> } : {}),
  });
}
