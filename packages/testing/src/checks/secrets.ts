import type { AuthCheckId, CheckResult } from "../conformance-report.js";
import { CHECK_TITLES } from "../conformance-report.js";
import { CheckTimeoutError, isAuthError, isSgError, openSession, plural, type CallOutcome, type RunContext, type Session } from "../harness.js";
import { LOGIN_METHODS } from "./strategy-work.js";
import { MIN_SECRET_LENGTH, describeError, errorRenderings, safeInspect, safeJson, type SecretFinding } from "../secret-scan.js";


/**
 * Make the strategy fail in the ways it must report without leaking: its login refused (fault 102) and its
 * login answered with an HTTP 500. The errors land in `ctx.errors` for {@link checkNoSecretInErrors}. A call that
 * does not settle within `timeoutMs` is recorded as such and sets `ctx.timedOutIn`; the next fault is then not
 * provoked, so a login that never settles costs one `timeoutMs`.
 */
export async function provokeLoginErrors(ctx: RunContext): Promise<void> {
  const faults = [
    { errorCode: 102, message: "Can't authenticate (refused by the @sg/testing conformance kit)" },
    { status: 500, body: "Internal Server Error (injected by the @sg/testing conformance kit)" },
  ];
  for (const fault of faults) {
    const label = `login refused (${fault.errorCode ? `fault ${fault.errorCode}` : `HTTP ${fault.status}`})`;
    let session: Session | undefined;
    try {
      session = await openSession(ctx, label);
      for (const method of LOGIN_METHODS) ctx.env.emulator.injectFault({ method, times: 5, ...fault });
      let outcome: CallOutcome | undefined;
      try {
        outcome = await session.call();
      } catch (error) {
        if (!(error instanceof CheckTimeoutError)) throw error;
        ctx.timedOutIn = "login-failure-typed";
      }
      const logins = (await session.requests()).filter((r) => LOGIN_METHODS.includes(r.method_name ?? "")).length;
      ctx.loginFailures.push({ fault: label, refusal: fault.errorCode !== undefined, logins, outcome });
    } catch (error) {
      ctx.errors.push({ where: "provoking login errors", error });
    } finally {
      await session?.close();
    }
    if (ctx.timedOutIn !== undefined) break;
  }
}

/**
 * When its login (`get_session_token`) is refused, the call rejects with an `SgAuthError`; when the login is
 * answered with HTTP 500, with an `SgError`: callers tell a refusal from an outage by class, and a plain
 * `Error` defeats that. The call must reject (not resolve, not hang) after one login request: a failed login is
 * not retried. Skipped when the strategy made no login (script keys, a token it was given).
 */
export function checkLoginFailureTyped(ctx: RunContext): CheckResult {
  const title = CHECK_TITLES["login-failure-typed"];
  const tried = ctx.loginFailures.filter((f) => f.logins > 0 || f.outcome === undefined);
  if (tried.length === 0) {
    return { id: "login-failure-typed", title, status: "skipped", detail: `the strategy made no ${LOGIN_METHODS.join(" or ")} request, so there was no login to make fail` };
  }
  const problems: string[] = [];
  const seen = tried.map(({ fault, refusal, logins, outcome }) => {
    const made = `${plural(logins, "login request")} (${LOGIN_METHODS.join(", ")})`;
    if (logins > 1) problems.push(`${fault}: ${made} for one call: expected 1, a failed login rejects the call and is not retried`);
    if (!outcome) {
      problems.push(`${fault}: the call did not settle within ${ctx.timeoutMs} ms: a failed login must reject the call (and its pending login), not wait or retry for ever`);
      return `${fault}: did not settle after ${made}`;
    }
    if (outcome.ok) {
      problems.push(`${fault}: the call resolved after ${made}, although the login ${refusal ? "was refused" : "failed"}: expected a rejection`);
      return `${fault}: resolved`;
    }
    const what = describeError(outcome.error, ctx.secrets);
    if (refusal && !isAuthError(outcome.error)) {
      problems.push(`${fault}: rejected with ${what}; expected an SgAuthError (throw new SgAuthError(message, { cause }) from @sg/core, so callers can tell a refusal from an outage)`);
    } else if (!refusal && !isSgError(outcome.error)) {
      problems.push(`${fault}: rejected with ${what}; expected an SgError (let the SgHttpError through, or wrap it in an SgAuthError with { cause })`);
    }
    return `${fault}: rejected with ${what}`;
  });
  if (problems.length === 0) return { id: "login-failure-typed", title, status: "passed", detail: seen.join("; ") };
  if (ctx.loginFailures.length < 2 && ctx.timedOutIn === "login-failure-typed") problems.push("the HTTP 500 login failure was not provoked: the first did not settle");
  return { id: "login-failure-typed", title, status: "failed", detail: problems.join("\n") };
}

function verdict(id: AuthCheckId, findings: readonly SecretFinding[], scanned: string, ctx: RunContext): CheckResult {
  const title = CHECK_TITLES[id];
  const declared = ctx.secrets.list().length;
  if (ctx.secretsProblem !== undefined) {
    return { id, title, status: "failed", detail: `${ctx.secretsProblem}: the declared secrets could not be searched for (${scanned}, for the ${plural(declared, "credential")} seen on the wire)` };
  }
  if (declared === 0) {
    return { id, title, status: "failed", detail: "no secret to look for: secrets(env) returned no value of at least 8 characters, so this check would pass vacuously" };
  }
  const short = ctx.shortSecrets ? `; ${plural(ctx.shortSecrets, "declared secret")} shorter than ${MIN_SECRET_LENGTH} characters not searched for` : "";
  const what = `${scanned}, searched for ${declared} secrets (the declared ones and every credential seen on the wire${short})`;
  if (findings.length === 0) return { id, title, status: "passed", detail: what };
  const shown = findings.slice(0, 5).map((f) => `${f.secret} in ${f.where}: ${f.excerpt}`);
  const more = findings.length > 5 ? [`… and ${findings.length - 5} more`] : [];
  return { id, title, status: "failed", detail: [`${what}: ${findings.length} leaks`, ...shown, ...more].join("\n") };
}

/** No secret in the message, stack, String(), toJSON or util.inspect of any error seen during the run. */
export function checkNoSecretInErrors(ctx: RunContext): CheckResult {
  const findings: SecretFinding[] = [];
  for (const { where, error } of ctx.errors) {
    for (const [rendering, text] of errorRenderings(error)) {
      const hits = ctx.secrets.scan(text, `the ${rendering} of an error from ${where}`);
      findings.push(...hits);
      if (hits.length) break;
    }
  }
  return verdict("no-secret-in-errors", findings, `scanned ${ctx.errors.length} errors`, ctx);
}

/** No secret in util.inspect, JSON.stringify or String() of any strategy created (after it was used). */
export function checkNoSecretInStrategy(ctx: RunContext): CheckResult {
  const findings: SecretFinding[] = [];
  ctx.strategies.forEach((strategy, i) => {
    const renderings: Array<readonly [string, string]> = [
      ["util.inspect", safeInspect(strategy)],
      ["JSON.stringify", safeJson(strategy)],
      ["String()", (() => { try { return String(strategy); } catch { return ""; } })()],
    ];
    for (const [rendering, text] of renderings) {
      const hits = ctx.secrets.scan(text, `${rendering} of strategy #${i + 1}`);
      findings.push(...hits);
      if (hits.length) break;
    }
  });
  return verdict("no-secret-in-strategy", findings, `inspected ${ctx.strategies.length} strategies`, ctx);
}

/** No secret in any line the client's logger received (from the strategy, the client or the transport). */
export function checkNoSecretInLogs(ctx: RunContext): CheckResult {
  const lines = ctx.logger.text();
  const findings = lines.flatMap((line, i) => ctx.secrets.scan(line, `log line ${i + 1}`));
  return verdict("no-secret-in-logs", findings, `scanned ${lines.length} log lines`, ctx);
}

/** No secret in the emulator's request log or its log lines (what a site operator would see). */
export function checkNoSecretInEmulatorLog(ctx: RunContext): CheckResult {
  const requests = [...ctx.pastRequests, ...ctx.env.emulator.requests()];
  const findings = [
    ...requests.flatMap((r) => ctx.secrets.scan(safeJson(r), `emulator request #${r.seq} (${r.method_name ?? r.path})`)),
    ...ctx.emulatorLines.flatMap((line, i) => ctx.secrets.scan(line, `emulator log line ${i + 1}`)),
  ];
  return verdict("no-secret-in-emulator-log", findings, `scanned ${requests.length} recorded requests and ${ctx.emulatorLines.length} emulator log lines`, ctx);
}
