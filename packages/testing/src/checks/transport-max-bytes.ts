import { SgProtocolError } from "@sg/core";
import { describeError } from "../secret-scan.js";
import { clientOn, isSg, outcome, record } from "../transport-harness.js";
import { startKitServer, type KitServer } from "./kit-server.js";
import type { Verdict } from "./run-check.js";
import { endTransportCheck, type TransportRun } from "./transport-run.js";

/** The `maxBytes` asked for. */
const MAX = 64 * 1024;
/** The deadline of the exchange whose body stalls past `maxBytes`: what a transport that reads on waits for. */
const STALL_DEADLINE_MS = 2000;
/** How soon a body past `maxBytes` that then stalls must be refused (its bytes come at once). */
const PROMPT_MS = 1000;
const TOO_LARGE = "SG_RESPONSE_TOO_LARGE";

const ms = (n: number): string => `${Math.round(n)} ms`;

/** Whether `error` is the contract's refusal of an over-size body. */
const tooLarge = (error: unknown): boolean => error instanceof SgProtocolError && error.code === TOO_LARGE;

/**
 * `http-max-bytes`: `http()` with `maxBytes`. A body of exactly `maxBytes` comes whole. A 2xx body one byte longer is
 * either refused with an `SgProtocolError` of code `SG_RESPONSE_TOO_LARGE` after one request, or (a transport that
 * ignores the option, which the contract allows: then the check is skipped) returned whole, never cut short. A
 * transport that refuses it must also refuse a body that stalls past `maxBytes` at once rather than wait for the rest
 * (it does not buffer the body whole), and return a 404's body past `maxBytes` empty, with its status.
 */
export async function checkMaxBytes(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  if (typeof recorder.transport.http !== "function") return { status: "skipped", detail: "the transport has no http()" };
  const client = clientOn(run.env, recorder.transport);
  let server: KitServer | undefined;
  try {
    // Started inside the try, so that it is closed whatever fails after.
    const kit = (server = await startKitServer());
    const get = (path: string, deadlineMs = run.timeoutMs) =>
      outcome(client.http({ method: "GET", target: `${kit.url}${path}`, authenticated: false, maxBytes: MAX, deadlineMs }));
    const seen = (path: string): number => kit.arrivals.filter((a) => a.path === path).length;
    const fits = await get(`/bytes?n=${MAX}`);
    if (!fits.ok) return { status: "failed", detail: `a body of exactly maxBytes (${MAX} bytes) was refused: ${describeError(fits.error, run.secrets)}` };
    if (fits.value.status !== 200 || fits.value.body.length !== MAX) {
      return { status: "failed", detail: `a body of exactly maxBytes (${MAX} bytes) came as status ${fits.value.status} with ${fits.value.body.length} bytes` };
    }

    const before = seen("/bytes");
    const over = await get(`/bytes?n=${MAX + 1}`);
    const requests = seen("/bytes") - before;
    if (over.ok) {
      if (over.value.status === 200 && over.value.body.length === MAX + 1) {
        return { status: "skipped", detail: `the transport ignores maxBytes (which the contract allows): a ${MAX + 1}-byte body asked with maxBytes ${MAX} came whole` };
      }
      return { status: "failed", detail: `a ${MAX + 1}-byte body asked with maxBytes ${MAX} came as status ${over.value.status} with ${over.value.body.length} bytes: cut short instead of refused with ${TOO_LARGE}` };
    }
    if (!tooLarge(over.error)) {
      return { status: "failed", detail: `a ${MAX + 1}-byte body asked with maxBytes ${MAX} was refused with ${isSg(over.error) ? "" : "a plain "}${describeError(over.error, run.secrets)}, not an SgProtocolError of code ${TOO_LARGE}` };
    }
    if (requests !== 1) return { status: "failed", detail: `a body over maxBytes was refused with ${TOO_LARGE} after ${requests} requests: it must not be retried` };

    // Past maxBytes at once, then nothing: a transport that stops reading refuses now; one that buffers waits on.
    const started = performance.now();
    const stalled = await get(`/stall?first=${MAX + 16 * 1024}`, STALL_DEADLINE_MS);
    const took = performance.now() - started;
    if (stalled.ok) return { status: "failed", detail: `a body that stalls past maxBytes was answered (status ${stalled.value.status}, ${stalled.value.body.length} bytes) instead of refused` };
    if (!tooLarge(stalled.error)) {
      return {
        status: "failed",
        detail: `a body that sends ${MAX + 16 * 1024} bytes at once and then stalls, asked with maxBytes ${MAX} and deadlineMs ${STALL_DEADLINE_MS}, was refused ${ms(took)} later with ${describeError(stalled.error, run.secrets)}, not ${TOO_LARGE}: the transport read on past maxBytes (buffering the body whole)`,
      };
    }
    if (took > PROMPT_MS) return { status: "failed", detail: `a body that stalls past maxBytes was refused with ${TOO_LARGE} only ${ms(took)} later: the transport read on past maxBytes` };

    const notFound = await get(`/bytes?n=${MAX + 1}&status=404`);
    if (!notFound.ok) return { status: "failed", detail: `a 404 whose body is over maxBytes rejected (${describeError(notFound.error, run.secrets)}) instead of coming back with its status and an empty body` };
    if (notFound.value.status !== 404 || notFound.value.body.length !== 0) {
      return { status: "failed", detail: `a 404 whose body is over maxBytes came as status ${notFound.value.status} with ${notFound.value.body.length} bytes, not 404 with an empty body` };
    }
    return {
      status: "passed",
      detail: `a body of exactly maxBytes came whole; one byte more was refused with ${TOO_LARGE} after one request; a body stalling past maxBytes was refused ${ms(took)} in; a 404 over it came back empty`,
    };
  } finally {
    await endTransportCheck(run, "http-max-bytes", recorder.handovers, client, server);
  }
}
