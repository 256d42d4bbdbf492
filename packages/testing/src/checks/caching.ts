import type { CheckResult } from "../conformance-report.js";
import type { RunContext, Session } from "../harness.js";
import { runSessionCheck, summarizeOutcomes } from "./run-check.js";
import { cacheProblems, describeWork, strategyWork } from "./strategy-work.js";

/** The verdict on the first calls of a fresh strategy: every one succeeds, after at most one login. */
async function firstCalls(session: Session, ctx: RunContext, what: string, outcomes: ReadonlyArray<{ ok: boolean; error: unknown }>, advice: string): Promise<{ status: CheckResult["status"]; detail: string }> {
  const before = { reached: 0, sent: [], rejections: 0, late: 0 };
  const work = strategyWork(await session.requests(), before, session.tally());
  const summary = `${what}: ${summarizeOutcomes(outcomes, ctx)}; ${describeWork(work)}`;
  if (outcomes.some((o) => !o.ok)) return { status: "failed", detail: `${summary}; every call must succeed with correct options` };
  const problems = cacheProblems(work, advice);
  return problems.length ? { status: "failed", detail: `${summary}\n${problems.join("\n")}` } : { status: "passed", detail: summary };
}

/** N sequential calls cause at most one login and carry one credentials object (unless one was refused). */
export function checkCredentialsCached(ctx: RunContext): Promise<CheckResult> {
  return runSessionCheck(ctx, "credentials-cached", async (session) => {
    const n = ctx.sequentialCalls;
    const outcomes = [];
    for (let i = 0; i < n; i += 1) outcomes.push(await session.call());
    return firstCalls(session, ctx, `${n} sequential calls`, outcomes, "cache the credentials (or the session token) and reuse them instead of logging in on every call");
  });
}

/** N concurrent first calls share one login and one credentials object. */
export function checkSingleFlight(ctx: RunContext): Promise<CheckResult> {
  return runSessionCheck(ctx, "single-flight", async (session) => {
    const n = ctx.concurrency;
    const outcomes = await session.callConcurrently(n);
    return firstCalls(session, ctx, `${n} concurrent first calls`, outcomes, "keep the pending login promise so concurrent callers share it (single-flight)");
  });
}
