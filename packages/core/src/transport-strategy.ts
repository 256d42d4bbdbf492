import type { Clock } from "./clock.js";
import type { Credentials } from "./credentials.js";
import type { Logger } from "./logger.js";
import type { MethodKind } from "./method-kind.js";
import type { Site } from "./site.js";

/** Per-call changes to the transport's retry policy. */
export interface RetryOverride {
  /** Total attempts including the first (1 = no retry). */
  readonly maxAttempts?: number | undefined;
  /** Whether writes may be retried on 502/504 (they are never retried after a reset or timeout once sent). */
  readonly retryWrites?: boolean | undefined;
  /**
   * Extra HTTP statuses retried on this call when it is a read (e.g. `[500]` for a PUT to a presigned storage
   * URL, which storage asks to be repeated and which cannot land twice), with the backoff and `Retry-After`
   * handling of a 502/503. Never used for writes: a write answered with an error status may have landed.
   */
  readonly retryStatuses?: readonly number[] | undefined;
}

/**
 * Options every call accepts. `client.call`, `client.info` and `createClient`'s `defaults` refuse any other key
 * with `SgValidationError` before anything is sent.
 */
export interface CallOptions {
  /** Cancels the call at once, including during a backoff sleep. */
  readonly signal?: AbortSignal | undefined;
  /** Limit for one HTTP attempt, in milliseconds. */
  readonly timeoutMs?: number | undefined;
  /**
   * Limit for the whole call including retries and backoff, in milliseconds. On `client.call` it also covers
   * waiting for credentials and a re-login after a refusal; the transport gets what is left. At most
   * 2147483647 (what a timer holds); `client.call` and `client.http` refuse another value before asking for
   * credentials.
   */
  readonly deadlineMs?: number | undefined;
  /** Change the retry policy for this call, or `false` for a single attempt. */
  readonly retry?: RetryOverride | false | undefined;
  /**
   * Treat the call as a read or a write regardless of its method name. In a client's `defaults` only `"write"`
   * is taken: a default `"read"` would let every create or update be retried after it may have landed.
   */
  readonly kind?: MethodKind | undefined;
  /**
   * The browser session this call acts for (the Python client's `set_session_uuid`): the site stamps it on the
   * EventLogEntries the call creates, so a ShotGrid page open in that browser session shows the changes live. Core
   * hands it to the transport as the credentials' `sessionUuid`, and the transport speaks it in its protocol's way
   * (the JSON-RPC transport, for example, sends it as `session_uuid` in the auth params). A web app handling Action
   * Menu Items receives it as `session_uuid` in the menu item's POST.
   *
   * `defaults: { sessionUuid }` of `createClient` sets it for every call (a tool running in one browser
   * session); a call's own value wins over the defaults, and either wins over a `sessionUuid` that the auth
   * strategy's credentials carry. It goes with every call that sends credentials, uploads included, and never
   * with `info` or other unauthenticated requests.
   *
   * Not a secret, and never required: without it the changes still show, on the page's next reload. It
   * must be a non-empty string without control characters, else the call rejects with `SgValidationError`
   * before anything is sent (`createClient` throws for a bad default).
   */
  readonly sessionUuid?: string | undefined;
}

/** One API call as the core hands it to a transport. */
export interface RpcRequest {
  /** The API method, e.g. `read`, `create`, `info`. */
  readonly method: string;
  /** The method's payload; absent when the method takes none. */
  readonly payload?: unknown;
  /** Who is calling; absent for unauthenticated calls such as `info`. */
  readonly credentials?: Credentials | undefined;
  /** Whether the call only reads (decides which failures may be retried). */
  readonly kind: MethodKind;
  /** Cancels the call. */
  readonly signal?: AbortSignal | undefined;
  /** Limit for one HTTP attempt, in milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** Limit for the whole call, in milliseconds. */
  readonly deadlineMs?: number | undefined;
  /** Per-call retry override. */
  readonly retry?: RetryOverride | false | undefined;
}

/** A form field value: text, several texts (repeated keys), or a file part. */
export type FormValue = string | readonly string[] | Blob;

/** A plain HTTP exchange with the site or a storage URL (uploads, downloads, login endpoints). */
export interface HttpRequest {
  /** HTTP method. */
  readonly method: "GET" | "POST" | "PUT";
  /** Path on the site's origin, e.g. `/upload/upload_file`, or an absolute URL (e.g. a storage URL). */
  readonly target: string;
  /** Form fields; sent multipart when any value is a Blob, else url-encoded. */
  readonly form?: Readonly<Record<string, FormValue>> | undefined;
  /** A raw body (for PUTs to storage). */
  readonly body?: Blob | Uint8Array | string | undefined;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Who is calling. The transport speaks these in its protocol's way for that endpoint (the JSON-RPC transport, for
   * example, sends them as form fields to its upload endpoints and as a session cookie to its downloads) and never
   * sends them to another host.
   */
  readonly credentials?: Credentials | undefined;
  /** Whether the exchange only reads. */
  readonly kind: MethodKind;
  /** Cancels the exchange. */
  readonly signal?: AbortSignal | undefined;
  /** Limit for one attempt, in milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** Limit for the whole exchange including retries, in milliseconds. */
  readonly deadlineMs?: number | undefined;
  /** Per-call retry override. */
  readonly retry?: RetryOverride | false | undefined;
  /**
   * How the answer's body is handed over: `"bytes"` (the default) reads it whole into
   * {@link HttpResponse.body}; `"stream"` asks for a successful (2xx) body as {@link HttpResponse.stream},
   * read as the caller pulls it, so that a multi-GB file never sits in memory.
   *
   * A streamed body is never retried once handed over; the exchange's limits keep running while it flows:
   * `signal`, `deadlineMs`, the transport's `close()` and the context's signal (the client's `close()`, see
   * {@link TransportContext.signal}) end it, and `timeoutMs` bounds each wait for the
   * next chunk (a stalled body fails instead of hanging). A transport that cannot stream ignores the flag
   * and answers with bytes, so check for `stream` rather than assume it.
   */
  readonly responseBody?: "bytes" | "stream" | undefined;
  /**
   * The most bytes of a body read whole (`responseBody` `"bytes"`, and a status a stream is not asked for), decoded
   * (a compressed body is counted as it inflates). A longer 2xx body is not read past it: the exchange fails with an
   * `SgProtocolError` whose `code` is `SG_RESPONSE_TOO_LARGE`, not retried; an unfollowed redirect's (3xx) or an error
   * status's body past it is returned empty, with its status. A positive integer; none when absent. A transport that
   * does not know the option may ignore it.
   */
  readonly maxBytes?: number | undefined;
}

/** The answer to an {@link HttpRequest}. Statuses of 300 and more are returned, not thrown. */
export interface HttpResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** The whole body as bytes; empty when the body comes as {@link HttpResponse.stream}. */
  readonly body: Uint8Array;
  /**
   * The body, unread, when the request asked for `responseBody: "stream"` and the status is 2xx (other
   * statuses, a 2xx without a body such as 204, and transports that cannot stream carry it in `body`). The caller must read it to its end or `cancel()` it:
   * until then the connection and the exchange's limits stay held. It errors with the transport's typed
   * errors (`SgTimeoutError`, `SgAbortError`, `SgNetworkError`) when the transfer fails midway.
   */
  readonly stream?: ReadableStream<Uint8Array>;
  /**
   * The URL this answer came from, after any redirects the transport followed (e.g. a signed storage link the site
   * sent a download to). A caller quoting the answer scrubs this URL's query as it does the target's (see
   * `targetSecrets`): a storage page may quote the link. Optional: a transport that does not set it leaves callers
   * only the request's target to go by.
   */
  readonly url?: string | undefined;
}

/** What a transport may use from the client. */
export interface TransportContext {
  /** The site being called. */
  readonly site: Site;
  /** Where to log; never hand it a secret. */
  readonly logger: Logger;
  /** Time, injectable for tests. */
  readonly clock: Clock;
  /**
   * Aborted when the client that made this call is closed (`client.close()`); a transport ends the calls made with
   * this context when it aborts, like their own `signal`, including a streamed body (`responseBody: "stream"`).
   * `createClient` always sets it. Clients sharing one transport object each hand it their own, so that a client's
   * `close()` ends only its own calls. A transport that ignores it still works: `createClient` stops waiting for the
   * client's calls 50 ms after it aborts, though the transport's work goes on (a client alone on its transport also
   * calls `transport.close()`). Its abort reason is an `SgAbortError`; a write ended by it should say, as
   * `SgAbortError.maybeSent`, whether its request may have left (core takes an unset `maybeSent` on a write as
   * `true`).
   *
   * It is one long-lived signal per client, handed with every call: a listener added per call must be removed when
   * the call ends, or each call stays reachable from it for the client's life (and Node warns past ten listeners).
   * `onAbort` from `@sg/core` does this with one listener per signal: subscribe per call, unsubscribe when it ends.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * How a call travels: envelope, headers, timeouts, retries, and the mapping of failures to typed errors.
 * Implement this to put the client on another protocol or HTTP stack.
 *
 * Tokens a transport derives itself (a codec that trades the credentials it is given for an access token and a
 * refresh token) are its own to keep and renew: it renews one that expired or was refused, and does not report that
 * as a refusal. It rejects with `SgAuthError` only when the credentials in the request are refused, since core and
 * the auth strategies take an `SgAuthError` as a verdict on those: the strategy's `onRejected` runs (a session
 * strategy's `refresh()`, a browser login), or its error says the script name or key is wrong. Every error it builds
 * while holding derived tokens lists them in `secrets` (`SgErrorOptions.secrets`), next to `secretsOf(credentials)`,
 * which knows only the credentials' own secrets. `redactUrl` removes only a URL's `user:pass@`; name a URL with
 * `shownUrl` (no query or fragment), and quote other text with `scrubText` or `cutText` and those secrets (they also
 * blank `Bearer …` values, JSON Web Tokens and secret-named fields such as `access_token=…`).
 */
export interface TransportStrategy {
  /** Name for diagnostics, e.g. `@sg/transport (api3 json)`. */
  readonly name: string;
  /**
   * Send one API call; resolve the method's result, or reject with an `SgError` (`createClient` makes anything else an
   * `SgNetworkError` naming the transport, with `maybeSent: true` and the first string `code` down the error's cause
   * chain as `syscallCode`; a `TimeoutError` an `SgTimeoutError`, `scope: "deadline"` once the deadline handed over has
   * passed, else `"attempt"`).
   */
  send(request: RpcRequest, context: TransportContext): Promise<unknown>;
  /**
   * Plain HTTP exchanges (uploads, downloads, login endpoints), when the transport supports them. Honouring
   * {@link HttpRequest.responseBody} `"stream"` is optional: without it the body comes as bytes.
   */
  http?(request: HttpRequest, context: TransportContext): Promise<HttpResponse>;
  /**
   * Abort the calls in flight (each rejects with `SgAbortError`) and release what the transport holds. It
   * does not retire the transport: a call made after `close()` is sent as usual (the Python client, too,
   * reconnects after `close()`). To end all traffic, stop making calls or abort them with a signal.
   *
   * `client.close()` calls it only when no other open client uses the same transport object. So a wrapper around
   * another transport (metrics, tracing) that forwards `close()` must be shared as the inner one is: one wrapper per
   * inner transport, handed to every client. A wrapper per client is a transport of its own for that count, and
   * the first client to close would close the inner transport under the other clients' calls. Otherwise leave
   * `close()` out of the wrapper: the context's {@link TransportContext.signal}, passed on with each call, already
   * ends a client's own calls when it closes.
   */
  close?(): Promise<void>;
}
