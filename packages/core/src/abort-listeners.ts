/**
 * Listen for a signal's abort without adding one event listener per caller. Many concurrent calls often
 * share one `AbortSignal`; a listener each makes Node warn about a possible leak past ten. Here each signal
 * gets a single listener that calls every current subscriber, and the last subscriber to leave removes it:
 * a signal that outlives its calls (one per process, or an `AbortSignal.timeout()` per call, which Node keeps
 * alive until it fires for as long as it has a listener) holds nothing of them.
 *
 * @packageDocumentation
 */

/** The subscribers of one signal and the one listener that calls them. */
interface Subscribers {
  /** One entry per subscription (a wrapper, so one callback may subscribe twice). */
  readonly callbacks: Set<() => void>;
  /** The signal's one abort listener. */
  readonly listener: () => void;
}

const subscribers = new WeakMap<AbortSignal, Subscribers>();

/**
 * Call `callback` once when `signal` aborts (at once, synchronously, if it already has). Returns a function
 * that unsubscribes; call it when the work is done (once the last subscriber has, the signal has no listener
 * of ours left).
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return (): void => {};
  }
  let mine = subscribers.get(signal);
  if (!mine) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      subscribers.delete(signal);
      for (const cb of [...callbacks]) cb();
    };
    subscribers.set(signal, (mine = { callbacks, listener }));
    signal.addEventListener("abort", listener, { once: true });
  }
  const { callbacks, listener } = mine;
  const entry = (): void => callback();
  callbacks.add(entry);
  return (): void => {
    // The last one out removes the listener (while the signal aborts, both are gone already: nothing to undo).
    if (callbacks.delete(entry) && !callbacks.size) {
      subscribers.delete(signal);
      signal.removeEventListener("abort", listener);
    }
  };
}
