import { SgValidationError, describeValue } from "./errors.js";
import { latin1 } from "./redact.js";
import { urlRefusal } from "./shown-url.js";

/** A parsed site address. Credentials embedded in the URL are kept out of every printable form. */
export interface Site {
  /** `scheme://host[:port][/base-path]`, lower-case host, no credentials, no trailing slash. */
  readonly href: string;
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** The base path the site lives under (`""` or e.g. `/shotgrid`). */
  readonly basePath: string;
  /** The host name, lower case. */
  readonly hostname: string;
  /** Whether the site is reached over plain `http://`. */
  readonly insecure: boolean;
  /**
   * `Authorization: Basic …` value for sites behind a basic-auth proxy, from `user:pass@` in the URL. Secret: read
   * through an accessor of the site's prototype, kept out of the object's own keys, `JSON.stringify` and
   * `util.inspect` (`showHidden` and `getters` included).
   */
  readonly basicAuth?: string;
  /** The decoded basic-auth password, for scrubbing. Secret, kept out of sight like {@link Site.basicAuth}. */
  readonly basicAuthSecret?: string;
}

/** Options of {@link parseSite}. */
export interface ParseSiteOptions {
  /** Allow `http://` to a host that is not loopback. Credentials then travel in clear text. */
  readonly allowInsecureHttp?: boolean | undefined;
  /** Prefix for error messages. */
  readonly prefix?: string | undefined;
}

/** The basic-auth header value and password of each parsed site that has them, out of the site's own keys. */
const BASIC_AUTH = new WeakMap<object, readonly [string, string]>();

/**
 * The prototype of every parsed site: it reads `basicAuth` and `basicAuthSecret` from {@link BASIC_AUTH}. Its own
 * `constructor` is `Object`, so that `util.inspect` prints a site as a plain object and not, as it does with
 * `showHidden` for an object of another prototype, the prototype's accessors with their values.
 */
const SITE: object = Object.create(Object.prototype, { constructor: { value: Object }, basicAuth: secretAt(0), basicAuthSecret: secretAt(1) });

/** An accessor reading the `index`th secret of a site from {@link BASIC_AUTH}. */
function secretAt(index: 0 | 1): PropertyDescriptor {
  return {
    get(this: object): string | undefined {
      return BASIC_AUTH.get(this)?.[index];
    },
  };
}

const LOOPBACK = /^(localhost\.?|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/;

/** Whether a host name is a loopback address (`localhost`, `localhost.`, `127.x.x.x`, `::1`). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname.toLowerCase());
}

/** The RPC endpoint (`/api3/json`, `/api3`) or the REST API's root (`/api/v1`, `/api/v1.1`) ending a path, slashes after it too. */
const ENDPOINT = /\/api(3(\/json)?|\/v1(\.1)?)\/*$/i;

/**
 * For a site given without a scheme, the URL to pass: `https://` (`http://` for a loopback host, the emulator's) and
 * the input as given, port and path kept but a trailing endpoint (see {@link ENDPOINT}), when it looks like a host:
 * `localhost`, `[::1]`, or a name or IP with two dots or more, or one dot and a port or path (`mystudio.example.com`,
 * `10.0.0.5:8080`, `studio.com/sg`; not `file.txt`, nor one with a query, user info, `;` or `=`).
 */
function withScheme(input: string): string | undefined {
  const site = /^\s*(?![\w-]+\.[\w-]+\s*$)(localhost|\[::1\]|[\w-]+(?:\.[\w-]+)+)((?::\d+)?(?:\/[^\s?#@;=]*)?)\s*$/i.exec(input);
  return site ? `Pass http${isLoopbackHost(site[1]!) ? "" : "s"}://${site[1]}${site[2]!.replace(ENDPOINT, "")}.` : undefined;
}

/**
 * Parse and validate a site URL. Only `http:` and `https:` are accepted; `http:` only for loopback hosts
 * unless `allowInsecureHttp` is set. Any path is the site's base path (`https://host/sg` → `/sg/api3/json`), except
 * one ending in the RPC endpoint itself (`/api3/json` or `/api3`) or in the REST API's root (`/api/v1`, `/api/v1.1`),
 * which is refused naming the site's root: the client appends `/api3/json` to it.
 */
export function parseSite(input: unknown, options: ParseSiteOptions = {}): Site {
  const prefix = options.prefix ?? "@sg/core";
  if (typeof input !== "string" || input.trim() === "") {
    throw new SgValidationError(prefix, { path: ["site"], expected: "the site URL as a string, e.g. https://mystudio.shotgrid.autodesk.com", received: describeValue(input) });
  }
  let url: URL;
  try {
    url = new URL(input.trim());
    // A raw `/` or `?` in a password ends the user info early: the rest, to its `@`, is read as a host and a path.
    if ((url.pathname + url.search + url.hash).includes("@")) throw url;
  } catch {
    const refusal = urlRefusal(["site"], "an absolute http(s) URL", input);
    // An `@`'s hint stays.
    throw new SgValidationError(prefix, { ...refusal, hint: refusal.hint ?? withScheme(input) });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    // `localhost:3000` parses with the scheme `localhost`.
    throw new SgValidationError(prefix, { path: ["site"], expected: "a URL using http or https", received: `scheme '${url.protocol.replace(/:$/, "")}'`, hint: withScheme(input) });
  }
  const insecure = url.protocol === "http:";
  if (insecure && !isLoopbackHost(url.hostname) && !options.allowInsecureHttp) {
    throw new SgValidationError(prefix, {
      path: ["site"],
      expected: "an https:// URL (plain http sends credentials in clear text)",
      received: `http://${url.host}`,
      hint: "Use https://, or pass allowInsecureHttp: true if you really mean it (e.g. a site on a private network).",
    });
  }
  // `Basic …` and the password: no properties of the site, enumerable or not (util.inspect with showHidden printed them).
  let basicAuth: readonly [string, string] | undefined;
  if (url.username || url.password) {
    const user = unquote(url.username);
    const pass = unquote(url.password);
    const raw = url.password || input.includes(`${url.username}:@`) ? `${user}:${pass}` : user;
    basicAuth = [`Basic ${btoa(latin1(raw))}`, pass || user];
  }
  const basePath = url.pathname.replace(/\/+$/, "");
  const origin = `${url.protocol}//${url.host.toLowerCase()}`;
  // The RPC endpoint copied as the site (`…/api3/json`) would be taken as a base path and doubled; the REST API's
  // root (`…/api/v1`, `…/api/v1.1`) would have it appended.
  const endpoint = ENDPOINT.exec(basePath);
  if (endpoint) {
    throw new SgValidationError(prefix, { path: ["site"], expected: "the site's root URL", received: `one ending in ${endpoint[0]}`, hint: `Pass ${origin}${basePath.slice(0, endpoint.index)}: the client adds /api3/json.` });
  }
  const site: Site = Object.freeze(Object.assign(Object.create(SITE) as object, { href: origin + basePath, origin, basePath, hostname: url.hostname.toLowerCase(), insecure }));
  if (basicAuth) BASIC_AUTH.set(site, basicAuth);
  return site;
}

/** Percent-decode like Python's `unquote`: each run of `%XX` is decoded as UTF-8; a stray `%` stays as it is. */
function unquote(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
