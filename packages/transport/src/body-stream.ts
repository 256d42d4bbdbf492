import { SgError, SgTimeoutError, onAbort } from "@sg/core";
import type { AttemptLoopOptions } from "./attempt-loop.js";
import { afterAnswer, classifyNetworkError, networkError } from "./network-errors.js";
import { callLimits } from "./timeouts.js";

/**
 * Lets go of a body whose stream was collected unread to its end and not cancelled (its reader dropped it): its
 * connection is dropped and its limits end, as a `cancel()` would do.
 */
const dropped = new FinalizationRegistry<() => void>((release) => release());

/**
 * Hand a 2xx body over as a stream that stays under the exchange's limits (`o`, the options its attempts
 * ran with; the deadline counts from `startedAt`) after `runAttempts` has returned, with the same
 * {@link callLimits} as the attempts: the caller's abort, the client's close signal, `close()` and the deadline end it
 * (cancelling the fetch body, which drops the connection), and each wait for the next chunk is one "attempt"
 * bounded by `timeoutMs` — armed only while the reader waits on the network (`highWaterMark: 0`: nothing is
 * read ahead), so a slow consumer never trips it. Between reads only the deadline runs, on a timer that does not
 * keep the process alive: a body handed over and then dropped (neither read to its end nor cancelled) does not hold a
 * process that is otherwise done, and once its stream is collected its connection is dropped and its limits end, as
 * a `cancel()` would do. Failures surface as the transport's typed errors; there is no retry once the body has been
 * handed over.
 */
export function limitedBody(source: ReadableStream<Uint8Array>, o: AttemptLoopOptions, startedAt: number): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const limits = callLimits(o, startedAt);
  // the site answered: the request reached it
  limits.landed = true;
  const end = (): void => {
    limits.dispose();
    o.inflight.delete(limits);
    dropped.unregister(limits);
  };
  // whatever stops the limits cancels the fetch body: the connection drops and a pending read ends; a stop
  // also lets go of the limits at once (nobody may ever read again: the next read still gets the error)
  const drop = (): void => void reader.cancel().catch(() => {});
  const hold = (signal: AbortSignal): void => void onAbort(signal, () => (drop(), limits.stopError() && end()));
  o.inflight.add(limits);
  hold(limits.idle()); // between reads only the deadline runs
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(out) {
        hold(limits.attempt(o.timeoutMs));
        const t0 = performance.now();
        try {
          const chunk = await reader.read();
          const stopped = limits.stopError() ?? (limits.timedOut() ? new SgTimeoutError(`the body of '${o.method}' stalled: no data for ${o.timeoutMs} ms`, { timeoutMs: o.timeoutMs, scope: "attempt", method: o.method }) : undefined);
          if (stopped) throw stopped;
          if (!chunk.done) return hold(limits.idle()), out.enqueue(chunk.value);
          end();
          out.close();
        } catch (thrown) {
          end();
          // The site answered: whatever broke the body, the request had gone out (a TLS error here is not "not sent"),
          // which the mark tells the classifier, as for a body read whole.
          if (thrown instanceof SgError) return out.error(thrown);
          const marked = afterAnswer(thrown);
          out.error(networkError(marked, classifyNetworkError(marked), { ...o, elapsedMs: Math.round(performance.now() - t0) }));
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  // What is registered holds the fetch body's reader and the limits, never `body`, which it would keep alive.
  dropped.register(body, () => (end(), drop()), limits);
  return body;
}
