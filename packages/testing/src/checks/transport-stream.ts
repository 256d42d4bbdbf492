import { SgAbortError } from "@sg/core";
import { describeError } from "../secret-scan.js";
import { clientOn, isSg, outcome, record } from "../transport-harness.js";
import { startKitServer, type KitServer } from "./kit-server.js";
import type { Verdict } from "./run-check.js";
import { endTransportCheck, type TransportRun } from "./transport-run.js";

/** The slow body: this many chunks of {@link CHUNK} bytes, {@link EVERY_MS} apart, read with a {@link WAIT_MS} timeoutMs. */
const CHUNKS = 16;
const CHUNK = 8 * 1024;
const EVERY_MS = 100;
/**
 * The exchange's `timeoutMs`: 10 times the wait for a chunk (a busy machine that runs 5 times slow does not make a
 * chunk late), and two thirds of the whole slow body (at least 1500 ms), which a transport that bounds the whole
 * exchange by it cuts, however slow the machine.
 */
const WAIT_MS = 1000;
/** How soon after the stop a streamed body must end (generous, as in the stop checks). */
const PROMPT_MS = 500;
/** How long the kit waits for a stopped stream to end at all. */
const LATE_MS = 2000;

const ms = (n: number): string => `${Math.round(n)} ms`;

/** What one `read()` of a stream gave within `limitMs`: a chunk, its end, its error, or nothing yet. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, limitMs: number): Promise<{ readonly kind: "chunk"; readonly value: Uint8Array } | { readonly kind: "done" } | { readonly kind: "error"; readonly error: unknown } | { readonly kind: "late" }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<{ readonly kind: "late" }>((resolve) => (timer = setTimeout(resolve, Math.max(0, limitMs), { kind: "late" as const })));
  const read = reader.read().then(
    (r) => (r.done ? { kind: "done" as const } : { kind: "chunk" as const, value: r.value }),
    (error: unknown) => ({ kind: "error" as const, error }),
  );
  const result = await Promise.race([read, late]);
  clearTimeout(timer);
  return result;
}

/** Read a stream to its end within `limitMs`; what it gave, and how it stopped. */
async function drain(stream: ReadableStream<Uint8Array>, limitMs: number): Promise<{ readonly bytes: Buffer; readonly end: "done" | "late" | { readonly error: unknown } }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  const until = performance.now() + limitMs;
  for (;;) {
    const r = await readWithin(reader, until - performance.now());
    if (r.kind === "chunk") parts.push(r.value);
    else {
      if (r.kind !== "done") reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(parts), end: r.kind === "error" ? { error: r.error } : r.kind };
    }
  }
}

/** The body `/slow` sends: chunk i filled with i % 251. */
const slowBody = (): Buffer => Buffer.concat(Array.from({ length: CHUNKS }, (_, i) => Buffer.alloc(CHUNK, i % 251)));

/**
 * `http-stream`: `http()` with `responseBody: "stream"`. A body whose chunks come 100 ms apart for 1500 ms or more, with a
 * `timeoutMs` of 1000 (which bounds each wait for a chunk, not the body), is read whole; a body that stalls after its
 * first bytes, whose `signal` aborts while a read waits, errors with an `SgAbortError` within 500 ms and its connection
 * is let go. Skipped without `http()`, or when the transport answers with bytes (it cannot stream, which the contract
 * allows) and those bytes are right.
 */
export async function checkStream(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  if (typeof recorder.transport.http !== "function") return { status: "skipped", detail: "the transport has no http()" };
  const client = clientOn(run.env, recorder.transport);
  let server: KitServer | undefined;
  try {
    // Started inside the try, so that it is closed whatever fails after.
    const kit = (server = await startKitServer());
    const get = (path: string, more: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}) =>
      outcome(client.http({ method: "GET", target: `${kit.url}${path}`, authenticated: false, responseBody: "stream", deadlineMs: run.timeoutMs, ...more }));
    // A body of 64 KiB at once: does the transport stream at all?
    const probe = await get("/bytes?n=65536");
    if (!probe.ok) return { status: "failed", detail: `a GET asking responseBody: "stream" for a 64 KiB body rejected: ${describeError(probe.error, run.secrets)}` };
    if (!probe.value.stream) {
      const body = probe.value.body;
      if (probe.value.status !== 200 || !(body instanceof Uint8Array) || body.length !== 65536) {
        return { status: "failed", detail: `asked responseBody: "stream", the transport answered status ${probe.value.status} with ${body?.length ?? "no"} bytes and no stream, not the site's 200 with 65536 bytes` };
      }
      return { status: "skipped", detail: 'the transport answered responseBody: "stream" with the body as bytes (it does not stream, which the contract allows); those bytes were right' };
    }
    const probed = await drain(probe.value.stream, run.timeoutMs);
    if (probed.end !== "done" || probed.bytes.length !== 65536) {
      return { status: "failed", detail: `a streamed 64 KiB body ${probed.end === "done" ? "ended" : probed.end === "late" ? `had not ended within ${ms(run.timeoutMs)}` : `errored with ${describeError(probed.end.error, run.secrets)}`} after ${probed.bytes.length} bytes` };
    }

    // A slow body outlives timeoutMs, but no wait for a chunk does: it must come whole.
    const started = performance.now();
    const slow = await get(`/slow?chunks=${CHUNKS}&every=${EVERY_MS}&size=${CHUNK}`, { timeoutMs: WAIT_MS });
    if (!slow.ok) return { status: "failed", detail: `a GET of a slow body (chunks ${EVERY_MS} ms apart) with timeoutMs ${WAIT_MS} rejected before its stream was handed over: ${describeError(slow.error, run.secrets)}` };
    if (!slow.value.stream) return { status: "failed", detail: `the transport streamed one body but answered the slow one (status ${slow.value.status}) without a stream` };
    const expected = slowBody();
    const read = await drain(slow.value.stream, run.timeoutMs);
    const took = performance.now() - started;
    if (read.end !== "done") {
      const how = read.end === "late" ? `had not ended within ${ms(run.timeoutMs)}` : `errored with ${read.end.error === undefined ? "nothing" : `${isSg(read.end.error) ? "" : "a plain "}${describeError(read.end.error, run.secrets)}`}`;
      return {
        status: "failed",
        detail: `a streamed body still flowing (chunks ${EVERY_MS} ms apart) ${how} after ${read.bytes.length} of ${expected.length} bytes, ${ms(took)} in: the exchange was cut while its body was read (timeoutMs ${WAIT_MS} bounds each wait for a chunk, not the whole body)`,
      };
    }
    if (!read.bytes.equals(expected)) return { status: "failed", detail: `a slow streamed body came as ${read.bytes.length} bytes that are not the ${expected.length} bytes sent` };

    // A body that stalls: a stop while a read waits ends the stream with an SgAbortError.
    const controller = new AbortController();
    const stalled = await get("/stall?first=16384", { signal: controller.signal });
    if (!stalled.ok) return { status: "failed", detail: `a GET of a body that stalls rejected before its stream was handed over: ${describeError(stalled.error, run.secrets)}` };
    if (!stalled.value.stream) return { status: "failed", detail: "the transport streamed one body but answered the stalling one without a stream" };
    const hungUp = kit.hungUp("/stall");
    const reader = stalled.value.stream.getReader();
    const first = await readWithin(reader, run.timeoutMs);
    if (first.kind !== "chunk") {
      reader.cancel().catch(() => undefined);
      return { status: "failed", detail: `the first bytes of a streamed body did not come (${first.kind === "error" ? describeError(first.error, run.secrets) : first.kind})` };
    }
    // Drain what came at once, then stop while a read waits for bytes that never come.
    let waiting = readWithin(reader, LATE_MS + 60_000);
    for (;;) {
      const r = await Promise.race([waiting, new Promise<"idle">((resolve) => setTimeout(resolve, 30, "idle"))]);
      if (r === "idle") break;
      if (r.kind !== "chunk") return { status: "failed", detail: `a streamed body that stalls ${r.kind === "done" ? "ended as if complete" : r.kind === "error" ? `errored with ${describeError(r.error, run.secrets)}` : "stopped"} before it was stopped` };
      waiting = readWithin(reader, LATE_MS + 60_000);
    }
    const from = performance.now();
    controller.abort();
    const ended = await Promise.race([waiting, new Promise<{ readonly kind: "late" }>((resolve) => setTimeout(resolve, LATE_MS, { kind: "late" as const }))]);
    const after = performance.now() - from;
    if (ended.kind === "late" || ended.kind === "chunk") {
      reader.cancel().catch(() => undefined);
      return { status: "failed", detail: `a streamed body was still open ${ms(LATE_MS)} after its signal aborted mid-body: a stop must end the stream (with an SgAbortError) and let its connection go` };
    }
    if (ended.kind === "done") return { status: "failed", detail: `a streamed body whose signal aborted mid-body ended ${ms(after)} later as if complete, instead of erroring with an SgAbortError: the caller takes a cut file for a whole one` };
    if (!(ended.error instanceof SgAbortError)) return { status: "failed", detail: `a streamed body whose signal aborted mid-body errored with ${isSg(ended.error) ? "" : "a plain "}${describeError(ended.error, run.secrets)}, not an SgAbortError` };
    if (after > PROMPT_MS) return { status: "failed", detail: `a streamed body whose signal aborted mid-body errored ${ms(after)} later, more than ${PROMPT_MS} ms` };
    const released = await Promise.race([hungUp.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, LATE_MS, false))]);
    if (!released) return { status: "failed", detail: `a streamed body ended by its signal errored with an SgAbortError, but its connection was still open ${ms(LATE_MS)} later` };
    return {
      status: "passed",
      detail: `a slow streamed body (${expected.length} bytes over ${ms(took)}, timeoutMs ${WAIT_MS}) came whole; a stalled one errored ${ms(after)} after its signal aborted mid-body, with ${describeError(ended.error, run.secrets)}, and its connection was let go`,
    };
  } finally {
    await endTransportCheck(run, "http-stream", recorder.handovers, client, server);
  }
}
