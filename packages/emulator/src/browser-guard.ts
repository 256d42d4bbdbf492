import type { IncomingMessage } from 'node:http';
import { isLoopbackHostName, parseHostHeader, type AdminGuard } from './admin-guard.js';
import { isLoopback, json, type HttpReply } from './http-util.js';

/**
 * The routes a web page in a browser on this machine must not use unless it is of the emulator's own origin, by
 * the name {@link browserRefusal} gives them, or `undefined` for a route left open to any page. They are every
 * route that takes the fixed fixture credentials or hands credentials out: the JSON-RPC endpoint (`POST` at
 * `rpcPath`), the upload form endpoints and the storage `PUT` target (`/upload/*`), downloads (`/file_serve/*`,
 * `/thumbnail/*`), and the approval flow's requests (`/internal_api/app_session_request[/<id>]`, and the approval
 * page's `POST`). The approval page's `GET` stays open: a person opens it from a link anywhere, and it shows only
 * the form, whose `POST` comes from the page itself (same origin).
 */
export function guardedRoute(rpcPath: string, httpMethod: string, path: string): string | undefined {
  if (path === rpcPath) return httpMethod === 'POST' ? 'the JSON-RPC endpoint' : undefined;
  if (/^\/upload\//.test(path)) return 'this upload route';
  // A GET of a file or thumbnail hands out no credentials, and a page of another origin may show it (<img>, a link):
  // the page cannot read what came back, and a rebinding page has no session to send (the routes that hand one out
  // are refused it).
  if (httpMethod !== 'GET' && httpMethod !== 'HEAD' && /^\/(?:file_serve|thumbnail)\//.test(path)) return 'this download route';
  if (/^\/internal_api\/app_session_request(?:\/|$)/.test(path)) return 'this browser approval route';
  if (httpMethod !== 'GET' && httpMethod !== 'HEAD' && /^\/app_session_request\//.test(path)) return 'this browser approval route';
  return undefined;
}

/**
 * Why a request to `route` (a name from {@link guardedRoute}) made by a web page in a browser on this machine is
 * refused (HTTP 403 with `{"error"}`), or `undefined` to answer it. The fixture credentials are fixed and published,
 * so without this a page that knows the port could use them: blindly by a cross-site `text/plain` or multipart POST
 * (no preflight), and with answers by DNS rebinding (its own host name pointed at 127.0.0.1), approving its own
 * browser login and reading attachments with the session it is handed.
 *
 * Only requests that show a browser's marks (`Origin` or `Sec-Fetch-Site`) from a loopback peer are looked at;
 * API clients (Node, Python, curl, a client in another container) send neither and are answered as a site
 * answers them. Such a request must name a loopback host or the emulator's own in `Host` (any port, so that a
 * dev server's proxy on another port still works) and come from the same origin: `Sec-Fetch-Site` `none` or
 * `same-origin`, or, from a browser that does not send it, an `Origin` equal to `http://` + `Host`.
 */
export function browserRefusal(guard: AdminGuard, req: IncomingMessage, route: string): HttpReply | undefined {
  const why = refusalReason(guard, req, route);
  return why === undefined ? undefined : json(403, { error: why });
}

function refusalReason(guard: AdminGuard, req: IncomingMessage, route: string): string | undefined {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if ((origin === undefined && site === undefined) || !isLoopback(req.socket.remoteAddress)) return undefined;
  const hostHeader = req.headers.host;
  const host = hostHeader === undefined ? undefined : parseHostHeader(hostHeader);
  if (!host || !(isLoopbackHostName(host.hostname) || guard.ownHosts.has(host.hostname))) {
    return `A web page may call ${route} only at a loopback address (localhost, 127.x.x.x, [::1]), got Host ${JSON.stringify(hostHeader ?? null)}`;
  }
  const sameOrigin = site !== undefined ? site === 'none' || site === 'same-origin' : origin !== undefined && originHost(origin) === `${host.hostname}:${host.port}`;
  if (!sameOrigin) {
    return `${route.charAt(0).toUpperCase()}${route.slice(1)} refuses a call made by a page of another site (${site !== undefined ? `Sec-Fetch-Site ${JSON.stringify(site)}` : `Origin ${JSON.stringify(origin)}`})`;
  }
  return undefined;
}

/** An `http:` origin's `host:port` as {@link parseHostHeader} gives them, or `undefined` for any other origin (`null` too). */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:') return undefined;
    const parsed = parseHostHeader(url.host);
    return parsed ? `${parsed.hostname}:${parsed.port}` : undefined;
  } catch {
    return undefined;
  }
}
