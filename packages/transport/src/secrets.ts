import { secretsOf } from "@sg/core";
import type { Credentials, Site } from "@sg/core";

/** Every secret value a call could leak: the credentials' secrets and the site's basic-auth password and header value. */
export function callSecrets(credentials: Credentials | undefined, site: Site): string[] {
  const out = secretsOf(credentials);
  if (site.basicAuthSecret) out.push(site.basicAuthSecret);
  if (site.basicAuth) {
    const b64 = site.basicAuth.replace(/^Basic\s+/i, "");
    if (b64) out.push(b64);
  }
  return out;
}
