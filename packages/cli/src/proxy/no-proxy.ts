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
}

/**
 * Parse a `NO_PROXY` value: entries separated by commas or white space. `*` matches every host; `example.com`,
 * `.example.com` and `*.example.com` match `example.com` and every name under it (as curl and undici do);
 * `host:port` only that port; an IP address (`10.1.2.3`, `[::1]`) only that address. Empty entries are skipped.
 */
export function parseNoProxy(value: string): NoProxyEntry[] {
  const out: NoProxyEntry[] = [];
  for (const text of value.split(/[\s,]+/)) {
    if (!text) continue;
    if (text === "*") {
      out.push({ text, host: "*", port: undefined });
      continue;
    }
    // `[v6]:port`, `[v6]`, `host:port`, or a bare v6 address with more than one colon.
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
    const withPort = bracketed ? undefined : /^([^:]+):(\d+)$/.exec(text);
    const host = bracketed?.[1] ?? withPort?.[1] ?? text;
    const port = bracketed?.[2] ?? withPort?.[2];
    out.push({ text, host: host.toLowerCase().replace(/^\*?\./, ""), port: port === undefined ? undefined : Number(port) });
  }
  return out;
}

/** A URL's host name without the brackets of an IPv6 address, lower case. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

/** The port a URL connects to (its own, else the scheme's default). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** The first entry that matches the URL's host and port, if any. */
export function matchNoProxy(entries: readonly NoProxyEntry[], url: URL): NoProxyEntry | undefined {
  const host = bareHost(url);
  const port = portOf(url);
  return entries.find((e) => (e.host === "*" || host === e.host || host.endsWith(`.${e.host}`)) && (e.port === undefined || e.port === port));
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
