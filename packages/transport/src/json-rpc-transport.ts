import type { TransportStrategy } from "@sg/core";
import { createHttpExchanger, httpExchange } from "./http-exchange.js";
import { resolveOptions } from "./options.js";
import type { JsonRpcTransportOptions } from "./options.js";
import { buildJsonRpcTransport } from "./rpc-calls.js";

/** The name this transport reports. */
export const TRANSPORT_NAME = "@sg/transport (api3 json)";

/**
 * Create the JSON-RPC transport: `POST <site>/api3/json` with the api3 envelope, sent with fetch directly;
 * plain exchanges (uploads, downloads) go through ofetch with ofetch's own retry off. Options are validated
 * at once (bad options throw {@link SgValidationError}).
 *
 * An application that never uploads or downloads can take {@link jsonRpcCallTransport} instead: the same
 * calls, without `http()` and ofetch in its bundle.
 *
 * @example
 * ```ts
 * const client = createClient({ site, auth, transport: jsonRpcTransport({ userAgent: "my-tool 1.0" }) });
 * ```
 */
export function jsonRpcTransport(options?: JsonRpcTransportOptions): TransportStrategy {
  const o = resolveOptions(options);
  return buildJsonRpcTransport(o, TRANSPORT_NAME, (shared) => {
    const exchange = createHttpExchanger(o.fetch, o.dispatcher);
    return (request, context) => httpExchange(request, context, { ...shared, exchange });
  });
}
