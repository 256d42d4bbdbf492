import { SgTimeoutError } from "@sg/core";
import { DEFAULT_PROBE } from "../conformance-options.js";
import { describeError } from "../secret-scan.js";
import { clientOn, isSg, outcome, record, transportSettled, type Handover } from "../transport-harness.js";
import { startKitServer, type KitArrival } from "./kit-server.js";
import type { Verdict } from "./run-check.js";
import { endTransportCheck, type TransportRun } from "./transport-run.js";

/** The `timeoutMs` of one attempt in `timeout-per-attempt`. */
const ATTEMPT_MS = 250;
/** The `deadlineMs` of the whole call there: well past one attempt. */
const DEADLINE_MS = 2000;
/** Slack given past a limit before the kit says it was not kept (generous, as in the stop checks). */
const PROMPT_MS = 500;

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
 * `timeout-per-attempt`: against a site that never answers, a read with `timeoutMs` 250 and `deadlineMs` 2000 has its
 * first attempt ended by `timeoutMs` (the transport rejects with an `SgTimeoutError`, or sends the read again, within
 * 750 ms of sending it; retrying it is the transport's choice), and the call ends by its deadline with an
 * `SgTimeoutError`; a create with the same limits is ended by its `timeoutMs` with an `SgTimeoutError` after one
 * request (a write is never re-sent after a timeout) that does not say `maybeSent: false`.
 */
export async function checkAttemptTimeout(run: TransportRun): Promise<Verdict> {
  const server = await startKitServer();
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport, { site: server.url });
  const arrivals = (method: string): KitArrival[] => server.arrivals.filter((a) => a.method === method);
  const limits = { timeoutMs: ATTEMPT_MS, deadlineMs: DEADLINE_MS };
  try {
    const read = outcome(client.call("read", DEFAULT_PROBE.payload(), { ...limits, retry: false }));
    const r = await lastSettledAfter(recorder.handovers, "read", read, DEADLINE_MS + 2 * PROMPT_MS);
    if (!r) return { status: "failed", detail: "the read was not handed to the transport" };
    const reads = arrivals("read");
    const first = reads[0];
    if (!first) return { status: "failed", detail: `the read never reached the site (the transport ${r.h.ok === false ? `rejected with ${describeError(r.h.error, run.secrets)}` : "did not send it"})` };
    if (!r.settled || r.h.settledAt === undefined) return { status: "failed", detail: `the transport had not ended a read with deadlineMs ${DEADLINE_MS} ${ms(DEADLINE_MS + 2 * PROMPT_MS)} after it was handed over` };
    const attemptEnd = first.at + ATTEMPT_MS + PROMPT_MS;
    const endedOwnAttempt = r.h.settledAt <= attemptEnd;
    const resent = reads.find((a, i) => i > 0 && a.at <= attemptEnd);
    if (r.h.ok) return { status: "failed", detail: "the transport resolved a read the site never answered" };
    if (!(r.h.error instanceof SgTimeoutError)) return { status: "failed", detail: `a read the site never answered was rejected with ${isSg(r.h.error) ? "" : "a plain "}${describeError(r.h.error, run.secrets)}, not an SgTimeoutError` };
    if (!endedOwnAttempt && !resent) {
      return {
        status: "failed",
        detail: `a read with timeoutMs ${ATTEMPT_MS} and deadlineMs ${DEADLINE_MS} ended ${ms(r.h.settledAt - first.at)} after it was sent, with ${reads.length} request(s): timeoutMs was not applied to the attempt (it must end one attempt, the call or a retry, within ${ms(ATTEMPT_MS + PROMPT_MS)})`,
      };
    }
    if (r.h.settledAt - r.h.at > DEADLINE_MS + PROMPT_MS) return { status: "failed", detail: `a read retried after its attempts timed out ended ${ms(r.h.settledAt - r.h.at)} after it was handed over, past its deadlineMs ${DEADLINE_MS}` };
    const readSays = endedOwnAttempt ? `a read ended ${ms(r.h.settledAt - first.at)} after it was sent` : `a read was sent again ${ms(resent!.at - first.at)} after its first attempt and ended by its deadline`;

    const create = outcome(client.call("create", shotCreate(`kit-timeout-${Date.now()}`), limits));
    const c = await lastSettledAfter(recorder.handovers, "create", create, DEADLINE_MS + 2 * PROMPT_MS);
    const creates = arrivals("create");
    if (!c) return { status: "failed", detail: "the create was not handed to the transport" };
    if (!c.settled || c.h.settledAt === undefined) return { status: "failed", detail: `the transport had not ended a create with deadlineMs ${DEADLINE_MS} ${ms(DEADLINE_MS + 2 * PROMPT_MS)} after it was handed over` };
    if (creates.length !== 1) return { status: "failed", detail: `the site saw ${creates.length} creates for one create whose attempt timed out: a write must not be re-sent after a timeout` };
    if (c.h.ok) return { status: "failed", detail: "the transport resolved a create the site never answered" };
    if (!(c.h.error instanceof SgTimeoutError)) return { status: "failed", detail: `a create the site never answered was rejected with ${isSg(c.h.error) ? "" : "a plain "}${describeError(c.h.error, run.secrets)}, not an SgTimeoutError` };
    const took = c.h.settledAt - creates[0]!.at;
    if (took > ATTEMPT_MS + PROMPT_MS) return { status: "failed", detail: `a create with timeoutMs ${ATTEMPT_MS} and deadlineMs ${DEADLINE_MS} ended ${ms(took)} after it was sent: timeoutMs was not applied to the attempt` };
    if (maybeSent(c.h.error) === false) return { status: "failed", detail: `a create whose attempt timed out after it was sent was rejected with ${describeError(c.h.error, run.secrets)} saying maybeSent: false` };
    return { status: "passed", detail: `${readSays}, with ${describeError(r.h.error, run.secrets)}; a create ended ${ms(took)} after it was sent, once, with ${describeError(c.h.error, run.secrets)}` };
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
