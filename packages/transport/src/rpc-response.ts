import { SgProtocolError, redactUrl } from "@sg/core";
import { ANSWERED_WRITE, bodySnippet, faultToError, hiddenRedirect, httpStatusError, isFault, maybeSent, ssoSessionExpired } from "./fault-map.js";
import type { ErrorContext } from "./fault-map.js";
import { parseRetryAfter } from "./retry-after.js";

/** A raw HTTP answer, as one attempt received it. */
export interface RawResponse {
  /** HTTP status. */
  readonly status: number;
  /** Status text. */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The whole body (empty when handed over as {@link RawResponse.stream}, or past {@link RawResponse.tooLarge}). */
  readonly body: Uint8Array;
  /** The 2xx body unread (then `body` is empty), when the exchange asked for a stream. */
  readonly stream?: ReadableStream<Uint8Array>;
  /**
   * The limit the body was longer than (`maxResponseBytes`, or more for a write; an `http()` request's `maxBytes`): it
   * was not read (then `body` is empty).
   */
  readonly tooLarge?: number;
}

const decoder = new TextDecoder("utf-8");

/** The body as UTF-8 text (invalid sequences replaced, never throws). */
export function bodyText(body: Uint8Array): string {
  return decoder.decode(body);
}

/**
 * The error for a 2xx answer that is not the protocol's (`what` it was): a write gets `maybeSent: true` and the
 * hint that it may have landed (`writeHint`) instead of `hint`, since something answered after its request was sent.
 * `code` overrides `SG_PROTOCOL` (`http()`'s body past `maxBytes` is `SG_RESPONSE_TOO_LARGE`).
 */
export function protocolError(what: string, hint: string, response: RawResponse, text: string, contentType: string | undefined, context: ErrorContext, writeHint: string = ANSWERED_WRITE, code?: string): SgProtocolError {
  const write = context.kind === "write";
  const error = new SgProtocolError(`The site answered '${context.method}' with ${what} (HTTP ${response.status})`, {
    status: response.status,
    bodySnippet: bodySnippet(text, context.secrets),
    contentType,
    method: context.method,
    secrets: context.secrets,
    hint: write ? writeHint : hint,
    code,
  });
  return write ? maybeSent(error) : error;
}

/**
 * Turn an api3 HTTP answer into the method's result, or throw (rpc-protocol.md §1.5):
 * a redirect to the SAML login → `SgAuthError` (an SSO session that expired); any other status ≥ 300 →
 * `SgHttpError`; status 0 (a redirect whose target the runtime hides, see {@link hiddenRedirect}) → the same
 * `SgAuthError` for a call with session credentials (the SSO login is the API's redirect of an expired session),
 * else an `SgHttpError`, never a result; a body over `maxResponseBytes` → `SgProtocolError`; JSON (`application/json`,
 * `text/javascript`, or no content type) is decoded (invalid JSON → `SgProtocolError`); a fault envelope → the
 * typed fault; `{results}` is unwrapped, any other JSON value is returned as is; `text/html` on a 2xx →
 * `SgProtocolError`; any other content type (e.g. `text/csv` from `export_page`) → the raw text; an empty body →
 * `null`.
 */
export function decodeRpcResponse(response: RawResponse, context: ErrorContext, now: number): unknown {
  const contentType = response.headers.get("content-type") ?? undefined;
  if (!response.status) {
    const error = hiddenRedirect(context.method, context.secrets);
    throw context.session ? ssoSessionExpired(error, error.hint) : error;
  }
  if (response.status >= 300) {
    const header = response.headers.get("location");
    const location = header ? redactUrl(header).split("?")[0] : undefined;
    const error = httpStatusError({
      ...context,
      status: response.status,
      statusText: response.statusText,
      bodyText: bodyText(response.body),
      contentType,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), now, response.headers.get("date")),
      location,
    });
    throw response.status < 400 && /saml/i.test(location ?? "") ? ssoSessionExpired(error) : error;
  }
  const text = bodyText(response.body);
  const limit = response.tooLarge;
  if (limit) {
    // A 2xx to a write: the site took it; only its result (the new ids) is lost.
    throw protocolError(
      context.kind === "write"
        ? `success but more than ${limit} bytes (maxResponseBytes, or 8 times the request's length if larger): its result was not read`
        : `more than maxResponseBytes, ${limit} bytes`,
      "Ask for less per call (fewer fields, a smaller page), or raise maxResponseBytes.",
      response,
      "",
      contentType,
      context,
      "The write was almost certainly applied, but its result (e.g. new ids) is lost. Check (e.g. find the entity) before trying again; raise maxResponseBytes, or send smaller batches.",
    );
  }
  if (text.length === 0) return null;
  const type = contentType === undefined || contentType === "application/json" || contentType === "application/json; charset=utf-8" ? "application/json" : contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type === "text/javascript" || type.endsWith("+json")) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(text);
    } catch {
      throw protocolError("invalid JSON", "A proxy or an error page may be answering instead of the site; check the site URL.", response, text, contentType, context);
    }
    if (isFault(decoded)) throw faultToError(decoded, context);
    if (typeof decoded === "object" && decoded !== null && !Array.isArray(decoded) && Object.hasOwn(decoded, "results")) {
      return (decoded as { results: unknown }).results;
    }
    return decoded;
  }
  if (type === "text/html" || type === "application/xhtml+xml") {
    throw protocolError(
      "an HTML page instead of JSON",
      "A login page, a proxy or an error page answered instead of the API; check the site URL and base path.",
      response,
      text,
      contentType,
      context,
    );
  }
  return text;
}
