import { failureMessage, formatChecks, type CheckResult, type ConformanceReport } from "./conformance-report.js";

/** Identifiers of the transport conformance checks, in the order they run. */
export type TransportCheckId =
  | "answers"
  | "ends-on-signal"
  | "ends-on-deadline"
  | "ends-on-close"
  | "auth-refusal-typed"
  | "write-cut-maybe-sent"
  | "refused-before-send"
  | "http-exchange"
  | "http-stream"
  | "http-max-bytes"
  | "timeout-per-attempt"
  | "write-not-resent"
  | "transport-close"
  | "errors-typed";

/** Every transport check id, in run order. */
export const TRANSPORT_CHECK_IDS: readonly TransportCheckId[] = Object.freeze([
  "answers",
  "ends-on-signal",
  "ends-on-deadline",
  "ends-on-close",
  "auth-refusal-typed",
  "write-cut-maybe-sent",
  "refused-before-send",
  "http-exchange",
  "http-stream",
  "http-max-bytes",
  "timeout-per-attempt",
  "write-not-resent",
  "transport-close",
  "errors-typed",
] as const);

/** Titles of the transport checks, as shown in reports. */
export const TRANSPORT_CHECK_TITLES: Readonly<Record<TransportCheckId, string>> = Object.freeze({
  answers: "info, a read and a create are answered; the row is created once and JSON values come back as sent",
  "ends-on-signal": "a call whose signal aborts is ended by the transport itself, with an SgError, before core's 50 ms grace",
  "ends-on-deadline": "a call past its deadlineMs is ended by the transport itself with an SgTimeoutError, before core's bound",
  "ends-on-close": "a call in flight when its client closes (TransportContext.signal) is ended by the transport itself",
  "auth-refusal-typed": "refused credentials (a wrong script key) reject with an SgAuthError, so the auth strategy's onRejected runs",
  "write-cut-maybe-sent": "a write whose connection is cut after it was sent rejects with an SgError saying maybeSent: true",
  "refused-before-send": "a write to a closed port rejects with an SgError saying maybeSent: false",
  "http-exchange": "http(): a GET of a URL on the site returns its status and body (skipped without http())",
  "http-stream":
    'http() with responseBody "stream": a slow body is not cut while it is read (timeoutMs bounds each wait for a chunk), and a signal aborted mid-body ends the stream with an SgAbortError (skipped without http() or a stream)',
  "http-max-bytes":
    "http() with maxBytes: a body over it is refused with SG_RESPONSE_TOO_LARGE, not retried and not read whole; one of exactly maxBytes comes whole (skipped without http() or when maxBytes is ignored)",
  "timeout-per-attempt": "timeoutMs ends an attempt (a read may be retried until its deadlineMs), with an SgTimeoutError; a write whose attempt timed out is not sent again",
  "write-not-resent": "a write answered 502 after the site applied it is not sent again (retryWrites: false); a read answered 502 may be retried",
  "transport-close": "the transport's close() ends a call in flight with an SgAbortError and settles; a call made after it is answered (skipped without close())",
  "errors-typed": "every rejection of the transport is an SgError, not a plain Error (core has to wrap those)",
});

/** One transport check and what it found. */
export type TransportCheckResult = CheckResult<TransportCheckId>;

/** Everything `checkTransport` found. */
export type TransportReport = ConformanceReport<TransportCheckId>;

/** A readable, multi-line rendering of a transport report. */
export function formatTransportReport(report: TransportReport): string {
  return formatChecks(report, "transport");
}

/** Thrown by `assertTransport`: lists every failed check. */
export class TransportConformanceError extends Error {
  /** The full report. */
  readonly report: TransportReport;
  /** The failed checks. */
  readonly failures: readonly TransportCheckResult[];
  /** @param report - a report with at least one failed check. */
  constructor(report: TransportReport) {
    super(failureMessage(report, "transport"));
    this.name = "TransportConformanceError";
    this.report = report;
    this.failures = report.checks.filter((c) => c.status === "failed");
  }
}
