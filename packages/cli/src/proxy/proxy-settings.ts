/**
 * The proxy settings of `sg`: `--proxy` / `SG_PROXY` for every request, else the environment's `https_proxy` /
 * `HTTPS_PROXY` (https URLs) and `http_proxy` / `HTTP_PROXY` (http URLs), with `no_proxy` / `NO_PROXY` and
 * loopback hosts going direct. Pure: reads the given environment, never `process.env`.
 *
 * @packageDocumentation
 */
import { REDACTED } from "@sg/core";
import { notUtf8Env } from "../env-utf8.js";
import { UsageError } from "../exit-codes.js";
import { isLoopback, matchNoProxy, parseNoProxy, bareHost, type NoProxyEntry } from "./no-proxy.js";

/** A proxy to send requests through. Its credentials never show in its enumerable fields. */
export interface ProxyEndpoint {
  /** The proxy's origin without credentials, safe to print (`http://proxy.example.com:3128`). */
  readonly display: string;
  /** Where it came from: `--proxy`, `SG_PROXY`, `https_proxy`, `HTTPS_PROXY`, `http_proxy` or `HTTP_PROXY`. */
  readonly source: string;
  /** Whether the URL carried `user:password@` (sent as `Proxy-Authorization: Basic …`, never printed). */
  readonly hasCredentials: boolean;
  /** The `Proxy-Authorization` value for those credentials. Secret; not enumerable. */
  readonly authorization?: string;
  /** Every form of the credentials (as given, decoded, `user:password`, base64) to scrub from output. Not enumerable. */
  readonly secrets?: readonly string[];
}

/** Every proxy setting found, validated. */
export interface ProxySettings {
  /** `--proxy` or `SG_PROXY`: used for every request, loopback included; `NO_PROXY` does not apply to it. */
  readonly explicit: ProxyEndpoint | undefined;
  /** `https_proxy` / `HTTPS_PROXY`, for https URLs (when there is no explicit proxy). */
  readonly https: ProxyEndpoint | undefined;
  /** `http_proxy` / `HTTP_PROXY`, for plain http URLs (when there is no explicit proxy). */
  readonly http: ProxyEndpoint | undefined;
  /** `no_proxy` / `NO_PROXY` entries: hosts the environment's proxies are not used for. */
  readonly noProxy: readonly NoProxyEntry[];
  /** The variable the entries came from. */
  readonly noProxySource: string | undefined;
  /**
   * The environment's proxy variables (`https_proxy`, `http_proxy`, `no_proxy` and their upper-case forms) whose
   * bytes are not UTF-8, by what they are for: refused by {@link routeFor} only for a route that would use them, as
   * they are often set for other tools (a loopback site never uses them).
   */
  readonly unreadable: { readonly https?: string | undefined; readonly http?: string | undefined; readonly noProxy?: string | undefined };
}

/** How one URL is reached: through a proxy, or directly and why. */
export type ProxyRoute = { readonly via: ProxyEndpoint; readonly reason?: undefined } | { readonly via: undefined; readonly reason: string };

/**
 * The first non-empty variable of `names` (lower case first, as curl, Python and undici read them); one whose bytes
 * are not UTF-8 comes with `unreadable` and no value, for the caller to refuse where it is used.
 */
function firstSet(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): { value: string; source: string; unreadable?: true } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value.includes("\uFFFD") ? { value: "", source: name, unreadable: true } : { value, source: name };
  }
  return undefined;
}

/** The variable `found` came from when sg cannot read it (see `firstSet`). */
const unreadableSource = (found: ReturnType<typeof firstSet>): string | undefined => (found?.unreadable ? found.source : undefined);

/**
 * How to write a login in a proxy URL, for hints: the characters that end the login or the host (`#`, `/`, `?`),
 * split it (`:`) or start an escape (`%`) are percent-encoded; an `@` may stay (the last one ends the login).
 */
export const PROXY_LOGIN_ENCODING = "percent-encode #, /, ?, : and % in them as %23, %2F, %3F, %3A and %25; an @ may stay as it is";

/** The value with anything before an `@` hidden, for an error message. */
function shown(text: string): string {
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  return `${scheme}${REDACTED}@${text.slice(at + 1)}`;
}

/**
 * Parse one proxy URL: `http://host[:port]`, `https://host[:port]`, or the Python client's `http_proxy` form
 * `[user:pass@]host[:port]` (http, port 8080 when none is given), with optional `user:password@` (split at the
 * last `@`, so a password may hold one; percent-encoding is decoded). Anything else is a usage error naming
 * `source`, without the credentials.
 */
export function parseProxyUrl(raw: string, source: string): ProxyEndpoint {
  const text = raw.trim();
  const refuse = (why: string): UsageError =>
    new UsageError(`${source} must be an http:// or https:// proxy URL such as http://proxy.example.com:3128${why}, got '${shown(text)}'`, `A proxy login goes in the URL as user:password@ before the host (${PROXY_LOGIN_ENCODING}).`);
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `http://${text}`);
  } catch {
    throw refuse("");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(` (${url.protocol.slice(0, -1)} proxies are not supported)`);
  if (!url.hostname) throw refuse("");
  // Without a scheme the value is the Python client's http_proxy form, [user:pass@]host[:port], whose port is 8080.
  if (!hasScheme && url.port === "") url.port = "8080";
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) throw refuse(" (no path, query or fragment)");
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw refuse(" (its credentials are not valid percent-encoding)");
  }
  const endpoint: ProxyEndpoint = { display: `${url.protocol}//${url.host}`, source, hasCredentials: url.username !== "" || url.password !== "" };
  if (endpoint.hasCredentials) {
    const pair = `${user}:${password}`;
    const basic = Buffer.from(pair).toString("base64");
    const secrets = [text, pair, basic, `${url.username}:${url.password}`, password, url.password].filter((s) => s.length >= 3);
    Object.defineProperty(endpoint, "authorization", { value: `Basic ${basic}`, enumerable: false });
    Object.defineProperty(endpoint, "secrets", { value: secrets, enumerable: false });
  }
  return endpoint;
}

/**
 * Read the proxy settings: `flag` (`--proxy`), else `SG_PROXY`; else the environment's `https_proxy`/`HTTPS_PROXY`,
 * `http_proxy`/`HTTP_PROXY` and `no_proxy`/`NO_PROXY` (lower case wins when both are set; empty counts as unset).
 * With an explicit proxy the environment's proxy variables are not read (nor checked).
 *
 * @throws {@link UsageError} naming the flag or variable of a malformed proxy URL.
 */
export function readProxySettings(flag: unknown, env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const given = typeof flag === "string" ? { value: flag, source: "--proxy" } : firstSet(env, ["SG_PROXY"]);
  // sg's own variable is refused as a flag would be, wherever the site is
  if (given && unreadableSource(given)) throw notUtf8Env(given.source);
  if (given) return { explicit: parseProxyUrl(given.value, given.source), https: undefined, http: undefined, noProxy: [], noProxySource: undefined, unreadable: {} };
  const https = firstSet(env, ["https_proxy", "HTTPS_PROXY"]);
  const http = firstSet(env, ["http_proxy", "HTTP_PROXY"]);
  const noProxy = firstSet(env, ["no_proxy", "NO_PROXY"]);
  return {
    explicit: undefined,
    https: https && !https.unreadable ? parseProxyUrl(https.value, https.source) : undefined,
    http: http && !http.unreadable ? parseProxyUrl(http.value, http.source) : undefined,
    noProxy: noProxy && !noProxy.unreadable ? parseNoProxy(noProxy.value) : [],
    noProxySource: noProxy?.source,
    unreadable: { https: unreadableSource(https), http: unreadableSource(http), noProxy: unreadableSource(noProxy) },
  };
}

/** Whether any proxy is set at all (else requests go out as without this module). */
export function hasProxy(settings: ProxySettings): boolean {
  // an unreadable one too: routeFor refuses it for a route that would use it, rather than going direct unsaid
  return settings.explicit !== undefined || settings.https !== undefined || settings.http !== undefined || settings.unreadable.https !== undefined || settings.unreadable.http !== undefined;
}

/**
 * How `url` is reached under `settings`.
 *
 * @param refuse - the refusal of a proxy variable the route would use and `sg` cannot read (its bytes are not UTF-8),
 *   given its name: a usage error by default; the proxy dispatcher, which refuses inside a request, passes one that
 *   makes an `SgError` (`notUtf8Setting`).
 */
export function routeFor(settings: ProxySettings, url: URL, refuse: (name: string) => Error = notUtf8Env): ProxyRoute {
  if (settings.explicit) return { via: settings.explicit };
  const https = url.protocol === "https:";
  const env = https ? settings.https : settings.http;
  const unreadable = https ? settings.unreadable.https : settings.unreadable.http;
  if (unreadable && !isLoopback(url) && !(settings.unreadable.noProxy === undefined && matchNoProxy(settings.noProxy, url))) throw refuse(unreadable);
  if (!env) {
    const other = https ? settings.http : settings.https;
    return { via: undefined, reason: other ? `${other.source} is for ${https ? "http" : "https"}:// URLs only; ${https ? "HTTPS_PROXY" : "HTTP_PROXY"} is not set` : "no --proxy, SG_PROXY or HTTPS_PROXY/HTTP_PROXY set" };
  }
  if (isLoopback(url)) return { via: undefined, reason: `${bareHost(url)} is loopback, which ${env.source} is never used for` };
  if (settings.unreadable.noProxy) throw refuse(settings.unreadable.noProxy);
  const entry = matchNoProxy(settings.noProxy, url);
  if (entry) return { via: undefined, reason: `${settings.noProxySource ?? "NO_PROXY"} lists '${entry.text}'` };
  return { via: env };
}

/** One line for a route, safe to print: `http://proxy:3128 (from HTTPS_PROXY, with credentials)` or `none: direct (why)`. */
export function describeRoute(route: ProxyRoute): string {
  if (route.via) return `${route.via.display} (from ${route.via.source}${route.via.hasCredentials ? ", with credentials" : ""})`;
  return `none: direct connection (${route.reason})`;
}

/** Every secret form of the proxies' credentials, to scrub from everything printed. */
export function proxySecrets(settings: ProxySettings): string[] {
  return [settings.explicit, settings.https, settings.http].flatMap((p) => [...(p?.secrets ?? [])]);
}
