import { SgAbortError, SgTimeoutError, abortErrorFrom, onAbort } from "@sg/core";
import type { MethodKind } from "@sg/core";
import { landedHint } from "./fault-map.js";

/**
 * The limits of one call: the caller's signal, the client's close signal (`TransportContext.signal`), `close()`,
 * the overall deadline and the per-attempt timeout. The deadline uses a real timer, so a call can never hang past
 * it even if the clock is a test fake; either signal cancels at once.
 *
 * Built for the hot path: one real timer per call (armed for whichever of the attempt timeout and the
 * deadline comes first, re-armed only when an attempt or a backoff starts), one `AbortController` per attempt
 * (the signal fetch needs), and one subscription to each signal only when there is one (core's `onAbort`: one
 * listener per signal, however many calls share it).
 */
export interface CallLimits {
  /** The error for the way the call was stopped (abort, `close()` or deadline), if it was. */
  stopError(): Error | undefined;
  /** Stop the call with `reason` (caller abort, deadline): the current attempt or sleep aborts at once. */
  abort(reason: Error): void;
  /**
   * Stop the call because its transport was closed, with an `SgAbortError` that says, for a write that may have
   * landed (an attempt in flight, or one answered with a 5xx before), `maybeSent: true` and to check first.
   */
  close(): void;
  /** When the deadline passes, by `performance.now()` (`Infinity` for none). */
  readonly deadlineAt: number;
  /** Set once an attempt ended in a way that may have applied a write (a 5xx, a failure after sending). */
  landed: boolean;
  /** Start an attempt limited by `timeoutMs` (a real timer) and the call's limits; returns the signal for fetch. */
  attempt(timeoutMs: number): AbortSignal;
  /** The signal for a backoff sleep: aborts when the call stops (the deadline keeps running). */
  sleep(): AbortSignal;
  /**
   * The signal for a streamed body's wait between two reads: as {@link CallLimits.sleep}, but the deadline's timer
   * does not keep the process alive (an `unref`'d timer, where the runtime has them). Nothing is under way then: a
   * body its reader dropped must not hold a process that is otherwise done until the deadline passes.
   */
  idle(): AbortSignal;
  /** Whether the last attempt ended by its own timeout (and the call itself was not stopped). */
  timedOut(): boolean;
  /** Clear the timer and the subscriptions to the caller's signal and the close signal. */
  dispose(): void;
}

/** What {@link callLimits} reads of a call (the attempt loop's options have it all). */
export interface CallLimitOptions {
  /** The call's own signal. */
  readonly signal?: AbortSignal | undefined;
  /** Its client's close signal. */
  readonly closeSignal?: AbortSignal | undefined;
  /** The overall deadline, from the start. */
  readonly deadlineMs: number;
  /** Names the call in the deadline error. */
  readonly method: string;
  /** Whether that error, `close()`'s and an abort's tell of a write that may have landed. */
  readonly kind: MethodKind;
  /** The call's secret values, scrubbed from an abort reason kept as the error's cause. */
  readonly secrets: readonly string[];
}

/**
 * Start the limits of one call, ended by its `signal` and its client's `closeSignal`, with the deadline running from
 * `startedAt` (now).
 */
export function callLimits(o: CallLimitOptions, startedAt?: number): CallLimits {
  return new Limits(o, startedAt);
}

/**
 * The `SgAbortError` that ends the call (`reason`, `cause`): a write's says whether its request may have left
 * (`maybeSent`; when it may have, the hint to check the site, after `how` it was stopped), since core, left to guess,
 * would take any write it handed over as maybe applied. A read's keeps `maybeSent` unset and `hint`.
 */
function abortError(limits: Limits, reason: string, how: string, cause?: unknown, hint?: string): SgAbortError {
  const write = limits.kind === "write";
  const landed = write && limits.mayHaveLanded();
  return new SgAbortError(reason, { cause, method: limits.method, maybeSent: write ? landed : undefined, hint: landed ? landedHint(how) : hint, secrets: limits.secrets });
}

/**
 * `signal` (the caller's, or the client's close signal) aborted: stop the call with the error it means. An
 * `SgAbortError` is copied, never changed: one reason may end many calls, each call's attempts are recorded on its
 * own error, and a write's says whether it may have landed (see {@link abortError}). A reason that is another
 * `SgError` (a caller's `SgTimeoutError`) is kept as it is.
 */
function abortedBy(limits: Limits, signal: AbortSignal): void {
  if (limits.stopped) return;
  const error = abortErrorFrom(signal);
  limits.abort(error instanceof SgAbortError ? abortError(limits, error.reason, "The call was aborted", error.cause, error.hint) : error);
}

/**
 * The attempt timer fired: abort that attempt (if it is still the current one) and keep the deadline running; or,
 * when it fired late, past the deadline (a busy event loop), stop the call as the deadline does.
 */
function attemptTimedOut(limits: Limits, controller: AbortController | undefined, timeoutMs: number): void {
  if (controller !== limits.current) return;
  if (performance.now() >= limits.deadlineAt) return deadlinePassed(limits);
  limits.timedOutFlag = true;
  const reason = new Error(`attempt timed out after ${timeoutMs} ms`);
  reason.name = "TimeoutError";
  controller?.abort(reason);
  limits.arm(Infinity); // the deadline still runs while the aborted attempt unwinds
}

/** The deadline timer fired: stop the call. */
function deadlinePassed(limits: Limits): void {
  const sent = limits.mayHaveLanded();
  limits.abort(
    new SgTimeoutError(`'${limits.method}' did not complete within its deadline of ${limits.deadlineMs} ms`, {
      timeoutMs: limits.deadlineMs,
      scope: "deadline",
      method: limits.method,
      maybeSent: sent,
      hint:
        sent && limits.kind === "write"
          ? landedHint("The call ran out of time", ", or raise deadlineMs")
          : "The site is slow or retries took too long; raise deadlineMs if the call is expected to be long (large reads, uploads).",
    }),
  );
}

/**
 * {@link CallLimits} as a class: this runs once per call, so its methods live on the prototype and the
 * timers get their state as arguments instead of fresh closures.
 */
class Limits implements CallLimits {
  readonly method: string;
  readonly kind: MethodKind;
  readonly secrets: readonly string[];
  readonly deadlineMs: number;
  readonly deadlineAt: number;
  stopped: Error | undefined;
  current: AbortController | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  timedOutFlag = false;
  /** An attempt is under way: its request may have left. */
  sending = false;
  landed = false;
  readonly stopListening: (() => void) | undefined;
  readonly stopClosing: (() => void) | undefined;

  constructor({ signal, closeSignal, deadlineMs, method, kind, secrets }: CallLimitOptions, startedAt = performance.now()) {
    this.method = method;
    this.kind = kind;
    this.secrets = secrets;
    this.deadlineMs = deadlineMs;
    this.deadlineAt = Number.isFinite(deadlineMs) ? startedAt + deadlineMs : Infinity;
    // One shared listener per signal (core's onAbort), however many calls share it.
    this.stopListening = signal ? onAbort(signal, () => abortedBy(this, signal)) : undefined;
    this.stopClosing = closeSignal ? onAbort(closeSignal, () => abortedBy(this, closeSignal)) : undefined;
  }

  stopError(): Error | undefined {
    return this.stopped;
  }

  abort(reason: Error): void {
    if (this.stopped) return;
    this.stopped = reason;
    clearTimeout(this.timer);
    this.current?.abort(reason);
  }

  /** Whether the request may have reached the site: an attempt is under way, or one ended in a way that may have applied a write. */
  mayHaveLanded(): boolean {
    return this.sending || this.landed;
  }

  close(): void {
    this.abort(abortError(this, "the transport was closed while the call was in flight", "The transport was closed"));
  }

  /** Arm the one timer: for the attempt timeout when it comes before the deadline, else for the deadline. */
  arm(timeoutMs: number): void {
    clearTimeout(this.timer);
    const remaining = this.deadlineAt - performance.now();
    this.timer =
      timeoutMs < remaining
        ? setTimeout(attemptTimedOut, timeoutMs, this, this.current, timeoutMs)
        : remaining < Infinity
          ? setTimeout(deadlinePassed, Math.max(0, remaining), this)
          : undefined;
  }

  begin(timeoutMs: number, sending: boolean): AbortSignal {
    this.sending = sending;
    const controller = new AbortController();
    this.current = controller;
    this.timedOutFlag = false;
    if (this.stopped) controller.abort(this.stopped);
    else this.arm(timeoutMs);
    return controller.signal;
  }

  attempt(timeoutMs: number): AbortSignal {
    return this.begin(Number.isFinite(timeoutMs) ? timeoutMs : Infinity, true);
  }

  sleep(): AbortSignal {
    return this.begin(Infinity, false);
  }

  idle(): AbortSignal {
    const signal = this.sleep();
    // Node's and Bun's timers have `unref`; elsewhere it is a plain timer
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
    return signal;
  }

  timedOut(): boolean {
    return this.timedOutFlag && !this.stopped;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.current = undefined;
    this.stopListening?.();
    this.stopClosing?.();
  }
}
