/**
 * `@sg/transport`: the JSON-RPC (`/api3/json`) transport of the ShotGrid client — envelope, headers,
 * timeouts, retries with incremental backoff that never duplicate a write, and fault → typed error mapping.
 *
 * @packageDocumentation
 */
export { jsonRpcTransport, TRANSPORT_NAME } from "./json-rpc-transport.js";
export { jsonRpcCallTransport, CALL_TRANSPORT_NAME } from "./json-rpc-call-transport.js";
export type { JsonRpcCallTransportOptions, JsonRpcTransportOptions, RetryOptions, TransferOptionName } from "./options.js";
export type { OnRetry, RetryInfo, RetryVerdict } from "./attempt-loop.js";
export type { FetchFunction } from "./fetcher.js";
export type { RetryBudget, RetryBudgetOptions } from "./retry-budget.js";
export { createRetryBudget, DEFAULT_RETRY_BUDGET } from "./retry-budget.js";
export { backoffDelay, classify, DEFAULT_RETRY_POLICY } from "./retry-policy.js";
export type { AttemptOutcome, JitterMode, RetryDecision, RetryPolicy } from "./retry-policy.js";
export { authParams } from "./auth-params.js";
export type { AuthParams } from "./auth-params.js";
export { buildEnvelope, encodeEnvelope, isTruthyPayload } from "./envelope.js";
export type { RpcEnvelope } from "./envelope.js";
export { faultToError, isFault, MAINTENANCE_MESSAGE, SSO_SESSION_EXPIRED } from "./fault-map.js";
export type { ErrorContext } from "./fault-map.js";
export { SgTlsError } from "./network-errors.js";
export type { TlsErrorDetails, TlsFailure } from "./network-errors.js";
export { parseRetryAfter } from "./retry-after.js";
export { LIBRARY_NAME, LIBRARY_VERSION, userAgent } from "./user-agent.js";
