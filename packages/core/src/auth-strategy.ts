import type { Clock } from "./clock.js";
import type { Credentials } from "./credentials.js";
import type { SgAuthError, SgError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { Site } from "./site.js";
import type { SiteInfo } from "./site-info.js";
import type { CallOptions, HttpRequest, HttpResponse } from "./transport-strategy.js";

/** What an auth strategy may use, without importing any transport. */
export interface AuthContext {
  /** The site being called. */
  readonly site: Site;
  /** Where to log; never hand it a secret. */
  readonly logger: Logger;
  /** Time, injectable for tests. */
  readonly clock: Clock;
  /**
   * The client's close signal: aborted by `client.close()`, which also ends every call waiting on this strategy
   * (`SgAbortError`, nothing sent). A strategy may stop its own work on it (a vault request, a prompt for a code):
   * subscribe with `onAbort` from `@sg/core` and unsubscribe when the work is done, since the signal lives as long as
   * the client. Work stopped this way should reject and not stay cached: a call after `close()` comes with a fresh
   * context whose signal is not aborted. A strategy object shared by several clients gets each one's signal: work
   * they share should not stop on one client's. `createClient` always sets it; other clients may leave it out.
   */
  readonly signal?: AbortSignal | undefined;
  /** The site's `info` (cached by the client). */
  info(): Promise<SiteInfo>;
  /**
   * Make an API call with exactly these credentials (or none), bypassing the auth strategy and its
   * re-authentication: a login exchange, for example (`@sg/auth-legacy-pat` calls the JSON-RPC method
   * `get_session_token` through it). `method` is the transport's to understand: a transport for another protocol
   * may not know it. It goes as `options.kind`, else as its method's kind (`methodKind()`: `get_session_token` is a
   * read, retried after a 502), never as the client's `defaults.kind`, which is for the app's calls; the other
   * defaults apply.
   */
  call(method: string, payload: unknown, credentials: Credentials | undefined, options?: CallOptions): Promise<unknown>;
  /**
   * Plain HTTP exchange with the site, sent without the strategy's credentials (give them in the request). On a
   * transport without `http()` (a calls-only one) it rejects with `SgValidationError`, sending nothing.
   */
  http(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * Who is calling. Write one as a factory that validates its options synchronously and keeps its state in a
 * closure; the client calls it for every request. `createClient`'s client also takes a plain value returned, or an
 * error thrown, by `credentials` or `onRejected` written without async, as it takes a promise's (a throw rejects the
 * call; it never throws from `call()`).
 */
export interface AuthStrategy {
  /** Name for diagnostics and errors, e.g. `@sg/auth-script`. */
  readonly name: string;
  /**
   * The credentials for the next call. Cache them, and hand the same object to every caller until they change:
   * the client tells refusals apart by that object, so calls refused together with one object cause one
   * {@link AuthStrategy.onRejected}, where a new object per call causes one each. When work is needed (a login),
   * make concurrent callers share one attempt. A caller stops waiting when its signal aborts, its deadline passes
   * or the client is closed (then {@link AuthContext.signal} aborts, so that the work can stop too).
   */
  credentials(context: AuthContext): Promise<Credentials>;
  /**
   * The site refused `rejected` with `error`. Return fresh credentials to re-send once, or `undefined` to give
   * up (the client then throws `error`, or whatever this method throws). The client calls this at most once
   * per rejected credentials object, however many calls were refused together; the refused calls stop waiting for
   * it as they stop waiting for {@link AuthStrategy.credentials}.
   */
  onRejected?(error: SgAuthError, rejected: Credentials, context: AuthContext): Promise<Credentials | undefined>;
  /**
   * The error to throw instead of `error` when the site refused `rejected` and the client will not re-send:
   * the call re-sent after {@link AuthStrategy.onRejected} was refused too, `onRejected` gave up (returned
   * `undefined`), or there is no `onRejected`. Return `undefined` to let `error` through. `onRejected` is never
   * called a second time for one call, so this is where a strategy explains a refusal of the re-sent call —
   * e.g. a `sudoAsLogin` target refused once a new session was obtained.
   *
   * Synchronous and free of side effects: it must not log in, count, remember or throw; it only reads `error`
   * and `rejected` (the credentials the refused call carried). A client that predates this member ignores it.
   */
  explain?(error: SgAuthError, rejected: Credentials): SgError | undefined;
}
