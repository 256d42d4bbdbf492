#!/usr/bin/env node
// @sg/core bench: what calls that give up while shared work stays pending leave in memory. For each kind of wait, a
// client makes N calls, one after another, each ended by its own AbortSignal.timeout(1) (or deadlineMs: 1) while the
// work it waits for never settles; then the work settles. Prints the heap (after gc) before, after the N calls and
// after the work settled, per kind, as a table and a JSON document. In process, no network: what is measured is core.
//
//   npm run build -w @sg/core && node --expose-gc packages/core/bench/abandoned-waits-bench.mjs [--calls 20000]
import { createClient, SgAuthError, shareUntilAbandoned } from "../dist/index.js";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc: each checkpoint forces a GC before measuring");
const at = process.argv.indexOf("--calls");
const N = at >= 0 ? Number(process.argv[at + 1]) : 20_000;
const CREDS = Object.freeze({ kind: "script", scriptName: "bench", scriptKey: "k".repeat(40) });
const OLD = Object.freeze({ kind: "script", scriptName: "bench", scriptKey: "o".repeat(40) });

/** Heap in KB once GCs with pauses between have run (what they free is counted after the pause). */
async function heapKB() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  globalThis.gc();
  return Math.round(process.memoryUsage().heapUsed / 1024);
}

/** A client whose `kind` of wait stays pending until `settle()`, and how one call of it gives up. */
function scenario(kind) {
  let settle;
  const work = new Promise((resolve) => (settle = resolve));
  let shared;
  // The site's answer to `info` comes once the work settles. As a real transport, a request whose signal aborts
  // (core aborts the shared info request once every caller has left) rejects at once and holds nothing more: the
  // requests still waiting are in one set, which the work's single reaction answers.
  const waitingInfo = new Set();
  let settled = false;
  work.then(() => {
    settled = true;
    for (const answer of waitingInfo) answer({ version: [8, 50, 0] });
    waitingInfo.clear();
  });
  const info = (signal) => {
    if (settled) return Promise.resolve({ version: [8, 50, 0] });
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        waitingInfo.delete(answer);
        reject(signal.reason);
      };
      const answer = (value) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(value);
      };
      waitingInfo.add(answer);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };
  const auth = {
    name: kind,
    credentials: (ctx) => {
      if (kind === "shared login") return (shared ??= shareUntilAbandoned(() => work, () => (shared = undefined))).join(ctx.signal);
      if (kind === "refresh" || kind === "info") return Promise.resolve(kind === "refresh" ? OLD : CREDS);
      return work;
    },
    onRejected: () => work,
  };
  const transport = {
    name: "in-process",
    send: async (request) => {
      if (request.method === "info") return info(request.signal);
      if (request.credentials === OLD) throw new SgAuthError("refused", { method: request.method });
      return [];
    },
  };
  const sg = createClient({ site: "https://bench.example.com", transport, auth });
  const call =
    kind === "info"
      ? () => sg.info({ signal: AbortSignal.timeout(1) })
      : () => sg.call("read", { type: "Shot" }, kind === "deadline" ? { deadlineMs: 1 } : { signal: AbortSignal.timeout(1) });
  return { call, settle: () => settle(CREDS) };
}

// AbortSignal.timeout()'s timer does not keep the process alive, and nothing else would while every call waits.
const keepAlive = setInterval(() => {}, 1000);
const KINDS = ["credentials", "deadline", "shared login", "refresh", "info"];
// Warm up (compiled code, first allocations), so that the first row does not count them.
for (const kind of KINDS) {
  const { call, settle } = scenario(kind);
  for (let i = 0; i < 500; i++) await call().catch(() => {});
  settle();
}
const rows = [];
for (const kind of KINDS) {
  const { call, settle } = scenario(kind);
  const before = await heapKB();
  for (let i = 0; i < N; i++) await call().catch(() => {});
  const pending = await heapKB();
  settle();
  const after = await heapKB();
  rows.push({ wait: kind, calls: N, "before KB": before, "work pending KB": pending, "settled KB": after, "B per call": Math.round(((pending - before) * 1024) / N) });
}
clearInterval(keepAlive);
console.table(rows);
console.log(JSON.stringify({ node: process.version, calls: N, rows }));
