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
