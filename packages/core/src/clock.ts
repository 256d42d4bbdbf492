import { onAbort } from "./abort-listeners.js";
import { SgAbortError, SgError, UNREADABLE } from "./errors.js";

/** Time as the client sees it. Tests inject a fake one so backoff schedules run instantly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolve after `ms` milliseconds; reject with {@link SgAbortError} at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now` and `setTimeout`, abortable. */
export const systemClock: Clock = Object.freeze({
  now: (): number => Date.now(),
  sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortErrorFrom(signal));
        return;
      }
      const stop = signal
        ? onAbort(signal, () => {
            clearTimeout(timer);
            reject(abortErrorFrom(signal));
          })
        : undefined;
      const timer = setTimeout(() => {
        stop?.();
        resolve();
      }, Math.max(0, ms));
    }),
});

/** The error to throw when `signal` has aborted: its reason when that is already an SgError, else an SgAbortError. */
export function abortErrorFrom(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  try {
    // Only this library's errors pass as they are: an app's own error (even one named `Sg…`) becomes the cause of an
    // SgAbortError, so that a write it cut short still says whether it may have been applied.
    if (reason instanceof SgError) return reason;
    // AbortSignal.timeout(ms) aborts with a TimeoutError: say so, or a time limit reads like a cancel.
    // By name, not `instanceof`: the reason may come from another realm (an iframe's or a `node:vm` context's signal).
    const timedOut = (reason as { name?: unknown } | undefined)?.name === "TimeoutError";
    return new SgAbortError(timedOut ? "the call was aborted: its signal timed out" : "the call was aborted", { cause: reason });
  } catch {
    // A reason that throws when looked at (a revoked Proxy, a throwing trap) must not throw from an abort listener.
    return new SgAbortError("the call was aborted", { cause: UNREADABLE });
  }
}
