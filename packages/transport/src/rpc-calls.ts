import { SgError, SgHttpError, SgValidationError, describeValue } from "@sg/core";
import type { Credentials, HttpRequest, HttpResponse, RpcRequest, Site, TransportContext, TransportStrategy } from "@sg/core";
import { runAttempts } from "./attempt-loop.js";
import type { AttemptResult, Inflight } from "./attempt-loop.js";
import { authParams } from "./auth-params.js";
import type { AuthParams } from "./auth-params.js";
import { checkMethodName, envelopeJson, envelopeWithAuth } from "./envelope.js";
import type { ErrorContext } from "./fault-map.js";
import { createRpcExchanger } from "./fetcher.js";
import { rpcHeaders } from "./headers.js";
import { limitOr, policyForCall } from "./options.js";
import type { ResolvedOptions } from "./options.js";
import { UNLIMITED_RETRY_BUDGET, createRetryBudget } from "./retry-budget.js";
import type { RetryBudget } from "./retry-budget.js";
import { decodeRpcResponse } from "./rpc-response.js";
import { callSecrets } from "./secrets.js";
import { LIBRARY_NAME as PREFIX, userAgent } from "./user-agent.js";


/** What the RPC call path shares with an `http()` built on top of it. */
export interface TransportShared {
  readonly options: ResolvedOptions;
  readonly budget: RetryBudget;
  readonly userAgent: string;
  readonly inflight: Inflight;
}

/** Builds a transport's `http()` from the shared parts (kept out of bundles that never import it). */
export type HttpPart = (shared: TransportShared) => (request: HttpRequest, context: TransportContext) => Promise<HttpResponse>;

/** The secrets and auth params of one credentials object on one site. */
interface PerCredentials {
  readonly credentials: Credentials | undefined;
  readonly site: Site;
  readonly secrets: readonly string[];
  auth: Readonly<AuthParams> | undefined;
}

/** Validate the parts of a request every exchange needs. */
function checkKind(kind: unknown, method: string): "read" | "write" {
  if (kind !== "read" && kind !== "write") {
    throw new SgValidationError(PREFIX, { path: ["kind"], expected: "'read' or 'write'", received: describeValue(kind), method });
  }
  return kind;
}

/**
 * Build a JSON-RPC transport from validated options: `send()` and `close()`, plus `http()` when `httpPart`
 * is given. `name` is what the transport reports (and what `util.inspect` shows).
 */
export function buildJsonRpcTransport(o: ResolvedOptions, name: string, httpPart?: HttpPart): TransportStrategy {
  const rpcExchange = createRpcExchanger(o.fetch, o.dispatcher);
  const budget = o.budget === false ? UNLIMITED_RETRY_BUDGET : createRetryBudget(o.budget);
  const ua = userAgent(o.userAgentSuffix);
  const inflight: Inflight = new Set();
  // Per-site request parts, computed once per site (a client hands the same frozen context to every call).
  let lastSite: Site | undefined;
  let url = "";
  let headers: Readonly<Record<string, string>> = {};
  // What is worked out per credentials object — the secrets to scrub from errors and the auth params — is
  // kept for the last one seen when it cannot change (frozen, as every strategy of ours hands them out).
  let lastCredentials: PerCredentials | undefined;
  const perCredentials = (credentials: Credentials | undefined, site: Site): PerCredentials => {
    const last = lastCredentials;
    if (last && last.credentials === credentials && last.site === site) return last;
    const entry: PerCredentials = { credentials, site, secrets: Object.freeze(callSecrets(credentials, site)), auth: undefined };
    if (credentials && Object.isFrozen(credentials) && (credentials.extra === undefined || Object.isFrozen(credentials.extra))) lastCredentials = entry;
    return entry;
  };

  async function send(request: RpcRequest, context: TransportContext): Promise<unknown> {
    if (!request || typeof request !== "object") {
      throw new SgValidationError(PREFIX, { path: ["request"], expected: "an RpcRequest", received: describeValue(request) });
    }
    const method = request.method;
    checkMethodName(method);
    const site = context.site;
    const credentials = request.credentials;
    const known = perCredentials(credentials, site);
    const auth = method === "info" || !credentials ? undefined : (known.auth ??= Object.freeze(authParams(credentials)));
    const envelope = envelopeWithAuth(method, request.payload, auth);
    const kind = checkKind(request.kind, method);
    const body = envelopeJson(envelope);
    if (site !== lastSite) {
      url = `${site.href}/api3/json`;
      headers = Object.freeze(rpcHeaders({ userAgent: ua, localized: o.localized, basicAuth: site.basicAuth }));
      lastSite = site;
    }
    const target = url;
    const sendHeaders = headers;
    const scrub = known.secrets;
    const policy = policyForCall(o.policy, request.retry, method);
    // A write's answer echoes what it wrote (a create or batch returns every field sent): its limit grows with the
    // request. No character of JSON takes more than 6 bytes (`\uXXXX`), so 8× the request's length holds any echo.
    const maxBytes = kind === "write" ? Math.max(o.maxResponseBytes, 8 * body.length) : o.maxResponseBytes;
    const errorContext: ErrorContext = { method, secrets: scrub, kind, retryWrites: policy.retryWrites, basicAuth: site.basicAuth !== undefined, session: credentials?.kind === "session", root: site.basePath ? site.origin : undefined };
    return runAttempts(
      {
        method,
        kind,
        policy,
        budget,
        clock: context.clock,
        logger: context.logger,
        signal: request.signal,
        closeSignal: context.signal,
        timeoutMs: limitOr(request.timeoutMs, "timeoutMs", o.timeoutMs),
        deadlineMs: limitOr(request.deadlineMs, "deadlineMs", o.deadlineMs),
        secrets: scrub,
        onRetry: o.onRetry,
        random: o.random,
        target,
        inflight,
      },
      async (signal): Promise<AttemptResult<unknown>> => {
        const raw = await rpcExchange({ url: target, headers: sendHeaders, body, signal, maxBytes });
        try {
          return { ok: true, value: decodeRpcResponse(raw, errorContext, context.clock.now()), status: raw.status };
        } catch (error) {
          if (error instanceof SgHttpError) {
            return { ok: false, error, status: raw.status, outcome: { type: "status", status: raw.status, retryAfterMs: error.retryAfterMs } };
          }
          if (error instanceof SgError) return { ok: false, error, status: raw.status, outcome: { type: "fatal", code: error.code } };
          throw error;
        }
      },
    );
  }

  const http = httpPart?.({ options: o, budget, userAgent: ua, inflight });

  // Aborts the calls in flight only: later calls go out as usual (documented on TransportStrategy.close).
  async function close(): Promise<void> {
    for (const call of [...inflight]) call.close();
    inflight.clear();
  }

  const transport: TransportStrategy = http ? { name, send, http, close } : { name, send, close };
  Object.defineProperty(transport, Symbol.for("nodejs.util.inspect.custom"), {
    value: (): string => `JsonRpcTransport { name: '${name}', userAgent: '${ua}' }`,
    enumerable: false,
  });
  return Object.freeze(transport);
}
