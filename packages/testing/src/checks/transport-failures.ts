import { createServer } from "node:net";
import { SgAuthError, createClient } from "@sg/core";
import { DEFAULT_PROBE } from "../conformance-options.js";
import { describeError } from "../secret-scan.js";
import { clientOn, closeWithin, isSg, outcome, record, scriptKey, type Handover } from "../transport-harness.js";
import type { Verdict } from "./run-check.js";
import type { TransportRun } from "./transport-run.js";
import type { TransportCheckId } from "../transport-report.js";

const keep = (run: TransportRun, check: TransportCheckId, handovers: readonly Handover[]): void => {
  for (const handover of handovers) run.handovers.push({ check, handover });
};

/** The transport's own rejection of its last handover of `method`. */
const ownError = (handovers: readonly Handover[], method: string): Handover | undefined => handovers.filter((h) => h.what === method && h.ok === false).at(-1);

/** What an error says in `maybeSent` (only some SgError classes carry it). */
const maybeSent = (error: unknown): unknown => (error as { maybeSent?: unknown }).maybeSent;

const shotCreate = (code: string): unknown => ({ type: "Shot", fields: [{ field_name: "code", value: code }], return_fields: ["code"] });

/** `auth-refusal-typed`: a wrong script key comes back as an SgAuthError from the transport, and onRejected runs. */
export async function checkAuthRefusal(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const auth = scriptKey(run.env, true);
  const client = createClient({ site: run.env.url, transport: recorder.transport, auth });
  try {
    const caller = await outcome(client.call("read", DEFAULT_PROBE.payload(), { deadlineMs: run.timeoutMs }));
    keep(run, "auth-refusal-typed", recorder.handovers);
    if (caller.ok) return { status: "failed", detail: "a read with a wrong script key was answered" };
    const own = ownError(recorder.handovers, "read");
    if (!own) return { status: "failed", detail: `the read was not handed to the transport; the caller got ${describeError(caller.error, run.secrets)}` };
    if (!(own.error instanceof SgAuthError)) {
      return { status: "failed", detail: `the transport rejected the refused credentials with ${isSg(own.error) ? "" : "a plain "}${describeError(own.error, run.secrets)}, not an SgAuthError: core's re-login does not run` };
    }
    if (auth.rejections() < 1) return { status: "failed", detail: "the auth strategy's onRejected() did not run after the refusal" };
    return { status: "passed", detail: `the transport rejected with ${describeError(own.error, run.secrets)}; onRejected() ran ${auth.rejections()} time(s)` };
  } finally {
    await closeWithin(run.timeoutMs, client);
  }
}

/** `write-cut-maybe-sent`: the site applies a create, then drops the connection; the transport says maybeSent: true. */
export async function checkWriteCut(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport);
  try {
    run.env.emulator.injectFault({ method: "create", dropConnection: true, when: "after" });
    const caller = await outcome(client.call("create", shotCreate(`kit-cut-${Date.now()}`), { deadlineMs: run.timeoutMs }));
    keep(run, "write-cut-maybe-sent", recorder.handovers);
    const creates = run.env.emulator.requests().filter((r) => r.method_name === "create").length;
    if (caller.ok) return { status: "failed", detail: `the create resolved though its connection was cut after the site applied it (the site saw ${creates} creates: a write re-sent after it may have landed)` };
    const own = ownError(recorder.handovers, "create");
    if (!own) return { status: "failed", detail: `the create was not handed to the transport; the caller got ${describeError(caller.error, run.secrets)}` };
    if (!isSg(own.error)) return { status: "failed", detail: `the transport rejected the cut write with a plain ${describeError(own.error, run.secrets)}` };
    if (maybeSent(own.error) !== true) return { status: "failed", detail: `the transport rejected the cut write with ${describeError(own.error, run.secrets)} and maybeSent: ${String(maybeSent(own.error))}, though the site applied it` };
    if (creates !== 1) return { status: "failed", detail: `the site saw ${creates} creates for one call: a write was re-sent after it may have landed` };
    return { status: "passed", detail: `the transport rejected with ${describeError(own.error, run.secrets)}, maybeSent: true` };
  } finally {
    await closeWithin(run.timeoutMs, client);
  }
}

/** A local port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("@sg/testing: no port was bound");
  return address.port;
}

/** `refused-before-send`: a create to a closed port; the transport says maybeSent: false. */
export async function checkRefusedBeforeSend(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport, { site: `http://127.0.0.1:${await closedPort()}` });
  try {
    const caller = await outcome(client.call("create", shotCreate("kit-refused"), { deadlineMs: run.timeoutMs }));
    keep(run, "refused-before-send", recorder.handovers);
    if (caller.ok) return { status: "failed", detail: "a create to a closed port resolved" };
    const own = ownError(recorder.handovers, "create");
    if (!own) return { status: "failed", detail: `the create was not handed to the transport; the caller got ${describeError(caller.error, run.secrets)}` };
    if (!isSg(own.error)) return { status: "failed", detail: `the transport rejected with a plain ${describeError(own.error, run.secrets)}` };
    if (maybeSent(own.error) !== false) {
      return { status: "failed", detail: `the transport rejected with ${describeError(own.error, run.secrets)} and maybeSent: ${String(maybeSent(own.error))}, though the connection was refused before anything was sent` };
    }
    const attempts = own.error.attempts.length;
    return { status: "passed", detail: `the transport rejected with ${describeError(own.error, run.secrets)}, maybeSent: false${attempts > 1 ? ` after ${attempts} attempts` : ""}` };
  } finally {
    await closeWithin(run.timeoutMs, client);
  }
}

/** `http-exchange`: a GET of `/api/v1` and of a missing path return the site's status and body; skipped without http(). */
export async function checkHttp(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  if (typeof recorder.transport.http !== "function") return { status: "skipped", detail: "the transport has no http()" };
  const client = clientOn(run.env, recorder.transport);
  const problems: string[] = [];
  try {
    for (const target of ["/api/v1", "/kit-no-such-page"]) {
      const direct = await fetch(new URL(target, run.env.url));
      const expected = new Uint8Array(await direct.arrayBuffer());
      const got = await outcome(client.http({ method: "GET", target, deadlineMs: run.timeoutMs }));
      if (!got.ok) {
        problems.push(`GET ${target} rejected (the site answers ${direct.status}): ${describeError(got.error, run.secrets)}`);
        continue;
      }
      const body = got.value.body;
      if (got.value.status !== direct.status) problems.push(`GET ${target} returned status ${got.value.status}, the site answers ${direct.status}`);
      else if (!(body instanceof Uint8Array) || Buffer.compare(Buffer.from(body), Buffer.from(expected)) !== 0) problems.push(`GET ${target} returned a body of ${body?.length ?? "no"} bytes, not the site's ${expected.length}`);
    }
    keep(run, "http-exchange", recorder.handovers);
  } finally {
    await closeWithin(run.timeoutMs, client);
  }
  return problems.length === 0 ? { status: "passed", detail: "GET /api/v1 (200) and a missing page (404) returned the site's status and body" } : { status: "failed", detail: problems.join("; ") };
}

/**
 * `errors-typed`: a site fault (RPC fault 104) and an HTTP 500 are rejected with SgErrors too; and so was every
 * rejection of the transport in the checks before.
 */
export async function checkErrorsTyped(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport);
  try {
    run.env.emulator.injectFault({ method: "read", errorCode: 104, message: "kit: permission fault" });
    run.env.emulator.injectFault({ method: "read", status: 500, body: "kit: server error", times: 5 });
    await outcome(client.call("read", DEFAULT_PROBE.payload(), { deadlineMs: run.timeoutMs }));
    await outcome(client.call("read", DEFAULT_PROBE.payload(), { deadlineMs: run.timeoutMs, retry: false }));
    keep(run, "errors-typed", recorder.handovers);
  } finally {
    await closeWithin(run.timeoutMs, client);
  }
  const plain = run.handovers.filter(({ handover: h }) => h.ok === false && !isSg(h.error));
  if (plain.length === 0) {
    const rejected = run.handovers.filter(({ handover: h }) => h.ok === false).length;
    return { status: "passed", detail: `all ${rejected} rejections of the transport (site faults, HTTP 500, stops, refusals) were SgErrors` };
  }
  const shown = plain.slice(0, 3).map(({ check, handover: h }) => `'${h.what}' in ${check}: ${describeError(h.error, run.secrets)}`);
  return { status: "failed", detail: `${plain.length} rejection(s) of the transport were not SgErrors (core wraps them, losing what the transport knew): ${shown.join("; ")}${plain.length > 3 ? "; …" : ""}` };
}
