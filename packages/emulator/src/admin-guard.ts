import type { IncomingMessage } from 'node:http';
import { isLoopback, json, type HttpReply } from './http-util.js';

/**
 * Who may drive the `/__emulator/*` endpoints. A loopback peer alone is not enough: a web page open in the
 * user's browser connects from loopback too. Such a page can send a "simple" cross-site POST (text/plain body, no
 * preflight), and by DNS rebinding (its own host name re-pointed at 127.0.0.1) it can also read the answers.
 * Checking these headers keeps both out. The emulator's own clients (tests, `@sg/testing`, the CLI's hint, curl)
 * send none of the browser headers and name the emulator's own host.
 */
export interface AdminGuard {
  /** The port the emulator listens on: the port the `Host` header must name. */
  readonly port: number;
  /**
   * Host names the emulator was given or bound to besides the loopback ones, lower case, IPv6 in brackets
   * (e.g. `0.0.0.0` or `[::]` for `--host 0.0.0.0` / `::`, or the name passed as `host`), and the `allowedHosts`.
   */
  readonly ownHosts: ReadonlySet<string>;
  /** Whether the emulator is bound to a loopback address: every request's `Host` is then checked (see host-check.ts). */
  readonly loopback: boolean;
}

/**
 * An {@link AdminGuard} for an emulator told to listen on `listenHost` and bound to `boundHost`:`port`, also
 * answering the names in `allowedHosts` (as {@link checkAllowedHosts} gives them).
 */
export function adminGuard(listenHost: string, boundHost: string, port: number, allowedHosts: readonly string[] = []): AdminGuard {
  const ownHosts = new Set<string>(allowedHosts);
  for (const h of [listenHost, boundHost]) {
    const parsed = parseHostHeader(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
    if (parsed) ownHosts.add(parsed.hostname);
  }
  return { port, ownHosts, loopback: isLoopback(boundHost) };
}

/**
 * Why an admin request is refused (HTTP 403 with `{"error"}` saying why), or `undefined` when it may go on:
 * the peer must be loopback, the `Host` header must name a loopback host (or the host the emulator was started
 * on) with the emulator's port, no browser marks (`Origin`, `Sec-Fetch-Site` other than `none` or
 * `same-origin`), and a body must be sent as `application/json`.
 */
export function adminRefusal(guard: AdminGuard, req: IncomingMessage, body: Buffer): HttpReply | undefined {
  const why = refusalReason(guard, req, body);
  return why === undefined ? undefined : json(403, { error: why });
}

function refusalReason(guard: AdminGuard, req: IncomingMessage, body: Buffer): string | undefined {
  if (!isLoopback(req.socket.remoteAddress)) return 'Admin endpoints answer loopback peers only';
  const hostHeader = req.headers.host;
  const host = hostHeader === undefined ? undefined : parseHostHeader(hostHeader);
  if (!host) return `Admin endpoints need a Host header naming this emulator (e.g. 127.0.0.1:${guard.port}), got ${hostHeader === undefined ? 'none' : JSON.stringify(hostHeader)}`;
  if (!(isLoopbackHostName(host.hostname) || guard.ownHosts.has(host.hostname)) || host.port !== guard.port) {
    return `Admin endpoints answer requests to this emulator's own address only (localhost, 127.x.x.x or [::1] at port ${guard.port}), got Host ${JSON.stringify(hostHeader)}`;
  }
  // A page's request carries Origin (every cross-site POST does, `no-cors` included) or Sec-Fetch-Site; the
  // emulator's own clients send neither, so their presence means a browser page is making the call.
  if (req.headers.origin !== undefined) return `Admin endpoints refuse requests made by a web page (Origin ${JSON.stringify(req.headers.origin)})`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'none' && site !== 'same-origin') return `Admin endpoints refuse requests made by a web page (Sec-Fetch-Site ${JSON.stringify(site)})`;
  const type = req.headers['content-type'];
  if ((body.length > 0 || type !== undefined) && !isJsonType(type)) {
    return `Admin endpoints take a body as Content-Type application/json only, got ${type === undefined ? 'none' : JSON.stringify(type)}`;
  }
  return undefined;
}

/** `application/json`, with or without parameters such as `; charset=utf-8`. */
function isJsonType(type: string | undefined): boolean {
  return type !== undefined && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * A `Host` header's host (lower case; an IPv4 address in dotted form, an IPv6 one in brackets) and port (80 when
 * none is given), or `undefined` when it is not a plain `host[:port]`.
 */
export function parseHostHeader(value: string): { hostname: string; port: number } | undefined {
  if (!/^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}/`);
    return { hostname: url.hostname.replace(/\.$/, ''), port: url.port === '' ? 80 : Number(url.port) };
  } catch {
    return undefined;
  }
}

/** `localhost`, a name under `.localhost`, an address in 127.0.0.0/8, or `[::1]` (as {@link parseHostHeader} gives them). */
export function isLoopbackHostName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';
}
