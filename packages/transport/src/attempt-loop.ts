import { SgError, SgTimeoutError, copyError, onAbort, silentLogger } from "@sg/core";
import type { AttemptRecord, Clock, Logger, MethodKind } from "@sg/core";
import { landedHint } from "./fault-map.js";
import { answered, classifyNetworkError, networkError } from "./network-errors.js";
import type { RetryBudget } from "./retry-budget.js";
import { classify } from "./retry-policy.js";
import type { AttemptOutcome, RetryPolicy } from "./retry-policy.js";
import { callLimits } from "./timeouts.js";
import type { CallLimits } from "./timeouts.js";

/** What the `onRetry` hook is told before each retry. */
export interface RetryInfo {
  /** The API method, or `HTTP <METHOD> <path>` for plain exchanges. */
  readonly method: string;
  /** Read or write. */
  readonly kind: MethodKind;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** The delay before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** Why it is retried, e.g. `HTTP 502`. */
  readonly reason: string;
  /** HTTP status of the failed attempt, when there was one. */
  readonly status?: number;
  /** Error code of the failed attempt, when no response arrived. */
  readonly code?: string;
  /** The (secret-free) error the attempt ended with. */
  readonly error: SgError;
}

/**
 * What an {@link OnRetry} hook may return: anything but a promise (the hook is not awaited, so an async hook's `false`
 * cannot stop a retry). An async hook that plain JavaScript passes anyway lets the retry go ahead, and its rejection is
 * logged like a throw.
 */
export type RetryVerdict = boolean | number | string | bigint | symbol | null | undefined | void | (object & { readonly then?: never });

/**
 * Hook called before each retry, synchronously; return `false` to give up instead (the attempt's error is thrown).
 * Any other value, `undefined` or what an expression body such as `(info) => seen.push(info)` yields, lets the retry
 * go ahead. A promise does not compile: the hook is not awaited, so an async hook cannot stop a retry (its rejection
 * is logged and ignored, like a throw).
 */
export type OnRetry = (info: RetryInfo) => RetryVerdict;

/** What one attempt reports back to the loop. */
export type AttemptResult<T> =
  | { readonly ok: true; readonly value: T; readonly status: number }
  /** A failure that the policy may retry; `fallback` is returned instead of throwing when no retry follows. */
  | { readonly ok: false; readonly error: SgError; readonly outcome: AttemptOutcome; readonly status: number; readonly fallback?: { readonly value: T } };

/** The calls of one transport in flight, so `close()` can abort them. */
export type Inflight = Set<Pick<CallLimits, "close">>;

/** Everything the loop needs besides the attempt itself. */
export interface AttemptLoopOptions {
  readonly method: string;
  readonly kind: MethodKind;
  readonly policy: RetryPolicy;
  readonly budget: RetryBudget;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signal: AbortSignal | undefined;
  /** The client's close signal (`TransportContext.signal`): ends the call like `signal`. */
  readonly closeSignal: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly secrets: readonly string[];
  readonly onRetry: OnRetry | undefined;
  readonly random: () => number;
  /** Where the request goes, for log lines (no credentials). */
  readonly target: string;
  /** Registry of in-flight calls, so `close()` can abort them. */
  readonly inflight: Inflight;
}

type Log = (level: "debug" | "info" | "warn", message: string, data: Record<string, unknown>) => void;

const noLog: Log = () => {};

function writeLog(o: AttemptLoopOptions, level: "debug" | "info" | "warn", message: string, data: Record<string, unknown>): void {
  try {
    o.logger[level](`@sg/transport: ${message}`, { method: o.method, kind: o.kind, target: o.target, ...data });
  } catch {
    // A broken logger must not break the call.
  }
}

/** An error as the log lines read it: the fields some subclasses add. */
type Failure = SgError & { readonly maybeSent?: boolean | undefined; readonly syscallCode?: string | undefined };

/**
 * Run attempts until one succeeds, the policy says stop, the budget is empty, the deadline passes or the
 * caller aborts. Every error thrown carries the list of attempts, and a call that fails ends with one log line
 * (see the README's "Log lines").
 */
export async function runAttempts<T>(o: AttemptLoopOptions, attemptFn: (signal: AbortSignal, attempt: number) => Promise<AttemptResult<T>>): Promise<T> {
  const call = callLimits(o);
  o.inflight.add(call);
  const attempts: AttemptRecord[] = [];
  // by the monotonic clock, as the deadline: a step of the wall clock (NTP, a VM resumed) cannot skew either
  const start = performance.now();
  // core's silentLogger drops every line: then the lines are not even built.
  const log = o.logger === silentLogger ? noLog : (level: "debug" | "info" | "warn", message: string, data: Record<string, unknown>): void => writeLog(o, level, message, data);
  /**
   * The error that ends the call, with its attempts, after the call's last line: "not retried (`reason`)", or
   * "stopped" without a reason (abort, deadline, close). A warn when the call failed after a retry or a retry was
   * withheld (`warn`), else a debug (the caller gets the error).
   */
  const end = (thrown: Error, warn: boolean, reason?: string, status?: number): SgError => {
    let error: Failure = asSgError(thrown);
    // A write that ends not retried (`reason`) after an earlier attempt may have landed (a 5xx, a drop after
    // sending) may have been applied, whatever this attempt says (refused, a 429, a fault): say so.
    if (reason && o.kind === "write" && call.landed && !error.maybeSent) error = landedError(error);
    log(warn || attempts.length > 1 ? "warn" : "debug", `${o.method}: ${reason ? `not retried (${reason})` : `stopped (${error.code})`}`, {
      reason,
      status,
      attempts: attempts.length,
      code: error.code,
      maybeSent: !!error.maybeSent,
      totalMs: Math.round(performance.now() - start),
    });
    error.attempts = attempts.slice();
    return error;
  };
  let spent = 0;
  try {
    for (let attempt = 1; ; attempt += 1) {
      const stop = call.stopError();
      if (stop) throw end(stop, false);
      const signal = call.attempt(o.timeoutMs);
      const t0 = performance.now();
      let result: AttemptResult<T>;
      try {
        // raced against its signal: a fetch that ignores it (a custom one) still ends at the timeout, deadline or abort
        result = await untilStopped(attemptFn(signal, attempt), signal);
      } catch (thrown) {
        const elapsedMs = Math.round(performance.now() - t0);
        const cut = call.stopError();
        let own: SgError | undefined;
        if (cut) {
          attempts.push({ attempt, code: asSgError(cut).code, elapsedMs });
          throw end(cut, false);
        }
        if (call.timedOut()) {
          result = {
            ok: false,
            status: 0,
            outcome: { type: "maybe-sent", code: "SG_TIMEOUT", timeout: true },
            error: new SgTimeoutError(`Attempt ${attempt} of '${o.method}' got no answer within ${o.timeoutMs} ms`, {
              timeoutMs: o.timeoutMs,
              scope: "attempt",
              method: o.method,
              secrets: o.secrets,
              hint:
                o.kind === "write" ? landedHint("No answer came", ", or raise timeoutMs") : "The site is slow to answer; raise timeoutMs for large requests.",
            }),
          };
        } else if ((own = thrownBelow(thrown))) {
          attempts.push({ attempt, code: own.code, elapsedMs });
          // Thrown while the answer's body was read: the request went out, so a write may have been applied.
          if (answered(thrown)) call.landed = true;
          throw end(own, false, `${own.code} is never retried`);
        } else {
          const outcome = classifyNetworkError(thrown);
          result = { ok: false, status: 0, outcome, error: networkError(thrown, outcome, { method: o.method, kind: o.kind, secrets: o.secrets, elapsedMs }) };
        }
      }
      const elapsedMs = Math.round(performance.now() - t0);
      const record: { attempt: number; status?: number; code?: string; delayMs?: number; elapsedMs: number; budgetExhausted?: true } = { attempt, elapsedMs };
      if (result.status > 0) record.status = result.status;
      else if (!result.ok) record.code = result.outcome.type === "status" ? "ERR_HTTP" : result.outcome.code;
      attempts.push(record);
      if (result.ok) {
        if (log !== noLog) log("debug", `${o.method} attempt ${attempt}: HTTP ${result.status} in ${elapsedMs} ms`, { attempt, status: result.status, elapsedMs });
        o.budget.recordSuccess(spent);
        return result.value;
      }
      let error: Failure = result.error;
      log("debug", `${o.method} attempt ${attempt}: ${record.status !== undefined ? `HTTP ${record.status}` : record.code} in ${elapsedMs} ms`, {
        attempt,
        status: record.status,
        code: error.code,
        syscallCode: error.syscallCode,
        elapsedMs,
      });
      // what a backoff that is cut short (deadline, close()) says: whether a write may have landed
      if (result.outcome.type === "maybe-sent" || (result.outcome.type === "status" && result.outcome.status > 499)) call.landed = true;
      const decision = classify(result.outcome, o.kind, attempt, o.policy, o.random);
      const giveUp = (reason: string, withheld = true): T => {
        const thrown = end(error, withheld, reason, record.status);
        if (result.ok === false && result.fallback) return result.fallback.value;
        throw thrown;
      };
      if (!decision.retry) return giveUp(decision.reason, !!decision.withheld);
      if (performance.now() + decision.delayMs >= call.deadlineAt) return giveUp(`waiting ${decision.delayMs} ms would pass the ${o.deadlineMs} ms deadline`);
      const cost = o.budget.acquire(result.outcome.type === "maybe-sent" || result.outcome.type === "not-sent");
      if (cost === undefined) {
        record.budgetExhausted = true;
        return giveUp("the retry budget is exhausted");
      }
      spent += cost;
      record.delayMs = decision.delayMs;
      if (o.onRetry) {
        let verdict: unknown;
        const threw = (hookError: unknown): void => log("warn", `${o.method}: the onRetry hook threw; retrying anyway`, { error: hookError instanceof Error ? hookError.name : typeof hookError });
        try {
          verdict = o.onRetry({
            method: o.method,
            kind: o.kind,
            attempt,
            delayMs: decision.delayMs,
            reason: decision.reason,
            ...(record.status !== undefined ? { status: record.status } : {}),
            ...(record.code !== undefined ? { code: record.code } : {}),
            error,
          });
          // an async hook (plain JS gets past RetryVerdict) is not awaited: no verdict, and its rejection is logged
          // like a throw, never left unhandled (which would end the process)
          if (typeof (verdict as { then?: unknown } | null | undefined)?.then === "function") {
            Promise.resolve(verdict).catch(threw);
            verdict = undefined;
          }
        } catch (hookError) {
          threw(hookError);
        }
        if (verdict === false) {
          delete record.delayMs;
          // no retry is made (here or when the backoff is cut short below): its tokens go back
          o.budget.refund(cost);
          return giveUp("the onRetry hook said stop");
        }
      }
      log("info", `${o.method}: retrying in ${decision.delayMs} ms (${decision.reason})`, { attempt, delayMs: decision.delayMs, reason: decision.reason });
      try {
        // raced too: a clock whose sleep ignores its signal still ends at the deadline, abort or close()
        const signal = call.sleep();
        await untilStopped(o.clock.sleep(decision.delayMs, signal), signal);
      } catch (sleepError) {
        o.budget.refund(cost);
        const stop = call.stopError();
        // the retry announced above is not made: a warn, like any retry withheld
        if (stop) throw end(stop, true);
        // the clock's own failure (a fake timer torn down): the attempt's error, with the sleep's as its cause
        error = copyError(error, { cause: sleepError, secrets: o.secrets });
        return giveUp("the clock's sleep failed");
      }
    }
  } finally {
    call.dispose();
    o.inflight.delete(call);
  }
}

/**
 * `work`, or `signal`'s reason once it aborts (at once if it has): what ignores the signal cannot hold the call. It
 * stops listening once `work` settles: the attempt's signal lives as long as what fetch was given it for (a streamed
 * body's connection), and a listener left on it would keep the answer, and so that body, from being collected.
 */
const untilStopped = <T>(work: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => reject(signal.reason));
    work.then(resolve, reject).finally(off);
  });

/**
 * A copy of `error` (of its class, with its fields: core's `copyError`), with `maybeSent: true` and the hint to check
 * the site first (an own property also on the classes that do not declare it, as `maybeSent()` of fault-map.ts sets it).
 */
function landedError(error: SgError): SgError {
  return Object.assign(copyError(error, { hint: landedHint("An earlier attempt failed") }), { maybeSent: true });
}

/**
 * `thrown` if it is an `SgError`, else the first one among its causes: one that a dispatcher (or anything else below
 * fetch) threw, which fetch wraps in `TypeError("fetch failed")` and ofetch that in a `FetchError`. It is the thrower's
 * own refusal, never a network failure.
 */
function thrownBelow(thrown: unknown): SgError | undefined {
  for (let i = 0; i < 4 && thrown; i += 1, thrown = (thrown as { cause?: unknown }).cause) if (thrown instanceof SgError) return thrown;
  return undefined;
}

function asSgError(error: Error): SgError {
  return error instanceof SgError ? error : new SgError(error.message, { cause: error });
}
