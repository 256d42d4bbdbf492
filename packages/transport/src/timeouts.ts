import { SgTimeoutError, abortErrorFrom } from "@sg/core";

/**
 * The limits of one call: the caller's signal, `close()`, the overall deadline and the per-attempt timeout.
 * The deadline uses a real timer, so a call can never hang past it even if the clock is a test fake; the
 * caller's signal cancels at once.
 *
 * Built for the hot path: one real timer per call (armed for whichever of the attempt timeout and the
 * deadline comes first, re-armed only when an attempt or a backoff starts), one `AbortController` per attempt
 * (the signal fetch needs), a listener on the caller's signal only when there is one, and no closures per call
 * beyond the two timer callbacks.
 */
export class CallLimits {
  private readonly deadlineAt: number;
  private stopped: Error | undefined = undefined;
  private current: AbortController | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private attemptTimedOut = false;
  private readonly onUserAbort: (() => void) | undefined = undefined;

  /**
   * @param userSignal - the caller's signal, if any.
   * @param deadlineMs - the limit for the whole call (a real timer; `Infinity` for none).
   * @param method - the method or label named in the deadline error.
   */
  constructor(
    private readonly userSignal: AbortSignal | undefined,
    private readonly deadlineMs: number,
    private readonly method: string,
  ) {
    this.deadlineAt = Number.isFinite(deadlineMs) ? performance.now() + deadlineMs : Number.POSITIVE_INFINITY;
    if (userSignal) {
      if (userSignal.aborted) this.abort(abortErrorFrom(userSignal));
      else {
        this.onUserAbort = (): void => this.abort(abortErrorFrom(userSignal));
        userSignal.addEventListener("abort", this.onUserAbort, { once: true });
      }
    }
  }

  /** The error for the way the call was stopped (abort, `close()` or deadline), if it was. */
  stopError(): Error | undefined {
    return this.stopped;
  }

  /** Stop the call with `reason` (caller abort, `close()`, deadline): the current attempt or sleep aborts at once. */
  abort(reason: Error): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.clearTimer();
    this.current?.abort(reason);
  }

  /** Start an attempt limited by `timeoutMs` (a real timer) and the call's limits; returns the signal for fetch. */
  attempt(timeoutMs: number): AbortSignal {
    return this.begin(Number.isFinite(timeoutMs) ? timeoutMs : Number.POSITIVE_INFINITY);
  }

  /** The signal for a backoff sleep: aborts when the call stops (the deadline keeps running). */
  sleep(): AbortSignal {
    return this.begin(Number.POSITIVE_INFINITY);
  }

  /** Whether the last attempt ended by its own timeout (and the call itself was not stopped). */
  timedOut(): boolean {
    return this.attemptTimedOut && !this.stopped;
  }

  /** Clear the timer and the caller-signal listener. */
  dispose(): void {
    this.clearTimer();
    this.current = undefined;
    if (this.onUserAbort) this.userSignal?.removeEventListener("abort", this.onUserAbort);
  }

  private begin(timeoutMs: number): AbortSignal {
    const controller = new AbortController();
    this.current = controller;
    this.attemptTimedOut = false;
    if (this.stopped) controller.abort(this.stopped);
    else this.arm(timeoutMs);
    return controller.signal;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Arm the one timer: for the attempt timeout when it comes before the deadline, else for the deadline. */
  private arm(timeoutMs: number): void {
    this.clearTimer();
    const remaining = this.deadlineAt - performance.now();
    if (timeoutMs < remaining) {
      const controller = this.current;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (controller !== this.current) return;
        this.attemptTimedOut = true;
        const reason = new Error(`attempt timed out after ${timeoutMs} ms`);
        reason.name = "TimeoutError";
        controller?.abort(reason);
        // The deadline still runs while the aborted attempt unwinds.
        this.arm(Number.POSITIVE_INFINITY);
      }, timeoutMs);
    } else if (remaining !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.abort(
          new SgTimeoutError(`'${this.method}' did not complete within its deadline of ${this.deadlineMs} ms`, {
            timeoutMs: this.deadlineMs,
            scope: "deadline",
            method: this.method,
            hint: "The site is slow or retries took too long; raise deadlineMs if the call is expected to be long (large reads, uploads).",
          }),
        );
      }, Math.max(0, remaining));
    }
  }
}
