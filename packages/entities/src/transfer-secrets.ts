/**
 * The secrets an upload's or download's answer may echo, in one list: every error of a transfer that quotes the site
 * (its message, `serverMessage`, `reply`) is scrubbed with it.
 *
 * @packageDocumentation
 */
import { secretsOf, targetSecrets, type Credentials, type Site } from "@sg/core";

/**
 * Every secret a transfer sent: those of each of the `sent` credentials (`secretsOf`: the script key, the password and
 * 2FA code, the session token, secret-named `extra` params) and the site URL's Basic auth, which the transport adds
 * to every request on the site (its password, and its header value as base64); with a `target` (a signed download
 * or storage link), its query's values too (`targetSecrets`): a proxy's or storage's error page may quote the link.
 */
export function transferSecrets(site: Site, sent: readonly (Credentials | undefined)[] = [], target?: string | URL): string[] {
  const secrets = [...sent.flatMap(secretsOf), ...targetSecrets(target)];
  const { basicAuth, basicAuthSecret } = site;
  if (basicAuthSecret) secrets.push(basicAuthSecret);
  if (basicAuth) secrets.push(basicAuth.replace(/^Basic\s+/i, ""));
  return secrets;
}
