import { SgAbortError } from "@sg/core";
import { DEFAULT_PROBE } from "../conformance-options.js";
import { describeError } from "../secret-scan.js";
import { clientOn, handedOver, isSg, outcome, record, transportSettled } from "../transport-harness.js";
import type { Verdict } from "./run-check.js";
import { endTransportCheck, type TransportRun } from "./transport-run.js";

/** How long the emulator holds the answer of the call in flight: far past the check. */
const HOLD_MS = 5000;
/** How soon after `close()` the transport must end the call in flight (generous, as in the stop checks). */
const PROMPT_MS = 500;
/** How long the kit waits for the call to end, and for `close()` to settle, before it says they did not. */
const LATE_MS = 2000;

const ms = (n: number): string => `${Math.round(n)} ms`;

/**
 * `transport-close`: the transport's own `close()`, called while a read is held in flight by the emulator's latency,
 * ends that call itself with an `SgAbortError` within {@link PROMPT_MS}, and settles; a call made after it is sent as
 * usual and answered (`close()` does not retire a transport). Skipped for a transport without `close()`.
 */
export async function checkTransportClose(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const transport = recorder.transport;
  if (typeof transport.close !== "function") return { status: "skipped", detail: "the transport has no close()" };
  const client = clientOn(run.env, transport);
  try {
    run.env.emulator.setLatency(HOLD_MS);
    const before = recorder.handovers.length;
    const call = outcome(client.call("read", DEFAULT_PROBE.payload(), { deadlineMs: run.timeoutMs }));
    if (!(await handedOver(recorder.handovers, before, run.timeoutMs))) return { status: "failed", detail: `the client did not hand the read over within ${run.timeoutMs} ms` };
    const h = recorder.handovers.find((x, i) => i >= before && x.what === "read");
    if (!h) return { status: "failed", detail: "the client handed over something other than the read" };
    // Let the request reach the site first: the call is in flight.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const from = performance.now();
    let closedAt: number | undefined;
    const closing = outcome(Promise.resolve().then(() => (transport.close as () => Promise<void>)())).then((r) => ((closedAt = performance.now()), r));
    const settled = await transportSettled(h, LATE_MS);
    const closeOutcome = await Promise.race([closing, new Promise<undefined>((resolve) => setTimeout(resolve, Math.max(0, from + LATE_MS - performance.now()), undefined))]);
    if (!settled || h.settledAt === undefined) return { status: "failed", detail: `the transport had not ended the read in flight ${ms(LATE_MS)} after its close(), which must abort the calls in flight` };
    const took = h.settledAt - from;
    if (h.ok) return { status: "failed", detail: `the transport resolved the read in flight ${ms(took)} after its close(), instead of rejecting it with an SgAbortError` };
    if (!(h.error instanceof SgAbortError)) return { status: "failed", detail: `after its close(), the transport rejected the read in flight with ${isSg(h.error) ? "" : "a plain "}${describeError(h.error, run.secrets)}, not an SgAbortError` };
    if (took > PROMPT_MS) return { status: "failed", detail: `the transport ended the read in flight ${ms(took)} after its close(), more than ${PROMPT_MS} ms later` };
    if (closeOutcome === undefined || closedAt === undefined) return { status: "failed", detail: `the transport's close() had not settled ${ms(LATE_MS)} after it was called` };
    if (!closeOutcome.ok) return { status: "failed", detail: `the transport's close() rejected: ${describeError(closeOutcome.error, run.secrets)}` };
    await call;

    run.env.emulator.setLatency(0);
    const after = await outcome(client.call("read", DEFAULT_PROBE.payload(), { deadlineMs: run.timeoutMs }));
    if (!after.ok) return { status: "failed", detail: `a read made after the transport's close() rejected (${describeError(after.error, run.secrets)}): close() aborts the calls in flight but does not retire the transport` };
    return { status: "passed", detail: `close() ended the read in flight ${ms(took)} after it was called, with ${describeError(h.error, run.secrets)}, and settled; a read made after it was answered` };
  } finally {
    run.env.emulator.setLatency(0);
    await endTransportCheck(run, "transport-close", recorder.handovers, client);
  }
}
