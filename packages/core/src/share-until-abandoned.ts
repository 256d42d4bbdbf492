import { onAbort } from "./abort-listeners.js";
import { abortErrorFrom } from "./clock.js";

/** Work that the callers of one or more clients wait for together (a login, a prompt for a code, the site's info). */
export interface SharedWork<T> {
  /**
   * Wait for the work as a caller that leaves when `signal` aborts (its client's close signal, or its own signal);
   * without one (a client that has no close signal, a call without a signal), the work is never abandoned.
   */
  join(signal: AbortSignal | undefined): Promise<T>;
}

/**
 * Start `work` and share it until it settles or is abandoned: once every signal it was joined with (each client's
 * close signal, or each caller's own) has aborted, the signal `work` was given aborts (so that it can dismiss a prompt
 * or end a request) and the shared promise rejects with the last one's reason. `done` is called once, at once when the work settles or is abandoned, so that
 * the caller drops it from its cache and a call after `close()` starts new work instead of joining the dead one.
 */
export function shareUntilAbandoned<T>(work: (signal: AbortSignal) => Promise<T>, done: () => void): SharedWork<T> {
  const stop = new AbortController();
  /**
   * Each joined signal not aborted yet (a client's close signal, a caller's own), once however many calls join with
   * it, and how to stop listening to it.
   */
  const joined = new Map<AbortSignal, () => void>();
  /** How many joined clients are still open; -1 once the work is over. */
  let open = 0;
  const end = (): void => {
    if (open < 0) return;
    open = -1;
    done();
    for (const off of joined.values()) off();
  };
  const promise = new Promise<T>((resolve, reject) => {
    onAbort(stop.signal, () => reject(stop.signal.reason));
    work(stop.signal).then(resolve, reject);
  });
  promise.then(end, end);
  return {
    join: (signal) => {
      if (!signal) open = Infinity;
      else if (!joined.has(signal)) {
        open += 1;
        // Dropped once it aborts: a caller that left keeps nothing of its own here (info is joined with a signal per call).
        joined.set(
          signal,
          onAbort(signal, () => {
            joined.delete(signal);
            --open || (end(), stop.abort(abortErrorFrom(signal)));
          }),
        );
      }
      return promise;
    },
  };
}
