import type { Site } from "@sg/core";

/**
 * The site URL's Basic-auth password and header value (from `user:pass@` in it), which the transport sends with every
 * request to the site: secrets of every call, which the site's words in a refusal may echo.
 */
export function siteSecrets(site: Site): string[] {
  return [site.basicAuthSecret ?? "", site.basicAuth?.replace(/^Basic\s+/i, "") ?? ""];
}
