import type { IncomingMessage } from 'node:http';

/** A reply built by a route handler. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** RPC method name, for the request log. */
  method?: string | null;
  /** RPC `error_code`, for the request log. */
  errorCode?: number | null;
  /**
   * How the request authenticated, for the request log (overrides what the RPC params said); `sudoAsLogin` is the
   * `sudo_as_login` a form route was sent, when it has one.
   */
  auth?: { kind: 'none' | 'script' | 'user' | 'session' | 'cookie'; principal: string | null; sudoAsLogin?: string | null } | undefined;
  /** Whether the state may have changed (triggers a save with `--data`). */
  wrote?: boolean;
}

/** Largest body the emulator reads (uploads included). */
export const MAX_BODY_BYTES: number = 256 * 1024 * 1024;

/** Why a body over {@link MAX_BODY_BYTES} is refused (413). */
export const TOO_LARGE: string = `Request body too large (over ${MAX_BODY_BYTES} bytes)`;

/**
 * Whether a request waits for `100 Continue` before sending a body its `Content-Length` says is over
 * {@link MAX_BODY_BYTES}: it is answered 413 at once, without asking for the body.
 */
export function refusedBeforeBody(req: IncomingMessage): boolean {
  return /^100-continue$/i.test(req.headers.expect ?? '') && Number(req.headers['content-length']) > MAX_BODY_BYTES;
}

/**
 * Reads the whole request body. A body over {@link MAX_BODY_BYTES} is read to its end but not kept, then
 * refused, so that the caller can still answer (413) on the connection instead of dropping it.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) chunks = [];
      else chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new Error(TOO_LARGE)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

// ignoreBOM: a leading U+FEFF is kept as sent (a form field's value), and a JSON body starting with one stays malformed.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A request body as text, or `undefined` when it is not valid UTF-8: decoding it anyway would put U+FFFD where
 * its bytes were and store that text as if it had been sent.
 */
export function utf8Text(body: Buffer): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}

/** A form body or field as text; throws "`what` is not valid UTF-8" for other bytes. */
export function formText(bytes: Buffer, what: string): string {
  const decoded = utf8Text(bytes);
  if (decoded === undefined) throw new Error(`${what} is not valid UTF-8`);
  return decoded;
}

/** A JSON reply. */
export function json(status: number, value: unknown, extra: Record<string, string> = {}): HttpReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...extra }, body: JSON.stringify(value) };
}

/** A plain-text reply. */
export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): HttpReply {
  return { status, headers: { 'content-type': contentType }, body };
}

/** HTTP 302 to `location` (an absolute URL), with the short page a web framework sends along. */
export function redirect(location: string): HttpReply {
  const page = `<html><body>You are being <a href="${location.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}">redirected</a>.</body></html>`;
  return { status: 302, headers: { 'content-type': 'text/html; charset=utf-8', location }, body: page };
}

/** HTTP 405 for an address that has a route, but not for the method sent; `allow` lists the methods it takes. */
export function methodNotAllowed(allow: string, message = `This address answers ${allow} only`): HttpReply {
  const reply = text(405, message);
  return { ...reply, headers: { ...reply.headers, allow } };
}

/**
 * What a site answers at an address it has no route for: HTTP 404 with an HTML page, as a web server does, not
 * an API reply. Clients see the same 404 a real site gives when their site URL or base path is wrong.
 */
export function notFoundPage(httpMethod: string, path: string): HttpReply {
  const where = `${escapeHtml(httpMethod)} ${escapeHtml(path)}`;
  return text(
    404,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>This site has no page at ${where}.</p><p>(sg-emulator)</p></body></html>`,
    'text/html; charset=utf-8',
  );
}

/** Parses an `application/x-www-form-urlencoded` body; repeated keys keep the last value. */
export function parseUrlEncoded(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/**
 * A `Content-Disposition: attachment` value for a file name of any characters (RFC 6266): a plain `filename` with
 * every character outside printable ASCII (and the quote and backslash) as `_`, for clients that read only that, and, when the name
 * is not plain ASCII, `filename*=UTF-8''…` with the name itself. Node refuses a header with characters above U+00FF,
 * so writing the name as it is answered a download of `shöt ✓.txt` with a 500.
 */
export function attachmentDisposition(name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (plain === name) return `attachment; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${plain}"; filename*=UTF-8''${encoded}`;
}

/**
 * Parses the `Cookie` header. A value that is not valid percent-encoding (`50%off`, set by some other page on the
 * host) is kept as it was sent, so that one unrelated cookie does not stop the others from being read.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeCookieValue(part.slice(i + 1).trim());
  }
  return out;
}

function decodeCookieValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Whether a peer address is loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
