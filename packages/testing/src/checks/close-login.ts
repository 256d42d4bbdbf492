import type { CheckResult } from "../conformance-report.js";
import { plural, settle, type RunContext } from "../harness.js";
import { describeError } from "../secret-scan.js";
import { runSessionCheck } from "./run-check.js";
import { LOGIN_METHODS } from "./strategy-work.js";

/**
 * `AuthContext.signal`'s rule: work stopped by the client's `close()` rejects and does not stay cached. The answer
 * to the strategy's first request of its own (its login) is held back until the client was closed during the
 * first call; the next call, which comes with a fresh context, must then succeed. Skipped when the strategy makes
 * no request of its own through the client (script keys, a token minted elsewhere).
 */
export function checkLoginStoppedByClose(ctx: RunContext): Promise<CheckResult> {
  return runSessionCheck(ctx, "login-stopped-by-close", async (session) => {
    const hold = session.holdOwnRequest();
    const first = session.call();
    const held = await Promise.race([hold.sent.then(() => true), first.then(() => false, () => false)]);
    if (!held) {
      hold.release();
      await first;
      return { status: "skipped", detail: "the first call made no request of the strategy's own (no login through the client), so there was no login to stop" };
    }
    await session.client.close();
    hold.release();
    await first;
    // The stopped login rejects a few promise steps after the release: a call made before that may join it.
    await settle();
    const next = await session.call();
    const logins = (await session.requests()).filter((r) => LOGIN_METHODS.includes(r.method_name ?? "")).length;
    const summary = `the client was closed while the answer to the strategy's first own request was held back; the next call ${next.ok ? "resolved" : `rejected with ${describeError(next.error, ctx.secrets)}`} (${plural(logins, "login")} in all)`;
    if (next.ok) return { status: "passed", detail: summary };
    return {
      status: "failed",
      detail: `${summary}\na login stopped by close() (its AuthContext.signal aborted) must reject and not stay cached: clear the pending login when it fails, so the next call, which comes with a fresh context, logs in again`,
    };
  });
}
