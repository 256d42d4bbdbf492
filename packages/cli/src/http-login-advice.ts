/**
 * What to do about an HTTP 401, in the command line's words. The site's API refuses a script key, a login or a
 * session with a fault in its answer, not with a 401: a 401 comes from something in front of it (a basic-auth gate,
 * a reverse proxy) that wants an HTTP login, which `sg` sends when the site URL carries one (`user:password@` before
 * the host). The transport's hint asks for that login in the URL whether or not it is there already; this one says
 * which case it is, and never shows the login.
 *
 * @packageDocumentation
 */
import { SgHttpError } from "@sg/core";
import type { ResolvedConnection } from "./connection.js";

/** The hint for an HTTP 401, or undefined for any other error (or no connection) to keep its own. */
export function httpLoginAdvice(error: unknown, connection: Pick<ResolvedConnection, "siteSource" | "connectUrl"> | undefined): string | undefined {
  if (!(error instanceof SgHttpError) || error.status !== 401 || !connection) return undefined;
  // No example URL with a login in it: every message is scrubbed of `scheme://…@`, which would leave "[REDACTED]".
  const where = `${connection.siteSource} (as user:password@ before the host)`;
  const what = "A gate in front of the site (a basic-auth login or a reverse proxy; the ShotGrid API itself refuses credentials with a fault, not with HTTP 401)";
  return connection.connectUrl === undefined
    ? `${what} asked for a login. If the site is behind one, give its user name and password in ${where}.`
    : `${what} refused the user name and password given in ${where}. Check them (sg does not show them), or ask whoever runs the gate.`;
}
