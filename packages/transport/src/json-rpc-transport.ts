import { SgAbortError, SgError, SgHttpError, SgValidationError, describeValue } from "@sg/core";
import type { HttpRequest, HttpResponse, RpcRequest, Site, TransportContext, TransportStrategy } from "@sg/core";
import { runAttempts } from "./attempt-loop.js";
import type { AttemptResult, Inflight } from "./attempt-loop.js";
import { buildEnvelope, encodeEnvelope } from "./envelope.js";
import { createExchanger } from "./fetcher.js";
import { rpcHeaders } from "./headers.js";
import { httpExchange } from "./http-exchange.js";
import { checkMs, policyForCall, resolveOptions } from "./options.js";
import type { JsonRpcTransportOptions } from "./options.js";
import { UNLIMITED_RETRY_BUDGET, createRetryBudget } from "./retry-budget.js";
import { decodeRpcResponse } from "./rpc-response.js";
import { callSecrets } from "./secrets.js";
import { userAgent } from "./user-agent.js";

const PREFIX = "@sg/transport";

/** The name this transport reports. */
export const TRANSPORT_NAME = "@sg/transport (api3 json)";

/** Validate the parts of a request every exchange needs. */
function checkKind(kind: unknown, method: string): "read" | "write" {
  if (kind !== "read" && kind !== "write") {
    throw new SgValidationError(PREFIX, { path: ["kind"], expected: "'read' or 'write'", received: describeValue(kind), method });
  }
  return kind;
}

/**
 * Create the JSON-RPC transport: `POST <site>/api3/json` with the api3 envelope, built on ofetch with
 * ofetch's own retry off. Options are validated at once (bad options throw {@link SgValidationError}).
 *
 * @example
 * ```ts
 * const client = createClient({ site, auth, transport: jsonRpcTransport({ userAgent: "my-tool 1.0" }) });
 * ```
 */
export function jsonRpcTransport(options?: JsonRpcTransportOptions): TransportStrategy {
  const o = resolveOptions(options);
  const exchange = createExchanger(o.fetch, o.dispatcher);
  const budget = o.budget === false ? UNLIMITED_RETRY_BUDGET : createRetryBudget(o.budget);
  const ua = userAgent(o.userAgentSuffix);
  const inflight: Inflight = new Set();
  // Per-site request parts, computed once per site (a client hands the same frozen context to every call).
  let lastSite: Site | undefined;
  let url = "";
  let headers: Readonly<Record<string, string>> = {};

  async function send(request: RpcRequest, context: TransportContext): Promise<unknown> {
    if (!request || typeof request !== "object") {
      throw new SgValidationError(PREFIX, { path: ["request"], expected: "an RpcRequest", received: describeValue(request) });
    }
    const method = request.method;
    const envelope = buildEnvelope(method, request.payload, request.credentials);
    const kind = checkKind(request.kind, method);
    const body = encodeEnvelope(envelope);
    const site = context.site;
    if (site !== lastSite) {
      url = `${site.href}/api3/json`;
      headers = Object.freeze(rpcHeaders({ userAgent: ua, localized: o.localized, basicAuth: site.basicAuth }));
      lastSite = site;
    }
    const target = url;
    const sendHeaders = headers;
    const secrets = callSecrets(request.credentials, site);
    return runAttempts(
      {
        method,
        kind,
        policy: policyForCall(o.policy, request.retry, method),
        budget,
        clock: context.clock,
        logger: context.logger,
        signal: request.signal,
        timeoutMs: checkMs(request.timeoutMs, ["timeoutMs"]) ?? o.timeoutMs,
        deadlineMs: checkMs(request.deadlineMs, ["deadlineMs"]) ?? o.deadlineMs,
        secrets,
        onRetry: o.onRetry,
        random: o.random,
        target,
        inflight,
      },
      async (signal): Promise<AttemptResult<unknown>> => {
        const raw = await exchange({ url: target, method: "POST", headers: sendHeaders, body, signal, asText: true });
        try {
          return { ok: true, value: decodeRpcResponse(raw, { method, secrets }, context.clock.now()), status: raw.status };
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

  async function http(request: HttpRequest, context: TransportContext): Promise<HttpResponse> {
    return httpExchange(request, context, { options: o, exchange, budget, userAgent: ua, inflight });
  }

  async function close(): Promise<void> {
    for (const call of [...inflight]) call.abort(new SgAbortError("the transport was closed while the call was in flight"));
    inflight.clear();
  }

  const transport: TransportStrategy = { name: TRANSPORT_NAME, send, http, close };
  Object.defineProperty(transport, Symbol.for("nodejs.util.inspect.custom"), {
    value: (): string => `JsonRpcTransport { name: '${TRANSPORT_NAME}', userAgent: '${ua}' }`,
    enumerable: false,
  });
  return Object.freeze(transport);
}
