import type { CheckResult } from "../conformance-report.js";
import { CHECK_TITLES } from "../conformance-report.js";
import { isAuthError, plural, within, type CallOutcome, type RunContext } from "../harness.js";
import { describeError } from "../secret-scan.js";
import { runSessionCheck, summarizeOutcomes, type Verdict } from "./run-check.js";
import { describeWork, refreshProblems, strategyWork } from "./strategy-work.js";

/** The `error_code` of an authentication refusal on the wire. */
const AUTH_FAULT = 102;

const maxSends = (outcomes: readonly CallOutcome[]): number => outcomes.reduce((max, o) => Math.max(max, o.sends), 0);

function nonAuthFailures(outcomes: readonly CallOutcome[], ctx: RunContext): string | undefined {
  const bad = outcomes.find((o) => !o.ok && !isAuthError(o.error));
  return bad ? describeError(bad.error, ctx.secrets) : undefined;
}

/**
 * After `expire(env)`, N concurrent calls: at most one refresh, each call re-sent at most once; with
 * `refreshes: "once"` every call then succeeds and later calls need no further login; with `"never"` every
 * call fails with an auth error. The refusals of half the calls (rounded down) are held back until the other
 * calls have settled, so they reach the strategy after its refresh finished, whatever the machine's speed: a
 * strategy must then re-send them with the credentials it already has instead of logging in again.
 */
export function checkExpiryRefresh(ctx: RunContext): Promise<CheckResult> {
  const { expire, refreshes } = ctx.options;
  if (!expire) {
    const status = refreshes === "once" ? "failed" : "skipped";
    const detail =
      refreshes === "once"
        ? "refreshes is 'once' but no expire(env) was given, so recovery cannot be checked: pass expire (e.g. expireSessions from @sg/testing)"
        : "no expire(env) given (fine for credentials that do not expire, such as script keys); resend-bounded still checks refusals";
    return Promise.resolve({ id: "expiry-refresh", title: CHECK_TITLES["expiry-refresh"], status, detail });
  }
  return runSessionCheck(ctx, "expiry-refresh", async (session): Promise<Verdict> => {
    const warm = await session.call();
    if (!warm.ok) return { status: "failed", detail: `the warm-up call before expire(env) failed: ${describeError(warm.error, ctx.secrets)}` };
    const mark = (await session.requests()).length;
    const before = session.tally();
    const expired = await within(Promise.resolve().then(() => expire(ctx.env)).then(() => true), ctx.timeoutMs, () => false);
    if (!expired) return { status: "failed", detail: `expire(env) did not settle within ${ctx.timeoutMs} ms: it must return (or resolve) once the site refuses the credentials held now` };
    const n = ctx.concurrency;
    const held = Math.floor(n / 2);
    const outcomes = await session.callConcurrently(n, held);
    const window = (await session.requests()).slice(mark);
    const refused = window.filter((r) => r.errorCode === AUTH_FAULT).length;
    const after = session.tally();
    const work = strategyWork(window, before, after);
    const most = maxSends(outcomes);
    const heldNote = held > 0 ? ` (the answers of ${held} were held back until the other ${n - held} had settled)` : "";
    const summary = `after expire(env), ${n} concurrent calls${heldNote}: ${summarizeOutcomes(outcomes, ctx)}; ${plural(refused, "request")} refused with fault ${AUTH_FAULT}; at most ${plural(most, "send")} per call; ${describeWork(work)}`;
    const problems: string[] = [];
    if (refused === 0) problems.push(`expire(env) did not make the site refuse the credentials (no fault ${AUTH_FAULT}), so the refresh path was not exercised`);
    if (most > 2) problems.push(`a call was sent ${most} times: expected at most 2 (the first send and one re-send)`);
    problems.push(...refreshProblems(work, n, "after the refusal"));
    if (refreshes === "once") {
      if (outcomes.some((o) => !o.ok)) problems.push("refreshes is 'once' but some calls failed after the credentials expired: onRejected() should return fresh credentials");
      if (problems.length === 0) {
        const mark2 = (await session.requests()).length;
        const recovered = session.tally();
        const later: CallOutcome[] = [];
        for (let i = 0; i < 3; i += 1) later.push(await session.call());
        const work2 = strategyWork((await session.requests()).slice(mark2), recovered, session.tally());
        if (later.some((o) => !o.ok)) problems.push(`after recovering, a later call failed: ${summarizeOutcomes(later, ctx)}`);
        if (work2.logins > 0 || work2.fresh > 0 || work2.rejections > 0) problems.push(`after recovering, 3 sequential calls made ${describeWork(work2)}: expected no login and no new credentials object: cache the refreshed credentials`);
      }
    } else {
      const resolved = outcomes.filter((o) => o.ok).length;
      if (resolved > 0) problems.push(`refreshes is 'never' but ${resolved} calls resolved after expire(env)`);
      const other = nonAuthFailures(outcomes, ctx);
      if (other) problems.push(`a call failed with ${other}: expected an SgAuthError`);
    }
    return problems.length ? { status: "failed", detail: `${summary}\n${problems.join("\n")}` } : { status: "passed", detail: summary };
  });
}

/**
 * The site refuses every call (an injected fault 102 on the probe method): each of N concurrent calls fails
 * with an auth error after at most one re-send, with at most one refresh between them: no retry loops. As in
 * {@link checkExpiryRefresh}, the first refusals of half the calls (rounded down) are held back until the other
 * calls have settled, so they reach the strategy after its refresh finished whatever the machine's speed.
 */
export function checkResendBounded(ctx: RunContext): Promise<CheckResult> {
  return runSessionCheck(ctx, "resend-bounded", async (session): Promise<Verdict> => {
    const warm = await session.call();
    if (!warm.ok) return { status: "failed", detail: `the warm-up call failed: ${describeError(warm.error, ctx.secrets)}` };
    const mark = (await session.requests()).length;
    const before = session.tally();
    const n = ctx.concurrency;
    ctx.env.emulator.injectFault({ method: ctx.probe.method, errorCode: AUTH_FAULT, message: "Refused by the @sg/testing conformance kit", times: n * 4 + 10 });
    const held = Math.floor(n / 2);
    const outcomes = await session.callConcurrently(n, held);
    const window = (await session.requests()).slice(mark);
    const work = strategyWork(window, before, session.tally());
    const most = maxSends(outcomes);
    const heldNote = held > 0 ? ` (the answers of ${held} were held back until the other ${n - held} had settled)` : "";
    const summary = `${n} concurrent calls${heldNote}, all refused with fault ${AUTH_FAULT}: ${summarizeOutcomes(outcomes, ctx)}; at most ${plural(most, "send")} per call; ${describeWork(work)}`;
    const problems: string[] = [];
    const resolved = outcomes.filter((o) => o.ok).length;
    if (resolved > 0) problems.push(`${resolved} calls resolved although every '${ctx.probe.method}' was refused`);
    const other = nonAuthFailures(outcomes, ctx);
    if (other) problems.push(`a call failed with ${other}: expected the SgAuthError of the refusal (or the strategy's own auth error)`);
    if (most > 2) problems.push(`a call was sent ${most} times: expected at most 2 (the first send and one re-send), never a loop`);
    problems.push(...refreshProblems(work, n, "while refused"));
    return problems.length ? { status: "failed", detail: `${summary}\n${problems.join("\n")}` } : { status: "passed", detail: summary };
  });
}
