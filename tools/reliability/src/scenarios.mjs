// Reliability scenarios against the emulator's fault injection, through the public @sg/* packages only.
// Every scenario returns its figures; `expect` holds the deterministic ones that the tests assert and the
// report checks. Figures:
//   calls     API calls the scenario made
//   fetches   HTTP attempts the client made (counted by a wrapping fetch)
//   http      requests the emulator received and logged for the method(s) under test
//   rows      rows found afterwards by their unique codes (creates / batches), rowsExpected what should be there
//   dups      rows beyond one per unique code (must always be 0)
//   outcome   "ok" or the final error's code
//   attempts  attempts of the call (error.attempts for failures, HTTP attempts for successes)
//   delays    backoff delays before each retry, in ms
import { createServer } from "node:http";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { sessionAuth } from "@sg/auth-session";
import { SgAbortError, SgTimeoutError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi } from "@sg/entities";
import { closedPort, countRows, harness, instantClock, recordingFetch, settle, shot, until } from "./harness.mjs";

const DEMO_PROJECT = { type: "Project", id: 1 };

/** Build the figures of a finished call. */
function figuresOf(h, result, { method, calls = 1, extra = {} }) {
  const err = result.ok ? undefined : result.error;
  const fetches = h.fetches(method);
  return {
    calls,
    fetches,
    http: h.received(method),
    outcome: result.ok ? "ok" : (err?.code ?? String(err)),
    attempts: result.ok ? fetches : (err?.attempts?.length ?? 0),
    delays: result.ok ? h.retries.filter((r) => r.method === method).map((r) => r.delayMs) : (err?.attempts ?? []).flatMap((a) => (a.delayMs === undefined ? [] : [a.delayMs])),
    ...(err?.maybeSent === undefined ? {} : { maybeSent: err.maybeSent }),
    ...(err?.scope === undefined ? {} : { scope: err.scope }),
    ...(err?.name ? { errorName: err.name } : {}),
    ...extra,
  };
}

/**
 * One faulted call (`read` = a find, `create` = one Shot, `batch` = three Shot creates) with `faults` queued
 * first. `settleLog`: wait until every HTTP attempt the client made shows up in the emulator's log (requests
 * that answer late — timeouts, latency — are logged when the emulator finishes them), so late writes have
 * landed before the rows are counted.
 */
async function faultedCall(id, { op, faults = [], transport = {}, clock, emulator = {}, latencyMs, divert, settleLog = false, batchSize = 3 }) {
  const method = op === "read" ? "read" : op;
  const diverter = divert ? await divert(method) : undefined;
  const h = await harness({ transport, clock, emulator, divert: diverter });
  try {
    // entityApi's find asks the site's `info` once (paging limits); fetch it before the faults start.
    await h.client.info();
    if (clock) clock.sleeps.length = 0;
    for (const f of faults) h.emu.injectFault(f);
    if (latencyMs) h.emu.setLatency(latencyMs);
    const prefix = `rel-${id}-`;
    const result = await settle(() => {
      if (op === "read") return h.sg.find("Shot", [["project", "is", DEMO_PROJECT]], ["code"]);
      if (op === "create") return h.sg.create("Shot", shot(`${prefix}1`), ["code"]);
      return h.sg.batch(Array.from({ length: batchSize }, (_, i) => ({ request_type: "create", entity_type: "Shot", data: shot(`${prefix}${i + 1}`) })));
    });
    if (settleLog) {
      const sentToEmulator = h.seen.filter((e) => e.rpc === method && !e.diverted).length;
      await until(() => h.received(method) >= sentToEmulator, `the emulator to log ${sentToEmulator} '${method}' request(s)`);
    }
    h.emu.setLatency(0);
    const figures = figuresOf(h, result, { method });
    if (op !== "read") {
      const { rows, duplicates } = await countRows(h.emu, prefix);
      figures.rows = rows;
      figures.dups = duplicates;
    }
    if (clock) figures.sleeps = clock.sleeps.slice();
    return figures;
  } finally {
    await h.close();
    await diverter?.close?.();
  }
}

/** Divert the first `n` HTTP attempts to a loopback port nobody listens on (a real ECONNREFUSED: never sent). */
function refuseFirst(n) {
  return async (method) => {
    const port = await closedPort();
    let count = 0;
    return (entry) => {
      if (entry.rpc !== method || ++count > n) return undefined;
      entry.diverted = true;
      return `http://127.0.0.1:${port}/api3/json`;
    };
  };
}

/**
 * Divert the first `n` HTTP attempts to a loopback server that answers 200 at once and then trickles its JSON body,
 * a space every 50 ms, never finishing it: a body slower than the attempt's timeout (the headers came in time).
 */
function trickleFirst(n) {
  return async (method) => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results":');
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    let count = 0;
    const divert = (entry) => {
      if (entry.rpc !== method || ++count > n) return undefined;
      entry.diverted = true;
      return `http://127.0.0.1:${port}/api3/json`;
    };
    divert.close = () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    };
    return divert;
  };
}

/**
 * A call answered `status` ×1, ×2 and ×3 before normal answers. A write is sent again on 502/504 only with
 * `retryWrites: true` (the transport's default does not: a gateway's 502/504 does not prove the write was not
 * applied), so the write series run with it: they show what it does (the emulator's fault applies nothing).
 */
function statusSeries(prefix, op, status, html = false) {
  const write = op !== "read";
  return [1, 2, 3].map((times) => {
    const ok = times < 3;
    const expect = ok
      ? { outcome: "ok", attempts: times + 1, http: times + 1, delays: Array.from({ length: times }, (_, i) => 5 * (i + 1)) }
      : { outcome: "SG_HTTP", attempts: 3, http: 3, delays: [5, 10] };
    if (write) Object.assign(expect, { rows: ok ? 1 : 0, dups: 0 });
    if (write && !ok) expect.maybeSent = true;
    return {
      id: `${prefix}-${op}-${status}x${times}`,
      group: `${status}${html ? " html" : ""} sequences`,
      title: `${op}${write ? " with retryWrites: true" : ""}: HTTP ${status}${html ? " (HTML page)" : ""} ×${times} then normal answers (3 attempts, 5 ms × n backoff)`,
      expect,
      run: (id) => faultedCall(id, { op, faults: [{ method: op, status, times, ...(html ? { html: true } : {}) }], ...(write ? { transport: { retry: { retryWrites: true } } } : {}) }),
    };
  });
}

/**
 * `knownBug`: the scenario shows a bug in another package (described there); its test is `it.fails` and the
 * report prints KNOWN BUG instead of FAIL until it is fixed.
 * @type {{ id: string, group: string, title: string, expect: Record<string, unknown>, knownBug?: string, run: (id: string) => Promise<Record<string, unknown>> }[]}
 */
export const SCENARIOS = [
  ...statusSeries("s", "read", 502),
  ...statusSeries("s", "read", 504),
  ...statusSeries("s", "create", 502),
  ...statusSeries("s", "create", 504),
  {
    id: "s-batch-502x2",
    group: "502 sequences",
    title: "batch of 3 creates with retryWrites: true: HTTP 502 ×2 then OK (all-or-nothing, retried)",
    expect: { outcome: "ok", attempts: 3, http: 3, rows: 3, dups: 0 },
    run: (id) => faultedCall(id, { op: "batch", faults: [{ method: "batch", status: 502, times: 2 }], transport: { retry: { retryWrites: true } } }),
  },
  {
    id: "s-create-502-default",
    group: "502 sequences",
    title: "create with the default policy: HTTP 502 ×1 is not retried (it may have landed): maybeSent",
    expect: { outcome: "SG_HTTP", attempts: 1, http: 1, rows: 0, dups: 0, maybeSent: true },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", status: 502 }] }),
  },
  {
    id: "s-batch-504-default",
    group: "502 sequences",
    title: "batch of 3 creates with the default policy: HTTP 504 ×1 is not retried: maybeSent",
    expect: { outcome: "SG_HTTP", attempts: 1, http: 1, rows: 0, dups: 0, maybeSent: true },
    run: (id) => faultedCall(id, { op: "batch", faults: [{ method: "batch", status: 504 }] }),
  },
  {
    id: "s-create-502-retryWrites-off",
    group: "502 sequences",
    title: "create with retryWrites: false: HTTP 502 ×1 is not retried",
    expect: { outcome: "SG_HTTP", maybeSent: true, attempts: 1, http: 1, rows: 0, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", status: 502 }], transport: { retry: { retryWrites: false } } }),
  },

  // --- 503 / 429 with Retry-After (an instant clock records the waits) ---
  {
    id: "ra-read-503",
    group: "503 / 429",
    title: "read: HTTP 503 with Retry-After: 1 → retried after 1000 ms",
    expect: { outcome: "ok", attempts: 2, http: 2, delays: [1000], sleeps: [1000] },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", status: 503, retryAfter: 1 }], clock: instantClock() }),
  },
  {
    id: "ra-read-503-too-long",
    group: "503 / 429",
    title: "read: HTTP 503 with Retry-After: 120 (> maxRetryAfterMs 30 s) → not waited for",
    expect: { outcome: "SG_HTTP", attempts: 1, http: 1, delays: [], sleeps: [] },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", status: 503, retryAfter: 120 }], clock: instantClock() }),
  },
  {
    id: "ra-create-503",
    group: "503 / 429",
    title: "create: HTTP 503 with Retry-After: 1 → never retried (write)",
    expect: { outcome: "SG_HTTP", maybeSent: true, attempts: 1, http: 1, rows: 0, dups: 0, sleeps: [] },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", status: 503, retryAfter: 1 }], clock: instantClock() }),
  },
  {
    id: "ra-read-429",
    group: "503 / 429",
    title: "read: HTTP 429 with Retry-After: 2 → retried after 2000 ms",
    expect: { outcome: "ok", attempts: 2, http: 2, delays: [2000], sleeps: [2000] },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", status: 429, retryAfter: 2 }], clock: instantClock() }),
  },
  {
    id: "ra-create-429",
    group: "503 / 429",
    title: "create: HTTP 429 ×2 (no Retry-After) → retried, one row",
    expect: { outcome: "ok", attempts: 3, http: 3, rows: 1, dups: 0, delays: [5, 10] },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", status: 429, times: 2 }] }),
  },

  // --- HTML pages ---
  ...statusSeries("html", "read", 502, true).slice(0, 1),
  ...statusSeries("html", "create", 502, true).slice(0, 1),
  {
    id: "html-read-200",
    group: "502 html sequences",
    title: "read: HTTP 200 with an HTML page → SgProtocolError, not retried",
    expect: { outcome: "SG_PROTOCOL", errorName: "SgProtocolError", attempts: 1, http: 1 },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", status: 200, html: true }] }),
  },
  {
    id: "html-create-200",
    group: "502 html sequences",
    title: "create: HTTP 200 with an HTML page → SgProtocolError, not retried, nothing written",
    expect: { outcome: "SG_PROTOCOL", errorName: "SgProtocolError", maybeSent: true, attempts: 1, http: 1, rows: 0, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", status: 200, html: true }] }),
  },

  // --- dropped connections ---
  {
    id: "drop-read-before",
    group: "dropped connections",
    title: "read: connection dropped before the emulator processed it → retried",
    expect: { outcome: "ok", attempts: 2, http: 2 },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", dropConnection: true, when: "before" }] }),
  },
  {
    id: "drop-read-after",
    group: "dropped connections",
    title: "read: connection dropped after the emulator processed it → retried",
    expect: { outcome: "ok", attempts: 2, http: 2 },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", dropConnection: true, when: "after" }] }),
  },
  {
    id: "drop-create-before",
    group: "dropped connections",
    title: "create: dropped before processing → SgNetworkError maybeSent, not retried, 0 rows",
    expect: { outcome: "SG_NETWORK", maybeSent: true, attempts: 1, http: 1, rows: 0, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", dropConnection: true, when: "before" }] }),
  },
  {
    id: "drop-create-after",
    group: "dropped connections",
    title: "create: dropped after processing (the write landed) → not retried, exactly 1 row",
    expect: { outcome: "SG_NETWORK", maybeSent: true, attempts: 1, http: 1, rows: 1, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", dropConnection: true, when: "after" }] }),
  },
  {
    id: "drop-batch-before",
    group: "dropped connections",
    title: "batch of 3: dropped before processing → not retried, 0 rows",
    expect: { outcome: "SG_NETWORK", maybeSent: true, attempts: 1, http: 1, rows: 0, dups: 0 },
    run: (id) => faultedCall(id, { op: "batch", faults: [{ method: "batch", dropConnection: true, when: "before" }] }),
  },
  {
    id: "drop-batch-after",
    group: "dropped connections",
    title: "batch of 3: dropped after processing → not retried, exactly 3 rows",
    expect: { outcome: "SG_NETWORK", maybeSent: true, attempts: 1, http: 1, rows: 3, dups: 0 },
    run: (id) => faultedCall(id, { op: "batch", faults: [{ method: "batch", dropConnection: true, when: "after" }] }),
  },
  {
    id: "refused-read-x1",
    group: "dropped connections",
    title: "read: connection refused ×1 (never sent) → retried",
    expect: { outcome: "ok", attempts: 2, fetches: 2, http: 1 },
    run: (id) => faultedCall(id, { op: "read", divert: refuseFirst(1) }),
  },
  {
    id: "refused-create-x2",
    group: "dropped connections",
    title: "create: connection refused ×2 (never sent) → retried, exactly 1 row",
    expect: { outcome: "ok", attempts: 3, fetches: 3, http: 1, rows: 1, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", divert: refuseFirst(2) }),
  },
  {
    id: "refused-batch-all",
    group: "dropped connections",
    title: "batch of 3: connection refused on every attempt → SgNetworkError (not sent), 0 rows",
    expect: { outcome: "SG_NETWORK", maybeSent: false, attempts: 3, fetches: 3, http: 0, rows: 0, dups: 0 },
    run: (id) => faultedCall(id, { op: "batch", divert: refuseFirst(99) }),
  },

  // --- slow answers past the per-attempt timeout ---
  {
    id: "slow-read",
    group: "slow answers",
    // The retry must be answered within timeoutMs, so it is 1 s here (150 ms failed under a loaded CI machine).
    title: "read: answer 2500 ms late with timeoutMs 1000 → attempt times out, retried",
    expect: { outcome: "ok", attempts: 2, http: 2 },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", delayMs: 2500 }], transport: { timeoutMs: 1000 }, settleLog: true }),
  },
  {
    id: "slow-create",
    group: "slow answers",
    title: "create: answer 400 ms late with timeoutMs 150 → SgTimeoutError, not retried; the late write lands once",
    expect: { outcome: "SG_TIMEOUT", scope: "attempt", maybeSent: true, attempts: 1, http: 1, rows: 1, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", delayMs: 400 }], transport: { timeoutMs: 150 }, settleLog: true }),
  },
  {
    id: "slow-batch",
    group: "slow answers",
    title: "batch of 3: answer 400 ms late with timeoutMs 150 → not retried; the late batch lands once",
    expect: { outcome: "SG_TIMEOUT", scope: "attempt", maybeSent: true, attempts: 1, http: 1, rows: 3, dups: 0 },
    run: (id) => faultedCall(id, { op: "batch", faults: [{ method: "batch", delayMs: 400 }], transport: { timeoutMs: 150 }, settleLog: true }),
  },

  // --- a body trickling past the per-attempt timeout (headers in time) ---
  {
    id: "trickle-read",
    group: "slow answers",
    title: "read: 200 at once, then a body that trickles past timeoutMs 1000 → that attempt times out, the retry is answered",
    expect: { outcome: "ok", attempts: 2, fetches: 2, http: 1 },
    run: (id) => faultedCall(id, { op: "read", divert: trickleFirst(1), transport: { timeoutMs: 1000 } }),
  },
  {
    id: "trickle-create",
    group: "slow answers",
    title: "create: 200 at once, then a body that trickles past timeoutMs 150 → SgTimeoutError (maybeSent), not sent again",
    expect: { outcome: "SG_TIMEOUT", scope: "attempt", maybeSent: true, attempts: 1, fetches: 1, http: 0, rows: 0, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", divert: trickleFirst(99), transport: { timeoutMs: 150 } }),
  },

  // --- latency spikes vs timeouts and the deadline ---
  {
    id: "latency-read-under",
    group: "latency spikes",
    title: "read: 50 ms latency, timeoutMs 1000 → answered at the first attempt",
    expect: { outcome: "ok", attempts: 1, http: 1 },
    run: (id) => faultedCall(id, { op: "read", latencyMs: 50, transport: { timeoutMs: 1000 } }),
  },
  {
    id: "latency-read-attempts",
    group: "latency spikes",
    title: "read: 250 ms latency, timeoutMs 100, deadline 10 s → 3 attempts time out",
    expect: { outcome: "SG_TIMEOUT", scope: "attempt", attempts: 3, http: 3, delays: [5, 10] },
    run: (id) => faultedCall(id, { op: "read", latencyMs: 250, transport: { timeoutMs: 100, deadlineMs: 10_000 }, settleLog: true }),
  },
  {
    id: "latency-read-deadline",
    group: "latency spikes",
    title: "read: 400 ms latency, timeoutMs 1000, deadlineMs 150 → the deadline ends the call",
    expect: { outcome: "SG_TIMEOUT", scope: "deadline", attempts: 1, http: 1 },
    run: (id) => faultedCall(id, { op: "read", latencyMs: 400, transport: { timeoutMs: 1000, deadlineMs: 150 }, settleLog: true }),
  },
  {
    id: "latency-create-deadline",
    group: "latency spikes",
    title: "create: 300 ms latency, deadlineMs 100 → deadline error; the write lands once afterwards",
    expect: { outcome: "SG_TIMEOUT", scope: "deadline", maybeSent: true, attempts: 1, http: 1, rows: 1, dups: 0 },
    run: (id) => faultedCall(id, { op: "create", latencyMs: 300, transport: { timeoutMs: 1000, deadlineMs: 100 }, settleLog: true }),
  },

  // --- the default 750 / 1500 ms schedule, measured through an instant clock ---
  {
    id: "default-read-502x2",
    group: "default schedule",
    title: "read: HTTP 502 ×2 with the default policy → waits 750 then 1500 ms (fake clock)",
    expect: { outcome: "ok", attempts: 3, http: 3, delays: [750, 1500], sleeps: [750, 1500] },
    run: (id) => faultedCall(id, { op: "read", faults: [{ method: "read", status: 502, times: 2 }], transport: { retry: { baseDelayMs: 750 } }, clock: instantClock() }),
  },
  {
    id: "default-create-504x3",
    group: "default schedule",
    title: "create with retryWrites: true: HTTP 504 ×3 with the default schedule → 750, 1500 ms, then SgHttpError (maybeSent); 0 rows",
    expect: { outcome: "SG_HTTP", attempts: 3, http: 3, delays: [750, 1500], sleeps: [750, 1500], rows: 0, dups: 0, maybeSent: true },
    run: (id) => faultedCall(id, { op: "create", faults: [{ method: "create", status: 504, times: 3 }], transport: { retry: { baseDelayMs: 750, retryWrites: true } }, clock: instantClock() }),
  },

  // --- one re-auth for 50 concurrent calls on an expired session ---
  {
    id: "reauth-legacy-50",
    group: "re-auth",
    title: "legacy login, session idle past expiry, 50 concurrent finds → exactly one get_session_token",
    expect: { calls: 50, outcome: "ok", failures: 0, reauth: 1, http: 100 },
    run: reauthLegacy,
  },
  {
    id: "reauth-session-50",
    group: "re-auth",
    title: "sessionAuth with refresh(), token expired, 50 concurrent finds → refresh() called once, onToken once",
    expect: { calls: 50, outcome: "ok", failures: 0, reauth: 1, onToken: 1, http: 100 },
    run: reauthSession,
  },

  {
    id: "reauth-custom-50",
    group: "re-auth",
    title: "a minimal custom strategy (no de-duplication of its own), session expired, 50 concurrent finds → core asks its onRejected once",
    expect: { calls: 50, outcome: "ok", failures: 0, reauth: 1, http: 100 },
    run: reauthCustom,
  },

  // --- the retry budget during a sustained outage ---
  {
    id: "budget-storm-small",
    group: "retry budget",
    title: "502 outage, 30 sequential reads, budget {capacity 20, retryCost 5} → 2 calls retried, 28 fail fast",
    expect: { calls: 30, http: 34, outcome: "SG_HTTP", retried: 2, failFast: 28, firstFailFastCall: 3, attempts: "3×2, 1×28", unbudgeted: 90 },
    run: (id) => budgetStorm(id, { calls: 30, budget: { capacity: 20, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 }, baseline: true }),
  },
  {
    id: "budget-storm-default",
    group: "retry budget",
    title: "502 outage, 100 sequential reads, default budget (500 tokens, 5 per retry) → 100 retries then fail fast",
    expect: { calls: 100, http: 200, outcome: "SG_HTTP", retried: 50, failFast: 50, firstFailFastCall: 51, attempts: "3×50, 1×50" },
    run: (id) => budgetStorm(id, { calls: 100 }),
  },

  {
    id: "budget-recovery",
    group: "retry budget",
    title: "budget {capacity 20, retryCost 5}: a 502 outage drains it (3 reads), 40 successful reads refill it, then one 502 → retried (2 attempts, ok)",
    expect: { calls: 44, http: 49, outageAttempts: "3×2, 1×1", recovered: 40, outcome: "ok", attempts: 2 },
    run: budgetRecovery,
  },

  // --- abort / close end every in-flight call ---
  {
    id: "abort-20-inflight",
    group: "abort",
    title: "20 reads in flight against 1500 ms latency, one AbortSignal aborted → all 20 SgAbortError before the latency elapses, their 20 requests closed unanswered",
    expect: { calls: 20, outcome: "SG_ABORTED", aborted: 20, settledBeforeLatency: 20, cancelled: 20 },
    run: (id) => abortInflight(id, "abort"),
  },
  {
    id: "close-20-inflight",
    group: "abort",
    title: "20 reads in flight against 1500 ms latency, client.close() → all 20 SgAbortError before the latency elapses, their 20 requests closed unanswered",
    expect: { calls: 20, outcome: "SG_ABORTED", aborted: 20, settledBeforeLatency: 20, cancelled: 20 },
    run: (id) => abortInflight(id, "close"),
  },
  {
    id: "transport-close-20-inflight",
    group: "abort",
    title: "20 reads in flight against 1500 ms latency, transport.close() (not the client's) → all 20 SgAbortError before the latency elapses, their 20 requests closed unanswered",
    expect: { calls: 20, outcome: "SG_ABORTED", aborted: 20, settledBeforeLatency: 20, cancelled: 20 },
    run: (id) => abortInflight(id, "transport"),
  },
  {
    id: "abort-during-backoff",
    group: "abort",
    title: "read: 502, then abort during the backoff (baseDelayMs 60 s, capped at maxDelayMs 30 s) → SgAbortError within 1 s of the abort",
    expect: { calls: 1, outcome: "SG_ABORTED", attempts: 1, http: 1, delays: [30000], settledBeforeBackoff: true },
    run: abortDuringBackoff,
  },
  {
    id: "abort-during-login",
    group: "abort",
    title: "5 finds waiting on a legacy login that answers in 2000 ms, abort → all SgAbortError well before the login answers",
    expect: { calls: 5, outcome: "SG_ABORTED", aborted: 5, settledBeforeLatency: 5 },
    run: (id) => abortDuringAuth(id, "login"),
  },
  {
    id: "abort-during-relogin",
    group: "abort",
    title: "5 finds refused on an expired session, re-login answers in 2000 ms, abort → all SgAbortError well before it answers",
    expect: { calls: 5, outcome: "SG_ABORTED", aborted: 5, settledBeforeLatency: 5 },
    run: (id) => abortDuringAuth(id, "relogin"),
  },
  {
    id: "deadline-during-login",
    group: "abort",
    title: "5 finds with deadlineMs 300 waiting on a legacy login that answers in 2000 ms → all SgTimeoutError (deadline, not sent) well before the login answers",
    expect: { calls: 5, outcome: "SG_TIMEOUT", timedOut: 5, notSent: 5, settledBeforeLatency: 5 },
    run: (id) => abortDuringAuth(id, "login", "deadline"),
  },
  {
    id: "deadline-during-relogin",
    group: "abort",
    title: "5 finds with deadlineMs 1500 refused on an expired session, re-login answers in 6000 ms → all SgTimeoutError well before it answers",
    expect: { calls: 5, outcome: "SG_TIMEOUT", timedOut: 5, notSent: 5, settledBeforeLatency: 5 },
    // The deadline must pass while the finds wait for the re-login, not while one is still on its way to its
    // refusal (then it may have been sent: maybeSent). 300 ms was not always enough for 5 refusals on a busy machine.
    run: (id) => abortDuringAuth(id, "relogin", "deadline", { deadlineMs: 1500, loginDelayMs: 6000 }),
  },
];

/**
 * Calls waiting on the auth strategy (first login, or re-login after an expired session) while the site takes
 * `loginDelayMs` (2000 ms) to answer get_session_token; the caller aborts as soon as that request is on its way
 * (`how` "abort"), or the calls carry a `deadlineMs` (300 ms) deadline that passes while they wait (`how`
 * "deadline"). The login delay must be over twice the deadline: the reference event comes at half of it.
 */
async function abortDuringAuth(id, phase, how = "abort", { deadlineMs = 300, loginDelayMs = 2000 } = {}) {
  const LOGIN_DELAY = loginDelayMs;
  let loginSent;
  const loginInFlight = new Promise((resolve) => {
    loginSent = resolve;
  });
  let armed = phase === "login";
  const h = await harness({
    emulator: { sessionIdleSeconds: 60 },
    auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }),
    onFetch: (e) => armed && e.rpc === "get_session_token" && loginSent(),
  });
  const events = [];
  let timer;
  try {
    await h.client.info();
    if (phase === "relogin") {
      await h.sg.find("Project", [], ["name"]);
      h.emu.advanceClock(120);
      armed = true;
    }
    h.emu.injectFault({ method: "get_session_token", delayMs: LOGIN_DELAY });
    const controller = new AbortController();
    const limit = how === "deadline" ? { deadlineMs } : { signal: controller.signal };
    const calls = Array.from({ length: 5 }, (_, i) =>
      h.sg.find("Project", [], ["name"], limit).then(
        () => events.push({ i, ok: true }),
        (error) => events.push({ i, ok: false, error }),
      ),
    );
    await loginInFlight;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Reference event at half the delay: a prompt abort settles within milliseconds, a late one only after
    // the login answers (LOGIN_DELAY after it was sent). Ordering, not a wall-clock threshold.
    timer = setTimeout(() => events.push({ latencyElapsed: true }), LOGIN_DELAY / 2);
    if (how === "abort") controller.abort();
    await Promise.all(calls);
    const latencyAt = events.findIndex((e) => e.latencyElapsed);
    const settled = events.filter((e) => e.i !== undefined);
    const settledBeforeLatency = latencyAt < 0 ? settled.length : events.slice(0, latencyAt).filter((e) => e.i !== undefined).length;
    if (how === "deadline") {
      const timedOut = settled.filter((e) => !e.ok && e.error instanceof SgTimeoutError && e.error.scope === "deadline");
      return {
        calls: 5,
        outcome: timedOut.length === 5 ? "SG_TIMEOUT" : settled.map((e) => (e.ok ? "ok" : e.error.code)).join(","),
        timedOut: timedOut.length,
        notSent: timedOut.filter((e) => e.error.maybeSent === false).length,
        settledBeforeLatency,
      };
    }
    const aborted = settled.filter((e) => !e.ok && e.error instanceof SgAbortError);
    return {
      calls: 5,
      outcome: aborted.length === 5 ? "SG_ABORTED" : settled.map((e) => (e.ok ? "ok" : e.error.code)).join(","),
      aborted: aborted.length,
      settledBeforeLatency,
    };
  } finally {
    clearTimeout(timer);
    await h.close();
  }
}

async function reauthLegacy() {
  const h = await harness({ emulator: { sessionIdleSeconds: 60 }, auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }) });
  try {
    await h.sg.find("Project", [], ["name"]); // logs in: one get_session_token
    const loginsBefore = h.received("get_session_token");
    const readsBefore = h.received("read");
    h.emu.advanceClock(120);
    const results = await Promise.all(Array.from({ length: 50 }, () => settle(() => h.sg.find("Project", [], ["name"]))));
    const failures = results.filter((r) => !r.ok);
    return {
      calls: 50,
      fetches: h.fetches("read") - 1,
      http: h.received("read") - readsBefore,
      outcome: failures.length ? failures[0].error.code : "ok",
      failures: failures.length,
      reauth: h.received("get_session_token") - loginsBefore,
      firstLogins: loginsBefore,
      refused102: h.emu.requests().filter((r) => r.method_name === "read" && r.errorCode === 102).length,
    };
  } finally {
    await h.close();
  }
}

/** A function that logs coord in on `emu` (a separate client each time) and resolves to the real session token. */
function coordLogin(emu) {
  return async () => {
    const c = createClient({ site: emu.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }) });
    return (await c.credentials()).sessionToken;
  };
}

/**
 * An emulator whose sessions idle out after 60 s and a client on it with the strategy `makeAuth(emu)` builds:
 * one find, then the session expires and 50 finds go out at once. Their figures plus `more()`'s.
 */
async function fiftyOnExpiredSession(makeAuth, more) {
  const h0 = await harness({ emulator: { sessionIdleSeconds: 60 } });
  const { emu } = h0;
  const h = await harnessOn(emu, await makeAuth(emu));
  try {
    await h.sg.find("Project", [], ["name"]);
    const readsBefore = h.received("read");
    emu.advanceClock(120);
    const results = await Promise.all(Array.from({ length: 50 }, () => settle(() => h.sg.find("Project", [], ["name"]))));
    const failures = results.filter((r) => !r.ok);
    return {
      calls: 50,
      fetches: h.fetches("read") - 1,
      http: h.received("read") - readsBefore,
      outcome: failures.length ? failures[0].error.code : "ok",
      failures: failures.length,
      ...more(),
    };
  } finally {
    await h.client.close();
    await emu.close();
  }
}

async function reauthSession() {
  let refreshCalls = 0;
  let stored = 0;
  return fiftyOnExpiredSession(
    async (emu) => {
      // Tokens come from real logins on the emulator.
      const loginToken = coordLogin(emu);
      return sessionAuth({
        sessionToken: await loginToken(),
        refresh: async () => {
          refreshCalls += 1;
          return loginToken();
        },
        onToken: () => {
          stored += 1;
        },
      });
    },
    () => ({ reauth: refreshCalls, onToken: stored }),
  );
}

/**
 * 50 concurrent finds on an expired session through a custom strategy that logs in again on every onRejected it
 * is asked (no single-flight of its own): core's single-flight alone must make that one call.
 */
async function reauthCustom() {
  let rejectedCalls = 0;
  return fiftyOnExpiredSession(
    async (emu) => {
      const loginToken = coordLogin(emu);
      let current = Object.freeze({ kind: "session", sessionToken: await loginToken() });
      return {
        name: "custom",
        credentials: () => current,
        onRejected: async () => {
          rejectedCalls += 1;
          current = Object.freeze({ kind: "session", sessionToken: await loginToken() });
          return current;
        },
      };
    },
    () => ({ reauth: rejectedCalls }),
  );
}

/** A client with `auth` on an existing emulator, counting fetches like {@link harness}. */
async function harnessOn(emu, auth) {
  const rec = recordingFetch();
  const client = createClient({ site: emu.url, transport: jsonRpcTransport({ retry: { baseDelayMs: 5 }, fetch: rec.fetch }), auth });
  return {
    client,
    sg: entityApi(client),
    fetches: (m) => rec.seen.filter((e) => e.rpc === m).length,
    received: (m) => emu.requests().filter((r) => r.method_name === m).length,
  };
}

async function budgetStorm(id, { calls, budget, baseline = false }) {
  const run = async (b) => {
    const clock = instantClock();
    const h = await harness({ clock, transport: { retry: { baseDelayMs: 5, ...(b === undefined ? {} : { budget: b }) } } });
    try {
      h.emu.injectFault({ method: "read", status: 502, times: 1_000_000 });
      const perCall = [];
      let code;
      for (let i = 0; i < calls; i += 1) {
        const r = await settle(() => h.sg.find("Shot", [["project", "is", DEMO_PROJECT]], ["code"]));
        perCall.push(r.ok ? 0 : r.error.attempts.length);
        code = r.ok ? "ok" : r.error.code;
      }
      return { perCall, http: h.received("read"), fetches: h.fetches("read"), code };
    } finally {
      await h.close();
    }
  };
  const withBudget = await run(budget);
  const firstFailFast = withBudget.perCall.indexOf(1);
  const figures = {
    calls,
    fetches: withBudget.fetches,
    http: withBudget.http,
    outcome: withBudget.code,
    retried: withBudget.perCall.filter((n) => n > 1).length,
    failFast: withBudget.perCall.filter((n) => n === 1).length,
    firstFailFastCall: firstFailFast < 0 ? null : firstFailFast + 1,
    attempts: summarize(withBudget.perCall),
  };
  if (baseline) figures.unbudgeted = (await run(false)).http;
  return figures;
}

/** The retry budget refills from successes: after an outage emptied it, a lone 502 is retried again. */
async function budgetRecovery() {
  const find = (h) => settle(() => h.sg.find("Shot", [["project", "is", DEMO_PROJECT]], ["code"]));
  const h = await harness({ clock: instantClock(), transport: { retry: { baseDelayMs: 5, budget: { capacity: 20, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 } } } });
  try {
    await h.client.info();
    // 3 + 3 + 1 attempts: two calls spend the 20 tokens on 4 retries, the third fails fast.
    h.emu.injectFault({ method: "read", status: 502, times: 7 });
    const outage = [];
    for (let i = 0; i < 3; i += 1) outage.push(await find(h));
    const recovery = [];
    for (let i = 0; i < 40; i += 1) recovery.push(await find(h));
    h.emu.injectFault({ method: "read", status: 502, times: 1 });
    const before = h.fetches("read");
    const last = await find(h);
    return {
      calls: 44,
      fetches: h.fetches("read"),
      http: h.received("read"),
      outageAttempts: summarize(outage.map((r) => (r.ok ? 0 : r.error.attempts.length))),
      recovered: recovery.filter((r) => r.ok).length,
      outcome: last.ok ? "ok" : last.error.code,
      attempts: last.ok ? h.fetches("read") - before : last.error.attempts.length,
    };
  } finally {
    await h.close();
  }
}

/** `[3,3,1,1,1]` → `3×2, 1×3`. */
function summarize(list) {
  const out = [];
  for (const n of list) {
    const last = out[out.length - 1];
    if (last && last.n === n) last.count += 1;
    else out.push({ n, count: 1 });
  }
  return out.map((x) => `${x.n}×${x.count}`).join(", ");
}

const ABORT_LATENCY_MS = 1500;

async function abortInflight(id, how) {
  let inflight;
  const allStarted = new Promise((resolve) => {
    inflight = resolve;
  });
  let reads = 0;
  const h = await harness({ onFetch: (e) => e.rpc === "read" && ++reads === 20 && inflight() });
  const events = [];
  let latencyTimer;
  try {
    await h.client.info();
    const before = h.exchanges.length;
    h.emu.setLatency(ABORT_LATENCY_MS);
    const controller = new AbortController();
    const calls = Array.from({ length: 20 }, (_, i) =>
      h.sg.find("Shot", [["project", "is", DEMO_PROJECT]], ["code"], how === "abort" ? { signal: controller.signal } : {}).then(
        () => events.push({ i, ok: true }),
        (error) => events.push({ i, ok: false, error }),
      ),
    );
    await allStarted;
    // Every request is on its way; let the sockets carry them to the emulator before stopping.
    await until(() => h.exchanges.length - before >= 20, "the emulator to receive the 20 reads");
    // Reference event at half the latency (the requests reached the emulator a little before this timer starts).
    latencyTimer = setTimeout(() => events.push({ latencyElapsed: true }), ABORT_LATENCY_MS / 2);
    if (how === "abort") controller.abort();
    else if (how === "transport") await h.client.transport.close();
    else await h.client.close();
    await Promise.all(calls);
    const latencyAt = events.findIndex((e) => e.latencyElapsed);
    const settled = events.filter((e) => e.i !== undefined);
    const aborted = settled.filter((e) => !e.ok && e.error instanceof SgAbortError);
    // The client must also end the HTTP requests, not only settle the calls: the emulator sees each response
    // closed before it was answered. A request left running is answered once the latency is over, so this waits
    // for all 20 to close either way (the bound is a safety net for ones that never close).
    const served = h.exchanges.slice(before);
    await until(() => served.every((x) => x.closed), "the emulator to see the 20 requests closed", 15_000);
    return {
      calls: 20,
      fetches: h.fetches("read"),
      outcome: aborted.length === 20 ? "SG_ABORTED" : settled.map((e) => (e.ok ? "ok" : e.error.code)).join(","),
      aborted: aborted.length,
      settledBeforeLatency: latencyAt < 0 ? settled.length : events.slice(0, latencyAt).filter((e) => e.i !== undefined).length,
      cancelled: served.filter((x) => !x.answered).length,
    };
  } finally {
    clearTimeout(latencyTimer);
    await h.close();
  }
}

/** How soon after its abort a call waiting out a backoff must settle. */
const ABORT_REFERENCE_MS = 1000;

async function abortDuringBackoff() {
  const BACKOFF = 60_000;
  let backingOff;
  const retrying = new Promise((resolve) => {
    backingOff = resolve;
  });
  const h = await harness({ transport: { retry: { baseDelayMs: BACKOFF, onRetry: () => backingOff() } } });
  const events = [];
  let timer;
  try {
    await h.client.info();
    h.emu.injectFault({ method: "read", status: 502, times: 5 });
    const controller = new AbortController();
    const call = settle(() => h.sg.find("Shot", [], ["code"], { signal: controller.signal })).then((r) => {
      events.push("settled");
      return r;
    });
    await retrying;
    // The reference is far shorter than the 30 s backoff, so a call that waited the backoff out despite the abort
    // settles after it (and the figure is false), while "at once" has a second of slack on a busy machine.
    timer = setTimeout(() => events.push("reference-elapsed"), ABORT_REFERENCE_MS);
    controller.abort();
    const result = await call;
    return {
      ...figuresOf(h, result, { method: "read" }),
      settledBeforeBackoff: events[0] === "settled",
    };
  } finally {
    clearTimeout(timer);
    await h.close();
  }
}

/** Run every scenario (or those whose id matches `filter`), in order. */
export async function runAll(filter) {
  const out = [];
  for (const s of SCENARIOS) {
    if (filter && !s.id.includes(filter)) continue;
    const t0 = performance.now();
    let figures;
    try {
      figures = await s.run(s.id);
    } catch (error) {
      figures = { outcome: `CRASHED: ${error instanceof Error ? error.message : String(error)}` };
    }
    out.push({ scenario: s, figures, ms: Math.round(performance.now() - t0), mismatches: mismatches(s.expect, figures), knownBug: s.knownBug });
  }
  return out;
}

/** The expected figures that differ: `[{ key, expected, actual }]`. */
export function mismatches(expect, figures) {
  const out = [];
  for (const [key, expected] of Object.entries(expect)) {
    const actual = figures[key];
    if (JSON.stringify(actual) !== JSON.stringify(expected)) out.push({ key, expected, actual });
  }
  if (figures.dups !== undefined && figures.dups !== 0 && !("dups" in expect)) out.push({ key: "dups", expected: 0, actual: figures.dups });
  return out;
}
