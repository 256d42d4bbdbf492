import type { CheckResult } from "../conformance-report.js";
import { authWork, plural, type RunContext } from "../harness.js";
import { runSessionCheck, summarizeOutcomes } from "./run-check.js";

/** N sequential calls cause at most one login. */
export function checkCredentialsCached(ctx: RunContext): Promise<CheckResult> {
  return runSessionCheck(ctx, "credentials-cached", async (session) => {
    const n = ctx.sequentialCalls;
    const outcomes = [];
    for (let i = 0; i < n; i += 1) outcomes.push(await session.call());
    const work = authWork(await session.requests(), outcomes.reduce((sum, o) => sum + o.sends, 0));
    const summary = `${n} sequential calls: ${summarizeOutcomes(outcomes, ctx)}; ${plural(work.count, "auth request")} besides the calls (emulator saw ${work.breakdown})`;
    if (outcomes.some((o) => !o.ok)) return { status: "failed", detail: `${summary}; every call must succeed with correct options` };
    if (work.count > 1) {
      return { status: "failed", detail: `${summary}; expected at most 1: cache the credentials (or the session token) and reuse them instead of logging in on every call` };
    }
    return { status: "passed", detail: summary };
  });
}

/** N concurrent first calls share one login. */
export function checkSingleFlight(ctx: RunContext): Promise<CheckResult> {
  return runSessionCheck(ctx, "single-flight", async (session) => {
    const n = ctx.concurrency;
    const outcomes = await session.callConcurrently(n);
    const work = authWork(await session.requests(), outcomes.reduce((sum, o) => sum + o.sends, 0));
    const summary = `${n} concurrent first calls: ${summarizeOutcomes(outcomes, ctx)}; ${plural(work.count, "auth request")} besides the calls (emulator saw ${work.breakdown})`;
    if (outcomes.some((o) => !o.ok)) return { status: "failed", detail: `${summary}; every call must succeed with correct options` };
    if (work.count > 1) {
      return { status: "failed", detail: `${summary}; expected at most 1: keep the pending login promise so concurrent callers share it (single-flight)` };
    }
    return { status: "passed", detail: summary };
  });
}
