import { SgValidationError } from "@sg/core";
import type { TransportStrategy } from "@sg/core";
import { OPTION_NAMES, resolveOptions } from "./options.js";
import type { JsonRpcCallTransportOptions, TransferOptionName } from "./options.js";
import { buildJsonRpcTransport } from "./rpc-calls.js";
import { LIBRARY_NAME as PREFIX } from "./user-agent.js";

/** The name the calls-only transport reports (core names it when an upload or download needs `http()`). */
export const CALL_TRANSPORT_NAME = "@sg/transport (api3 json, calls only)";

const TRANSFER_OPTIONS: readonly string[] = ["transferTimeoutMs", "transferDeadlineMs", "maxRedirects"] satisfies TransferOptionName[];

/**
 * Create the JSON-RPC transport without plain HTTP exchanges: every API call works exactly as with
 * {@link jsonRpcTransport} (same envelope, retries, timeouts, errors), but there is no `http()`, so uploads,
 * downloads and thumbnails fail with a validation error naming the transport. In exchange ofetch and the
 * upload code stay out of the application's bundle (about 5 KB gzipped) — for edge functions and browser
 * bundles that only read and write entities. The options are those of `jsonRpcTransport` without the
 * transfer ones (`transferTimeoutMs`, `transferDeadlineMs`, `maxRedirects`), which are refused unless `undefined`.
 *
 * @example
 * ```ts
 * const client = createClient({ site, auth, transport: jsonRpcCallTransport() });
 * ```
 */
export function jsonRpcCallTransport(options?: JsonRpcCallTransportOptions): TransportStrategy {
  if (options !== null && typeof options === "object") {
    for (const key of TRANSFER_OPTIONS) {
      // `undefined` is absent, as for every other option (a config object shared with jsonRpcTransport, unset).
      if ((options as Record<string, unknown>)[key] !== undefined) {
        throw new SgValidationError(PREFIX, {
          path: [key],
          expected: "no transfer options: jsonRpcCallTransport() makes no uploads or downloads (use jsonRpcTransport() for those)",
          received: `the option '${key}'`,
        });
      }
    }
  }
  const known = OPTION_NAMES.filter((name) => !TRANSFER_OPTIONS.includes(name));
  return buildJsonRpcTransport(resolveOptions(options, known), CALL_TRANSPORT_NAME);
}
