/** Identifiers of the conformance checks, in the order they run. */
export type AuthCheckId =
  | "strategy-shape"
  | "options-validated"
  | "credentials-cached"
  | "single-flight"
  | "expiry-refresh"
  | "resend-bounded"
  | "login-failure-typed"
  | "login-stopped-by-close"
  | "no-secret-in-errors"
  | "no-secret-in-strategy"
  | "no-secret-in-logs"
  | "no-secret-in-emulator-log";

/** Every check id, in run order. */
export const AUTH_CHECK_IDS: readonly AuthCheckId[] = Object.freeze([
  "strategy-shape",
  "options-validated",
  "credentials-cached",
  "single-flight",
  "expiry-refresh",
  "resend-bounded",
  "login-failure-typed",
  "login-stopped-by-close",
  "no-secret-in-errors",
  "no-secret-in-strategy",
  "no-secret-in-logs",
  "no-secret-in-emulator-log",
] as const);

/** Outcome of one check. */
export type CheckStatus = "passed" | "failed" | "skipped";

/** One named check and what it found. Details never contain a secret. `Id` is the kit's check ids (auth or transport). */
export interface CheckResult<Id extends string = AuthCheckId> {
  /** Stable identifier. */
  readonly id: Id;
  /** What the check asserts, in one line. */
  readonly title: string;
  /** Whether it passed. */
  readonly status: CheckStatus;
  /** What was measured, and on failure what was expected. */
  readonly detail: string;
}

/** Everything {@link checkAuthStrategy} (or, with transport check ids, `checkTransport`) found. */
export interface ConformanceReport<Id extends string = AuthCheckId> {
  /** The strategy or transport name. */
  readonly name: string;
  /** True when no check failed (skipped checks do not fail the report). */
  readonly passed: boolean;
  /** Every check, in run order. */
  readonly checks: readonly CheckResult<Id>[];
}

/** Titles of the checks, as shown in reports. */
export const CHECK_TITLES: Readonly<Record<AuthCheckId, string>> = Object.freeze({
  "strategy-shape": "create(env) returns an AuthStrategy (name, credentials(), onRejected() when it refreshes)",
  "options-validated": "bad options throw an SgValidationError synchronously, prefixed with the package name",
  "credentials-cached": "sequential calls reuse the credentials (at most one login)",
  "single-flight": "concurrent first calls share one login",
  "expiry-refresh": "after the credentials are refused: at most one refresh, each call re-sent at most once",
  "resend-bounded": "a persistent refusal: every call fails with an auth error after at most one re-send",
  "login-stopped-by-close": "a login stopped by close() (AuthContext.signal) does not stay cached: the next call succeeds",
  "login-failure-typed": "a failed login rejects the call with an SgError (an SgAuthError when the login is refused)",
  "no-secret-in-errors": "no secret in any error's message, stack, toJSON or util.inspect",
  "no-secret-in-strategy": "no secret in util.inspect, JSON or String of the strategy",
  "no-secret-in-logs": "no secret in any line sent to the client's logger",
  "no-secret-in-emulator-log": "no secret in the emulator's request log or log lines",
});

/** A readable, multi-line rendering of a report. */
export function formatReport(report: ConformanceReport): string {
  return formatChecks(report, "auth strategy");
}

/** A report rendered, its checks named as `what` conformance checks (`auth strategy`, `transport`). */
export function formatChecks(report: ConformanceReport<string>, what: string): string {
  const failed = report.checks.filter((c) => c.status === "failed").length;
  const head = report.passed
    ? `${report.name}: all ${report.checks.length} ${what} conformance checks passed or were skipped`
    : `${report.name}: ${failed} of ${report.checks.length} ${what} conformance checks failed`;
  const mark: Record<CheckStatus, string> = { passed: "ok  ", failed: "FAIL", skipped: "skip" };
  const lines = report.checks.map((c) => `  ${mark[c.status]} ${c.id}: ${c.title}\n       ${c.detail.replace(/\n/g, "\n       ")}`);
  return [head, ...lines].join("\n");
}

/** Thrown by {@link assertAuthStrategy}: lists every failed check. */
export class AuthConformanceError extends Error {
  /** The full report. */
  readonly report: ConformanceReport;
  /** The failed checks. */
  readonly failures: readonly CheckResult[];
  /** @param report - a report with at least one failed check. */
  constructor(report: ConformanceReport) {
    const failures = report.checks.filter((c) => c.status === "failed");
    super(failureMessage(report, "auth strategy"));
    this.name = "AuthConformanceError";
    this.report = report;
    this.failures = failures;
  }
}

/** The message of a conformance error: every failed check of `report`, its checks named as `what` checks. */
export function failureMessage(report: ConformanceReport<string>, what: string): string {
  const failures = report.checks.filter((c) => c.status === "failed");
  return (
    `@sg/testing: ${report.name} failed ${failures.length} of ${report.checks.length} ${what} conformance checks:\n` +
    failures.map((c) => `- ${c.id}: ${c.title}\n  ${c.detail.replace(/\n/g, "\n  ")}`).join("\n")
  );
}
