import { SgValidationError, describeValue } from "@sg/core";
import { createCapturingLogger } from "./capturing-logger.js";
import { startKitEmulator } from "./kit-emulator.js";
import { checkCredentialsCached, checkSingleFlight } from "./checks/caching.js";
import { checkLoginStoppedByClose } from "./checks/close-login.js";
import { checkOptionsValidated } from "./checks/options-validated.js";
import { checkExpiryRefresh, checkResendBounded } from "./checks/refusal.js";
import { checkLoginFailureTyped, checkNoSecretInEmulatorLog, checkNoSecretInErrors, checkNoSecretInLogs, checkNoSecretInStrategy, provokeLoginErrors } from "./checks/secrets.js";
import { checkStrategyShape } from "./checks/strategy-shape.js";
import { DEFAULT_PROBE, type AuthConformanceOptions, type ConformanceEnv } from "./conformance-options.js";
import { AuthConformanceError, CHECK_TITLES, type AuthCheckId, type CheckResult, type ConformanceReport } from "./conformance-report.js";
import type { RunContext } from "./harness.js";
import { MIN_SECRET_LENGTH, SecretRegistry, describeError } from "./secret-scan.js";

const PREFIX = "@sg/testing";
const DEFAULT_SESSION_IDLE_SECONDS = 1800;

function validate(options: AuthConformanceOptions): void {
  const fail = (path: string[], expected: string, value: unknown): never => {
    throw new SgValidationError(PREFIX, { path: ["options", ...path], expected, received: describeValue(value) });
  };
  if (options === null || typeof options !== "object") fail([], "an object", options);
  if (typeof options.name !== "string" || options.name === "") fail(["name"], "the package name, e.g. '@sg/auth-script'", options.name);
  if (typeof options.create !== "function") fail(["create"], "a function (env) => AuthStrategy", options.create);
  if (!Array.isArray(options.invalidOptions)) fail(["invalidOptions"], "an array of factory calls with bad options", options.invalidOptions);
  options.invalidOptions.forEach((f, i) => {
    if (typeof f !== "function") fail(["invalidOptions", String(i)], "a function that calls the factory with bad options", f);
  });
  if (typeof options.secrets !== "function") fail(["secrets"], "a function (env) => string[]", options.secrets);
  if (options.expire !== undefined && typeof options.expire !== "function") fail(["expire"], "a function (env) => void", options.expire);
  if (options.refreshes !== "once" && options.refreshes !== "never") fail(["refreshes"], "'once' or 'never'", options.refreshes);
  for (const key of ["concurrency", "sequentialCalls", "timeoutMs"] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) fail([key], "a positive integer", v);
  }
  const emulatorLogger: unknown = options.emulator?.logger;
  if (emulatorLogger !== undefined && typeof emulatorLogger !== "function") fail(["emulator", "logger"], "a function (line: string) => void", emulatorLogger);
  if (options.probe !== undefined && (typeof options.probe?.method !== "string" || typeof options.probe.payload !== "function")) {
    fail(["probe"], "{ method: string, payload(): unknown }", options.probe);
  }
}

/**
 * Run the auth strategy conformance checks against a local emulator and report each one. Never throws for a
 * failing strategy (see {@link assertAuthStrategy}); throws `SgValidationError` for malformed options, an `emulator`
 * option `startEmulator` refuses included (at `options.emulator.<option>`, with its message). A start of the emulator
 * that fails otherwise (its `dataFile` in use, its `port` taken) is thrown as it is.
 *
 * @example
 * ```ts
 * const report = await checkAuthStrategy({
 *   name: "@acme/sg-auth-vault",
 *   create: (env) => vaultAuth({ site: env.url, … }),
 *   invalidOptions: [() => vaultAuth({} as never)],
 *   secrets: (env) => [env.card.scripts[0]!.key],
 *   refreshes: "never",
 * });
 * ```
 */
export async function checkAuthStrategy(options: AuthConformanceOptions): Promise<ConformanceReport> {
  validate(options);
  const emulatorLines: string[] = [];
  const userLogger = options.emulator?.logger;
  const emulator = await startKitEmulator(options.emulator, (line: string): void => {
    emulatorLines.push(line);
    userLogger?.(line);
  });
  const checks: CheckResult[] = [];
  try {
    const env: ConformanceEnv = Object.freeze({
      url: emulator.url,
      card: emulator.card,
      emulator,
      sessionIdleSeconds: options.emulator?.sessionIdleSeconds ?? DEFAULT_SESSION_IDLE_SECONDS,
    });
    const secrets = new SecretRegistry();
    const ctx: RunContext = {
      options,
      env,
      secrets,
      logger: createCapturingLogger(),
      errors: [],
      strategies: [],
      pastRequests: [],
      emulatorLines,
      loginFailures: [],
      probe: options.probe ?? DEFAULT_PROBE,
      concurrency: options.concurrency ?? 50,
      sequentialCalls: options.sequentialCalls ?? 5,
      timeoutMs: options.timeoutMs ?? 20_000,
    };
    let declared: unknown = [];
    try {
      declared = options.secrets(env);
    } catch (error) {
      ctx.errors.push({ where: "secrets(env)", error });
      // Masked at the end, with the secrets learned by then: the no-secret checks fail with it (see verdict).
      ctx.secretsProblem = `secrets(env) threw: ${describeError(error, secrets)}`;
    }
    if (!Array.isArray(declared)) {
      throw new SgValidationError(PREFIX, { path: ["options", "secrets"], expected: "secrets(env) to return an array of secret strings", received: describeValue(declared, true) });
    }
    declared.forEach((s, i) => secrets.add(s, `secrets(env)[${i}]`));
    ctx.shortSecrets = declared.filter((s) => typeof s === "string" && s.length < MIN_SECRET_LENGTH).length;

    const shape = checkStrategyShape(ctx);
    checks.push(shape.result, checkOptionsValidated(ctx));
    if (!shape.usable) {
      for (const id of ["credentials-cached", "single-flight", "expiry-refresh", "resend-bounded", "login-failure-typed", "login-stopped-by-close"] as const) {
        checks.push({ id, title: CHECK_TITLES[id], status: "failed", detail: "not run: create(env) did not return a usable AuthStrategy (see strategy-shape)" });
      }
    } else {
      const sessionChecks = [
        ["credentials-cached", checkCredentialsCached],
        ["single-flight", checkSingleFlight],
        ["expiry-refresh", checkExpiryRefresh],
        ["resend-bounded", checkResendBounded],
      ] as const;
      const notRun = (id: AuthCheckId): CheckResult => ({ id, title: CHECK_TITLES[id], status: "failed", detail: `not run: calls in ${ctx.timedOutIn} did not settle within ${ctx.timeoutMs} ms (see there)` });
      for (const [id, run] of sessionChecks) checks.push(ctx.timedOutIn === undefined ? await run(ctx) : notRun(id));
      if (ctx.timedOutIn === undefined) {
        await provokeLoginErrors(ctx);
        checks.push(checkLoginFailureTyped(ctx));
      } else {
        checks.push(notRun("login-failure-typed"));
      }
      checks.push(ctx.timedOutIn === undefined ? await checkLoginStoppedByClose(ctx) : notRun("login-stopped-by-close"));
    }
    checks.push(checkNoSecretInErrors(ctx), checkNoSecretInStrategy(ctx), checkNoSecretInLogs(ctx), checkNoSecretInEmulatorLog(ctx));
    // A detail is masked with the secrets known when its check ran; one learned later (a credential first sent
    // by a later check) may be in it, so every text of the report is masked again with all of them.
    const masked = checks.map((c) => Object.freeze({ ...c, detail: secrets.mask(c.detail) }));
    return Object.freeze({ name: secrets.mask(options.name), passed: masked.every((c) => c.status !== "failed"), checks: Object.freeze(masked) });
  } finally {
    await emulator.close();
  }
}

/**
 * Run {@link checkAuthStrategy} and throw one {@link AuthConformanceError} listing every failed check. Works in
 * any test runner: `await assertAuthStrategy({...})` inside a test.
 */
export async function assertAuthStrategy(options: AuthConformanceOptions): Promise<void> {
  const report = await checkAuthStrategy(options);
  if (!report.passed) throw new AuthConformanceError(report);
}
