import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminGuard, adminRefusal, parseHostHeader, type AdminGuard } from './admin-guard.js';
import { adminRoute } from './admin.js';
import { AppSessions, appSessionRoute } from './app-session.js';
import { describeAuth } from './auth-rules.js';
import { browserRefusal, guardedRoute } from './browser-guard.js';
import { dispatch, parseRpcBody, type RpcBody } from './dispatcher.js';
import { hostRefusal, checkAllowedHosts } from './host-check.js';
import { FaultQueue, describeFault, validateFaultSpec } from './fault-injection.js';
import { TOO_LARGE, json, methodNotAllowed, notFoundPage, readBody, redirect, refusedBeforeBody, text, type HttpReply } from './http-util.js';
import { RawReply, RedirectReply } from './methods/types.js';
import { parseClockInstant, type ClockStart } from './clock.js';
import { checkIntOption, checkStringOption, requireIntOption, shown, type RangedOption } from './options-check.js';
import { EmulatorClosedError } from './closed-error.js';
import { EmulatorOptionError, checkOption } from './option-error.js';
import { checkOptionNames } from './option-names.js';
import { parseReverseLinkSpecs } from './reverse-link-pairs.js';
import { checkScripts } from './script-options.js';
import { lockDataFile } from './data-lock.js';
import { Persistence, readDataFile } from './persistence.js';
import { RequestLog, summarizePayload } from './request-log.js';
import { targetRefusal } from './request-target.js';
import { Site, linkOrigin, type SiteSnapshot } from './site.js';
import type { EmulatorHandle, EmulatorOptions, EmulatorStats, FaultSpec, PatState, SiteCard } from './types.js';
import { PendingUploads, uploadRoute } from './uploads.js';

/** The running emulator: the site plus everything about serving it. */
export class Emulator {
  readonly faults: FaultQueue = new FaultQueue();
  readonly log: RequestLog = new RequestLog();
  readonly appSessions: AppSessions;
  readonly uploads: PendingUploads = new PendingUploads();
  latencyMs: number;
  /** The `latencyMs` start option, which a reset puts {@link latencyMs} back to. */
  readonly startLatencyMs: number;
  persistence: Persistence | undefined;
  /** The one path the JSON-RPC endpoint answers at: `/api3/json` under the site's base path. */
  readonly rpcPath: string;
  /** Who may drive `/__emulator/*`; set once the server listens (until then its port 0 matches no request). */
  guard: AdminGuard = adminGuard('127.0.0.1', '127.0.0.1', 0);
  /**
   * Ends the waits (latency, fault `delayMs`) of the requests of the current generation. A reset or close aborts it
   * and starts a new one, so a request that arrived before is dropped instead of running, logging or saving after.
   */
  private generation: AbortController = newGeneration();

  constructor(
    readonly site: Site,
    readonly logger: (line: string) => void,
    latencyMs: number,
  ) {
    this.latencyMs = latencyMs;
    this.startLatencyMs = latencyMs;
    this.appSessions = new AppSessions(site);
    this.rpcPath = `${site.basePath}/api3/json`;
  }

  /** Back to the fixtures, and to the start options' clock and latency. */
  reset(): void {
    this.endGeneration();
    this.latencyMs = this.startLatencyMs;
    this.site.clock.reset();
    this.site.loadFixtures();
    this.faults.clear();
    this.log.clear();
    this.appSessions.clear();
    this.uploads.clear();
    this.persistence?.save();
  }

  /**
   * Drops every request that arrived before now: their waits end at once, and they are answered by closing their
   * connection, without being dispatched, logged or saved. Called by {@link reset} and by the handle's `close()`.
   */
  endGeneration(): void {
    this.generation.abort();
    this.generation = newGeneration();
  }

  /** Changes a user's PAT state (saved with `--data`). */
  setPat(login: string, state: PatState): void {
    const cred = this.site.userCredential(login);
    if (!cred) throw new Error(`Unknown login '${login}'`);
    if (state !== 'valid' && state !== 'missing' && state !== 'revoked') throw new Error("PAT state must be 'valid', 'missing' or 'revoked'");
    if (state === 'valid' && cred.password === null) throw new Error(`'${login}' has no passphrase, so no PAT can be bound`);
    cred.pat = state;
    // `valid` binds a new PAT, which has not been exchanged yet: the old one's hour must not carry over to it (a new PAT
    // deleted before its first use is refused at once, auth-landscape §4.0). A revocation keeps the hour running.
    if (state !== 'revoked') cred.patExchangedAt = null;
    // Credentials are part of the --data file; this change arrives through no RPC, so nothing else would save it.
    this.persistence?.markDirty();
  }

  /** Moves the clock by `seconds` (saved with `--data`, which the next start takes up unless it is given `clock`). */
  advanceClock(seconds: number): void {
    this.site.clock.advance(seconds);
    this.persistence?.markDirty();
  }

  /** Sets the clock to `at` (a Date or ISO string, checked by {@link parseClockInstant}), running or `frozen`. */
  setClock(at: unknown, frozen: unknown, label: string): void {
    if (frozen !== undefined && typeof frozen !== 'boolean') throw new Error(`frozen must be true or false, got ${shown(frozen)}`);
    this.site.clock.set(parseClockInstant(at, label), frozen === true);
    this.persistence?.markDirty();
  }

  /** How much per-request state is held (`GET /__emulator/stats`). */
  stats(): EmulatorStats {
    return {
      sessions: this.site.sessions.size,
      answeredExpiredTokens: this.site.sessions.answeredExpiredCount,
      appSessionRequests: this.appSessions.size,
      pendingUploads: this.uploads.byId.size,
      requestLog: this.log.size,
      queryCache: this.site.queryCache.stats.size,
      indexKeys: this.site.store.indexKeyCount(),
    };
  }

  /** Handles one HTTP request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const clockAt = new Date(this.site.now()).toISOString();
    const url = requestUrl(req.url);
    const path = url.pathname;
    const httpMethod = req.method ?? 'GET';
    // HEAD is answered as GET: Node sends the headers (Content-Length included) and leaves the body out.
    const routeMethod = httpMethod === 'HEAD' ? 'GET' : httpMethod;
    const { signal } = this.generation;
    /** Whether a reset or close came while this request waited: it is then dropped, unanswered and unlogged. */
    const dropped = (): boolean => {
      if (!signal.aborted) return false;
      req.socket.destroy();
      return true;
    };
    let rpcMethod: string | null = null;
    let rpcAuth: unknown;
    let payloadOutline: ReturnType<typeof summarizePayload> = {};
    const record = (status: number, reply: HttpReply | undefined, injected: string | null): void => {
      const claimed = rpcMethod === 'info' ? { auth: 'none' as const, principal: null, sudoAsLogin: null } : describeAuth(rpcAuth);
      const entry = {
        seq: this.log.nextSeq(), httpMethod, path: loggedPath(path), method_name: reply?.method ?? rpcMethod, auth: reply?.auth?.kind ?? claimed.auth,
        principal: reply?.auth ? reply.auth.principal : claimed.principal, sudoAsLogin: reply?.auth?.sudoAsLogin ?? claimed.sudoAsLogin, status,
        errorCode: reply?.errorCode ?? null, injected, receivedAt: new Date(started).toISOString(), clockAt, durationMs: Date.now() - started,
        ...payloadOutline,
      };
      this.log.add(entry);
      this.logger(`${httpMethod} ${entry.path}${entry.method_name ? ` ${entry.method_name}` : ''} → ${status}${entry.errorCode ? ` fault ${entry.errorCode}` : ''}${injected ? ` [injected ${injected}]` : ''}`);
    };
    /** Answers before routing (a refused target or body), logged like any other answer. */
    const refuse = (reply: HttpReply): void => {
      record(reply.status, reply, null);
      this.send(res, reply);
    };
    if (refusedBeforeBody(req)) {
      // The client sends nothing more: the connection is closed after the answer instead of waiting for the body.
      const reply = text(413, TOO_LARGE);
      refuse({ ...reply, headers: { ...reply.headers, connection: 'close' } });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      refuse(text(413, (err as Error).message));
      return;
    }
    // The raw target, before the URL parser resolves `%2e%2e` and `\` into a path a proxy's prefix rule did not see.
    const badTarget = targetRefusal(req.url);
    if (badTarget) {
      refuse(badTarget);
      return;
    }
    // On loopback, a request must name a loopback host (or an allowed one): a DNS-rebinding page names its own.
    const misdirected = hostRefusal(this.guard, req);
    if (misdirected) {
      this.logger(`${httpMethod} ${loggedPath(path)} → 421: Host ${JSON.stringify(req.headers.host?.slice(0, 200))} is not a loopback name (--allow-host accepts one)`);
      this.send(res, misdirected);
      return;
    }
    if (path.startsWith('/__emulator/')) {
      // The one gate of the admin endpoints: loopback peer, own Host, no browser page, JSON body (see admin-guard.ts).
      const reply = adminRefusal(this.guard, req, body) ?? adminRoute(this, routeMethod, path, body);
      this.send(res, reply);
      return;
    }
    // Latency: the answer leaves no sooner than latencyMs after the request arrived. The work is done in the
    // meantime, so requests in flight together wait out their latency together instead of queueing the
    // emulator's (single-threaded) work behind it — like a site with several app servers.
    const answerAt = this.latencyMs > 0 ? Date.now() + this.latencyMs : 0;
    // Only the configured path: a real site answers 404 at `/api3/json/api3/json` or `/wrong/api3/json`, and a
    // client must learn there that its site URL is wrong.
    const isRpc = path === this.rpcPath;
    // Parsed once, here, for the log and for dispatch: a body of millions of values parsed twice held both at once.
    const rpcBody = isRpc && httpMethod === 'POST' ? parseRpcBody(body) : undefined;
    if (rpcBody && 'envelope' in rpcBody) {
      // dispatch answers a body that is not a JSON object with a fault
      const env = (rpcBody.envelope ?? {}) as { method_name?: unknown; params?: unknown };
      if (typeof env.method_name === 'string') rpcMethod = env.method_name;
      if (Array.isArray(env.params)) {
        rpcAuth = env.params[0];
        if (rpcMethod !== 'info') payloadOutline = summarizePayload(env.params[1]);
      }
    }
    const fault = this.faults.take(rpcMethod, path);
    if (fault) {
      const name = describeFault(fault);
      // Injected faults keep their order: latency first, then the fault's own delay, then the fault.
      await sleepUntil(answerAt, signal);
      if (fault.delayMs) await sleep(fault.delayMs, undefined, { signal }).catch(() => undefined);
      if (dropped()) return;
      if (fault.dropConnection && fault.when !== 'after') {
        record(0, undefined, name);
        req.socket.destroy();
        return;
      }
      // With `when: 'after'`, the fault's answer replaces the real one once the request has been applied (below).
      const injected = fault.when === 'after' ? undefined : injectedReply(fault);
      if (injected) {
        record(injected.status, injected, name);
        this.send(res, injected);
        return;
      }
    }
    if (dropped()) return;
    const insertsPastReserved = this.site.store.insertsPastReserved;
    let reply: HttpReply;
    try {
      reply = await this.route(req, routeMethod, path, url, body, rpcBody);
    } catch (err) {
      reply = text(500, `Internal emulator error: ${(err as Error).message}`);
    }
    if (dropped()) return;
    // A failed write that used up ids changed the ids counter, which is saved so that a restart does not hand them out again.
    if (reply.wrote || this.site.store.idsSpent) this.persistence?.markDirty();
    // Ids past those the file reserves are saved before they are answered: a crash would let a restart hand them out again.
    // Only a request that handed such ids out saves now (after a failed save, every later read did, and logged it).
    if (this.site.store.insertsPastReserved !== insertsPastReserved) this.persistence?.saveOrRetryLater();
    if (!fault) await sleepUntil(answerAt, signal);
    if (dropped()) return;
    // A write answered by a fault is saved before that answer; a failed save is logged, not thrown into the request, and
    // tried again after the save delay (the timer the write set was cleared by this try).
    if (fault?.dropConnection) {
      this.persistence?.saveOrRetryLater();
      record(0, reply, describeFault(fault));
      req.socket.destroy();
      return;
    }
    // A gateway that answered for a site which had applied the request: the write landed, the caller sees the fault.
    const answeredAfter = fault ? injectedReply(fault) : undefined;
    if (fault && answeredAfter) {
      this.persistence?.saveOrRetryLater();
      record(answeredAfter.status, { ...answeredAfter, method: reply.method ?? rpcMethod, auth: reply.auth }, describeFault(fault));
      this.send(res, answeredAfter);
      return;
    }
    record(reply.status, reply, fault ? describeFault(fault) : null);
    this.send(res, reply);
  }

  private async route(req: IncomingMessage, httpMethod: string, path: string, url: URL, body: Buffer, rpcBody: RpcBody | undefined): Promise<HttpReply> {
    // The one gate, for every route that takes credentials or hands them out, against web pages (see browser-guard.ts).
    const guarded = guardedRoute(this.rpcPath, httpMethod, path);
    const refused = guarded === undefined ? undefined : browserRefusal(this.guard, req, guarded);
    if (refused) return refused;
    if (path === this.rpcPath) {
      if (httpMethod !== 'POST' || !rpcBody) return methodNotAllowed('POST', 'The JSON-RPC endpoint answers POST only');
      const result = dispatch(this.site, rpcBody);
      const reply = result.reply instanceof RawReply ? text(200, result.reply.body, result.reply.contentType) : result.reply instanceof RedirectReply ? redirect(this.site.baseUrl + result.reply.path) : json(200, result.reply);
      // A session token names no one: once it authenticated, the log records its session's login (never the token).
      const auth = result.sessionLogin !== null ? { kind: 'session' as const, principal: result.sessionLogin } : undefined;
      return { ...reply, method: result.method, errorCode: result.errorCode, wrote: result.wrote, auth };
    }
    if ((path === '/api/v1' || path === '/api/v1/' || path === '/api/v1.1' || path === '/api/v1.1/') && httpMethod === 'GET') {
      const method = { default: 'default', identity: 'oxygen', sso: 'saml2' }[this.site.settings.authMode];
      return json(200, {
        shotgun_version: 'v8.50.0.0 (build sg-emulator)',
        api_version: 'v1.1',
        user_authentication_method: method,
        authentication_app_session_launcher_enabled: this.site.settings.appSessionLauncher !== false,
        unified_login_flow_enabled: this.site.settings.authMode === 'identity',
      });
    }
    const app = appSessionRoute(this, httpMethod, path, body, req);
    if (app) return app;
    const upload = await uploadRoute(this, httpMethod, path, url, body, req);
    if (upload) return upload;
    return notFoundPage(httpMethod, path);
  }

  private send(res: ServerResponse, reply: HttpReply): void {
    if (res.destroyed) return;
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
    res.end(body);
  }
}

/**
 * The URL of a request target. An origin-form target (`/path?query`) is read as the path it is: resolved against
 * a base, `//sg/api3/json` would make `sg` a host and leave `/api3/json`, answering where a site would not.
 */
function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  return raw.startsWith('/') ? new URL(`http://emulator${raw}`) : new URL(raw, 'http://emulator/');
}

/**
 * `basePath` as the emulator keeps it: `''` for the root, else `/segment[/segment…]` without a trailing slash.
 * Throws for anything else, so that a typo does not quietly start a site at another address.
 */
function normalizeBasePath(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new Error(`basePath must be a string such as "/sg", got ${typeof value}`);
  const path = value.replace(/\/+$/, '');
  if (path === '') return '';
  const segments = path.split('/').slice(1);
  if (!path.startsWith('/') || segments.some((s) => !/^[A-Za-z0-9._~-]+$/.test(s) || s === '.' || s === '..')) {
    throw new Error(`basePath must be "/" followed by path segments of letters, digits and -._~ (e.g. "/sg"), got ${JSON.stringify(value)}`);
  }
  if (segments[0] === '__emulator') throw new Error('basePath may not be under /__emulator, where the admin endpoints live');
  if (/\/api3\/json$/.test(path)) throw new Error(`basePath is the path the site lives under, without /api3/json: got ${JSON.stringify(value)}`);
  return path;
}

/**
 * A generation's controller. Every request waiting out latency or a fault's delay listens to its signal, so any number
 * of listeners is expected: without lifting the limit Node warned of a possible leak at the 11th concurrent wait.
 */
function newGeneration(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * Wait until the `Date.now()` time `at` (no wait when it has passed, or for 0). An abort of `signal` ends the wait
 * at once (and clears its timer); the caller then checks the signal.
 */
function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const ms = at - Date.now();
  return ms > 0 ? sleep(ms, undefined, { signal }).catch(() => undefined) : Promise.resolve();
}

/**
 * A request path as the request log keeps it: the id of an app-session request is left out (as `<id>`), both at
 * the polling endpoint and at the browser page, since polling with it (`PUT /internal_api/app_session_request/<id>`)
 * hands out the session token once the request is approved.
 */
function loggedPath(path: string): string {
  return path.replace(/^((?:\/internal_api)?\/app_session_request\/)[^/]+$/, '$1<id>');
}

function injectedReply(fault: FaultSpec): HttpReply | undefined {
  const extra: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
  if (fault.errorCode !== undefined) {
    return { ...json(fault.status ?? 200, { exception: true, message: fault.message ?? `Injected fault ${fault.errorCode}`, error_code: fault.errorCode }, extra), errorCode: fault.errorCode };
  }
  if (fault.html) {
    const status = fault.status ?? 200;
    const page = fault.body ?? `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The server is temporarily unable to service your request (injected by sg-emulator).</p></body></html>`;
    return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...extra }, body: page };
  }
  if (fault.status !== undefined) {
    return { status: fault.status, headers: { 'content-type': 'text/plain; charset=utf-8', ...extra }, body: fault.body ?? `Injected HTTP ${fault.status} (sg-emulator)` };
  }
  return undefined;
}

/**
 * Listen with room in the kernel's queue for a test's burst of connections (1,000 calls at once) made while the
 * event loop is busy: past Node's default 511 the kernel drops their SYNs, and those clients retry seconds later or
 * end in ECONNRESET. The kernel caps it at net.core.somaxconn.
 */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The `clock` and `clockFrozen` start options as a {@link ClockStart}, or undefined for the wall clock; throws an {@link EmulatorOptionError} for bad ones. */
function startClock(clock: unknown, frozen: unknown): ClockStart | undefined {
  if (frozen !== undefined && typeof frozen !== 'boolean') throw new EmulatorOptionError('clockFrozen', `clockFrozen must be true or false, got ${shown(frozen)}`);
  if (clock === undefined) {
    if (frozen === true) throw new EmulatorOptionError('clockFrozen', 'clockFrozen needs clock: the instant to hold the clock at');
    return undefined;
  }
  return { at: checkOption('clock', () => parseClockInstant(clock, 'clock')), frozen: frozen === true };
}

/**
 * Starts an emulated ShotGrid site on loopback (by default) and resolves once it is listening.
 *
 * @throws {@link EmulatorOptionError} for a refused option or an unknown key, before anything is read or listens; another Error when
 *   the start fails otherwise (its data file is in use or unreadable, its port is taken).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  checkOptionNames(options);
  const authMode = options.authMode ?? 'default';
  if (!['default', 'identity', 'sso'].includes(authMode)) throw new EmulatorOptionError('authMode', `Invalid authMode ${JSON.stringify(authMode)}`);
  const fixtures = options.fixtures ?? 'demo';
  if (fixtures !== 'demo' && fixtures !== 'empty') throw new EmulatorOptionError('fixtures', `Invalid fixtures ${JSON.stringify(fixtures)}`);
  // The same ranges as the CLI flags, checked before anything is read or listens: a port such as "8080x" would
  // otherwise listen on a Unix socket, and a pageSize of 0 would page forever.
  const int = (name: RangedOption): number | undefined => checkOption(name, () => checkIntOption(name, options[name]));
  const rows = int('rows') ?? 0;
  const port = int('port') ?? 0;
  const latencyMs = int('latencyMs') ?? 0;
  const sessionIdleSeconds = int('sessionIdleSeconds') ?? 1800;
  const pageSize = int('pageSize') ?? 500;
  const queryCacheSize = int('queryCacheSize') ?? 32;
  const listenHost = checkOption('host', () => checkStringOption('host', options.host, 'an interface address')) ?? '127.0.0.1';
  const dataFile = checkOption('dataFile', () => checkStringOption('dataFile', options.dataFile, 'a file path'));
  const allowedHosts = checkOption('allowedHosts', () => checkAllowedHosts(options.allowedHosts));
  const userLogger: unknown = options.logger;
  if (userLogger !== undefined && typeof userLogger !== 'function') throw new EmulatorOptionError('logger', `logger must be a function (line: string) => void, got ${shown(userLogger)}`);
  // The logger only reports: one that throws changes nothing (a start, a request, a save or a close goes on as without it).
  const logger = (line: string): void => {
    try {
      (userLogger as ((line: string) => void) | undefined)?.(line);
    } catch {
      // ignored, as said
    }
  };
  const appSessionLauncher = options.appSessionLauncher ?? true;
  if (typeof appSessionLauncher !== 'boolean') throw new EmulatorOptionError('appSessionLauncher', 'appSessionLauncher must be true or false');
  const basePath = checkOption('basePath', () => normalizeBasePath(options.basePath));
  const reverseLinks = options.reverseLinks ?? [];
  checkOption('reverseLinks', () => parseReverseLinkSpecs(reverseLinks)); // before the lock; the site parses them again
  const clockStart = startClock(options.clock, options.clockFrozen);
  const scripts = checkOption('scripts', () => checkScripts(options.scripts));
  // A data file is the site: it is loaded as saved, without seeding the fixtures first (which `rows` can make
  // take seconds); `fixtures` and `rows` then only say what a reset goes back to.
  // One emulator per data file (see lockDataFile): locked before it is read, until the handle is closed or the start fails.
  const unlock = dataFile !== undefined ? lockDataFile(dataFile, logger) : (): void => {};
  const failed = (err: unknown): never => {
    unlock();
    throw err;
  };
  let saved: SiteSnapshot | undefined;
  let site: Site;
  let emulator: Emulator;
  try {
    saved = dataFile !== undefined ? readDataFile(dataFile) : undefined;
    site = new Site({ authMode, fixtures, rows, sessionIdleSeconds, pageSize, appSessionLauncher, queryCacheSize, reverseLinks, scripts, ...(clockStart ? { clockStart } : {}) }, saved);
    site.basePath = basePath;
    emulator = new Emulator(site, logger, latencyMs);
    if (dataFile !== undefined) {
      emulator.persistence = new Persistence(dataFile, site, logger, saved);
      if (!saved || site.changedOnLoad) emulator.persistence.save();
    }
  } catch (err) {
    return failed(err);
  }
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    // Links handed to this request start with the origin its client named, when that is a plain host[:port].
    const host = req.headers.host;
    // `new URL(…).origin` drops a default `:80`, as a client's cookie jar or credential check compares without it.
    const origin = host !== undefined && parseHostHeader(host) ? new URL(`http://${host}`).origin : site.origin;
    linkOrigin.run(origin, () => emulator.handle(req, res)).catch((err: unknown) => {
      logger(`request failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  };
  const server = createServer(serve);
  // Node would send `100 Continue` for any body, and make the client send all of one over the limit before the 413.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!refusedBeforeBody(req)) res.writeContinue();
    serve(req, res);
  });
  server.keepAliveTimeout = 5000;
  // No limit on how long a request may take (Node's default cuts one at 5 minutes with a 408): a slow upload or download
  // runs as long as the client's own limits allow, which is what a test of those limits needs.
  server.requestTimeout = 0;
  await listen(server, port, listenHost).catch(failed);
  const addr = server.address() as AddressInfo;
  // A wildcard bind (0.0.0.0, ::) is no address to connect to: the card names loopback of the same family.
  const address = addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address === '::' ? '::1' : addr.address;
  const host = address.includes(':') ? `[${address}]` : address;
  // No `:80` at port 80 (as `new URL` writes it): Python's cookie jar compares a cookie domain that keeps the port
  // with the request host without it, so shotgun_api3's download_attachment sends `_session_id` only to a portless URL.
  const url = new URL(`http://${host}:${addr.port}`).origin;
  emulator.guard = adminGuard(listenHost, addr.address, addr.port, allowedHosts);
  site.origin = url;
  const seeded = `fixtures ${fixtures}${rows ? `, +${rows} rows` : ''}`;
  // The logger is guarded above: a throw from it cannot fail the start once the server listens.
  logger(`sg-emulator listening on ${url}${basePath} (auth mode ${authMode}, ${saved ? `data from ${dataFile}; a reset seeds ${seeded}` : seeded})`);
  let closed: Promise<void> | undefined;
  /** Refuses a state change once `close()` was called: a closed emulator changes and saves nothing (see EmulatorClosedError). */
  const open = (method: string): Emulator => {
    if (closed) throw new EmulatorClosedError(method);
    return emulator;
  };
  return {
    url: url + basePath,
    // Read at each access: users, passphrases and PATs change while the site runs.
    get card(): SiteCard {
      return site.card();
    },
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        // Requests still waiting are dropped first, so that nothing from before the close runs, logs or saves after.
        emulator.endGeneration();
        let saveError: unknown;
        try {
          emulator.persistence?.flush(true);
        } catch (err) {
          saveError = err;
        }
        // The last save: the lock is released below, and the file may then be another emulator's.
        emulator.persistence = undefined;
        server.close(() => {
          unlock();
          if (saveError === undefined) resolve();
          else reject(saveError);
        });
        server.closeAllConnections();
      });
      return closed;
    },
    injectFault: (spec) => open('injectFault').faults.push({ ...validateFaultSpec(spec) }),
    setLatency: (ms) => {
      open('setLatency').latencyMs = requireIntOption('latencyMs', ms);
    },
    advanceClock: (seconds) => open('advanceClock').advanceClock(seconds),
    setClock: (at, clockOptions) => open('setClock').setClock(at, clockOptions?.frozen, 'setClock'),
    reset: () => open('reset').reset(),
    requests: () => emulator.log.list(),
    stats: () => emulator.stats(),
    approve: (requestId, login) => open('approve').appSessions.approve(requestId, login),
    deny: (requestId) => open('deny').appSessions.deny(requestId),
    setPat: (login, state) => open('setPat').setPat(login, state),
    issueTwoFactorCode: (login) => open('issueTwoFactorCode').site.issueTwoFactorCode(login).code,
  };
}
