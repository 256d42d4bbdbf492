/**
 * `@sg/testing`: the test kit for `@sg/*` strategy authors. It starts a local `@sg/emulator` site and runs the
 * auth strategy conformance checks through a real client and transport.
 *
 * @packageDocumentation
 */
export { assertAuthStrategy, checkAuthStrategy } from "./check-auth-strategy.js";
export { DEFAULT_PROBE, expireSessions } from "./conformance-options.js";
export type { AuthConformanceOptions, ConformanceEnv, ProbeCall } from "./conformance-options.js";
export { AUTH_CHECK_IDS, AuthConformanceError, CHECK_TITLES, formatReport } from "./conformance-report.js";
export type { AuthCheckId, CheckResult, CheckStatus, ConformanceReport } from "./conformance-report.js";
export { createCapturingLogger } from "./capturing-logger.js";
export type { CapturedLogLine, CapturingLogger } from "./capturing-logger.js";
export { MIN_SECRET_LENGTH } from "./secret-scan.js";
export { findSecrets, rejectionOf } from "./assertions.js";
export { assertTransport, checkTransport } from "./check-transport.js";
export type { TransportConformanceOptions, TransportUnderTest } from "./check-transport.js";
export { TRANSPORT_CHECK_IDS, TRANSPORT_CHECK_TITLES, TransportConformanceError, formatTransportReport } from "./transport-report.js";
export type { TransportCheckId, TransportCheckResult, TransportReport } from "./transport-report.js";
