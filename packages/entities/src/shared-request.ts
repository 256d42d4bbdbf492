/**
 * A request that the callers of one client share (the `schema_field_read` behind date decoding, the download session
 * token), ended once every caller waiting for it has left, as core shares `info` (`shareUntilAbandoned`).
 *
 * @packageDocumentation
 */
import { shareUntilAbandoned, type CallOptions, type SharedWork } from "@sg/core";

/** The shared work behind each pending request of {@link shareRequest}, to join while it is pending. */
const pending: WeakMap<Promise<unknown>, SharedWork<unknown>> = /* @__PURE__ */ new WeakMap();

/**
 * Start `request` once for every caller that waits for it with {@link joinRequest}. Once each of them has aborted (none
 * waits without a signal), the request is aborted, so that it holds neither the site nor the process, and `drop` is
 * called with the promise returned here to take it out of its cache; `drop` is called too when the request fails.
 * `request` gets the options to call with: `kind: "read"`, and the shared signal when the caller starting it has a
 * signal (its own, else the client's `defaults.signal`: a caller joins with the same), else none (a request no caller
 * can abandon).
 */
export function shareRequest<T>(signal: AbortSignal | undefined, request: (options: CallOptions) => Promise<T>, drop: (request: Promise<T>) => void): Promise<T> {
  let ok = false;
  let started!: Promise<T>;
  const work = shareUntilAbandoned(
    // Always a read, whatever the client's defaults.kind (as core's info): these read, and a 502 on one is retried.
    (stop) => (started = request({ kind: "read", signal: signal && stop }).then((value) => ((ok = true), value))),
    () => {
      pending.delete(started);
      ok || drop(started);
    },
  );
  pending.set(started, work);
  return started;
}

/** `request` (from {@link shareRequest}) as a caller that leaves when `signal` aborts waits for it; a settled one as it is. */
export function joinRequest<T>(request: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return (pending.get(request)?.join(signal) as Promise<T> | undefined) ?? request;
}
