import { SgTimeoutError, type Client } from "@sg/core";
import { DEFAULT_PROBE } from "../conformance-options.js";
import { describeError } from "../secret-scan.js";
import { clientOn, isSg, outcome, record, transportSettled, type Handover } from "../transport-harness.js";
import { startKitServer, type KitServer } from "./kit-server.js";
import type { Verdict } from "./run-check.js";
import { endTransportCheck, type TransportRun } from "./transport-run.js";

const ms = (n: number): string => `${Math.round(n)} ms`;

/** What an error says in `maybeSent` (only some SgError classes carry it). */
const maybeSent = (error: unknown): unknown => (error as { maybeSent?: unknown }).maybeSent;

const shotCreate = (code: string): unknown => ({ type: "Shot", fields: [{ field_name: "code", value: code }], return_fields: ["code"] });

/**
 * `write-not-resent`: a create that the site applies and answers with a 502 (a gateway that stopped waiting), sent with
 * `retry: { retryWrites: false }`, reaches the site once and rejects with an `SgError` that does not say
 * `maybeSent: false`. A read answered 502 once may be retried or not (the contract leaves that to the transport's
 * policy): it resolves, or rejects with an `SgError`.
 */
export async function checkWriteNotResent(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport);
  const count = (method: string): number => run.env.emulator.requests().filter((r) => r.method_name === method).length;
  try {
    run.env.emulator.injectFault({ method: "create", status: 502, body: "kit: bad gateway", when: "after" });
    const created = await outcome(client.call("create", shotCreate(`kit-502-${Date.now()}`), { deadlineMs: run.timeoutMs, retry: { retryWrites: false } }));
    const creates = count("create");
    const own = recorder.handovers.filter((h) => h.what === "create").at(-1);
    if (created.ok) return { status: "failed", detail: `a create answered 502 (after the site applied it) resolved: it was sent again (the site saw ${creates} creates) though the call said retryWrites: false` };
    if (creates !== 1) return { status: "failed", detail: `the site saw ${creates} creates for one create answered 502 with retryWrites: false: a write was re-sent after it may have landed` };
    if (!own || own.ok !== false) return { status: "failed", detail: `the create was not rejected by the transport; the caller got ${describeError(created.error, run.secrets)}` };
    if (!isSg(own.error)) return { status: "failed", detail: `the transport rejected the create answered 502 with a plain ${describeError(own.error, run.secrets)}` };
    if (maybeSent(own.error) === false) return { status: "failed", detail: `the transport rejected the create answered 502 with ${describeError(own.error, run.secrets)} saying maybeSent: false, though the site applied it` };

    run.env.emulator.injectFault({ method: "read", status: 502, body: "kit: bad gateway" });
    const read = await outcome(client.call("read", DEFAULT_PROBE.payload(), { deadlineMs: run.timeoutMs }));
    const reads = count("read");
    const ownRead = recorder.handovers.filter((h) => h.what === "read").at(-1);
    let readSays: string;
    if (read.ok) {
      if (!Array.isArray((read.value as { entities?: unknown } | null)?.entities)) return { status: "failed", detail: `a read answered 502 then 200 resolved without entities: ${JSON.stringify(read.value)?.slice(0, 200)}` };
      readSays = `a read answered 502 once was retried (${reads} requests) and answered`;
    } else {
      if (ownRead?.ok === false && !isSg(ownRead.error)) return { status: "failed", detail: `the transport rejected a read answered 502 with a plain ${describeError(ownRead.error, run.secrets)}` };
      readSays = `a read answered 502 once was not retried (${reads} request${reads === 1 ? "" : "s"}): ${describeError(read.error, run.secrets)}`;
    }
    return { status: "passed", detail: `a create answered 502 after the site applied it reached the site once and rejected with ${describeError(own.error, run.secrets)}; ${readSays}` };
  } finally {
    await endTransportCheck(run, "write-not-resent", recorder.handovers, client);
  }
}

/** Waits for the transport's own promise of the last handover of `method`; undefined when there was none. */
async function lastSettled(handovers: readonly Handover[], method: string, ms: number): Promise<{ readonly h: Handover; readonly settled: boolean } | undefined> {
  const h = handovers.filter((x) => x.what === method).at(-1);
  return h && { h, settled: await transportSettled(h, ms) };
}

/**
 * The limits of one try of `timeout-per-attempt`, all from its `timeoutMs`: an attempt must end within `boundMs` of being
 * handed over (`timeoutMs` run 5 times slow: a busy machine does not fail a transport that keeps it), and the call's
 * `deadlineMs` is twice that, so a transport that lets the deadline end the attempt is always past the bound.
 */
interface AttemptLimits {
  readonly timeoutMs: number;
  readonly boundMs: number;
  readonly deadlineMs: number;
}
const attemptLimits = (timeoutMs: number): AttemptLimits => ({ timeoutMs, boundMs: 5 * timeoutMs, deadlineMs: 10 * timeoutMs });
/** The first try, and the one made when its attempts timed out before the kit's server saw their requests. */
const FIRST_TRY = attemptLimits(200);
const SECOND_TRY = attemptLimits(1000);

/** A try whose attempt timed out before the kit's server saw its request: no verdict (what happened, for the detail). */
interface Unseen {
  readonly unseen: string;
}

/**
 * `timeout-per-attempt`: against a site that never answers, a read with `timeoutMs` 200 and `deadlineMs` 2000 has its
 * first attempt ended by `timeoutMs` (the transport rejects with an `SgTimeoutError`, or sends the read again, within
 * 1000 ms of it being handed over; retrying it is the transport's choice), and the call ends by its deadline with an
 * `SgTimeoutError`; a create with the same limits is ended by its `timeoutMs` with an `SgTimeoutError` after one
 * request (a write is never re-sent after a timeout) that does not say `maybeSent: false`. When an attempt timed out
 * before the kit's server saw its request (a busy machine), the check is made again with `timeoutMs` 1000; when that
 * happens again, it is skipped as inconclusive.
 */
export async function checkAttemptTimeout(run: TransportRun): Promise<Verdict> {
  const first = await attemptTry(run, FIRST_TRY);
  if (!("unseen" in first)) return first;
  const again = `${first.unseen} (timeoutMs ${FIRST_TRY.timeoutMs}); tried again with timeoutMs ${SECOND_TRY.timeoutMs}`;
  const second = await attemptTry(run, SECOND_TRY);
  if ("unseen" in second) return { status: "skipped", detail: `inconclusive, the machine too busy to tell: ${again}, and ${second.unseen} again` };
  return { status: second.status, detail: `${second.detail} (${again})` };
}

/** One try of {@link checkAttemptTimeout} with `limits`, on a server of its own. */
async function attemptTry(run: TransportRun, limits: AttemptLimits): Promise<Verdict | Unseen> {
  const { timeoutMs, boundMs, deadlineMs } = limits;
  const wait = deadlineMs + 2 * (boundMs - timeoutMs);
  const recorder = record(run.make());
  let server: KitServer | undefined;
  let client: Client | undefined;
  try {
    const kit = (server = await startKitServer());
    client = clientOn(run.env, recorder.transport, { site: kit.url });
    const read = outcome(client.call("read", DEFAULT_PROBE.payload(), { timeoutMs, deadlineMs, retry: false }));
    const r = await lastSettledAfter(recorder.handovers, "read", read, wait);
    if (!r) return { status: "failed", detail: "the read was not handed to the transport" };
    // Every request so far is the read's (its method is known only once its body came whole).
    const reads = kit.arrivals.slice();
    const readTook = r.h.settledAt === undefined ? undefined : r.h.settledAt - r.h.at;
    if (reads.length === 0) {
      if (r.h.ok === false && r.h.error instanceof SgTimeoutError && readTook !== undefined && readTook <= boundMs) return { unseen: "the read's attempt timed out before the kit's server saw its request" };
      const how = r.h.ok === false ? `rejected with ${describeError(r.h.error, run.secrets)}` : r.h.ok ? "resolved" : "had not settled";
      return { status: "failed", detail: `the kit's server saw no request for the read: the transport ${how}` };
    }
    if (!r.settled || readTook === undefined) return { status: "failed", detail: `the transport had not ended a read with deadlineMs ${deadlineMs} ${ms(wait)} after it was handed over` };
    if (r.h.ok) return { status: "failed", detail: "the transport resolved a read the site never answered" };
    if (!(r.h.error instanceof SgTimeoutError)) return { status: "failed", detail: `a read the site never answered was rejected with ${isSg(r.h.error) ? "" : "a plain "}${describeError(r.h.error, run.secrets)}, not an SgTimeoutError` };
    const resent = reads.find((a, i) => i > 0 && a.at - r.h.at <= boundMs);
    if (readTook > boundMs && !resent) {
      return {
        status: "failed",
        detail: `a read with timeoutMs ${timeoutMs} and deadlineMs ${deadlineMs} ended ${ms(readTook)} after it was handed over, with ${reads.length} request(s): timeoutMs was not applied to the attempt (it must end one attempt, the call or a retry, within ${ms(boundMs)})`,
      };
    }
    if (readTook > deadlineMs + boundMs - timeoutMs) return { status: "failed", detail: `a read retried after its attempts timed out ended ${ms(readTook)} after it was handed over, past its deadlineMs ${deadlineMs}` };
    const readSays = readTook <= boundMs ? `a read ended ${ms(readTook)} after it was handed over` : `a read was sent again ${ms(resent!.at - reads[0]!.at)} after its first attempt and ended by its deadline`;

    const create = outcome(client.call("create", shotCreate(`kit-timeout-${Date.now()}`), { timeoutMs, deadlineMs }));
    const c = await lastSettledAfter(recorder.handovers, "create", create, wait);
    const creates = kit.arrivals.slice(reads.length);
    if (!c) return { status: "failed", detail: "the create was not handed to the transport" };
    if (!c.settled || c.h.settledAt === undefined) return { status: "failed", detail: `the transport had not ended a create with deadlineMs ${deadlineMs} ${ms(wait)} after it was handed over` };
    const took = c.h.settledAt - c.h.at;
    if (creates.length === 0) {
      if (c.h.ok === false && c.h.error instanceof SgTimeoutError && took <= boundMs) return { unseen: "the create's attempt timed out before the kit's server saw its request" };
      return { status: "failed", detail: `the kit's server saw no request for the create: the transport ${c.h.ok ? "resolved" : `rejected with ${describeError(c.h.error, run.secrets)}`}` };
    }
    if (creates.length !== 1) return { status: "failed", detail: `the site saw ${creates.length} creates for one create whose attempt timed out: a write must not be re-sent after a timeout` };
    if (c.h.ok) return { status: "failed", detail: "the transport resolved a create the site never answered" };
    if (!(c.h.error instanceof SgTimeoutError)) return { status: "failed", detail: `a create the site never answered was rejected with ${isSg(c.h.error) ? "" : "a plain "}${describeError(c.h.error, run.secrets)}, not an SgTimeoutError` };
    if (took > boundMs) return { status: "failed", detail: `a create with timeoutMs ${timeoutMs} and deadlineMs ${deadlineMs} ended ${ms(took)} after it was handed over: timeoutMs was not applied to the attempt` };
    if (maybeSent(c.h.error) === false) return { status: "failed", detail: `a create whose attempt timed out after it was sent was rejected with ${describeError(c.h.error, run.secrets)} saying maybeSent: false` };
    return { status: "passed", detail: `${readSays}, with ${describeError(r.h.error, run.secrets)}; a create ended ${ms(took)} after it was handed over, sent once, with ${describeError(c.h.error, run.secrets)}` };
  } finally {
    await endTransportCheck(run, "timeout-per-attempt", recorder.handovers, client, server);
  }
}

/** Wait for the caller's `work` (core bounds it by the deadline), then for the transport's own promise of `method`. */
async function lastSettledAfter(handovers: readonly Handover[], method: string, work: Promise<unknown>, ms: number): Promise<{ readonly h: Handover; readonly settled: boolean } | undefined> {
  const started = performance.now();
  await work;
  return lastSettled(handovers, method, Math.max(0, started + ms - performance.now()));
}
