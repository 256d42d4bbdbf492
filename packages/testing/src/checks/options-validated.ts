import type { CheckResult } from "../conformance-report.js";
import { CHECK_TITLES } from "../conformance-report.js";
import { isValidationError, type RunContext } from "../harness.js";
import { describeError } from "../secret-scan.js";

/**
 * Every `invalidOptions` factory call throws at once an `SgValidationError` whose message starts with the
 * package name. A returned Promise (lazy or async validation) or a returned strategy fails the check.
 */
export function checkOptionsValidated(ctx: RunContext): CheckResult {
  const { invalidOptions, name } = ctx.options;
  const result = (status: CheckResult["status"], detail: string): CheckResult => ({ id: "options-validated", title: CHECK_TITLES["options-validated"], status, detail });
  if (!Array.isArray(invalidOptions) || invalidOptions.length === 0) {
    return result("failed", "invalidOptions is empty: give at least one factory call with bad options (missing field, wrong type, empty string)");
  }
  const problems: string[] = [];
  invalidOptions.forEach((make, i) => {
    const label = `invalidOptions[${i}]`;
    let returned: unknown;
    try {
      returned = make(ctx.env);
    } catch (error) {
      ctx.errors.push({ where: `${label} (validation error)`, error });
      const message = error instanceof Error ? error.message : String(error);
      if (!isValidationError(error)) {
        problems.push(`${label} threw ${describeError(error, ctx.secrets)}, expected an SgValidationError (code SG_VALIDATION)`);
      } else if (!message.startsWith(name)) {
        problems.push(`${label} threw a validation error whose message does not start with '${name}': ${describeError(error, ctx.secrets)}`);
      }
      return;
    }
    if (returned !== null && typeof returned === "object" && typeof (returned as { then?: unknown }).then === "function") {
      (returned as Promise<unknown>).then(undefined, (error: unknown) => ctx.errors.push({ where: `${label} (async rejection)`, error }));
      problems.push(`${label} returned a Promise instead of throwing: options must be validated synchronously, inside the factory`);
    } else {
      const what = returned !== null && typeof returned === "object" && "credentials" in returned ? "a strategy" : returned === undefined ? "undefined" : typeof returned;
      problems.push(`${label} did not throw (it returned ${what}): validate options in the factory, not lazily in credentials()`);
    }
  });
  if (problems.length) return result("failed", problems.join("\n"));
  return result("passed", `all ${invalidOptions.length} bad option sets threw an SgValidationError prefixed '${name}' synchronously`);
}
