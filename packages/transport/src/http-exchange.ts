import { SgHttpError, SgValidationError, describeValue, targetSecrets, urlRefusal } from "@sg/core";
import type { Credentials, FormValue, HttpRequest, HttpResponse, TransportContext } from "@sg/core";
import { runAttempts } from "./attempt-loop.js";
import type { AttemptLoopOptions, AttemptResult } from "./attempt-loop.js";
import { authParams } from "./auth-params.js";
import { limitedBody } from "./body-stream.js";
import { hiddenRedirect, httpStatusError } from "./fault-map.js";
import { HEADER_VALUE } from "./headers.js";
import type { Exchanger } from "./fetcher.js";
import { unwrapFetchError } from "./network-errors.js";
import { limitOr, policyForCall } from "./options.js";
import { parseRetryAfter } from "./retry-after.js";
import type { TransportShared } from "./rpc-calls.js";
import { bodyText, protocolError } from "./rpc-response.js";
import { callSecrets } from "./secrets.js";
import { LIBRARY_NAME as PREFIX } from "./user-agent.js";
import { holdsFile } from "./http-fetcher.js";

export { createHttpExchanger } from "./http-fetcher.js";

/** What downloads need (a runtime that sends a script's cookie and shows redirects), and what to do in a browser. */
const BROWSER_DOWNLOADS = " Downloads need Node, Deno, Bun or a worker; in a browser, let it open getAttachmentDownloadUrl() of @sg/entities itself.";

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials; dropped whenever a request leaves the site's origin. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "cookie", "proxy-authorization"]);

/** What {@link httpExchange} shares with the transport, and the exchanger it sends with. */
export interface HttpExchangeDeps extends TransportShared {
  readonly exchange: Exchanger;
}

/**
 * Resolve an exchange target: a path is taken on the site's origin (the base path is ignored, like the
 * Python client's upload/download URLs); an absolute URL must be http(s) and carry no `user:pass@`.
 */
export function resolveTarget(target: unknown, origin: string): URL {
  if (typeof target !== "string" || target === "") {
    throw new SgValidationError(PREFIX, { path: ["target"], expected: "a path such as /upload/upload_file or an absolute URL", received: describeValue(target) });
  }
  let url: URL;
  try {
    url = target.startsWith("/") && !target.startsWith("//") ? new URL(target, `${origin}/`) : new URL(target);
  } catch {
    throw new SgValidationError(PREFIX, urlRefusal(["target"], "a path or an absolute http(s) URL", target));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SgValidationError(PREFIX, { path: ["target"], expected: "an http(s) URL", received: `scheme '${url.protocol.replace(/:$/, "")}'` });
  }
  if (url.username || url.password) {
    throw new SgValidationError(PREFIX, { path: ["target"], expected: "a URL without user:password@ (credentials travel separately)", received: "a URL with credentials" });
  }
  return url;
}

/** Encode form fields: multipart when any value is a Blob, else url-encoded (lists become repeated keys). */
export function encodeForm(form: Readonly<Record<string, FormValue>>, auth: Readonly<Record<string, string | number | boolean>> | undefined): FormData | URLSearchParams {
  const entries: [string, FormValue][] = Object.entries(form);
  if (auth) {
    const callerKeys = new Set(Object.keys(form));
    for (const [k, v] of Object.entries(auth)) {
      if (callerKeys.has(k)) entries.splice(entries.findIndex(([key]) => key === k), 1);
      entries.push([k, String(v)]);
    }
  }
  const multipart = entries.some(([, v]) => v instanceof Blob);
  if (multipart) {
    const data = new FormData();
    for (const [k, v] of entries) {
      try {
        // A Blob fetch cannot read (a jsdom File, under jsdom's own FormData) would stall the upload after its part header.
        if (v instanceof Blob && typeof v.stream !== "function") throw new TypeError("no stream()");
        if (v instanceof Blob) data.append(k, v, (v as Partial<File>).name || k);
        else if (Array.isArray(v)) for (const item of v as readonly string[]) data.append(k, item);
        else data.append(k, v as string);
      } catch (cause) {
        // e.g. a jsdom Blob, which passes `instanceof Blob` under jsdom, handed to Node's own FormData, or one without stream()
        throw new SgValidationError(PREFIX, { path: ["form", k], expected: "a Blob this runtime's FormData takes", received: describeValue(v), cause });
      }
    }
    return data;
  }
  const params = new URLSearchParams();
  for (const [k, v] of entries) {
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.append(k, String(v));
  }
  return params;
}

function validateForm(form: unknown): Readonly<Record<string, FormValue>> | undefined {
  if (form === undefined) return undefined;
  if (form === null || typeof form !== "object" || Array.isArray(form)) {
    throw new SgValidationError(PREFIX, { path: ["form"], expected: "an object of form fields", received: describeValue(form) });
  }
  for (const [k, v] of Object.entries(form)) {
    const ok = typeof v === "string" || v instanceof Blob || (Array.isArray(v) && v.every((x) => typeof x === "string"));
    if (!ok) throw new SgValidationError(PREFIX, { path: ["form", k], expected: "a string, an array of strings, or a Blob", received: describeValue(v) });
  }
  return form as Readonly<Record<string, FormValue>>;
}

/**
 * Whether fetch rejected the exchange because the answer was a redirect it was told not to follow (a file body is
 * sent with `redirect: "error"`, see `http-fetcher.ts`): undici's `TypeError("fetch failed")` whose cause says
 * "unexpected redirect".
 */
function redirectRefused(error: unknown): boolean {
  const cause = (unwrapFetchError(error) as { cause?: unknown } | null)?.cause;
  return cause instanceof Error && cause.message === "unexpected redirect";
}

/**
 * The error of a file body answered with a redirect: an {@link SgHttpError} with `status` 300, standing for a 3xx
 * whose number fetch does not tell (it drops the answer). Nothing is followed, as for any POST or PUT, and nothing is
 * retried: a redirect is the site's answer, and the file was not taken.
 */
function redirectError(label: string, secrets: readonly string[]): SgHttpError {
  return new SgHttpError(`${PREFIX}: the site answered '${label}' with a redirect (a 3xx), which a request carrying a file does not follow`, {
    status: 300,
    method: label,
    secrets,
    hint: "Check the site URL (scheme, host, base path) and any proxy in front of the site.",
  });
}

function sessionCookie(credentials: Credentials): string | undefined {
  return credentials.kind === "session" ? `_session_id=${credentials.sessionToken}` : undefined;
}

/**
 * A plain HTTP exchange (uploads, downloads, login endpoints). Credentials go only to the site's own origin:
 * as form fields on form posts, as the `_session_id` cookie on GETs with session credentials (refused with
 * `SgValidationError`, sending nothing, where the runtime drops a script's `Cookie` header: a browser). GET redirects
 * are followed by hand (up to `maxRedirects`), dropping every credential when they leave the origin; other
 * methods never follow redirects. Statuses are returned, never thrown, except status 0, a redirect whose target the
 * runtime hides (a browser's fetch): an `SgHttpError` (status 300), as it can be neither followed nor read. The retry
 * table applies by `kind`.
 * With `responseBody: "stream"`, a 2xx body is handed over unread under the exchange's limits (see
 * `body-stream.ts`); retries happen only before that, on the statuses whose bodies are read whole.
 */
export async function httpExchange(request: HttpRequest, context: TransportContext, deps: HttpExchangeDeps): Promise<HttpResponse> {
  if (!request || typeof request !== "object") {
    throw new SgValidationError(PREFIX, { path: ["request"], expected: "an HttpRequest", received: describeValue(request) });
  }
  const httpMethod = request.method;
  if (httpMethod !== "GET" && httpMethod !== "POST" && httpMethod !== "PUT") {
    throw new SgValidationError(PREFIX, { path: ["method"], expected: "'GET', 'POST' or 'PUT'", received: describeValue(httpMethod) });
  }
  const kind = request.kind;
  if (kind !== "read" && kind !== "write") {
    throw new SgValidationError(PREFIX, { path: ["kind"], expected: "'read' or 'write'", received: describeValue(kind) });
  }
  const site = context.site;
  const firstUrl = resolveTarget(request.target, site.origin);
  const form = validateForm(request.form);
  if (form && request.body !== undefined) {
    throw new SgValidationError(PREFIX, { path: ["body"], expected: "either form or body, not both", received: "both" });
  }
  if (form && httpMethod === "GET") {
    throw new SgValidationError(PREFIX, { path: ["form"], expected: "no form on a GET (put fields in the target's query)", received: "a form" });
  }
  const secrets = callSecrets(request.credentials, site);
  const label = `HTTP ${httpMethod} ${firstUrl.pathname}`;
  const sameOrigin = (url: URL): boolean => url.origin === site.origin;
  const credentials = request.credentials;
  const auth = credentials ? authParams(credentials) : undefined;
  if (credentials && !sameOrigin(firstUrl)) {
    context.logger.debug(`@sg/transport: ${label}: credentials withheld, ${firstUrl.origin} is not the site`, { target: firstUrl.origin + firstUrl.pathname });
  }
  const userHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    // fetch would refuse it before sending, which would read as a dropped connection (and be retried)
    if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(k) || typeof v !== "string" || !HEADER_VALUE.test(v)) {
      throw new SgValidationError(PREFIX, { path: ["headers", k], expected: "a header name and a one-line Latin-1 string value", received: describeValue(v, true) });
    }
    userHeaders[k.toLowerCase()] = v;
  }

  const headersFor = (onSite: boolean): Record<string, string> => {
    const headers: Record<string, string> = { "user-agent": deps.userAgent };
    for (const [k, v] of Object.entries(userHeaders)) if (onSite || !CREDENTIAL_HEADERS.has(k)) headers[k] = v;
    if (onSite && site.basicAuth && !headers["authorization"]) headers["authorization"] = site.basicAuth;
    if (onSite && credentials && httpMethod === "GET") {
      const cookie = sessionCookie(credentials);
      if (cookie) headers["cookie"] = headers["cookie"] ? `${headers["cookie"]}; ${cookie}` : cookie;
    }
    return headers;
  };
  // A session goes to the site as its cookie, which a browser drops (a forbidden header) without a word: the site would
  // refuse the GET as if the session had expired, and a refresh would be asked for in vain.
  if (credentials?.kind === "session" && httpMethod === "GET" && sameOrigin(firstUrl) && !new Request(firstUrl, { headers: { cookie: "a=b" } }).headers.has("cookie")) {
    throw new SgValidationError(PREFIX, { path: ["credentials"], expected: "a runtime that sends a script's Cookie header (a GET's session)", received: "a browser, which drops it", hint: BROWSER_DOWNLOADS.trim() });
  }
  // Built once, before any attempt, so that a value the runtime refuses is a validation error, never a failure "after the
  // request was sent". A form goes only on a POST or PUT, which never follow a redirect: the first URL is its only one.
  const body = form ? encodeForm(form, sameOrigin(firstUrl) ? auth : undefined) : typeof request.body === "string" ? new TextEncoder().encode(request.body) : request.body;
  const file = holdsFile(body);

  const loop: AttemptLoopOptions = {
    method: label,
    kind,
    policy: policyForCall(deps.options.policy, request.retry, label),
    budget: deps.budget,
    clock: context.clock,
    logger: context.logger,
    signal: request.signal,
    closeSignal: context.signal,
    timeoutMs: limitOr(request.timeoutMs, "timeoutMs", deps.options.transferTimeoutMs),
    deadlineMs: limitOr(request.deadlineMs, "deadlineMs", deps.options.transferDeadlineMs),
    secrets,
    onRetry: deps.options.onRetry,
    random: deps.options.random,
    target: firstUrl.origin + firstUrl.pathname,
    inflight: deps.inflight,
  };
  const startedAt = performance.now();
  const stream = request.responseBody === "stream";
  const maxBytes = limitOr(request.maxBytes, "maxBytes", Infinity, "i1");
  return runAttempts<HttpResponse>(
    loop,
    async (signal): Promise<AttemptResult<HttpResponse>> => {
      let url = firstUrl;
      let onSite = sameOrigin(url);
      for (let hops = 0; ; hops += 1) {
        const raw = await deps.exchange({ url: url.href, method: httpMethod, headers: headersFor(onSite), body, signal, stream, maxBytes }).catch((error: unknown) => {
          throw redirectRefused(error) ? redirectError(label, secrets) : error;
        });
        // status 0: a redirect the runtime does not show (a browser's opaque redirect), so it cannot be followed; a file
        // body sent with `redirect: "manual"` (see `holdsFile`) refuses any redirect, as fetch does with "error"
        if (file && (!raw.status || (raw.status > 299 && raw.status < 400))) throw redirectError(label, secrets);
        if (!raw.status) throw hiddenRedirect(label, secrets, BROWSER_DOWNLOADS);
        const response: HttpResponse = { status: raw.status, headers: raw.headers, body: raw.body, url: url.href, ...(raw.stream && { stream: limitedBody(raw.stream, loop, startedAt) }) };
        const location = raw.headers.get("location");
        if (httpMethod === "GET" && REDIRECTS.has(raw.status) && location && hops < deps.options.maxRedirects) {
          let next: URL | undefined;
          try {
            next = new URL(location, url);
          } catch {
            next = undefined;
          }
          if (next && (next.protocol === "http:" || next.protocol === "https:") && !next.username && !next.password) {
            // Once the exchange has left the site, credentials never come back, even if it redirects home.
            onSite = onSite && sameOrigin(next);
            url = next;
            continue;
          }
        }
        // never retried (an SgError thrown by the attempt); a read's GET applied nothing, a write gets maybeSent. Only a
        // 2xx: a redirect's body is never the download, and comes back empty, as an error status's does
        if (raw.tooLarge && raw.status < 300) throw protocolError(`more than maxBytes, ${maxBytes} bytes`, "Ask for a stream, or raise maxBytes.", raw, "", undefined, loop, undefined, "SG_RESPONSE_TOO_LARGE");
        if (raw.status < 400) return { ok: true, value: response, status: raw.status };
        const error = httpStatusError({
          method: label,
          // a redirect's target (a signed storage link) may be quoted by its answer, as the caller's target may
          secrets: url === firstUrl ? secrets : [...secrets, ...targetSecrets(url)],
          status: raw.status,
          statusText: raw.statusText,
          bodyText: bodyText(raw.body.subarray(0, 2048)),
          contentType: raw.headers.get("content-type") ?? undefined,
          retryAfterMs: parseRetryAfter(raw.headers.get("retry-after"), context.clock.now(), raw.headers.get("date")),
        });
        return { ok: false, error, status: raw.status, outcome: { type: "status", status: raw.status, retryAfterMs: error.retryAfterMs }, fallback: { value: response } };
      }
    },
  );
}
