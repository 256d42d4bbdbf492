import type { EmulatorOptions } from "@sg/emulator";
import { SgValidationError, describeValue, type TransportStrategy } from "@sg/core";
import { checkAnswers } from "./checks/transport-answers.js";
import { checkAuthRefusal, checkErrorsTyped, checkHttp, checkRefusedBeforeSend, checkWriteCut } from "./checks/transport-failures.js";
import { checkMaxBytes } from "./checks/transport-max-bytes.js";
import { checkAttemptTimeout, checkWriteNotResent } from "./checks/transport-retries.js";
import { checkStream } from "./checks/transport-stream.js";
import { checkTransportClose } from "./checks/transport-close.js";
import { runTransportCheck, type TransportRun } from "./checks/transport-run.js";
import { checkStop } from "./checks/transport-stops.js";
import type { ConformanceEnv } from "./conformance-options.js";
import { startKitEmulator } from "./kit-emulator.js";
import { SecretRegistry } from "./secret-scan.js";
import { TransportConformanceError, type TransportCheckResult, type TransportReport } from "./transport-report.js";

const PREFIX = "@sg/testing";

/** The transport to check: one object, or a factory called for a fresh one per check. */
export type TransportUnderTest = TransportStrategy | ((env: ConformanceEnv) => TransportStrategy);

/** Options of {@link checkTransport}. */
export interface TransportConformanceOptions {
  /** Name shown in the report; the transport's `name` by default. */
  readonly name?: string | undefined;
  /** Options for the emulator the checks run against (`host`, `port`, `latencyMs` …). */
  readonly emulator?: EmulatorOptions | undefined;
  /** Limit for the calls of any one check, in milliseconds (20000 by default). */
  readonly timeoutMs?: number | undefined;
}

function validate(transport: unknown, options: TransportConformanceOptions): void {
  const fail = (path: string[], expected: string, value: unknown): never => {
    throw new SgValidationError(PREFIX, { path, expected, received: describeValue(value) });
  };
  if (typeof transport !== "function") {
    const t = transport as Partial<TransportStrategy> | null;
    if (t === null || typeof t !== "object") fail(["transport"], "a TransportStrategy or a function (env) => TransportStrategy", transport);
    if (typeof t?.name !== "string" || t.name === "") fail(["transport", "name"], "a non-empty string", t?.name);
    if (typeof t?.send !== "function") fail(["transport", "send"], "a function (request, context) => Promise", t?.send);
  }
  if (options === null || typeof options !== "object") fail(["options"], "an object", options);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) fail(["options", "name"], "a non-empty string", options.name);
  if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1)) fail(["options", "timeoutMs"], "a positive integer", options.timeoutMs);
}

/**
 * Run the transport conformance checks against a local emulator, through a real client with the emulator's script
 * key, and report each one: answers (info, read, create), the call ended by the transport itself on its signal, its
 * deadline and its client's close, refused credentials as `SgAuthError`, `maybeSent` on a cut write and on a refused
 * connection, `http()` (a streamed body, `maxBytes`), `timeoutMs` per attempt, a write answered 502 not re-sent, the
 * transport's own `close()`, and typed errors. Never throws for a failing transport (see {@link assertTransport}); throws
 * `SgValidationError` for a malformed transport or options. A start of the emulator that fails is thrown as it is,
 * a refused emulator option as an `SgValidationError` at `options.emulator.<option>`.
 *
 * @example
 * ```ts
 * const report = await checkTransport(() => jsonRpcTransport({ timeoutMs: 30_000 }));
 * if (!report.passed) console.log(formatTransportReport(report));
 * ```
 */
export async function checkTransport(transport: TransportUnderTest, options: TransportConformanceOptions = {}): Promise<TransportReport> {
  validate(transport, options);
  const emulator = await startKitEmulator(options.emulator);
  try {
    const env: ConformanceEnv = Object.freeze({ url: emulator.url, card: emulator.card, emulator, sessionIdleSeconds: options.emulator?.sessionIdleSeconds ?? 1800 });
    const secrets = new SecretRegistry();
    for (const [i, script] of env.card.scripts.entries()) secrets.add(script.key, `the emulator's script key ${i}`);
    const make = (): TransportStrategy => (typeof transport === "function" ? transport(env) : transport);
    let name = options.name;
    if (name === undefined) {
      try {
        name = make().name;
      } catch {
        name = "a transport";
      }
    }
    const run: TransportRun = { env, make, secrets, timeoutMs: options.timeoutMs ?? 20_000, handovers: [] };
    const checks: TransportCheckResult[] = [
      await runTransportCheck(run, "answers", () => checkAnswers(run)),
      await runTransportCheck(run, "ends-on-signal", () => checkStop(run, "signal")),
      await runTransportCheck(run, "ends-on-deadline", () => checkStop(run, "deadline")),
      await runTransportCheck(run, "ends-on-close", () => checkStop(run, "close")),
      await runTransportCheck(run, "auth-refusal-typed", () => checkAuthRefusal(run)),
      await runTransportCheck(run, "write-cut-maybe-sent", () => checkWriteCut(run)),
      await runTransportCheck(run, "refused-before-send", () => checkRefusedBeforeSend(run)),
      await runTransportCheck(run, "http-exchange", () => checkHttp(run)),
      await runTransportCheck(run, "http-stream", () => checkStream(run)),
      await runTransportCheck(run, "http-max-bytes", () => checkMaxBytes(run)),
      await runTransportCheck(run, "timeout-per-attempt", () => checkAttemptTimeout(run)),
      await runTransportCheck(run, "write-not-resent", () => checkWriteNotResent(run)),
      await runTransportCheck(run, "transport-close", () => checkTransportClose(run)),
    ];
    checks.push(await runTransportCheck(run, "errors-typed", () => checkErrorsTyped(run)));
    const frozen = checks.map((c) => Object.freeze({ ...c, detail: secrets.mask(c.detail) }));
    return Object.freeze({ name: secrets.mask(name), passed: frozen.every((c) => c.status !== "failed"), checks: Object.freeze(frozen) });
  } finally {
    await emulator.close();
  }
}

/**
 * Run {@link checkTransport} and throw one {@link TransportConformanceError} listing every failed check. Works in
 * any test runner: `await assertTransport(myTransport())` inside a test.
 */
export async function assertTransport(transport: TransportUnderTest, options?: TransportConformanceOptions): Promise<void> {
  const report = await checkTransport(transport, options);
  if (!report.passed) throw new TransportConformanceError(report);
}
