import type { IncomingMessage } from 'node:http';
import { isLoopbackHostName, parseHostHeader, type AdminGuard } from './admin-guard.js';
import { shown } from './options-check.js';
import { text, type HttpReply } from './http-util.js';

/**
 * The `allowedHosts` start option as the emulator keeps it: host names (or IP addresses) in lower case, IPv6 in
 * brackets, as {@link parseHostHeader} gives them. Undefined is none.
 *
 * @throws Error naming the entry and what was expected, for anything but a list of plain host names without port.
 */
export function checkAllowedHosts(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`allowedHosts must be a list of host names, got ${shown(value)}`);
  return value.map((name: unknown, i) => {
    const host = typeof name === 'string' && name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
    const parsed = typeof host === 'string' && !/:\d*$/.test(host) ? parseHostHeader(host) : undefined;
    if (!parsed) throw new Error(`allowedHosts[${i}] must be a host name or IP address without scheme or port (e.g. "studio-dev.test"), got ${shown(name)}`);
    return parsed.hostname;
  });
}

/**
 * Why a request to an emulator listening on loopback is refused (HTTP 421, a plain text body naming the `Host` and
 * how to allow it), or `undefined` to go on. A web page on another domain can point its own name at 127.0.0.1 (DNS
 * rebinding) and then drive the emulator from the developer's browser, as its own origin: its requests come from a
 * loopback peer, but their `Host` names its domain. So on loopback the `Host` must name a loopback host
 * (`localhost`, `*.localhost`, 127.x.x.x, `[::1]`), the host the emulator was started on, or one of `allowedHosts`,
 * at any port. A request without `Host` (HTTP/1.0) is no browser's and goes on. An emulator listening on another
 * address (`0.0.0.0` in a container) checks nothing here: its clients name it by their own names (a compose
 * service name, the host's address), which it cannot know.
 */
export function hostRefusal(guard: AdminGuard, req: IncomingMessage): HttpReply | undefined {
  const header = req.headers.host;
  if (!guard.loopback || header === undefined) return undefined;
  const host = parseHostHeader(header)?.hostname;
  if (host !== undefined && (isLoopbackHostName(host) || guard.ownHosts.has(host))) return undefined;
  const name = host ?? '<name>';
  return text(
    421,
    `sg-emulator refused Host ${JSON.stringify(header.slice(0, 200))}: it listens on loopback and answers only requests that name a loopback host (localhost, *.localhost, 127.x.x.x, [::1]), so that a web page cannot reach it by DNS rebinding. To accept this name, start it with --allow-host ${name} (allowedHosts: ["${name}"]).\n`,
  );
}
