import {
  SgAuthError,
  SgFault,
  SgHttpError,
  SgIdentitySiteError,
  SgSsoSiteError,
  SgTwoFactorRequiredError,
  cutText,
  scrubText,
} from "@sg/core";
import type { FaultDetails, MethodKind, SgError } from "@sg/core";

/** Context needed to build a secret-free error. */
export interface ErrorContext {
  /** The API method (or HTTP target) that failed. */
  readonly method: string;
  /** Secret values to scrub from messages and snippets. */
  readonly secrets: readonly string[];
  /** Read or write, for an RPC call: a write answered after its request was sent is told it may have landed. */
  readonly kind?: MethodKind | undefined;
  /** Whether writes are retried on 502/504 (when not, the hint of a write's 502 or 504 says how to turn it on). */
  readonly retryWrites?: boolean | undefined;
  /** Whether the site URL carried `user:pass@` (sent as Basic auth): a 401 then says those were refused. */
  readonly basicAuth?: boolean | undefined;
  /** Whether the call carried session credentials: a redirect whose target is hidden is then taken for the SSO login's. */
  readonly session?: boolean | undefined;
  /** The site's origin when its URL has a path (a browser page's URL, maybe): a 404 then names it. */
  readonly root?: string | undefined;
}

/**
 * The hint of a write cut short after its request went out: `how` it was (`The connection dropped`, `No answer
 * came`, …), then that it may have landed, so check before sending it again; `then` adds another way out (`, or
 * raise timeoutMs`). One sentence for every such case, so that they agree.
 */
export function landedHint(how: string, then = ""): string {
  return `${how} after the request was sent: the write may have been applied on the site. Check (e.g. find the entity) before trying again${then}.`;
}

/** The hint of a write that got an answer which is not its result (a 5xx, a 2xx that is not the protocol's). */
export const ANSWERED_WRITE: string = landedHint("The site or a proxy answered");

/**
 * Mark `error` as a write's that may have landed with an own `maybeSent: true`. `SgHttpError` and `SgProtocolError`
 * declare the field without setting it (their constructors take no such option in older cores), so it is set here.
 */
export function maybeSent<E extends SgError>(error: E): E {
  return Object.assign(error, { maybeSent: true });
}

/** The 503 message of the Python client. */
export const MAINTENANCE_MESSAGE =
  "Flow Production Tracking is currently down for maintenance or too busy to reply. Please try again later.";

/** The hint when a proxy asked for a login (HTTP 407), as an answer or as the network error fetch makes of it. */
export const PROXY_LOGIN_HINT = "Nothing reached the site: check the user and password given for the proxy.";

/** The hint of an HTTP 413 (Payload Too Large): nothing was applied, send less per request. */
export const TOO_LARGE_HINT =
  "The site or a proxy in front of it refused the request as too large (HTTP 413): nothing was applied. Send smaller requests: fewer requests per batch, fewer or shorter values, or a smaller upload.";

/** Whether a decoded body is a fault envelope (`{exception: <truthy>, …}`). */
export function isFault(body: unknown): body is Record<string, unknown> {
  return typeof body === "object" && body !== null && !Array.isArray(body) && Boolean((body as Record<string, unknown>)["exception"]);
}

/** How a fault is raised: its error class, the message when the site sent none (the Python client's), and a hint. */
type FaultEntry = readonly [ErrorClass: new (message: string, options: FaultDetails) => SgError, fallback: string, hint?: string];

/** The faults with their own error class and hint (rpc-protocol.md §1.6); any other code is an {@link SgFault}. */
const FAULTS: Readonly<Record<number, FaultEntry>> = {
  102: [
    SgAuthError,
    "Unknown Authentication Error",
    "Check the credentials: script name and application key, login and password, or whether the session token has expired.",
  ],
  106: [
    SgTwoFactorRequiredError,
    "Unknown 2FA Authentication Error",
    "This account needs a two-factor code: pass the current one-time code as authToken with the user credentials.",
  ],
  108: [
    SgSsoSiteError,
    "Authentication using username/password is not allowed for an SSO-enabled Flow Production Tracking site",
    "This site uses SSO (SAML): log in through the browser and use a session token, or use a script key.",
  ],
  110: [
    SgIdentitySiteError,
    "Authentication using username/password is not allowed for an Autodesk Identity enabled Flow Production Tracking site",
    "This Autodesk Identity site accepts a legacy login only once the account has a passphrase (set it in Account Settings → Legacy Login and Personal Access Token, with a PAT bound); otherwise use a script key or a session token from a browser login.",
  ],
};

const OTHER_FAULT: FaultEntry = [SgFault, "Unknown Error"];

/** Map a fault envelope to the typed error (rpc-protocol.md §1.6): 102, 106, 108, 110, or {@link SgFault}. */
export function faultToError(body: Record<string, unknown>, context: ErrorContext): SgError {
  const rawCode = body["error_code"];
  const errorCode = typeof rawCode === "number" ? rawCode : typeof rawCode === "string" && /^\d+$/.test(rawCode) ? Number(rawCode) : undefined;
  const [ErrorClass, fallback, hint] = (errorCode !== undefined && FAULTS[errorCode]) || OTHER_FAULT;
  const rawMessage = body["message"];
  // The site's own text: scrubbed of the call's secret values here, since an error scrubs only patterns from its message.
  // A site may echo a huge bad value in it: only its start is kept (scrubbed first, then cut).
  const message = typeof rawMessage === "string" && rawMessage ? cutText(rawMessage, MESSAGE_LENGTH, context.secrets) : fallback;
  return new ErrorClass(message, { method: context.method, secrets: context.secrets, errorCode, hint, serverMessage: message });
}

/** How many characters of a body an error keeps. */
const SNIPPET_LENGTH = 500;

/** How many characters of a fault's message an error keeps (`serverMessage`): the rest is cut, marked by `…`. */
const MESSAGE_LENGTH = 4096;

/** A short, one-line-ish, scrubbed start of a body for error messages (scrubbed first, then cut: see `cutText`). */
export function bodySnippet(text: string, secrets: readonly string[]): string {
  return cutText(text.replace(/\s+/g, " ").trim(), SNIPPET_LENGTH, secrets);
}

/** Inputs of {@link httpStatusError}. */
export interface HttpStatusErrorInput extends ErrorContext {
  /** HTTP status. */
  readonly status: number;
  /** The response's status text. */
  readonly statusText: string;
  /** The response body as text. */
  readonly bodyText: string;
  /** The response's content type. */
  readonly contentType: string | undefined;
  /** Parsed `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** `location` of a redirect, already stripped of credentials. */
  readonly location?: string | undefined;
}

/**
 * Map a status of 300 or more to {@link SgHttpError} with the message and hint of rpc-protocol.md §1.5. A 5xx
 * answered to a write (`kind: "write"`) gets `maybeSent: true` and a hint that it may have landed: a gateway's 502
 * or 504, or a site's 500, does not prove that the site did not apply it. A 413 (a body over a size limit) was not
 * processed: its hint says so, and to send smaller requests.
 */
export function httpStatusError(input: HttpStatusErrorInput): SgHttpError {
  const snippet = bodySnippet(input.bodyText, input.secrets);
  // The status text and the redirect's location are the site's words: scrubbed like its body.
  const head = `HTTP ${input.status}${input.statusText ? ` ${scrubText(input.statusText, input.secrets)}` : ""} from the site for '${input.method}'`;
  let message = head;
  let hint: string | undefined;
  // The wait a Retry-After asked for, said by the 503's hint and the 429's alike; none for 0 (or no header).
  const wait = input.retryAfterMs ? `asked to wait ${Math.ceil(input.retryAfterMs / 1000)} s before trying again` : "";
  if (input.status === 503) {
    message = `${head}: ${MAINTENANCE_MESSAGE}`;
    hint = wait ? `The site ${wait}.` : "Try again later.";
  } else if (input.status === 403) {
    message = `${head}: ${snippet || "(empty body)"}`;
    hint = "API access may be blocked for this site, script or user; the site's reply is above (an administrator can lift the block).";
  } else if (input.status === 429) {
    hint = `The site is rate-limiting this client${wait && ` and ${wait}`}; slow down or lower concurrency.`;
  } else if (input.status === 413) {
    // A body refused for its size (a gateway's or the site's limit) is refused before it is processed: nothing was
    // applied, and the same request would be refused again. A write's error gets no maybeSent, as a 429's does not.
    hint = TOO_LARGE_HINT;
  } else if (input.status === 502 || input.status === 504) {
    hint = "The site or a proxy in front of it failed to answer; this is usually transient, try again later.";
  } else if (input.status >= 300 && input.status < 400) {
    message = `${head}: redirected${input.location ? ` to ${scrubText(input.location, input.secrets)}` : ""}`;
    hint = "The API endpoint answered with a redirect; check the site URL (scheme, host and base path).";
  } else if (input.status === 401) {
    // No `scheme://user:pass@` in the words: the secret scrubbing of every hint would blank it.
    hint = input.basicAuth
      ? "The user and password in the site URL were refused; check them."
      : "A gate at the site (basic auth, a reverse proxy) asked for credentials: put them in the site URL, as user:password@ before the host name. A forward proxy's login goes in its ProxyAgent URL.";
  } else if (input.status === 407) {
    hint = PROXY_LOGIN_HINT;
  } else if (input.status === 404) {
    hint = `Check the site URL and its base path: the API endpoint was not found there.${input.root ? ` If it is a page's URL, pass ${input.root}.` : ""}`;
  } else if (input.status === 400 && /plain HTTP|to an HTTPS/i.test(input.bodyText)) {
    // plain HTTP to a port that speaks TLS, in the words of nginx ("The plain HTTP request was sent to HTTPS
    // port", also load balancers built like it), Apache ("speaking plain HTTP to an SSL-enabled server port")
    // and Go ("Client sent an HTTP request to an HTTPS server")
    hint = "This port speaks TLS: use https:// in the site URL.";
  }
  const landed = input.kind === "write" && input.status > 499;
  if (landed) {
    hint =
      (input.status === 502 || input.status === 504) && !input.retryWrites
        ? `${ANSWERED_WRITE} With retry: { retryWrites: true } it is sent again, as the Python client does, at the risk of a duplicate.`
        : ANSWERED_WRITE;
  }
  if (snippet && input.status !== 403) message = `${message} — ${cutText(snippet, 200)}`;
  const error = new SgHttpError(message, {
    status: input.status,
    bodySnippet: snippet,
    contentType: input.contentType,
    retryAfterMs: input.retryAfterMs,
    method: input.method,
    secrets: input.secrets,
    hint,
  });
  return landed ? maybeSent(error) : error;
}

/** The code of the {@link SgAuthError} for an SSO site's expired session (its API answered with a redirect to its SAML login). */
export const SSO_SESSION_EXPIRED = "SG_SSO_SESSION_EXPIRED";

/**
 * The refusal of an SSO site whose session has expired, from the {@link SgHttpError} of its answer: a redirect to
 * the SAML login (`…/saml/saml_login_request`, rpc-protocol.md §1.2, as tk-core reads it). An {@link SgAuthError}
 * (code {@link SSO_SESSION_EXPIRED}, the message and `status` kept), so that the client asks the auth strategy for
 * fresh credentials, once for all calls refused together, as for a refused session token.
 */
export function ssoSessionExpired(redirect: SgHttpError, hint = "The site redirected to its SSO login: the session has expired, log in again."): SgAuthError {
  const error = new SgAuthError(redirect.reason, { code: SSO_SESSION_EXPIRED, method: redirect.method, hint });
  return Object.assign(error, { status: redirect.status });
}

/**
 * The `status` of a redirect whose number fetch does not tell: one it refused (`redirect: "error"`), or an opaque
 * redirect (`type` `"opaqueredirect"`, status 0), which is all a browser's fetch shows of a redirect it does not follow.
 */
export const SOME_REDIRECT = 300;

/**
 * The {@link SgHttpError} (`status` {@link SOME_REDIRECT}) of an answer whose status is 0: a redirect whose target the
 * runtime hides (a browser's fetch with `redirect: "manual"`), never a success. The request was not processed (a
 * redirect is no answer of the API), so nothing may have landed, and it is not retried. `more` ends the hint.
 */
export function hiddenRedirect(method: string, secrets: readonly string[], more = ""): SgHttpError {
  return new SgHttpError(`The site answered '${method}' with a redirect this runtime's fetch hides (a browser's does)`, {
    status: SOME_REDIRECT,
    method,
    secrets,
    hint: `Not processed. An SSO site redirects once the session has expired: log in again; else check the site URL.${more}`,
  });
}
