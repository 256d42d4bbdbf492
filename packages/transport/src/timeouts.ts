import { SgTimeoutError, abortErrorFrom } from "@sg/core";

/** The signals of one call: the caller's signal combined with the overall deadline. */
export interface CallScope {
  /** Aborts when the caller aborts or the deadline passes (its reason is then the error to throw). */
  readonly signal: AbortSignal;
  /** Whether the caller's signal fired. */
  userAborted(): boolean;
  /** Whether the deadline passed. */
  deadlinePassed(): boolean;
  /** The error for the way the call was stopped (abort or deadline), if it was. */
  stopError(): Error | undefined;
  /** Clear timers and listeners. */
  dispose(): void;
}

/**
 * Start a call scope. The deadline uses a real timer, so a call can never hang past it even if the clock is
 * a test fake; the caller's signal cancels at once.
 */
export function startCall(userSignal: AbortSignal | undefined, deadlineMs: number, method: string): CallScope {
  const controller = new AbortController();
  let deadlineHit = false;
  const onUserAbort = (): void => controller.abort(abortErrorFrom(userSignal));
  if (userSignal?.aborted) onUserAbort();
  else userSignal?.addEventListener("abort", onUserAbort, { once: true });
  const timer = Number.isFinite(deadlineMs)
    ? setTimeout(() => {
        deadlineHit = true;
        controller.abort(
          new SgTimeoutError(`'${method}' did not complete within its deadline of ${deadlineMs} ms`, {
            timeoutMs: deadlineMs,
            scope: "deadline",
            method,
            hint: "The site is slow or retries took too long; raise deadlineMs if the call is expected to be long (large reads, uploads).",
          }),
        );
      }, deadlineMs)
    : undefined;
  return {
    signal: controller.signal,
    userAborted: (): boolean => Boolean(userSignal?.aborted),
    deadlinePassed: (): boolean => deadlineHit,
    stopError: (): Error | undefined => (controller.signal.aborted ? (controller.signal.reason as Error) : undefined),
    dispose(): void {
      if (timer !== undefined) clearTimeout(timer);
      userSignal?.removeEventListener("abort", onUserAbort);
    },
  };
}

/** The signal of one HTTP attempt: the call scope plus the per-attempt timeout. */
export interface AttemptScope {
  /** Aborts on the call scope or the attempt timeout. */
  readonly signal: AbortSignal;
  /** Whether the per-attempt timeout fired. */
  timedOut(): boolean;
  /** Clear timers and listeners. */
  dispose(): void;
}

/** Start one attempt with its own timeout (a real timer). */
export function startAttempt(call: CallScope, timeoutMs: number): AttemptScope {
  const controller = new AbortController();
  let fired = false;
  const onCallAbort = (): void => controller.abort(call.signal.reason);
  if (call.signal.aborted) onCallAbort();
  else call.signal.addEventListener("abort", onCallAbort, { once: true });
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        fired = true;
        const reason = new Error(`attempt timed out after ${timeoutMs} ms`);
        reason.name = "TimeoutError";
        controller.abort(reason);
      }, timeoutMs)
    : undefined;
  return {
    signal: controller.signal,
    timedOut: (): boolean => fired && !call.signal.aborted,
    dispose(): void {
      if (timer !== undefined) clearTimeout(timer);
      call.signal.removeEventListener("abort", onCallAbort);
    },
  };
}
