import type { AuthCheckId, CheckResult } from "../conformance-report.js";
import { CHECK_TITLES } from "../conformance-report.js";
import { CheckTimeoutError, openSession, type RunContext, type Session } from "../harness.js";
import { describeError } from "../secret-scan.js";

/** What a check body returns: its verdict and a readable detail. */
export interface Verdict {
  readonly status: CheckResult["status"];
  readonly detail: string;
}

/**
 * Run a check that needs a fresh strategy on a freshly reset emulator. Anything the body throws (the
 * factory failing, calls not settling in time) fails the check with a masked description.
 */
export async function runSessionCheck(ctx: RunContext, id: AuthCheckId, body: (session: Session) => Promise<Verdict>): Promise<CheckResult> {
  let session: Session | undefined;
  try {
    session = await openSession(ctx, id);
    const verdict = await body(session);
    return { id, title: CHECK_TITLES[id], ...verdict };
  } catch (error) {
    if (error instanceof CheckTimeoutError) ctx.timedOutIn = id;
    const what = session ? "the check" : "create(env)";
    return { id, title: CHECK_TITLES[id], status: "failed", detail: `${what} failed: ${describeError(error, ctx.secrets)}` };
  } finally {
    await session?.close();
  }
}

/** A short summary of call outcomes, e.g. `50 resolved` or `48 resolved, 2 rejected (SgAuthError …)`. */
export function summarizeOutcomes(outcomes: ReadonlyArray<{ ok: boolean; error: unknown }>, ctx: RunContext): string {
  const ok = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === 0) return `${ok} resolved`;
  return `${ok} resolved, ${failed.length} rejected (first: ${describeError(failed[0]?.error, ctx.secrets)})`;
}
