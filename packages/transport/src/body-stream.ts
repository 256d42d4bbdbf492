import { SgTimeoutError, abortErrorFrom, onAbort } from "@sg/core";
import type { Inflight } from "./attempt-loop.js";
import { classifyNetworkError, networkError } from "./network-errors.js";

/** The limits of an exchange that still apply once its body is handed over as a stream. */
export interface BodyLimits {
  /** `HTTP GET <path>`, for errors. */
  readonly label: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** The longest wait for the next chunk, in milliseconds. */
  readonly timeoutMs: number;
  /** The exchange's deadline, and when it passes (`performance.now()` time). */
  readonly deadlineMs: number;
  readonly deadlineAt: number;
  readonly secrets: readonly string[];
  /** The transport's calls in flight, so that `close()` ends the body too. */
  readonly inflight: Inflight;
}

/**
 * Hand a 2xx body over as a stream that stays under the exchange's limits after `runAttempts` has returned:
 * the caller's abort, `close()` and the deadline end it (aborting `fetchAbort`, the fetch's own controller),
 * and each wait for the next chunk is bounded by `timeoutMs` — armed only while the reader waits on the
 * network (`highWaterMark: 0`: nothing is read ahead), so a slow consumer never trips it. Failures surface
 * as the transport's typed errors; there is no retry once the body has been handed over.
 */
export function limitedBody(source: ReadableStream<Uint8Array>, fetchAbort: AbortController, o: BodyLimits): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let why: Error | undefined;
  let wait: ReturnType<typeof setTimeout> | undefined;
  let unlisten: (() => void) | undefined;
  const end = (): void => {
    clearTimeout(wait);
    clearTimeout(deadline);
    unlisten?.();
    o.inflight.delete(call);
  };
  const stop = (reason: Error): void => {
    why ??= reason;
    end();
    fetchAbort.abort(reason);
  };
  const timeout = (message: string, timeoutMs: number, scope: "attempt" | "deadline"): void =>
    stop(new SgTimeoutError(message, { timeoutMs, scope, method: o.label, secrets: o.secrets, hint: "Raise the limit for large or slow downloads." }));
  const call = { abort: stop };
  const deadline = setTimeout(timeout, Math.max(0, o.deadlineAt - performance.now()), `'${o.label}' did not complete within its deadline of ${o.deadlineMs} ms`, o.deadlineMs, "deadline");
  o.inflight.add(call);
  // last: an already-aborted signal stops the body at once
  unlisten = o.signal && onAbort(o.signal, () => stop(abortErrorFrom(o.signal)));
  return new ReadableStream<Uint8Array>(
    {
      async pull(out) {
        wait = setTimeout(timeout, o.timeoutMs, `the body of '${o.label}' stalled: no data for ${o.timeoutMs} ms`, o.timeoutMs, "attempt");
        try {
          const chunk = await reader.read();
          clearTimeout(wait);
          if (chunk.done) {
            end();
            out.close();
          } else out.enqueue(chunk.value);
        } catch (thrown) {
          end();
          out.error(why ?? networkError(thrown, classifyNetworkError(thrown), { method: o.label, kind: "read", secrets: o.secrets }));
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
