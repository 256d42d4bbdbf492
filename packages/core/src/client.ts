import type { AuthContext, AuthStrategy } from "./auth-strategy.js";
import { onAbort } from "./abort-listeners.js";
import { abortErrorFrom, systemClock, type Clock } from "./clock.js";
import { secretsOf, type Credentials } from "./credentials.js";
import { MAYBE_APPLIED_HINT, SgAbortError, SgAuthError, SgError, SgNetworkError, SgTimeoutError, SgValidationError, describeValue, type Path } from "./errors.js";
import { copyError } from "./error-copy.js";
import { checkLogger, guardLogger } from "./guard-logger.js";
import type { Logger } from "./logger.js";
import { methodKind, type MethodKind } from "./method-kind.js";
import { cutText } from "./redact.js";
import { copyCallOptions } from "./options-check.js";
import { shareUntilAbandoned, type SharedWork } from "./share-until-abandoned.js";
import { shownUrl } from "./shown-url.js";
import { targetSecrets } from "./target-secrets.js";
import { parseSite, type Site } from "./site.js";
import type { SiteInfo } from "./site-info.js";
import type { CallOptions, HttpRequest, HttpResponse, RpcRequest, TransportContext, TransportStrategy } from "./transport-strategy.js";

/**
 * Options of {@link createClient}. Any other key is refused: call options such as `timeoutMs` go in `defaults`
 * or in a call's options, credentials in `auth`.
 */
export interface ClientOptions {
  /** The site URL, e.g. `https://mystudio.shotgrid.autodesk.com`. A path is the site's base path. */
  readonly site: string;
  /** How calls travel, e.g. `jsonRpcTransport()` from `@sg/transport`. */
  readonly transport: TransportStrategy;
  /** Who is calling, e.g. `scriptAuth(…)` from `@sg/auth-script`. Only `info` works without one. */
  readonly auth?: AuthStrategy | undefined;
  /**
   * Where to log (nothing by default). Never receives secrets. Its failures never change a call's result: a method
   * that throws or returns a rejected promise is ignored, and a missing one writes nothing (see `guardLogger`).
   */
  readonly logger?: Logger | undefined;
  /** Time source; inject a fake one in tests. */
  readonly clock?: Clock | undefined;
  /** Allow `http://` to a host that is not loopback. */
  readonly allowInsecureHttp?: boolean | undefined;
  /** Options applied to every call unless the call overrides them. */
  readonly defaults?: DefaultCallOptions | undefined;
}

/**
 * The call options a client applies to every call (`createClient({ defaults })`): those of {@link CallOptions},
 * except that `kind` may only be `"write"`, as `createClient` checks at run time too.
 */
export type DefaultCallOptions = Omit<CallOptions, "kind"> & {
  /**
   * `"write"` sends every call as a write, never retried once it may have reached the site (a call's own `kind`
   * wins). There is no default `"read"`: it would let every create and update be retried after it may have landed.
   */
  readonly kind?: "write" | undefined;
};

/** A plain HTTP exchange requested through the client: credentials are added unless `authenticated` is false. */
export type ClientHttpRequest = Omit<HttpRequest, "credentials" | "kind"> & {
  /** Whether to send the caller's credentials (default true). */
  readonly authenticated?: boolean | undefined;
  /**
   * Send these credentials instead of the strategy's (e.g. a session token obtained for a download); the
   * transport speaks and scrubs them like any other credentials.
   */
  readonly credentials?: Credentials | undefined;
  /** Defaults to `read` for GET, `write` otherwise. */
  readonly kind?: HttpRequest["kind"] | undefined;
  /**
   * The browser session to stamp on the events this exchange creates (e.g. an upload's), sent with the
   * credentials (the JSON-RPC transport sends it as the `session_uuid` form field on a form post); as
   * {@link CallOptions.sessionUuid}, it wins over the client's `defaults`, and does nothing when no credentials are
   * sent.
   */
  readonly sessionUuid?: string | undefined;
  /**
   * Whether `response` is the site refusing the credentials: return the {@link SgAuthError} that says so (an
   * upload's `0` reply with fault 102, a download's 401 or 403), or `undefined` for any other answer. A refusal is
   * then handled as `call()` handles an authentication fault: the strategy's `onRejected` is asked once (one refresh
   * shared with the calls refused with the same credentials), and the exchange is sent once more with the fresh
   * credentials; a refusal of that one, or a strategy that gives up, rejects with the strategy's `explain()` of it or
   * with the error returned here. Say so only for an answer that means nothing was applied, since the exchange is
   * sent again (its body too: a `Blob` is read again). Used only when the strategy's credentials go with the
   * exchange (not with `credentials` or `authenticated: false`, whose answers are returned as they are).
   *
   * It is called with every answer, and with the credentials that exchange was sent with (the strategy's, or the fresh
   * ones of the re-send): the answer may echo them, so scrub their secrets (`secretsOf`, plus the site's
   * Basic-auth password) from any of its text that an error carries.
   */
  readonly refused?: ((response: HttpResponse, credentials: Credentials) => SgAuthError | undefined) | undefined;
};

/** A connected client: the call pipeline shared by every `@sg/*` package. */
export interface Client {
  /** The site, without credentials. */
  readonly site: Site;
  /** The auth strategy in use, if any. */
  readonly auth: AuthStrategy | undefined;
  /** The transport in use. */
  readonly transport: TransportStrategy;
  /** The logger in use: the one given, guarded by `guardLogger` (a silent one by default). */
  readonly logger: Logger;
  /** The clock in use. */
  readonly clock: Clock;
  /**
   * The call options applied to every call: `createClient`'s `defaults`, as checked and copied then (frozen). A call's
   * own option replaces the defaults' one, its `signal` too: code that calls with a signal of its own (one it aborts
   * when its work ends) ties it to `defaults.signal` here, so that an app's shutdown signal still ends that call.
   * `createClient` always sets it; other implementations of `Client` may leave it out.
   */
  readonly defaults?: Readonly<DefaultCallOptions> | undefined;
  /**
   * Call an API method. Credentials come from the auth strategy; on an authentication fault the strategy is
   * asked once for fresh credentials (one refresh shared by every concurrent caller) and the call is re-sent
   * once. Options that are not {@link CallOptions} are refused with {@link SgValidationError} before anything
   * is sent.
   */
  call<T = unknown>(method: string, payload?: unknown, options?: CallOptions): Promise<T>;
  /**
   * The site's `info`, fetched once and cached (pass `refresh: true` to fetch again). Concurrent callers share
   * one request; aborting `signal` stops only this caller waiting for it, and the request once every caller
   * waiting for it has aborted (then nothing is cached, and the next call sends another). The object is the cache,
   * frozen through: copy it to change it.
   */
  info(options?: CallOptions & { readonly refresh?: boolean | undefined }): Promise<SiteInfo>;
  /**
   * The cached `info` once it has arrived, without sending anything; `undefined` before the first answer
   * and while a refresh is pending. For code on the per-call path that must not wait a tick for it.
   */
  cachedInfo(): SiteInfo | undefined;
  /** The credentials the next call would use. */
  credentials(): Promise<Credentials>;
  /**
   * A plain HTTP exchange with the site (uploads, downloads), through the transport. Rejects with
   * {@link SgValidationError} before anything is sent (credentials included) when the transport has no `http()`.
   * With {@link ClientHttpRequest.refused}, an answer that refuses the strategy's credentials is handled as `call()`
   * handles an authentication fault (the strategy's `onRejected`, then one re-send); other statuses are returned.
   */
  http(request: ClientHttpRequest): Promise<HttpResponse>;
  /**
   * Whether the transport makes plain HTTP exchanges (`http()`: uploads, downloads); `false` on a calls-only
   * transport, so that code can refuse a transfer before sending anything. `createClient` always sets it;
   * other implementations of `Client` may leave it out (then assume `true`).
   */
  readonly supportsHttp?: boolean | undefined;
  /**
   * End this client's calls in flight, streamed download bodies included: each rejects with `SgAbortError` (a write's
   * says in `maybeSent` whether it may have been applied, and if so has a hint to check the site before trying again).
   * The client's close signal, which the transport gets with every call ({@link TransportContext.signal}), is aborted;
   * and when no other open client uses the same transport object, the transport is closed too (`transport.close()`).
   * While another does, the transport stays open for it and only this client's calls end (on a transport that ignores
   * the context's signal, core stops waiting for them 50 ms later). The client stays usable — a call made afterwards
   * is sent as usual, as with the Python client after `close()`, and makes it an open client of its transport again.
   * To end all traffic, stop making calls or abort them with a signal.
   */
  close(): Promise<void>;
}

const PREFIX = "@sg/core";

/**
 * Create a client from a site, a transport strategy and (usually) an auth strategy. Options are validated
 * at once, and one it does not take is refused with {@link SgValidationError} (whose hint says where a call
 * option or a credential goes instead); nothing is sent until the first call.
 */
export function createClient(options: ClientOptions): Client {
  if (options === null || typeof options !== "object") refuse(["options"], "an object with site and transport", options);
  refuseUnknown(options, CLIENT_OPTIONS);
  const site = parseSite(options.site, { allowInsecureHttp: options.allowInsecureHttp === true, prefix: PREFIX });
  const { transport, auth } = options;
  if (!transport || typeof transport !== "object" || typeof transport.send !== "function") {
    refuse(["transport"], "a TransportStrategy (an object with send()), e.g. jsonRpcTransport() from @sg/transport", transport);
  }
  if (auth !== undefined && (auth === null || typeof auth !== "object" || typeof auth.credentials !== "function")) {
    refuse(["auth"], "an AuthStrategy (an object with credentials()), e.g. scriptAuth() from @sg/auth-script", auth);
  }
  checkLogger(PREFIX, options.logger);
  // Guarded once, here: the strategies and the transport get this one, and a logger that throws, rejects or lacks a
  // method changes no call's outcome.
  const logger = guardLogger(options.logger);
  const clock = options.clock ?? systemClock;
  // A copy, checked and then read by every call: the caller's object may be reused and changed afterwards (an app that
  // fills in one base options object per request), which must change neither this client's calls nor what was checked.
  const defaults: DefaultCallOptions = Object.freeze(copyCallOptions(options.defaults ?? {}));
  checkCallOptions(defaults, CALL_OPTIONS, ["defaults"]);
  // This client's close signal, handed to the transport with every call in the context (one per client, not per
  // call): close() aborts it and puts a fresh one in a new context, so a closed client that calls again is not ended.
  let closer = closeController();
  let transportContext: TransportContext = Object.freeze({ site, logger, clock, signal: closer.signal });
  // What a transport's plain error may quote of the site: its basic auth, as a header value and a password.
  const siteSecrets = [site.basicAuth, site.basicAuthSecret].filter((s): s is string => !!s);

  let infoWork: SharedWork<SiteInfo> | undefined;
  let infoValue: SiteInfo | undefined;
  // One refresh per refused credentials object. `settledAt` is the send sequence number when a refresh that
  // gave up or failed settled: calls sent before then were refused together and share its outcome; calls
  // sent later ask the strategy again. A refresh that produced new credentials is shared for good.
  const refreshes = new WeakMap<Credentials, { readonly promise: Promise<Credentials | undefined>; settledAt?: number }>();
  let sendSequence = 0;
  // The last frozen credentials object stamped with a session UUID, and its stamped copy: the same pair hands
  // the transport the same object, which works out auth params once per (frozen) credentials object.
  let stampedFrom: Credentials | undefined;
  let stamped: Credentials | undefined;
  // `credentials` as sent with `sessionUuid` (a call's, else the defaults'; it replaces the credentials' own):
  // a copy, so the strategy's object is never changed; itself when there is no UUID (no allocation).
  const withSessionUuid = (credentials: Credentials | undefined, sessionUuid = defaults.sessionUuid): Credentials | undefined => {
    if (!credentials || sessionUuid === undefined) return credentials;
    // An unfrozen object may change between calls: copied afresh each time, and left unfrozen, since a transport
    // keeps what it works out for frozen credentials (authenticateHumanUser's password must not stay there).
    if (!Object.isFrozen(credentials)) return { ...credentials, sessionUuid };
    if (credentials !== stampedFrom || stamped!.sessionUuid !== sessionUuid) {
      stamped = Object.freeze({ ...credentials, sessionUuid });
      stampedFrom = credentials;
    }
    return stamped;
  };

  // This client counts among its transport's open clients from now until close(), and again from its next call.
  let open = false;
  const use = (): void => {
    if (!open) users.set(transport, (users.get(transport) ?? 0) + 1);
    open = true;
  };
  use();

  /**
   * Hand `request` to the transport through `go`, as it is (the client's close signal goes in the context). A signal
   * aborted already stops it here, before the handover (the plain abort: nothing was sent), and so does a transport
   * that throws instead of returning a promise (its error is the rejection). The wait is bounded by the request's
   * signal, the client's close signal and its `deadlineMs`, whether the transport honours them or not (see
   * {@link bounded}). A write stopped after the handover that the transport says nothing about may have been applied,
   * and says so. A rejection that is not an `SgError` is the abort of a call so stopped, else an `SgTimeoutError` for
   * a `TimeoutError` (`scope: "deadline"` once the deadline handed over has passed) or an `SgNetworkError` (the first
   * string `code` down its cause chain as `syscallCode`), naming the transport and `name`.
   */
  const handOver = <
    R extends {
      readonly kind: MethodKind;
      readonly signal?: AbortSignal | undefined;
      readonly timeoutMs?: number | undefined;
      readonly deadlineMs?: number | undefined;
      readonly credentials?: Credentials | undefined;
    },
    T,
  >(
    request: R,
    name: string,
    go: (request: R) => Promise<T>,
  ): Promise<T> => {
    use();
    if (request.signal?.aborted) return Promise.reject(abortErrorFrom(request.signal));
    const write = request.kind === "write";
    const closed = closer.signal;
    const at = performance.now();
    return bounded(promised(go, request), request.signal, closed, request.deadlineMs, name, transport.name, write).catch((error: unknown) => {
      if (!(error instanceof SgError)) {
        // What a transport rejects with once the call was stopped (its signal's reason, an AbortError) is that abort.
        // Else its own time limit (a TimeoutError, as fetch's with AbortSignal.timeout()) is the deadline handed over
        // when that much time passed (timers may fire a little early), else an attempt's: the call's timeoutMs if that
        // much passed, else a limit core does not know (NaN). Anything else failed the call, its own code kept: the
        // first string code down its cause chain, as far as the cause keeps it (fetch's `TypeError: fetch failed` has
        // the socket's ECONNREFUSED as its cause).
        const took = performance.now() - at;
        const reached = (limit: number | undefined): limit is number => limit !== undefined && took + 20 >= limit;
        const secrets = [...secretsOf(request.credentials), ...siteSecrets, ...targetSecrets((request as { target?: unknown }).target)];
        let errorName: unknown, code: unknown;
        try {
          errorName = (error as { name?: unknown }).name;
          for (let e = error, i = 0; e && typeof code != "string" && i++ < 9; ) ({ code, cause: e } = e as { code?: unknown; cause?: unknown });
        } catch {}
        error = request.signal?.aborted
          ? abortErrorFrom(request.signal)
          : closed.aborted
            ? closedInFlight(name)
            : new (errorName == "TimeoutError" ? SgTimeoutError : SgNetworkError)(
                `${PREFIX}: the transport '${transport.name}' failed '${name}' with ${cutText(described(error), 300, secrets)}`,
                {
                  cause: error,
                  method: name,
                  maybeSent: true,
                  secrets,
                  hint: write ? MAYBE_APPLIED_HINT : undefined,
                  syscallCode: typeof code == "string" ? code : undefined,
                  timeoutMs: reached(request.deadlineMs) ? request.deadlineMs : reached(request.timeoutMs) ? request.timeoutMs : NaN,
                  scope: reached(request.deadlineMs) ? "deadline" : "attempt",
                },
              );
      }
      throw write ? mayHaveLanded(error, name) : error;
    });
  };
  const sendRequest = (request: RpcRequest): Promise<unknown> => transport.send(request, transportContext);
  // Without http(), requireHttp's refusal is the exchange's rejection (handOver turns a throw into one).
  const exchange = (request: HttpRequest): Promise<HttpResponse> => requireHttp().call(transport, request, transportContext);

  const send = (method: string, payload: unknown, credentials: Credentials | undefined, callOptions: CallOptions | undefined): Promise<unknown> => {
    // Built key by key (no spreads): this runs for every call and is on the per-call overhead budget.
    const signal = callOptions?.signal ?? defaults.signal;
    const timeoutMs = callOptions?.timeoutMs ?? defaults.timeoutMs;
    const deadlineMs = callOptions?.deadlineMs ?? defaults.deadlineMs;
    const retry = callOptions?.retry ?? defaults.retry;
    const request: { -readonly [K in keyof RpcRequest]: RpcRequest[K] } = { method, kind: callOptions?.kind ?? defaults.kind ?? methodKind(method) };
    if (payload !== undefined) request.payload = payload;
    if (credentials) request.credentials = withSessionUuid(credentials, callOptions?.sessionUuid);
    if (signal) request.signal = signal;
    if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
    if (deadlineMs !== undefined) request.deadlineMs = deadlineMs;
    if (retry !== undefined) request.retry = retry;
    return handOver(request, method, sendRequest);
  };

  // One info request is shared by every caller, so no caller's signal goes into it: each caller stops waiting
  // on its own abort (like credentials()), and one caller's abort never fails the others. Once every caller
  // waiting for it has aborted (none waits without a signal), it is aborted too and dropped: the next call sends
  // another (a process that aborted its calls is not held until the transport's timeout).
  const info = (callOptions?: CallOptions & { readonly refresh?: boolean | undefined }): Promise<SiteInfo> => {
    const signal = callOptions?.signal ?? defaults.signal;
    // A session UUID never goes with info, but a bad one is refused here too: the info that a function asks
    // for first must not go out before the call that carries it is refused.
    let deadlineMs: number | undefined;
    try {
      deadlineMs = checkCallOptions(callOptions, INFO_OPTIONS);
      if (signal?.aborted) throw abortErrorFrom(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (callOptions?.refresh) infoValue = undefined;
    if (infoValue) return Promise.resolve(infoValue);
    // The shared request goes with the client's defaults only: one caller's timeoutMs, deadlineMs or retry would
    // otherwise decide for every caller waiting on it. A caller's own deadline bounds its own wait.
    if (!infoWork || callOptions?.refresh) {
      const work: SharedWork<SiteInfo> = (infoWork = shareUntilAbandoned(
        // Always a read, whatever the defaults' kind: info never writes.
        (stop) =>
          send("info", undefined, undefined, { kind: "read", signal: stop }).then((value) => {
            // A copy frozen through: every caller gets this one object, and the version gates read it; the
            // transport's own object (a custom transport's constant) is left as it is. Copied as JSON data, which
            // info is on the wire: a custom transport's methods, getters or binary views become plain data.
            let frozen: SiteInfo;
            try {
              frozen = JSON.parse(JSON.stringify(value)) as SiteInfo;
            } catch {
              refuse(["transport"], "an answer to info that is JSON data (no cycle, no BigInt)", value);
            }
            deepFreeze(frozen);
            if (infoWork === work) infoValue = frozen;
            return frozen;
          }),
        () => {
          if (infoWork === work) infoWork = undefined;
        },
      ));
    }
    // Not ended by close() here: the shared request is the transport's, which ends it with the client's close signal.
    return waitFor(infoWork.join(signal), undefined, signal, "info", INFO, deadlineMs && performance.now() + deadlineMs, deadlineMs);
  };

  const requireHttp = (): NonNullable<TransportStrategy["http"]> => {
    if (!transport.http) {
      throw new SgValidationError(PREFIX, {
        path: ["transport"],
        expected: "a transport that supports plain HTTP exchanges (uploads, downloads), e.g. jsonRpcTransport() from @sg/transport",
        received: `${transport.name ?? "a transport"} without http()`,
      });
    }
    return transport.http;
  };

  const http = (request: ClientHttpRequest, credentials: Credentials | undefined): Promise<HttpResponse> => {
    const { authenticated: _authenticated, credentials: _explicit, kind: _kind, sessionUuid: _sessionUuid, refused: _refused, ...rest } = request;
    return handOver({ ...rest, kind: httpKind(request), ...(credentials ? { credentials } : {}) }, `HTTP ${request.method} ${shownUrl(String(request.target))}`, exchange);
  };

  // Made afresh by close() with the fresh close signal, as the transport's context is.
  let authContext: AuthContext = Object.freeze({
    site,
    logger,
    clock,
    signal: closer.signal,
    info: (): Promise<SiteInfo> => info(),
    // The strategy's own calls (a login) go as their kind or their method's: the defaults' `kind` is for the app's calls.
    call: (method: string, payload: unknown, credentials: Credentials | undefined, callOptions?: CallOptions): Promise<unknown> =>
      send(method, payload, credentials, { ...callOptions, kind: callOptions?.kind ?? methodKind(method) }),
    http: (request: HttpRequest): Promise<HttpResponse> => http({ ...request, authenticated: false }, request.credentials),
  });

  const requireAuth = (method: string): AuthStrategy => {
    if (!auth) {
      throw new SgAuthError(`${PREFIX}: '${method}' needs credentials, and this client has no auth strategy`, {
        code: "SG_AUTH_MISSING",
        method,
        hint: AUTH_HINT,
      });
    }
    return auth;
  };

  const refreshOnce = (strategy: AuthStrategy, error: SgAuthError, rejected: Credentials, sentAt: number): Promise<Credentials | undefined> => {
    const known = refreshes.get(rejected);
    if (known && (known.settledAt === undefined || sentAt <= known.settledAt)) return known.promise;
    const promise = promised((s) => s.onRejected?.(error, rejected, authContext), strategy);
    const entry: { readonly promise: Promise<Credentials | undefined>; settledAt?: number } = { promise };
    refreshes.set(rejected, entry);
    const gaveUp = (): void => {
      entry.settledAt = sendSequence;
    };
    promise.then((fresh) => {
      if (!fresh || fresh === rejected) gaveUp();
    }, gaveUp);
    return promise;
  };

  /**
   * After the site refused `credentials` (sent as send number `sentAt`) with `error`, for `call()` and `http()` alike:
   * the strategy's `onRejected` is asked once (see {@link refreshOnce}) and, with fresh credentials, `resend` runs
   * once (without `resend`, the refusal is thrown as it came, or a copy of it with what ended the wait for the refresh,
   * if that failed or was cut short, as its `cause`). A refusal of the re-send (an `SgAuthError` from
   * `resend`; `onRejected` is not asked twice for one call, that would be a login per call), or a strategy that gives up, throws the strategy's explanation of the last refusal,
   * or that refusal as it came. `signal`, `endsAt` and `deadlineMs` bound the wait for the refresh, as the caller's,
   * and `closed` (the client's close signal when the call was made) ends it. When there is a `resend`, the error of a
   * wait so ended (not of a failed refresh) says what the refused send did: its `method` (`name`), its `attempts`, and
   * for a `write`, `maybeSent: false`; `resend` gets that `cut` for the deadline error of a re-send left no time.
   */
  const afterRefusal = async <T>(
    strategy: AuthStrategy,
    error: SgAuthError,
    credentials: Credentials,
    sentAt: number,
    name: string,
    wait: { readonly signal: AbortSignal | undefined; readonly closed: AbortSignal; readonly endsAt: number | undefined; readonly deadlineMs: number | undefined; readonly write: boolean },
    resend?: (fresh: Credentials, cut: (error: Error) => unknown) => Promise<T>,
  ): Promise<T> => {
    let refused = error;
    let rejected = credentials;
    // No refresh (a login, maybe a prompt) is started for a call that was aborted or whose client closed meanwhile.
    const ended = wait.closed.aborted || wait.signal?.aborted;
    // Cut while waiting for the refresh, or left no time for the re-send, a call says what its send did (its attempts; a
    // refused write, that it was not applied); a signal's own reason, maybe other calls' too, goes as it is.
    const cut = (stop: Error): unknown =>
      stop === wait.signal?.reason ? stop : Object.assign(stop, { method: name, attempts: error.attempts }, wait.write && { maybeSent: false });
    const fresh = strategy.onRejected && (await waitFor(ended ? undefined : refreshOnce(strategy, error, credentials, sentAt), wait.closed, wait.signal, name, AFTER_REFUSAL, wait.endsAt, wait.deadlineMs, resend && cut).catch((cause: unknown) => {
      // Without `resend` (a write that may have landed), a copy says `maybeSent`: what the refresh threw is one object
      // shared by every caller waiting for it. The strategy's explanation of a refusal (an SgAuthError whose cause is
      // the refusal: the key is wrong) leaves as it would for any call; a failure or a cut of the wait leaves as the cause
      // of the call's own refusal. Of the original's class, with its fields, but not made by its constructor, which may
      // take other arguments (a transport's own class).
      if (resend) throw cause;
      const base = cause instanceof SgAuthError && cause.cause instanceof SgAuthError ? cause : error;
      throw Object.assign(copyError(base, { cause: base == error ? cause : base.cause }), { maybeSent: true });
    }));
    if (fresh) {
      // No `resend` (a write that may have landed): the refusal goes out as it came, not explained as a refusal of
      // credentials that were never sent.
      if (!resend) throw refused;
      logger.debug(`${PREFIX}: re-sending once with fresh credentials`, { method: name, auth: strategy.name });
      try {
        return await resend(fresh, cut);
      } catch (again) {
        if (!(again instanceof SgAuthError)) throw again;
        refused = again;
        rejected = fresh;
      }
    }
    // A refusal the client will not act on: the strategy may say why (a sudo target refused once a new session was
    // obtained), else it goes out as it came.
    throw strategy.explain?.(refused, rejected) ?? refused;
  };

  /**
   * Send `request` with `credentials` (the strategy's) and return the answer, unless its `refused` says the site
   * refused them: then that `SgAuthError` is thrown, after the unread body of a streamed answer is let go.
   */
  const httpUnlessRefused = async (request: ClientHttpRequest, credentials: Credentials): Promise<HttpResponse> => {
    const sent = withSessionUuid(credentials, request.sessionUuid)!;
    const response = await http(request, sent);
    let refusal: SgAuthError | undefined;
    try {
      refusal = request.refused?.(response, sent);
    } catch (error) {
      // The caller's check failed: its streamed body is let go all the same.
      response.stream?.cancel().catch(() => {});
      throw error;
    }
    if (!(refusal instanceof SgAuthError)) return response;
    response.stream?.cancel().catch(() => {});
    throw refusal;
  };

  /**
   * `error` as it leaves this client: an `SgError` gets the site's origin as `site`, unless a client it came through
   * first gave it one (`Reflect.set`: a frozen error goes out as it is, not as a TypeError).
   */
  const fromSite: (error: unknown) => never = (error) => {
    if (error instanceof SgError && !error.site) Reflect.set(error, "site", site.origin);
    throw error;
  };

  const client: Client = {
    site,
    auth,
    transport,
    logger,
    clock,
    defaults,
    async call<T = unknown>(method: string, payload?: unknown, callOptions?: CallOptions): Promise<T> {
      // Read once, as called: the caller may change or reuse its object (and its retry) while this waits for credentials.
      callOptions &&= copyCallOptions(callOptions);
      try {
        if (typeof method !== "string" || method === "") refuse(["method"], "an API method name such as 'read'", method);
        if (method === "info") return (await info(callOptions)) as T;
        // A bad option is refused here, before the login that getting credentials may send (the defaults' were
        // checked by createClient).
        const ownDeadline = checkCallOptions(callOptions, CALL_OPTIONS);
        const strategy = requireAuth(method);
        const signal = callOptions?.signal ?? defaults.signal;
        // A deadline bounds the whole call as the caller sees it: waiting for a login, the call, a re-login after
        // a refusal and the one re-send. The transport gets what is left.
        const deadlineMs = ownDeadline ?? defaults.deadlineMs;
        const endsAt = deadlineMs ? performance.now() + deadlineMs : undefined;
        // No closures here: this runs for every call and is on the per-call overhead budget. close() ends the waits on
        // the strategy of the calls made before it.
        const closed = closer.signal;
        // An aborted call starts no login (nor a prompt for a code).
        if (signal?.aborted) throw abortErrorFrom(signal);
        const credentials = await waitFor(strategy.credentials(authContext), closed, signal, method, "credentials", endsAt, deadlineMs);
        const sentAt = ++sendSequence;
        try {
          return (await send(method, payload, credentials, endsAt ? withTimeLeft(callOptions, endsAt, method, deadlineMs!, "credentials") : callOptions)) as T;
        } catch (error) {
          if (!(error instanceof SgAuthError)) throw error;
          // A refusal of a write an earlier attempt of which may have landed (the transport retried it after a 502:
          // `retryWrites`) is not re-sent after a refresh: the write may have been applied. The strategy still
          // refreshes and explains it, and what leaves says `maybeSent`, whoever made it.
          const landed = (error as { maybeSent?: unknown }).maybeSent;
          const write = (callOptions?.kind ?? defaults.kind ?? methodKind(method)) === "write";
          return await afterRefusal(strategy, error, credentials, sentAt, method, { signal, closed, endsAt, deadlineMs, write }, landed ? undefined : async (fresh, cut) =>
            (await send(method, payload, fresh, endsAt ? withTimeLeft(callOptions, endsAt, method, deadlineMs!, AFTER_REFUSAL, cut) : callOptions)) as T,
          ).catch((left) => {
            // The strategy's explanation (per call) of a landed write's refusal: `Reflect.set`, as a frozen one goes out
            // as it is, not as a TypeError. A failed or cut refresh is thrown as the call's own refusal (afterRefusal).
            if (landed && Object(left) === left) Reflect.set(left, "maybeSent", true);
            throw left;
          });
        }
      } catch (error) {
        fromSite(error);
      }
    },
    info: (callOptions) => info(callOptions).catch(fromSite),
    cachedInfo: (): SiteInfo | undefined => infoValue,
    async credentials(): Promise<Credentials> {
      try {
        return await waitFor(requireAuth("credentials").credentials(authContext), closer.signal, undefined, "credentials", "credentials");
      } catch (error) {
        fromSite(error);
      }
    },
    async http(request: ClientHttpRequest): Promise<HttpResponse> {
      request = copyRequest(request);
      try {
        requireHttp();
        // As in call(): the deadline bounds waiting for credentials too, and the transport gets what is left.
        const deadlineMs = checkCallOptions(request);
        // The defaults' signal ends a transfer too (an app shutting down, a CLI's Ctrl-C); their time limits are
        // for calls, and a transfer keeps the transport's own.
        if (!request.signal && defaults.signal) request = { ...request, signal: defaults.signal };
        if (request.credentials || request.authenticated === false) return await http(request, withSessionUuid(request.credentials, request.sessionUuid));
        // named by its path only: a presigned URL's query or user:pass@ holds secrets
        const name = shownUrl(String(request.target));
        const endsAt = deadlineMs ? performance.now() + deadlineMs : undefined;
        const strategy = requireAuth(name);
        const closed = closer.signal;
        if (request.signal?.aborted) throw abortErrorFrom(request.signal);
        const credentials = await waitFor(strategy.credentials(authContext), closed, request.signal, name, "credentials", endsAt, deadlineMs);
        const sentAt = ++sendSequence;
        try {
          return await httpUnlessRefused(endsAt ? withTimeLeft(request, endsAt, name, deadlineMs!, "credentials") : request, credentials);
        } catch (error) {
          // A refusal of the credentials that the caller told in the answer (refused) is handled as call() handles a fault 102.
          if (!(error instanceof SgAuthError) || !request.refused) throw error;
          return await afterRefusal(strategy, error, credentials, sentAt, name, { signal: request.signal, closed, endsAt, deadlineMs, write: httpKind(request) === "write" }, (fresh, cut) =>
            httpUnlessRefused(endsAt ? withTimeLeft(request, endsAt, name, deadlineMs!, AFTER_REFUSAL, cut) : request, fresh),
          );
        }
      } catch (error) {
        fromSite(error);
      }
    },
    supportsHttp: typeof transport.http === "function",
    close: async (): Promise<void> => {
      if (open) users.set(transport, users.get(transport)! - 1);
      open = false;
      const closed = closer;
      closer = closeController();
      transportContext = Object.freeze({ site, logger, clock, signal: closer.signal });
      authContext = Object.freeze({ ...authContext, signal: closer.signal });
      let closing: Promise<void> | undefined;
      try {
        // Alone on the transport: its close() ends the calls first, with what it knows of each. While other open
        // clients use it, closing it would end their calls too: this client's close signal ends only its own.
        if (!users.get(transport)) closing = transport.close?.();
      } finally {
        closed.abort(new SgAbortError(`${PREFIX}: the client was closed while the call was in flight`));
      }
      await closing;
    },
  };
  Object.defineProperty(client, Symbol.for("nodejs.util.inspect.custom"), {
    enumerable: false,
    value: (): string => `SgClient { site: '${site.href}', auth: ${auth ? `'${auth.name}'` : "none"}, transport: '${transport.name}' }`,
  });
  return Object.freeze(client);
}

/** Freeze `value` (JSON data) and every object inside it. */
function deepFreeze(value: unknown): void {
  if (value && typeof value === "object") Object.values(Object.freeze(value)).forEach(deepFreeze);
}

/**
 * A client's close controller. Its signal keeps one `onAbort` subscription of its own until it aborts, so that the
 * transport's subscription per call (`@sg/transport` subscribes each call with `onAbort`) joins the signal's one
 * listener instead of adding and removing an event listener per call: ~1 µs a call when calls go one at a time.
 */
function closeController(): AbortController {
  const controller = new AbortController();
  onAbort(controller.signal, KEEP);
  return controller;
}
const KEEP = (): void => {};

/**
 * How many open clients use each transport object (a client is open from its creation until its close(), and again
 * from its next call): a client's close() closes the transport only when no other open client uses it.
 */
const users = new WeakMap<TransportStrategy, number>();

/**
 * `error` from a write handed to the transport as `method`; an abort that does not say whether the request left
 * (`maybeSent` undefined: a transport that does not track it) becomes one that says the write may have been applied:
 * it may have been sent. One that says `maybeSent: false` (the transport knows nothing left) goes out as it came.
 */
function mayHaveLanded(error: unknown, method: string): unknown {
  return error instanceof SgAbortError && error.maybeSent === undefined
    ? new SgAbortError(error.reason, { cause: error.cause, method: error.method ?? method, attempts: error.attempts, maybeSent: true, hint: MAYBE_APPLIED_HINT })
    : error;
}

/** How long core waits, once a call handed over is stopped, for the transport to end it with its own error. */
const GRACE_MS = 50;

/**
 * `sent`, the promise of a call (`name`, a `write` or not) handed to the transport named `via`, ended by the call's
 * `signal`, the client's close signal `closed` and the call's `deadlineMs`, even when the transport ignores them. A
 * transport that honours them ends the call itself, with what it knows of it (its attempts, whether a write left): on
 * a stop, core gives it {@link GRACE_MS} more, and its deadline passes that long after the transport's. One timer at
 * most per call, and no listener, is left once the call settles.
 */
function bounded<T>(sent: Promise<T>, signal: AbortSignal | undefined, closed: AbortSignal, deadlineMs: number | undefined, name: string, via: string, write: boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop: (() => void) | undefined;
    let unclose: (() => void) | undefined;
    const done = (): void => {
      clearTimeout(timer);
      stop?.();
      unclose?.();
    };
    const stopWith = (error: Error): void => {
      done();
      timer = setTimeout(reject, GRACE_MS, error);
    };
    // Taken first: the transport's rejection is handled however the call ends.
    sent.then(
      (value) => (done(), resolve(value)),
      (error: unknown) => (done(), reject(error)),
    );
    // Stopped already by the transport's own synchronous part (its send() aborted the signal or closed the client).
    if (signal?.aborted) return stopWith(abortErrorFrom(signal));
    if (closed.aborted) return stopWith(closedInFlight(name));
    stop = signal && onAbort(signal, () => stopWith(abortErrorFrom(signal)));
    unclose = onAbort(closed, () => stopWith(closedInFlight(name)));
    if (deadlineMs) {
      // Capped: a longer delay makes a Node timer fire after 1 ms.
      timer = setTimeout(() => {
        done();
        reject(
          new SgTimeoutError(`${PREFIX}: '${name}' did not complete within its deadline of ${deadlineMs} ms: the transport '${via}' had not answered`, {
            timeoutMs: deadlineMs,
            scope: "deadline",
            method: name,
            hint: write ? MAYBE_APPLIED_HINT : undefined,
          }),
        );
      }, Math.min(deadlineMs + GRACE_MS, MAX_TIMER_MS));
    }
  });
}

/** The client was closed while `method` was handed to the transport. */
function closedInFlight(method: string): SgAbortError {
  return new SgAbortError(`${PREFIX}: the client was closed while '${method}' was in flight`, { method });
}

/**
 * A failure as a message quotes it: `TypeError: fetch failed` (an error's own `toString()`), or what another value
 * reads as.
 */
function described(error: unknown): string {
  try {
    return String(error);
  } catch {
    return "a value that cannot be read";
  }
}

/** A session UUID: one or more characters, none of them a control character (C0, DEL, C1). */
const SESSION_UUID = /^[^\0-\x1f\x7f-\x9f]+$/;

/** The longest delay a Node timer holds (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** The options of {@link createClient}. */
const CLIENT_OPTIONS: readonly string[] = ["site", "transport", "auth", "logger", "clock", "allowInsecureHttp", "defaults"];

/** The names of {@link CallOptions}: what a call and `defaults` take. */
const CALL_OPTIONS: readonly string[] = ["signal", "timeoutMs", "deadlineMs", "retry", "kind", "sessionUuid"];

/** What `info` takes: the call options and `refresh`. */
const INFO_OPTIONS: readonly string[] = [...CALL_OPTIONS, "refresh"];

/** The fields of a request to `http()`: the call options and those of an exchange. */
const HTTP_FIELDS: readonly string[] = [...CALL_OPTIONS, "method", "target", "form", "body", "headers", "credentials", "responseBody", "maxBytes", "authenticated", "refused"];

/**
 * `request` as it is when `http()` is called: its own fields, and each of {@link HTTP_FIELDS} read as a property (a
 * method or getter of the request's class too, which a spread drops), with `form` and `headers` copied as `retry` is,
 * so that an app reusing them for its next upload changes nothing this one sends.
 */
function copyRequest(request: ClientHttpRequest): ClientHttpRequest {
  const copy: Record<string, unknown> = { ...request };
  for (const key of HTTP_FIELDS) {
    const value: unknown = request[key as keyof ClientHttpRequest];
    // form and headers (the only fields starting with f or h); what is not an object goes as it is, for the transport to refuse
    if (value !== undefined) copy[key] = value && typeof value == "object" && /^[fh]/.test(key) && !Array.isArray(value) ? { ...value } : value;
  }
  return copyCallOptions(copy as ClientHttpRequest);
}

/** The hint that names the auth packages, for a call without auth and a credential given to createClient. */
const AUTH_HINT = "Pass auth to createClient: scriptAuth() from @sg/auth-script, legacyLoginAuth() from @sg/auth-legacy-pat, or sessionAuth() from @sg/auth-session.";

const CALL_OPTION_HINT = "A call option: pass it per call or in defaults";

/**
 * Where an option that createClient (or a call, or `defaults`) does not take goes instead, first match first: a call
 * option (`timeoutMs`, `deadlineMs` and `retry` are the transport's options too), one of `jsonRpcTransport`'s other
 * options, an argument of Python's `Shotgun()`, a credential (the auth strategy's). Hints name options, never their
 * values (`api_key` is a secret).
 */
const ELSEWHERE: readonly (readonly [RegExp, string])[] = [
  [/^(timeoutMs|deadlineMs|retry)$/, `${CALL_OPTION_HINT}, or to the transport.`],
  [/^(signal|kind|sessionUuid)$/, `${CALL_OPTION_HINT}.`],
  [/^(userAgent|localized|fetch|dispatcher|max(Redirects|ResponseBytes)|transfer(Timeout|Deadline)Ms)$/, "Pass it to the transport: jsonRpcTransport({ … }) from @sg/transport."],
  [/^base_url$/, "Pass the site URL as site."],
  [/^http_proxy$/, "Pass a proxy to the transport: jsonRpcTransport({ dispatcher: new ProxyAgent(url) }), ProxyAgent from undici."],
  [/^ca_certs$/, "Trust a CA with NODE_EXTRA_CA_CERTS=ca.pem, or jsonRpcTransport({ dispatcher: new Agent({ connect: { ca } }) }) (with a proxy: new ProxyAgent({ uri, requestTls: { ca } })), from undici."],
  [/^(script_name|api_key)$/, "Pass auth: scriptAuth({ scriptName, scriptKey }) from @sg/auth-script."],
  [/^(login|password|auth_token)$/, "Pass auth: legacyLoginAuth({ login, password, authToken }) from @sg/auth-legacy-pat."],
  [/^session_token$/, "Pass auth: sessionAuth({ sessionToken }) from @sg/auth-session."],
  [/^sudo_?as_?login$/i, "Pass it to the auth strategy: scriptAuth(), legacyLoginAuth() and sessionAuth() take sudoAsLogin."],
  [/^connect$/, "Not needed: the client connects on its first call."],
  [/^convert_datetimes_to_utc$/, "Not needed: a Date is sent in UTC."],
  [/^ensure_ascii$/, "Not needed: JSON is sent as UTF-8."],
  [/^(script|login|password|(session|auth)_?token|api_?key)/i, AUTH_HINT],
];

/**
 * Throw {@link SgValidationError} for the first key of `options` (at `path`) that is not one of `known`, instead of
 * ignoring it: a misspelt option would change nothing without a word. Its value is described by type only: a
 * misplaced option may be a secret. The hint says where an option that belongs elsewhere goes (see
 * {@link ELSEWHERE}). In `createClient`'s own options a key set to `undefined` is skipped: it sets nothing, as a known
 * option set to `undefined` does not. Call options and `defaults` stay strict, as `@sg/entities`' options do.
 */
function refuseUnknown(options: object, known: readonly string[], path: Path = []): void {
  for (const key in options) {
    if (known.includes(key) || (known === CLIENT_OPTIONS && (options as Record<string, unknown>)[key] === undefined)) continue;
    throw new SgValidationError(PREFIX, {
      path: [...path, key],
      expected: `no such option (known: ${known.join(", ")})`,
      received: describeValue((options as Record<string, unknown>)[key], true),
      hint: ELSEWHERE.find(([name]) => name.test(key))?.[1],
    });
  }
}

/** Whether `v` is a time limit a Node timer holds: a positive number of milliseconds up to 2147483647. */
const isMs = (v: unknown): boolean => typeof v === "number" && v > 0 && v <= MAX_TIMER_MS;
const MS = "a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms)";
// "of this runtime": another realm's or implementation's signal (jsdom's under Node's globals) is an AbortSignal too by name
const SIGNAL = "this runtime's AbortSignal";

/**
 * The call options core checks before anything is sent (credentials, and so a login, included): name, whether a
 * value is right (in `defaults` or not), what is expected (in `defaults`, the fourth entry when there is one). `timeoutMs`, `deadlineMs` and `retry` are checked as
 * `@sg/transport` checks them per call, which it does only once it is handed the call.
 */
const CALL_OPTION_CHECKS: readonly (readonly [keyof CallOptions, (value: unknown, at?: Path) => boolean, string, string?])[] = [
  ["sessionUuid", (v) => typeof v === "string" && SESSION_UUID.test(v), "a non-empty string without control characters"],
  ["deadlineMs", isMs, MS],
  ["timeoutMs", isMs, MS],
  ["signal", (v) => v instanceof AbortSignal, SIGNAL],
  // A default "read" would make every create and update retryable after it may have landed.
  ["kind", (v, at) => v === "write" || (!at && v === "read"), "'read' or 'write' (in defaults only 'write': set 'read' per call)", "'write' or nothing (set 'read' per call)"],
  [
    "retry",
    (v, at = []) => v === false || (typeof v === "object" && v !== null && checkRetry(v as Record<string, unknown>, [...at, "retry"])),
    "false or { maxAttempts?, retryWrites?, retryStatuses? }",
  ],
];

/**
 * The keys of a `RetryOverride`, each with whether a value at `path` is right (a bad status is refused there, by its
 * index) and what is expected.
 */
const RETRY: Readonly<Record<string, readonly [(value: unknown, path: Path) => boolean, string]>> = {
  maxAttempts: [(v) => Number.isInteger(v) && (v as number) >= 1, "an integer ≥ 1"],
  retryWrites: [(v) => typeof v === "boolean", "a boolean"],
  retryStatuses: [
    (v, path) => Array.isArray(v) && v.every((s, i) => (Number.isInteger(s) && s >= 400 && s <= 599) || refuse([...path, i], "an HTTP status from 400 to 599", s)),
    "an array of HTTP statuses from 400 to 599",
  ],
};

/** Throw {@link SgValidationError} for the value at `path`: what was `expected`, and what it is. */
function refuse(path: Path, expected: string, value: unknown): never {
  throw new SgValidationError(PREFIX, { path, expected, received: describeValue(value) });
}

/**
 * Refuse `retry`'s (at `path`) first misspelt key (`retryStatus` would change nothing), wrong value or status out of
 * range, naming its own path (`retry.retryStatuses[1]`), as `@sg/transport` would; else `true`.
 */
function checkRetry(retry: Record<string, unknown>, path: Path): true {
  refuseUnknown(retry, Object.keys(RETRY), path);
  for (const key in RETRY) {
    const value = retry[key];
    const [ok, expected] = RETRY[key]!;
    if (value !== undefined && !ok(value, [...path, key])) refuse([...path, key], expected, value);
  }
  return true;
}

/**
 * Throw {@link SgValidationError} naming the first of `options`' `sessionUuid`, `deadlineMs`, `timeoutMs`, `signal`,
 * `kind` and `retry` (a call's, or defaults kept at path `at`, e.g. the client's `defaults`) that is given but wrong,
 * or, given `known`, its first key not in it (or `options` itself when it is not an object); else return its
 * `deadlineMs`. `sg.http()` passes no `known`: its request is an HTTP exchange, with other fields.
 */
function checkCallOptions(options: CallOptions | undefined, known?: readonly string[], at?: Path): number | undefined {
  if (known && options != null) {
    if (typeof options !== "object") refuse(at ?? ["options"], "call options (an object)", options);
    refuseUnknown(options, known, at);
  }
  for (const [name, ok, expected, inDefaultsExpected] of CALL_OPTION_CHECKS) {
    const value = options?.[name];
    if (value !== undefined && !ok(value, at)) refuse([...(at ?? []), name], (at && inDefaultsExpected) || expected, value);
  }
  return options?.deadlineMs;
}

/**
 * Check call options that something other than a client keeps as defaults for its calls (an `@sg/entities`
 * context's `defaults`) as {@link createClient} checks its own `defaults`, when they are given rather than on every
 * call: a key that is not a call option, a time limit a timer cannot hold, a `signal` that is not an AbortSignal, an
 * empty `sessionUuid`, a `retry` override with a misspelt key or a bad value, or a `kind` other than `"write"` (a
 * default `"read"` would let every create and update be retried after it may have landed).
 *
 * ```ts
 * function pluginContext(options: { readonly defaults?: CallOptions } = {}): void {
 *   checkDefaultCallOptions("@my/plugin", options.defaults, ["options", "defaults"]);
 * }
 * ```
 *
 * @param prefix - the package that complains, e.g. `@sg/entities`, which starts the error's message.
 * @param defaults - the call options as given (`undefined` is fine: there are none).
 * @param path - where they are in the caller's arguments, e.g. `["options", "defaults"]`: the error names the bad value under it (`options.defaults.timeoutMs`).
 * @throws SgValidationError naming the first bad value, with what was expected there.
 */
export function checkDefaultCallOptions(prefix: string, defaults: unknown, path: readonly (string | number)[]): void {
  try {
    checkCallOptions(defaults as CallOptions | undefined, CALL_OPTIONS, path);
  } catch (error) {
    // The same refusal (path, expected, received, hint), said by the package that was given the defaults.
    throw error instanceof SgValidationError ? new SgValidationError(prefix, error) : error;
  }
}

const AFTER_REFUSAL = "fresh credentials after a refusal";

/**
 * `options` with `deadlineMs` set to what is left until `endsAt` (a `performance.now()` time). When nothing is
 * left (the wait for `what` ended as the deadline passed, before its timer ran), the deadline error is thrown
 * instead, through `cut` as a wait the timer ended: a call is never handed to the transport past its deadline, where
 * a write could still land.
 */
function withTimeLeft<O extends CallOptions | ClientHttpRequest>(options: O | undefined, endsAt: number, method: string, deadlineMs: number, what: string, cut = asIs): O {
  const left = endsAt - performance.now();
  if (left <= 0) throw cut(deadlineError(method, deadlineMs, what));
  return { ...options, deadlineMs: Math.ceil(left) } as O;
}

/** The deadline ran out before the call was sent, while waiting for `what`: nothing of it reached the site. */
function deadlineError(method: string, deadlineMs: number, what: string): SgTimeoutError {
  const info = what === INFO;
  return new SgTimeoutError(`${PREFIX}: '${method}' did not complete within its deadline of ${deadlineMs} ms: still waiting for ${what}`, {
    timeoutMs: deadlineMs,
    scope: "deadline",
    // The info request is shared and may be on its way; a call's deadline passes before it is sent.
    maybeSent: info,
    method,
    hint: info
      ? "The site is slow to answer; raise deadlineMs."
      : "Getting credentials (a login, a prompt for a code) took too long; raise deadlineMs, or await client.credentials() first.",
  });
}

const INFO = "the site's info";

/** A stop's error as it is: the `cut` of a wait nothing was sent before. */
const asIs = (error: Error): unknown => error;

/** An exchange's kind: its own, else `read` for a GET and `write` for any other method. */
const httpKind = (request: ClientHttpRequest): MethodKind => request.kind ?? (request.method === "GET" ? "read" : "write");

/**
 * What `run(arg)` returns, as a promise, and what it throws, as a rejection: a strategy's or a transport's method may
 * answer synchronously (a function written without async), and is waited for all the same.
 */
function promised<A, R>(run: (arg: A) => R | PromiseLike<R>, arg: A): Promise<R> {
  try {
    return Promise.resolve(run(arg));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The client was closed while `method` waited for `what` from the strategy: nothing of it was sent. */
function closedWhileWaiting(method: string, what: string): SgAbortError {
  return new SgAbortError(`${PREFIX}: the client was closed while '${method}' was waiting for ${what}`, { method, maybeSent: false });
}

/** A caller waiting in {@link waitFor}: told once, with the work's value (`ok`) or an error. */
type Waiter = (ok: boolean, value: unknown) => void;

/**
 * The callers waiting for each piece of pending work (a login, a prompt for a code, a refresh, the shared `info`):
 * one reaction per work, not per caller, so a caller that gives up leaves nothing of its own reachable from it.
 * The work last waited for is kept aside, out of the map while it is alone (a call's credentials, then the next
 * call's), as an entry per call would cost every call; it goes into the map when other work comes while it is pending.
 */
const waiting = new WeakMap<Promise<unknown>, Set<Waiter>>();
let lastWork: Promise<unknown> | undefined;
let lastWaiters: Set<Waiter> | undefined;

/** The waiters of `work`, told when it settles. */
function waitersOf(work: Promise<unknown>): Set<Waiter> {
  if (work === lastWork) return lastWaiters!;
  if (lastWork) waiting.set(lastWork, lastWaiters!);
  let waiters = waiting.get(work);
  if (!waiters) {
    const mine = (waiters = new Set());
    // Dropped once told: a caller that comes later gets a reaction of its own, on the settled work.
    const tell = (ok: boolean) => (value: unknown) => {
      if (work === lastWork) lastWork = undefined;
      waiting.delete(work);
      for (const waiter of mine) waiter(ok, value);
    };
    work.then(tell(true), tell(false));
  }
  lastWork = work;
  return (lastWaiters = waiters);
}

/**
 * Wait for `work` (credentials, info) for `method` as a caller: until its `signal` aborts, the client's close signal
 * `closed` aborts, or `endsAt` (a `performance.now()` time) when a call has a deadline (`deadlineMs`); the errors
 * name `what` was awaited. The work goes on (a login other callers share is not cut short); only this caller stops
 * waiting, and whichever comes first clears the others (no deadline timer left holding the process after an abort,
 * and nothing of the caller left among the work's waiters). The error of such a stop goes through `cut`; the work's own
 * failure goes as it is.
 */
function waitFor<T>(work: T | PromiseLike<T>, closed: AbortSignal | undefined, signal: AbortSignal | undefined, method: string, what: string, endsAt?: number, deadlineMs?: number, cut = asIs): Promise<T> {
  if (signal?.aborted) return Promise.reject(cut(abortErrorFrom(signal)));
  if (closed?.aborted) return Promise.reject(cut(closedWhileWaiting(method, what)));
  if (!endsAt && !signal && !closed) return Promise.resolve(work);
  return new Promise<T>((resolve, reject) => {
    // Whichever settles first clears the others. None of them can run before all are set: the signals are not
    // aborted yet, and timers and promise callbacks run later.
    const settle: Waiter = (ok, value) => {
      clearTimeout(timer);
      stop?.();
      unclose?.();
      waiters.delete(settle);
      (ok ? resolve : reject)(value as T);
    };
    const fail = (error: Error): void => settle(false, cut(error));
    const timer = endsAt ? setTimeout(() => fail(deadlineError(method, deadlineMs!, what)), endsAt - performance.now()) : undefined;
    const stop = signal && onAbort(signal, () => fail(abortErrorFrom(signal)));
    const unclose = closed && onAbort(closed, () => fail(closedWhileWaiting(method, what)));
    // A strategy may answer with a value rather than a promise (a function written without async).
    const waiters = waitersOf(Promise.resolve(work)).add(settle);
  });
}
