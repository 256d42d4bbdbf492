import type { AuthStrategy } from "@sg/core";
import type { CheckResult } from "../conformance-report.js";
import { CHECK_TITLES } from "../conformance-report.js";
import type { RunContext } from "../harness.js";
import { describeError } from "../secret-scan.js";

/** The shape check's result, and whether the strategy can be called at all (the other checks need that). */
export interface ShapeOutcome {
  readonly result: CheckResult;
  readonly usable: boolean;
}

/** create(env) returns an object with a name, credentials(), when it claims to refresh, onRejected(), and explain() only as a function. */
export function checkStrategyShape(ctx: RunContext): ShapeOutcome {
  const result = (status: CheckResult["status"], detail: string, usable = false): ShapeOutcome => ({
    result: { id: "strategy-shape", title: CHECK_TITLES["strategy-shape"], status, detail },
    usable,
  });
  let strategy: unknown;
  try {
    strategy = ctx.options.create(ctx.env);
  } catch (error) {
    ctx.errors.push({ where: "create(env)", error });
    return result("failed", `create(env) threw ${describeError(error, ctx.secrets)}`);
  }
  if (strategy === null || typeof strategy !== "object") return result("failed", `create(env) returned ${strategy === null ? "null" : typeof strategy}, not an AuthStrategy object`);
  if (typeof (strategy as { then?: unknown }).then === "function") {
    return result("failed", "create(env) returned a Promise: a strategy factory must return the strategy synchronously");
  }
  const s = strategy as { name?: unknown; credentials?: unknown; onRejected?: unknown; explain?: unknown };
  ctx.strategies.push(strategy as AuthStrategy);
  const problems: string[] = [];
  if (typeof s.name !== "string" || s.name.trim() === "") problems.push(`name is ${typeof s.name === "string" ? "an empty string" : typeof s.name}, expected a non-empty string such as '${ctx.options.name}'`);
  if (typeof s.credentials !== "function") problems.push(`credentials is ${typeof s.credentials}, expected a function`);
  if (s.onRejected !== undefined && typeof s.onRejected !== "function") problems.push(`onRejected is ${typeof s.onRejected}, expected a function or undefined`);
  if (s.explain !== undefined && typeof s.explain !== "function") problems.push(`explain is ${typeof s.explain}, expected a function or undefined`);
  if (ctx.options.refreshes === "once" && typeof s.onRejected !== "function") {
    problems.push("refreshes is 'once' but the strategy has no onRejected(): the client cannot ask it for fresh credentials");
  }
  if (problems.length) return result("failed", problems.join("; "), typeof s.credentials === "function");
  return result(
    "passed",
    `name '${ctx.secrets.mask(String(s.name))}', credentials() ${typeof s.onRejected === "function" ? "and onRejected()" : "without onRejected()"}`,
    true,
  );
}
