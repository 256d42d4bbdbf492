import { SgNetworkError, SgTimeoutError } from "@sg/core";
import type { NetworkErrorDetails } from "@sg/core";
import { PROXY_LOGIN_HINT, landedHint } from "./fault-map.js";
import type { AttemptOutcome } from "./retry-policy.js";

/** Codes meaning the request never left the machine (safe to retry even for writes). */
const NOT_SENT: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  // no file descriptor left for the socket (a burst of calls, one connection each, under a low `nofile` limit)
  "EMFILE",
  "ENFILE",
]);

/**
 * Certificate checks that failed: Node's X.509 verification codes (`CERT_HAS_EXPIRED`, `UNABLE_TO_GET_ISSUER_CERT`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `SELF_SIGNED_CERT_IN_CHAIN`, `INVALID_CA`, `INVALID_PURPOSE`, `PATH_LENGTH_EXCEEDED`,
 * `ERROR_IN_CERT_NOT_AFTER_FIELD`, `CRL_HAS_EXPIRED`, `HOSTNAME_MISMATCH`, ...) and a host name the certificate
 * does not cover (`ERR_TLS_CERT_ALTNAME_INVALID`; an https:// proxy's, undici wraps in `UND_ERR_PRX_TLS`).
 */
const CERTIFICATE_CODE = /^(UND_ERR_PRX|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|INVALID_|PATH_LENGTH|ERROR_IN_|CRL_|HOSTNAME_MISMATCH|ERR_TLS_CERT)/;

/** Any other TLS failure: the handshake itself (`wrong version number`, `packet length too long`, alerts, ...). */
const HANDSHAKE_CODE = /^(ERR_SSL_|ERR_TLS_|EPROTO$)/;

/**
 * Which part of TLS failed, on {@link SgTlsError.tls}:
 * - `"certificate"`: the site's certificate was not accepted (an unknown CA, self-signed, expired, another
 *   host name): trust its CA or fix the certificate;
 * - `"protocol"`: the two ends do not speak TLS to each other, before any certificate: most often the site URL's
 *   scheme or port is wrong (`https://` to a port that speaks plain HTTP, `http://` to one that speaks TLS), or
 *   a proxy intercepts TLS.
 */
export type TlsFailure = "protocol" | "certificate";

/** Options of {@link SgTlsError}. */
export interface TlsErrorDetails extends NetworkErrorDetails {
  /** Which part of TLS failed. */
  readonly tls: TlsFailure;
}

/**
 * A TLS failure: nothing was sent (`maybeSent: false`) and it is never retried, as it does not fix itself.
 * It is an {@link SgNetworkError} (`code` `SG_NETWORK`); branch on {@link SgTlsError.tls} rather than on the
 * message, whose wording may change.
 */
export class SgTlsError extends SgNetworkError {
  /** `"protocol"` (wrong scheme or port, a proxy; not a certificate problem) or `"certificate"`. */
  readonly tls: TlsFailure;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: TlsErrorDetails) {
    super(message, options);
    this.tls = options.tls;
  }
}

/** The {@link TlsFailure} a network error code stands for, if it is a TLS one. */
function tlsFailure(code: string): TlsFailure | undefined {
  return CERTIFICATE_CODE.test(code) ? "certificate" : HANDSHAKE_CODE.test(code) ? "protocol" : undefined;
}

/** The underlying error of something fetch/ofetch threw, without ofetch's `FetchError` wrapper (it carries the request body). */
export function unwrapFetchError(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 3; i += 1) {
    if (current instanceof Error && current.name === "FetchError" && current.cause !== undefined) current = current.cause;
    else break;
  }
  if (current instanceof Error && current.name === "FetchError") {
    // A FetchError without a cause: keep only its (scrubbed later) message, never the object.
    const plain = new Error(current.message.replace(/\?[^"\s]*/g, ""));
    plain.name = "FetchError";
    return plain;
  }
  return current;
}

/** Our code for a proxy that asked for a login (HTTP 407): the request did not reach the site. */
const PROXY_AUTH = "ERR_PROXY_AUTH";

/** Our code (Node's name for it) for a proxy that would not open a tunnel to the site: nothing reached the site. */
const PROXY_TUNNEL = "ERR_PROXY_TUNNEL";

/**
 * undici's `ProxyAgent` when the proxy refused: a CONNECT answered with another status than 200 (`UND_ERR_ABORTED`,
 * "Proxy response (407) !== 200 when HTTP Tunneling"; undici 5 left the status out), or a plain-http request it
 * forwarded answered 407 (`UND_ERR_INVALID_ARG`, "Proxy Authentication Required (407)"). The status is in these
 * messages only, so they are matched whole, each with its code.
 */
const PROXY_REFUSED = /^UND_ERR_(?:ABORTED Proxy response (?:\((\d+)\) )?!== 200 when HTTP Tunneling|INVALID_ARG Proxy Authentication Required \((407)\))$/;

/** undici's `SecureProxyConnectionError`: the TLS handshake with an https:// proxy failed (nothing was sent). */
const PROXY_TLS = "UND_ERR_PRX_TLS";

/** Our code for fetch's refusal of a port the Fetch standard blocks (1, 25, 6000, ...): an error without a code. */
const BAD_PORT = "ERR_BAD_PORT";

/**
 * Our code for a plain HTTP request to a port that speaks TLS (OpenSSL's name for it on the server's side),
 * recognised by the TLS record (an alert or a handshake) the port answered with instead of a status line.
 */
const HTTP_TO_TLS = "ERR_SSL_HTTP_REQUEST";

/**
 * Failures raised while an answer's body was read: the site had answered, so the request went out whatever the failure
 * says (a browser's bare `TypeError`, a TLS record error with no system call). Marked by {@link afterAnswer}.
 */
const AFTER_ANSWER = new WeakSet<object>();

/**
 * Mark `error`, thrown while an answer's body was read, as coming after the site answered, and return it (a thrown
 * value that is not an object, which cannot be marked, is wrapped in an `Error` first).
 */
export function afterAnswer(error: unknown): object {
  const marked = Object(error) === error ? (error as object) : new Error(String(error));
  AFTER_ANSWER.add(marked);
  return marked;
}

/** Whether `error` was marked by {@link afterAnswer}: thrown while an answer's body was read, after the request went out. */
export const answered = (error: unknown): boolean => AFTER_ANSWER.has(error as object);

/**
 * Classify a network failure for the retry policy. Unknown failures count as "maybe sent" (the safe side for
 * writes; a browser's fetch gives every failure as a bare `TypeError("Failed to fetch")`, CORS, DNS and offline
 * included), and so does a never-sent code raised by a `read` or `write` on an open connection: a route lost
 * after the request went out (`read EHOSTUNREACH`) says nothing about whether the site got it. A failure marked by
 * {@link afterAnswer} is always "maybe sent": the site had answered.
 */
export function classifyNetworkError(error: unknown): AttemptOutcome {
  // The first string `code` along the cause chain (e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`) and the system call
  // that failed with it; else `bad port` when fetch refused the URL's port before connecting.
  let code = "ERR_NETWORK";
  let syscall: unknown;
  // the status a proxy refused with (0: not said), when one did
  let proxyStatus: number | undefined;
  // whether undici wrapped the failure as one of the TLS handshake with an https:// proxy
  let proxy: true | undefined;
  let current = error as { code?: unknown; syscall?: unknown; data?: unknown; message?: unknown; cause?: unknown } | null;
  for (let i = 0; i < 6 && current !== null && typeof current === "object"; i += 1, current = current.cause as typeof current) {
    if (typeof current.code === "string" && current.code !== "") {
      ({ code, syscall } = current as { code: string; syscall?: unknown });
      // An HTTP parse error (undici's `HPE_*`, its `data` the bytes it could not parse) on a TLS record: the
      // port speaks TLS, and the TLS end never read the request as HTTP.
      if (/^HPE_/.test(code) && /^[\x15\x16]\x03/.test(String(current.data))) code = HTTP_TO_TLS;
      const refused = PROXY_REFUSED.exec(`${code} ${current.message}`);
      if (refused) proxyStatus = +(refused[1] ?? refused[2] ?? 0);
      // undici's wrapper of a failed TLS handshake with an https:// proxy: its cause says what failed
      if (code !== PROXY_TLS) break;
      proxy = true;
    }
    // fetch also makes a 407 answered in the site's place a network error with no reason at all; that error is
    // not told apart from others without a reason, which stay maybe sent (the safe side for a write).
    if (current instanceof Error && current.message === "bad port") code = BAD_PORT;
  }
  // Whatever it says, a failure once the site had answered came after the request went out (never "not sent").
  if (AFTER_ANSWER.has(error as object)) return { type: "maybe-sent", code };
  // The proxy refused before the site got anything: when it could not reach the site (502, 503, 504), retried like a
  // refused connection; a login it wants (407) or a site it forbids does not change on a retry.
  if (proxyStatus !== undefined) {
    return { type: proxyStatus > 501 && proxyStatus < 505 ? "not-sent" : "fatal", code: proxyStatus === 407 ? PROXY_AUTH : PROXY_TUNNEL, proxyStatus };
  }
  // `read`, `write` or `writev`: the connection was open; `open`: a file, maybe an upload's body under way
  if (NOT_SENT.has(code) && !/read|write|open/.test(syscall as string)) return { type: "not-sent", code };
  // never sent, and no retry changes it: a blocked port, a TLS failure (but one raised by a read or write on an
  // open connection, such as a bad record on a kept-alive one, may come after the request went out)
  if (code === BAD_PORT || (tlsFailure(code) && !/read|write/.test(syscall as string))) return { type: "fatal", code, proxy };
  return { type: "maybe-sent", code };
}

function describe(code: string, tls: TlsFailure | undefined, proxyStatus: number | undefined): string {
  switch (code) {
    case PROXY_AUTH:
    case PROXY_TUNNEL:
      return `the proxy refused the request${proxyStatus ? ` with HTTP ${proxyStatus}` : ""}`;
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return "host name not found (DNS)";
    case "ECONNRESET":
      return "connection reset by the site";
    case "UND_ERR_SOCKET":
      return "the site closed the connection";
    case "EPIPE":
      return "broken pipe";
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connecting timed out";
    case BAD_PORT:
      return "port refused by fetch";
    case HTTP_TO_TLS:
      return "the port speaks TLS, not plain HTTP";
    default:
      return tls === "certificate" ? "TLS failure (certificate not accepted)" : tls ? "TLS handshake failed, not a certificate problem" : "network failure";
  }
}

/**
 * Build the {@link SgNetworkError} for a failed attempt: an {@link SgTlsError} for a TLS failure, and an attempt's
 * {@link SgTimeoutError} (maybe sent, like the transport's own) when undici's own `headersTimeout` or `bodyTimeout`
 * (300 s in Node's fetch) ended it, after `elapsedMs`.
 */
export function networkError(
  error: unknown,
  outcome: AttemptOutcome,
  context: { readonly method: string; readonly kind: "read" | "write"; readonly secrets: readonly string[]; readonly elapsedMs?: number },
): SgNetworkError | SgTimeoutError {
  const code = outcome.type === "status" ? "ERR_NETWORK" : outcome.code;
  if (/^UND_ERR_(HEADERS|BODY)_TIMEOUT$/.test(code)) {
    const limit =
      "The runtime's HTTP client gave up after its own limit (Node's fetch: 300 s without headers or body data). To wait longer, pass dispatcher: new Agent({ headersTimeout: 0, bodyTimeout: 0 }) from undici.";
    return new SgTimeoutError(`'${context.method}' got no data within the runtime's own time limit (${code})`, {
      timeoutMs: context.elapsedMs ?? 0,
      scope: "attempt",
      method: context.method,
      secrets: context.secrets,
      cause: unwrapFetchError(error),
      hint: context.kind === "write" ? `${landedHint("No answer came")} ${limit}` : limit,
    });
  }
  const maybeSent = outcome.type !== "not-sent" && outcome.type !== "fatal";
  // A TLS failure after the request may have gone out is a dropped connection, with its hints, not a TLS set-up error.
  const tls = maybeSent ? undefined : tlsFailure(code);
  let hint: string;
  if (code === PROXY_AUTH) {
    hint = PROXY_LOGIN_HINT;
  } else if (code === PROXY_TUNNEL) {
    hint = "Nothing reached the site: check that the proxy can reach it and lets you through.";
  } else if (code === BAD_PORT) {
    hint = "Nothing was sent: fetch refuses this port (the Fetch standard blocks ports of other protocols, such as 1, 25 or 6000). Check the port in the site URL.";
  } else if (tls === "certificate") {
    // Two whole sentences, not one template: gzip shares their words, for fewer bytes (the proxy's own CA is its proxyTls).
    hint = (outcome as { proxy?: true }).proxy
      ? "The proxy's TLS certificate was not accepted. For a private CA, start Node with NODE_EXTRA_CA_CERTS=<ca.pem>, or pass dispatcher: new ProxyAgent({ uri, proxyTls: { ca } }) from undici."
      : "The site's TLS certificate was not accepted. For a private CA, start Node with NODE_EXTRA_CA_CERTS=<ca.pem>, or pass dispatcher: new Agent({ connect: { ca } }) from undici (behind a proxy: new ProxyAgent({ uri, requestTls: { ca } }); an https:// proxy's own CA: proxyTls).";
  } else if (tls) {
    hint =
      "Nothing was sent. Check the site URL's scheme and port (https:// needs a port that speaks TLS, http:// one that does not) and whether a proxy intercepts TLS.";
  } else if (!maybeSent && (code == "EMFILE" || code == "ENFILE")) {
    hint = "Nothing was sent: more calls at once than the file limit (ulimit -n) lets connect. Pass dispatcher: new Agent({ connections: 64 }) from undici.";
  } else if (!maybeSent) {
    hint = "The request was not sent. Check the site URL, DNS, the network and any proxy settings.";
  } else if (code === "ERR_NETWORK" && !AFTER_ANSWER.has(error as object)) {
    // fetch said nothing (a browser's bare `TypeError: Failed to fetch`) before any answer: maybe sent is the safe
    // side, not a fact
    hint = `Whether the request reached the site is unknown: fetch gave no reason (in a browser also CORS, DNS, offline)${
      context.kind === "write" ? ": the write may have been applied on the site. Check (e.g. find the entity) before trying again." : "."
    }`;
  } else if (context.kind === "write") {
    hint = landedHint("The connection dropped");
  } else {
    hint = "The connection dropped after the request was sent; the site or a proxy may be overloaded.";
  }
  const message = `Network error calling '${context.method}': ${describe(code, tls, (outcome as { proxyStatus?: number }).proxyStatus)} (${code})`;
  const details: NetworkErrorDetails = { maybeSent, syscallCode: code, method: context.method, secrets: context.secrets, cause: unwrapFetchError(error), hint };
  return tls ? new SgTlsError(message, { ...details, tls }) : new SgNetworkError(message, details);
}
