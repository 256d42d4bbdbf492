/**
 * Which hosts skip the proxies of the environment: `NO_PROXY` / `no_proxy` entries, and loopback addresses.
 *
 * @packageDocumentation
 */

/** One entry of `NO_PROXY`: a host name or address, optionally with a port, or `*`. */
export interface NoProxyEntry {
  /** The entry as written, for messages (`.studio.local`, `sg.example.com:443`, `*`). */
  readonly text: string;
  /** The host name or address, lower case, without a leading `.` or `*.` and without brackets; `*` for every host. */
  readonly host: string;
  /** The port the entry is limited to; undefined = every port. */
  readonly port: number | undefined;
  /** For an IPv4 range (`10.0.0.0/8`): its prefix length; `host` is then its address. */
  readonly bits?: number;
}

/**
 * Parse a `NO_PROXY` value: entries separated by commas or white space. `*` matches every host; `example.com`,
 * `.example.com` and `*.example.com` match `example.com` and every name under it (as curl and undici do);
 * `host:port` only that port; an IP address (`10.1.2.3`, `[::1]`) only that address, never the addresses that end
 * like it; an IPv4 range (`10.0.0.0/8`, as curl 7.86+ and Python's requests read it) every address in it. One
 * trailing `.` of a name is dropped (`sg.example.` is `sg.example`), an IPv6 address is compared in its shortest
 * form. Empty entries are skipped.
 */
export function parseNoProxy(value: string): NoProxyEntry[] {
  const out: NoProxyEntry[] = [];
  for (const text of value.split(/[\s,]+/)) {
    if (!text) continue;
    if (text === "*") {
      out.push({ text, host: "*", port: undefined });
      continue;
    }
    const range = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(text);
    if (range) {
      out.push({ text, host: range[1]!, port: undefined, bits: Number(range[2]) });
      continue;
    }
    // `[v6]:port`, `[v6]`, `host:port`, or a bare v6 address with more than one colon.
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
    const withPort = bracketed ? undefined : /^([^:]+):(\d+)$/.exec(text);
    const host = bracketed?.[1] ?? withPort?.[1] ?? text;
    const port = bracketed?.[2] ?? withPort?.[2];
    out.push({ text, host: normalHost(host.replace(/^\*?\./, "")), port: port === undefined ? undefined : Number(port) });
  }
  return out;
}

/**
 * A host as the URL parser writes it, lower case, without one trailing `.` (`sg.example.` is `sg.example`, as curl
 * reads it) and, for an IPv6 address, in its shortest form (`2001:0db8::1` is `2001:db8::1`).
 */
function normalHost(host: string): string {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (!name.includes(":")) return name;
  try {
    return new URL(`http://[${name}]`).hostname.slice(1, -1);
  } catch {
    return name;
  }
}

/** A URL's host name without the brackets of an IPv6 address nor one trailing `.`, lower case. */
export function bareHost(url: URL): string {
  return normalHost(url.hostname.replace(/^\[|\]$/g, ""));
}

/** The port a URL connects to (its own, else the scheme's default). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** An IPv4 address as an unsigned 32-bit number, or undefined for anything else. */
function ipv4(host: string): number | undefined {
  const parts = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
  return parts && parts.every((p) => p < 256) ? parts.reduce((n, p) => n * 256 + p, 0) : undefined;
}

/** Whether `host` is in the IPv4 range `base`/`bits` (a prefix over 32 bits matches nothing). */
function inRange(host: string, base: string, bits: number): boolean {
  const ip = ipv4(host);
  const start = ipv4(base);
  if (ip === undefined || start === undefined || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(start / size);
}

/** The first entry that matches the URL's host and port, if any. */
export function matchNoProxy(entries: readonly NoProxyEntry[], url: URL): NoProxyEntry | undefined {
  const host = bareHost(url);
  const port = portOf(url);
  // A name matches the names under it; an address only itself (`2.3` does not match 10.1.2.3).
  const named = ipv4(host) === undefined && !host.includes(":");
  const under = (e: NoProxyEntry): boolean => named && host.endsWith(`.${e.host}`);
  return entries.find(
    (e) => (e.host === "*" || (e.bits === undefined ? host === e.host || under(e) : inRange(host, e.host, e.bits))) && (e.port === undefined || e.port === port),
  );
}

/**
 * Whether the URL's host is this machine's loopback: `localhost` (and names under it), `127.0.0.0/8`, `::1`, or an
 * IPv4-mapped loopback. A proxy elsewhere cannot reach them, so the environment's proxies never apply to them.
 */
export function isLoopback(url: URL): boolean {
  const host = bareHost(url);
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true;
  // The URL parser writes an IPv4-mapped address in hex: [::ffff:127.0.0.1] is ::ffff:7f00:1.
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)) return true;
  return /^127\.\d+\.\d+\.\d+$/.test(host);
}
