import { SgTimeoutError, abortErrorFrom, onAbort } from "@sg/core";

/**
 * The limits of one call: the caller's signal, `close()`, the overall deadline and the per-attempt timeout.
 * The deadline uses a real timer, so a call can never hang past it even if the clock is a test fake; the
 * caller's signal cancels at once.
 *
 * Built for the hot path: one real timer per call (armed for whichever of the attempt timeout and the
 * deadline comes first, re-armed only when an attempt or a backoff starts), one `AbortController` per attempt
 * (the signal fetch needs), and a listener on the caller's signal only when there is one.
 */
export interface CallLimits {
  /** The error for the way the call was stopped (abort, `close()` or deadline), if it was. */
  stopError(): Error | undefined;
  /** Stop the call with `reason` (caller abort, `close()`, deadline): the current attempt or sleep aborts at once. */
  abort(reason: Error): void;
  /** Start an attempt limited by `timeoutMs` (a real timer) and the call's limits; returns the signal for fetch. */
  attempt(timeoutMs: number): AbortSignal;
  /** The signal for a backoff sleep: aborts when the call stops (the deadline keeps running). */
  sleep(): AbortSignal;
  /** Whether the last attempt ended by its own timeout (and the call itself was not stopped). */
  timedOut(): boolean;
  /** Clear the timer and the caller-signal listener. */
  dispose(): void;
}

/** Start the limits of one call; `method` names it in the deadline error. */
export function callLimits(userSignal: AbortSignal | undefined, deadlineMs: number, method: string): CallLimits {
  const deadlineAt = Number.isFinite(deadlineMs) ? performance.now() + deadlineMs : Infinity;
  let stopped: Error | undefined;
  let current: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;

  const clear = (): void => clearTimeout(timer);
  const abort = (reason: Error): void => {
    if (stopped) return;
    stopped = reason;
    clear();
    current?.abort(reason);
  };
  /** Arm the one timer: for the attempt timeout when it comes before the deadline, else for the deadline. */
  const arm = (timeoutMs: number): void => {
    clear();
    const remaining = deadlineAt - performance.now();
    const controller = current;
    timer =
      timeoutMs < remaining
        ? setTimeout(() => {
            if (controller !== current) return;
            timedOut = true;
            const reason = new Error(`attempt timed out after ${timeoutMs} ms`);
            reason.name = "TimeoutError";
            controller?.abort(reason);
            arm(Infinity); // the deadline still runs while the aborted attempt unwinds
          }, timeoutMs)
        : remaining < Infinity
          ? setTimeout(
              () =>
                abort(
                  new SgTimeoutError(`'${method}' did not complete within its deadline of ${deadlineMs} ms`, {
                    timeoutMs: deadlineMs,
                    scope: "deadline",
                    method,
                    hint: "The site is slow or retries took too long; raise deadlineMs if the call is expected to be long (large reads, uploads).",
                  }),
                ),
              Math.max(0, remaining),
            )
          : undefined;
  };
  const begin = (timeoutMs: number): AbortSignal => {
    const controller = new AbortController();
    current = controller;
    timedOut = false;
    if (stopped) controller.abort(stopped);
    else arm(timeoutMs);
    return controller.signal;
  };
  // One shared listener per caller signal (core's onAbort), however many calls share it.
  const stopListening = userSignal ? onAbort(userSignal, () => abort(abortErrorFrom(userSignal))) : undefined;

  return {
    stopError: (): Error | undefined => stopped,
    abort,
    attempt: (timeoutMs: number): AbortSignal => begin(Number.isFinite(timeoutMs) ? timeoutMs : Infinity),
    sleep: (): AbortSignal => begin(Infinity),
    timedOut: (): boolean => timedOut && !stopped,
    dispose(): void {
      clear();
      current = undefined;
      stopListening?.();
    },
  };
}
