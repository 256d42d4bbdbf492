/**
 * Work that must finish before the process may leave, even on a second Ctrl-C: a download's temporary
 * `<file>.<random>.part` is removed when its download fails or is aborted, and leaving before that would leave it
 * behind. `bin.ts` waits for {@link cleanupsDone} (bounded) before exiting on a second signal.
 */
const pending = new Set<Promise<unknown>>();

/** Hold the exit until `work` settles (either way); returns `work` unchanged. */
export function holdExitUntilSettled<T>(work: Promise<T>): Promise<T> {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  pending.add(settled);
  void settled.then(() => pending.delete(settled));
  return work;
}

/** Resolves once every held piece of work has settled, or after `limitMs`, whichever comes first. */
export function cleanupsDone(limitMs: number): Promise<void> {
  if (pending.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, limitMs);
    void Promise.all([...pending]).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
