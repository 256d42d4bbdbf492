/**
 * The undici dispatcher `sg` hands to the transport when a proxy is set, or when its own limits may outlast Node's
 * fetch's (`outlastsRuntimeLimits`): each request goes through the proxy of its URL ({@link routeFor}) or
 * directly, and no agent or pool it makes has undici's own time limits (300 s), so that `sg`'s decide alone.
 * Node's own `fetch` (the transport's default) uses it; the `undici` package is only the dispatcher, so request
 * bodies (forms, blobs, streams) stay the global fetch's own.
 *
 * @packageDocumentation
 */
import { isIP } from "node:net";
import { Agent, Dispatcher, Pool, ProxyAgent, type buildConnector } from "undici";
import type { Logger } from "@sg/core";
import { WITHOUT_RUNTIME_LIMITS, type RuntimeLimits } from "../runtime-limits.js";
import { notUtf8Setting } from "../setting-error.js";
import { describeRoute, routeFor, type ProxyEndpoint, type ProxySettings } from "./proxy-settings.js";

/**
 * The connections to an https:// proxy, as undici's own but with no IP address as TLS server name: undici names the
 * proxy's host there, which for `https://10.0.0.5:3128` makes Node warn (DEP0123) on every run. The proxy's
 * certificate is checked against its address all the same. undici 7 passes `{ connect }` only (the `proxyTls`
 * options live inside that connector; the Agent's own options never reach this pool); any other option is passed on.
 */
function proxyPool(origin: URL, options: object): Dispatcher {
  const connect = (options as { connect: buildConnector.connector }).connect;
  return new Pool(origin, {
    ...options,
    connect: (opts, callback) => connect({ ...opts, servername: isIP(opts.servername?.replace(/^\[|\]$/g, "") ?? "") ? undefined : opts.servername }, callback),
  });
}

/**
 * A dispatcher that picks, per request origin, a {@link ProxyAgent} for its proxy or a plain {@link Agent}. One
 * agent per proxy, made on first use; `--debug` logs the route of each origin once.
 */
export class ProxyRoutingDispatcher extends Dispatcher {
  readonly #settings: ProxySettings;
  readonly #logger: Logger | undefined;
  readonly #limits: RuntimeLimits;
  readonly #agents = new Map<ProxyEndpoint | undefined, Dispatcher>();
  readonly #logged = new Set<string>();

  /**
   * @param settings - the proxy settings of the run.
   * @param logger - where the route of each origin is logged at debug level.
   * @param limits - undici's `headersTimeout` and `bodyTimeout` for every agent and pool: none by default.
   */
  constructor(settings: ProxySettings, logger?: Logger, limits: RuntimeLimits = WITHOUT_RUNTIME_LIMITS) {
    super();
    this.#settings = settings;
    this.#logger = logger;
    this.#limits = limits;
  }

  #agentFor(url: URL): Dispatcher {
    // Refused here, inside a request (to another host than the site, whose route is checked before any), a variable it
    // cannot read is an SgError, which the transport hands back as itself: not a network failure, not retried.
    const route = routeFor(this.#settings, url, notUtf8Setting);
    const origin = url.origin;
    if (!this.#logged.has(origin)) {
      this.#logged.add(origin);
      this.#logger?.debug(`sg: ${origin} via ${describeRoute(route)}`);
    }
    let agent = this.#agents.get(route.via);
    if (!agent) {
      const via = route.via;
      // The URL given to undici carries no credentials (they travel as the header only), so no undici error or
      // state can hold them. An https site is always tunnelled (CONNECT); plain http is forwarded, as proxies
      // expect (many only allow CONNECT to port 443). undici hands neither the pool to the proxy nor the one of a
      // forwarded request the ProxyAgent's own options: each is given the limits itself.
      const limits = this.#limits;
      agent = via
        ? new ProxyAgent({
            uri: via.display,
            proxyTunnel: false,
            ...limits,
            clientFactory: (origin, options) => proxyPool(origin, { ...options, ...limits }),
            factory: (origin, options) => new Pool(origin, { ...options, ...limits }),
            ...(via.authorization ? { token: via.authorization } : {}),
          })
        : new Agent(limits);
      this.#agents.set(via, agent);
    }
    return agent;
  }

  /** Send one request through the dispatcher of its origin. */
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.#agentFor(new URL(String(options.origin))).dispatch(options, handler);
  }

  /** Close every agent made so far (after the requests in flight). */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([...this.#agents.values()].map((a) => a.close())).then(() => undefined);
    if (!callback) return done;
    void done.then(callback);
  }

  /** Destroy every agent made so far. */
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null): Promise<void>;
  override destroy(): Promise<void>;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === "function" ? null : (a ?? null);
    const callback = typeof a === "function" ? a : b;
    const done = Promise.all([...this.#agents.values()].map((agent) => agent.destroy(err))).then(() => undefined);
    if (!callback) return done;
    void done.then(callback);
  }
}
