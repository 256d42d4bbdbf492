#!/usr/bin/env node
// @sg/entities soak bench: one long-lived client used the way an event daemon uses it for weeks (poll
// EventLogEntry, react with updates and creates) for N rounds of mixed traffic against an sg-emulator child
// process, meeting what a long run meets: 502/504/503 bursts, per-call timeouts, aborts (an
// AbortSignal.timeout() per call, one AbortController per batch of calls), an expired session and a refused
// one, each followed by a re-login. At checkpoints, once every call has settled and after forced GCs, it
// records heap used, the process's active resources (timers, handles), its open sockets (idle keep-alive
// connections included) and the listeners on the long-lived signal every call carries; then it prints them
// with the growth per 10,000 calls (least-squares slope over the checkpoints). It asserts nothing and times
// nothing: it prints figures.
//
//   npm run bench:soak -w @sg/entities            (builds first; `npm run bench` runs it last)
//   node --expose-gc bench/soak-bench.mjs [--rounds 2500] [--every 250] [--warmup 500] [--signal-timeout-ms 120000] [--json-only]
//
// Every call carries the daemon's AbortSignal (the client's `defaults.signal`) unless it passes its own: the
// updates and creates of a round share that round's AbortController, and each round's findOne has an
// AbortSignal.timeout(--signal-timeout-ms) of its own. A cycle of 25 rounds injects, one per round: a 502
// burst (2), a 504, a 503 on reads (all retried), a 503 on an update (a write: not retried), a poll past its
// timeoutMs, a findOne past its AbortSignal.timeout, and a batch of 5 findOne aborted together by their
// round's controller. Every 100 rounds the session expires once (the emulator's clock jumps past its idle
// limit) and the site refuses it once (an injected fault 102): both make legacyLoginAuth log in again.
import { getEventListeners } from "node:events";
import { readdirSync, readlinkSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { entityApi } from "../dist/index.js";
import { startEmulatorChild } from "./emulator-child.mjs";

const argv = process.argv.slice(2);
const arg = (name, fallback) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
const jsonOnly = argv.includes("--json-only");
const log = (...a) => { if (!jsonOnly) console.error(...a); };
const ROUNDS = arg("rounds", 2500);
const EVERY = arg("every", 250);
const WARMUP = arg("warmup", 500);
const SIGNAL_TIMEOUT_MS = arg("signal-timeout-ms", 120_000);
const IDLE_SECONDS = 1800;
const SLOW_MS = 40; // the emulator's latency while a call is meant to run out of time
const LIMIT_MS = 10; // that call's timeoutMs, AbortSignal.timeout or time before its batch is aborted
if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc: the checkpoints force a GC before measuring");

const round1 = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 2 ** 20;

/** Least-squares slope of `ys` over `xs`. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Sockets this process has open (Linux: its file descriptors that are sockets), idle keep-alive connections
 * included, which `process.getActiveResourcesInfo()` leaves out (undici unrefs them); `null` elsewhere.
 */
function openSockets() {
  try {
    return readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:");
      } catch {
        return false; // closed while listing (the listing's own descriptor)
      }
    }).length;
  } catch {
    return null;
  }
}

/** How many of each kind of resource that keeps the event loop alive, e.g. `{ Timeout: 1, PipeWrap: 1 }`. */
function resourceCounts() {
  const counts = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const emu = await startEmulatorChild(["--session-idle-seconds", String(IDLE_SECONDS)]);
const daemon = new AbortController();
const user = emu.card.users.find((u) => u.login === "admin");
const project = emu.card.projects[0];
const auth = legacyLoginAuth({ login: user.login, password: user.password });
// A logger that counts lines and keeps none (a daemon's logger writes them out).
const lines = { debug: 0, info: 0, warn: 0, error: 0 };
let budgetRefusals = 0;
const logger = {
  debug: () => void lines.debug++,
  info: () => void lines.info++,
  warn: (message) => void (lines.warn++, message.includes("retry budget") && budgetRefusals++),
  error: () => void lines.error++,
};
let retries = 0;
const client = createClient({
  site: emu.url,
  transport: jsonRpcTransport({ retry: { baseDelayMs: 2, maxDelayMs: 10, onRetry: () => void retries++ } }),
  auth,
  logger,
  defaults: { signal: daemon.signal },
});
const api = entityApi(client);

let calls = 0;
let unexpected = 0;
let lastEvent = 0;
let lastBatch = new AbortController();
const outcomes = new Map();
/** Make one call, and count its outcome: `ok` or the error's code, against the one the incident should give. */
async function run(label, want, work) {
  calls++;
  let got = "ok";
  try {
    await work();
  } catch (error) {
    got = error?.code ?? error?.name ?? "thrown";
  }
  const key = `${label}: ${got}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  if (got !== want) unexpected++;
}
/** With the emulator answering `SLOW_MS` late, run `work`. */
async function slowly(work) {
  await emu.admin("latency", { ms: SLOW_MS });
  try {
    return await work();
  } finally {
    await emu.admin("latency", { ms: 0 });
  }
}

const shot = await api.create("Shot", { code: "soak_target", project }, ["code"]);
const poll = (options) =>
  api.find("EventLogEntry", [["id", "greater_than", lastEvent]], ["event_type", "entity"], { order: [{ field_name: "id", direction: "asc" }], limit: 50, ...options }).then((events) => {
    if (events.length > 0) lastEvent = events[events.length - 1].id;
  });
const readShot = (options) => api.findOne("Shot", [["id", "is", shot.id]], ["code", "description"], options);

async function round(r) {
  const batch = new AbortController(); // the calls reacting to this round's poll
  lastBatch = batch;
  const at = r % 25;
  if (r % 100 === 22) await emu.admin("clock", { advanceSeconds: IDLE_SECONDS + 1 }); // the session expires
  if (r % 100 === 72) await emu.admin("faults", { method: "read", errorCode: 102, message: "Invalid session token" });
  if (at === 1) await emu.admin("faults", { method: "read", status: 502, times: 2 });
  if (at === 4) await emu.admin("faults", { method: "read", status: 504 });
  if (at === 7) await emu.admin("faults", { method: "read", status: 503 });
  if (at === 13) await slowly(() => run("poll past its timeoutMs", "SG_TIMEOUT", () => poll({ timeoutMs: LIMIT_MS, retry: false })));
  else await run(r % 100 === 22 || r % 100 === 72 ? "poll, session refused" : "poll", "ok", () => poll());

  if (at === 10) await emu.admin("faults", { method: "update", status: 503 });
  await run(at === 10 ? "update on a 503" : "update", at === 10 ? "SG_HTTP" : "ok", () => api.update("Shot", shot.id, { description: `round ${r}` }, { signal: batch.signal }));
  if (r % 10 === 0) await run("create", "ok", () => api.create("Shot", { code: `soak_${r}`, project }, ["code"], { signal: batch.signal }));

  if (at === 16) await slowly(() => run("findOne past its AbortSignal.timeout", "SG_ABORTED", () => readShot({ signal: AbortSignal.timeout(LIMIT_MS) })));
  else await run("findOne with an AbortSignal.timeout", "ok", () => readShot({ signal: AbortSignal.timeout(SIGNAL_TIMEOUT_MS) }));

  if (at === 19) {
    await slowly(async () => {
      const five = Array.from({ length: 5 }, () => run("batch of 5, aborted together", "SG_ABORTED", () => readShot({ signal: batch.signal })));
      await sleep(LIMIT_MS);
      batch.abort();
      await Promise.all(five);
    });
  }
}

/** Once every call has settled: a forced GC, then what is held. */
async function checkpoint(r, startedAt) {
  // GCs with pauses between: the FinalizationRegistry callbacks of what one collected run in the pause after it
  // (undici keeps each fetch's signal and abort listener until its request's finalizer has run).
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(30);
  }
  globalThis.gc();
  const resources = resourceCounts();
  return {
    round: r,
    calls,
    elapsedS: round1((performance.now() - startedAt) / 1000),
    heapMb: round1(process.memoryUsage().heapUsed / MB, 2),
    heapSpacesMb: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name.replace(/_space$/, ""), round1(space.space_used_size / MB, 2)])),
    resources: Object.values(resources).reduce((a, b) => a + b, 0),
    sockets: openSockets(),
    timers: resources.Timeout ?? 0,
    resourceKinds: resources,
    listeners: getEventListeners(daemon.signal, "abort").length,
    batchListeners: getEventListeners(lastBatch.signal, "abort").length,
    logins: auth.toJSON().logins,
    retries,
    budgetRefusals,
  };
}

log(`@sg/entities soak — ${ROUNDS} rounds against sg-emulator (child process ${emu.pid}), checkpoints every ${EVERY} after ${WARMUP} warm-up rounds`);
log(`${process.version} ${process.platform} ${process.arch}; per-call AbortSignal.timeout(${SIGNAL_TIMEOUT_MS}); one legacyLoginAuth client with a logger\n`);
const startedAt = performance.now();
for (let r = 1; r <= WARMUP; r++) await round(r);
const rows = [await checkpoint(WARMUP, startedAt)];
for (let r = WARMUP + 1; r <= WARMUP + ROUNDS; r++) {
  await round(r);
  if ((r - WARMUP) % EVERY === 0 || r === WARMUP + ROUNDS) rows.push(await checkpoint(r, startedAt));
}
const last = rows[rows.length - 1];
const first = rows[0];
const xs = rows.map((row) => row.calls);
const per10k = (key) => round1(slope(xs, rows.map((row) => row[key])) * 10_000, 3);
const growth = {
  heapKbPer10kCalls: round1(slope(xs, rows.map((row) => row.heapMb * 1024)) * 10_000, 0),
  oldSpaceKbPer10kCalls: round1(slope(xs, rows.map((row) => row.heapSpacesMb.old * 1024)) * 10_000, 0),
  resourcesPer10kCalls: per10k("resources"),
  timersPer10kCalls: per10k("timers"),
  listenersPer10kCalls: per10k("listeners"),
  heapMbFirstToLast: round1(last.heapMb - first.heapMb, 2),
};
await client.close();
await emu.close();
await sleep(50); // the sockets to the emulator close as it exits
const afterClose = resourceCounts();

const result = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
  rounds: ROUNDS,
  warmupRounds: WARMUP,
  signalTimeoutMs: SIGNAL_TIMEOUT_MS,
  calls: last.calls - first.calls,
  unexpectedOutcomes: unexpected,
  outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b))),
  logLines: lines,
  checkpoints: rows,
  growth,
  afterClose,
};

if (!jsonOnly) {
  const table = [
    ["round", "calls", "heap MB", "old space MB", "resources", "sockets", "timers", "listeners", "batch listeners", "logins", "retries", "budget refusals", "s"],
    ...rows.map((row) => [row.round, row.calls, row.heapMb.toFixed(2), row.heapSpacesMb.old.toFixed(2), row.resources, row.sockets, row.timers, row.listeners, row.batchListeners, row.logins, row.retries, row.budgetRefusals, row.elapsedS]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((cell, j) => String(cell).padStart(widths[j])).join(" | "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  }
  console.log(`\ngrowth per 10,000 calls (slope over ${rows.length} checkpoints, ${result.calls} calls after warm-up): heap ${growth.heapKbPer10kCalls} KB (old space ${growth.oldSpaceKbPer10kCalls} KB), resources ${growth.resourcesPer10kCalls}, timers ${growth.timersPer10kCalls}, listeners on the long-lived signal ${growth.listenersPer10kCalls}`);
  console.log(`heap first → last checkpoint: ${first.heapMb.toFixed(2)} → ${last.heapMb.toFixed(2)} MB (${growth.heapMbFirstToLast >= 0 ? "+" : ""}${growth.heapMbFirstToLast.toFixed(2)})`);
  console.log(`outcomes (${unexpected} not as the incident intended):`);
  for (const [key, n] of Object.entries(result.outcomes)) console.log(`  ${String(n).padStart(6)}  ${key}`);
  console.log(`after close(): ${openSockets() ?? "?"} sockets; ${Object.entries(afterClose).map(([k, n]) => `${k}×${n}`).join(", ") || "no active resources"}\n`);
}
console.log(JSON.stringify(result, null, jsonOnly ? 0 : 2));
