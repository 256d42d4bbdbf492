/** What `info` says about a site. Only `version` is guaranteed; other keys vary by site and release. */
export interface SiteInfo {
  /** `[major, minor, patch]`, optionally followed by `"Dev"`. */
  readonly version: readonly (number | string)[];
  /** `[major, minor, patch, hotfix]`. */
  readonly full_version?: readonly number[];
  /** `default`, `ldap`, `saml2` (SSO) or `oxygen` (Autodesk Identity). */
  readonly user_authentication_method?: string;
  /** The largest page `read` returns. */
  readonly api_max_entities_per_page?: number;
  /** Whether uploads go to cloud storage first. */
  readonly s3_direct_uploads_enabled?: boolean;
  /** Which upload fields go to cloud storage, per entity type. */
  readonly s3_enabled_upload_types?: Readonly<Record<string, string | readonly string[]>>;
  /** Anything else the site sends. */
  readonly [key: string]: unknown;
}

/** How people log in to a site, as far as API clients are concerned. */
export type SiteAuthKind = "default" | "ldap" | "sso" | "identity" | "unknown";

/** Classify `info.user_authentication_method`. */
export function siteAuthKind(info: SiteInfo | undefined): SiteAuthKind {
  const method = String(info?.user_authentication_method ?? "").toLowerCase();
  if (method === "default") return "default";
  if (method === "ldap") return "ldap";
  if (method === "saml2" || method === "saml" || method === "sso") return "sso";
  if (method === "oxygen" || method === "identity" || method === "autodesk_identity") return "identity";
  return "unknown";
}

/** The numeric `[major, minor, patch]` of a site, or undefined when it did not say. */
export function siteVersion(info: SiteInfo | undefined): [number, number, number] | undefined {
  const v = info?.version;
  if (!v || v.length < 3) return undefined;
  const [a, b, c] = v;
  return typeof a === "number" && typeof b === "number" && typeof c === "number" ? [a, b, c] : undefined;
}
