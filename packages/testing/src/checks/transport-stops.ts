import { SgAbortError, SgTimeoutError } from "@sg/core";
import { DEFAULT_PROBE } from "../conformance-options.js";
import { describeError } from "../secret-scan.js";
import { clientOn, closeWithin, handedOver, isSg, outcome, record, transportSettled, type Handover } from "../transport-harness.js";
import type { Verdict } from "./run-check.js";
import type { TransportRun } from "./transport-run.js";

/** How long the emulator holds every answer while a stop is checked: far past any stop. */
const HOLD_MS = 5000;
/**
 * Core gives a transport this long after a stop (its grace) to end the call with its own error before it ends the
 * call itself; a transport that ends it in time gives the caller its own error (attempts, maybeSent).
 */
const CORE_GRACE_MS = 50;
/** The deadline given to the call in `ends-on-deadline`. */
const DEADLINE_MS = 300;
/**
 * How soon after a stop the transport must end the call itself. Generous, so that a busy machine (a CI run beside a
 * build) does not fail a transport that honours its stops; one that ends them later than core's grace still gives the
 * caller core's error, which the passed check's detail says.
 */
const PROMPT_MS = 500;
/** How long the kit waits for a transport that has not ended a stopped call, to say when it did. */
const LATE_MS = 2000;

/** Which stop a check makes. */
export type Stop = "signal" | "deadline" | "close";

const ms = (n: number): string => `${Math.round(n)} ms`;

/**
 * `ends-on-signal`, `ends-on-deadline`, `ends-on-close`: a read held by the emulator's latency is stopped, and the
 * transport's own promise (not the client's, which core bounds) must reject with the expected error within
 * {@link PROMPT_MS}; the detail says when core's {@link CORE_GRACE_MS} grace answered the caller first. For `close`, a
 * second open client shares the transport, so `client.close()` ends the call only through the context's signal (the
 * transport's `close()` is not called).
 */
export async function checkStop(run: TransportRun, stop: Stop): Promise<Verdict> {
  const id = stop === "signal" ? "ends-on-signal" : stop === "deadline" ? "ends-on-deadline" : "ends-on-close";
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport);
  const other = stop === "close" ? clientOn(run.env, recorder.transport) : undefined;
  try {
    if (other) {
      // A client counts as a user of its transport once it made a call; so client.close() leaves the transport open.
      const warm = await outcome(other.info({ deadlineMs: run.timeoutMs }));
      if (!warm.ok) return { status: "failed", detail: `info on a second client failed: ${describeError(warm.error, run.secrets)}` };
    }
    run.env.emulator.setLatency(HOLD_MS);
    const before = recorder.handovers.length;
    const controller = new AbortController();
    const call = outcome(client.call("read", DEFAULT_PROBE.payload(), { signal: controller.signal, ...(stop === "deadline" ? { deadlineMs: DEADLINE_MS } : {}) }));
    if (!(await handedOver(recorder.handovers, before, run.timeoutMs))) return { status: "failed", detail: `the client did not hand the call over within ${run.timeoutMs} ms` };
    const h = recorder.handovers.find((x, i) => i >= before && x.what === "read");
    if (!h) return { status: "failed", detail: "the client handed over something other than the read" };
    let from: number;
    if (stop === "deadline") {
      from = h.at + (h.deadlineMs ?? DEADLINE_MS);
    } else {
      // Let the request reach the site first: the stop is of a call in flight.
      await new Promise((resolve) => setTimeout(resolve, 30));
      from = performance.now();
      if (stop === "signal") controller.abort();
      else void client.close();
    }
    const caller = await call;
    const settled = await transportSettled(h, Math.max(0, from + LATE_MS - performance.now()));
    for (const x of recorder.handovers) run.handovers.push({ check: id, handover: x });
    // What tells the transport's ending from core's: core passes the transport's own rejection on as it is (a read's)
    // when the transport settles first, and rejects with an error of its own when its bound fires first.
    return verdict(run, stop, h, from, settled, caller.ok ? undefined : caller.error);
  } finally {
    run.env.emulator.setLatency(0);
    await closeWithin(run.timeoutMs, client, other);
  }
}

function verdict(run: TransportRun, stop: Stop, h: Handover, from: number, settled: boolean, callerError: unknown): Verdict {
  const what = stop === "signal" ? "its signal aborted" : stop === "deadline" ? `its deadline (${h.deadlineMs ?? DEADLINE_MS} ms as handed over) passed` : "its client was closed";
  const got = callerError === undefined ? "an answer" : describeError(callerError, run.secrets);
  if (!settled || h.settledAt === undefined) {
    return { status: "failed", detail: `the transport had not ended the call ${ms(LATE_MS)} after ${what}; core ended it for the caller with ${got}` };
  }
  const took = h.settledAt - from;
  if (stop === "deadline" && took < -CORE_GRACE_MS) {
    return { status: "failed", detail: `the transport ended the call ${ms(-took)} before its deadline, with ${h.ok ? "an answer" : describeError(h.error, run.secrets)}` };
  }
  if (h.ok) return { status: "failed", detail: `the transport resolved the call ${ms(Math.max(0, took))} after ${what}, instead of rejecting it` };
  const expected = stop === "deadline" ? SgTimeoutError : SgAbortError;
  if (!(h.error instanceof expected)) {
    return {
      status: "failed",
      detail: `the transport rejected with ${isSg(h.error) ? "" : "a plain "}${describeError(h.error, run.secrets)}, not an ${expected.name} (after ${ms(Math.max(0, took))})`,
    };
  }
  if (took > PROMPT_MS) {
    return {
      status: "failed",
      detail: `the transport ended the call ${ms(took)} after ${what}, more than ${PROMPT_MS} ms later${callerError === h.error ? "" : `; core's ${CORE_GRACE_MS} ms grace had ended it for the caller with ${got}`}; the transport's own error was ${describeError(h.error, run.secrets)}`,
    };
  }
  const first = callerError === h.error ? "" : ` (core's ${CORE_GRACE_MS} ms grace answered the caller first on this run, with ${got}: a transport that ends a stopped call within ${CORE_GRACE_MS} ms gives the caller its own error)`;
  return { status: "passed", detail: `the transport ended the call ${ms(Math.max(0, took))} after ${what}, with ${describeError(h.error, run.secrets)}${first}` };
}
