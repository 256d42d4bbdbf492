/**
 * Listen for a signal's abort without adding one event listener per caller. Many concurrent calls often
 * share one `AbortSignal`; a listener each makes Node warn about a possible leak past ten. Here each signal
 * gets a single listener that calls every current subscriber.
 */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Call `callback` once when `signal` aborts (at once, synchronously, if it already has). Returns a function
 * that unsubscribes; call it when the work is done.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return (): void => {};
  }
  let set = subscribers.get(signal);
  if (!set) {
    const created = new Set<() => void>();
    subscribers.set(signal, created);
    signal.addEventListener(
      "abort",
      () => {
        subscribers.delete(signal);
        for (const cb of [...created]) cb();
      },
      { once: true },
    );
    set = created;
  }
  const mine = set;
  const entry = (): void => callback();
  mine.add(entry);
  return (): void => {
    mine.delete(entry);
  };
}
