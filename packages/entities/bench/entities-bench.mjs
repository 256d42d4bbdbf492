#!/usr/bin/env node
// @sg/entities bench: runs against sg-emulator child processes on loopback (so the emulator's memory and CPU
// are not counted in this process), side by side in one run. Prints a table and a JSON document.
//
//   npm run bench -w @sg/entities            (builds first)
//   node bench/entities-bench.mjs --json-only
//   node bench/entities-bench.mjs --only overhead|dates|concurrency|iterate|download   (one part, JSON only)
//   node bench/entities-bench.mjs --only download --download-mb 1024       (size of the download part's file)
//
// 1. per-call overhead: 2,000 sequential findOne vs a bare fetch POST of the same JSON (target ≤ 1.15×)
// 1b. a 500-row page with 10 date_time fields: find (Dates), find (dates: "string") and a bare fetch (no target)
// 2. 20,000-row find with 20 ms latency: sequential vs concurrency 8 (target ≥ 4×, ≤ 1.5× the floor)
// 3. iterate() over 100,000 rows: peak RSS growth (target ≤ 64 MB) of a fresh child process (VmHWM on Linux)
// 4. downloadAttachment of a large file (default 512 MB) from a node:http server in this process: peak RSS
//    growth of a child process that streams it to disk (filePath), one that reads openAttachment's stream and
//    writes each chunk to a file, and one that takes the bytes and writes them (the bytes path); each variant in a
//    fresh process, so none inherits another's heap.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
import { entityApi } from "../dist/index.js";
import { ownChild, startEmulatorChild } from "./emulator-child.mjs";
import { highWaterMark, resetHighWaterMark } from "./high-water-mark.mjs";

const jsonOnly = process.argv.includes("--json-only");
const log = (...a) => { if (!jsonOnly) console.error(...a); };

async function emulator(args) {
  const child = await startEmulatorChild(args);
  const script = child.card.scripts[0];
  return {
    card: child.card,
    url: child.url,
    script,
    latency: (ms) => child.admin("latency", { ms }),
    api: (options) => {
      const client = createClient({ site: child.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
      return { client, api: entityApi(client, options) };
    },
    close: child.close,
  };
}

/** Run `fn(emu)` against a fresh emulator child, and stop that child however `fn` ends. */
async function withEmulator(args, fn) {
  const emu = await emulator(args);
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const now = () => performance.now();

// 1. per-call overhead ------------------------------------------------------------------------------------
function overhead() {
  return withEmulator([], async (emu) => {
    const { client, api } = emu.api();
    let payload;
    const recording = entityApi(createClient({
      site: emu.url,
      transport: { name: "capture", send: async (req, ctx) => { if (req.method === "read") payload = req.payload; return client.transport.send(req, ctx); } },
      auth: scriptAuth({ scriptName: emu.script.name, scriptKey: emu.script.key }),
    }));
    const filters = [["id", "is", 1]];
    const fields = ["code", "sg_status_list"];
    await recording.findOne("Shot", filters, fields);
    const body = JSON.stringify({ method_name: "read", params: [{ script_name: emu.script.name, script_key: emu.script.key }, payload] });
    const bare = async () => {
      const r = await fetch(`${emu.url}/api3/json`, { method: "POST", headers: { "content-type": "application/json" }, body });
      const j = await r.json();
      if (!j.results?.entities?.length) throw new Error("bare fetch got no result");
    };
    const ours = async () => {
      const r = await api.findOne("Shot", filters, fields);
      if (!r) throw new Error("findOne got no result");
    };
    // the same read through the core client and the transport, without @sg/entities: splits the overhead
    const core = async () => {
      const r = await client.call("read", payload);
      if (!r.entities.length) throw new Error("client.call got no result");
    };
    for (let i = 0; i < 300; i++) { await bare(); await ours(); await core(); } // warm-up (JIT, keep-alive, info cache)
    // Side by side, call by call: each round runs one call of each kind, in a rotating order, so the three
    // see the same machine (a busy neighbour, a GC, CPU frequency) instead of one getting a quieter stretch.
    const N = 2000;
    const cases = [["ours", ours], ["bare", bare], ["core", core]];
    const t = { ours: [], bare: [], core: [] };
    const totals = { ours: 0, bare: 0, core: 0 };
    for (let round = 0; round < N; round++) {
      for (let k = 0; k < cases.length; k++) {
        const [name, fn] = cases[(round + k) % cases.length];
        const s = now();
        await fn();
        const d = now() - s;
        t[name].push(d);
        totals[name] += d;
      }
    }
    await client.close();
    const result = {
      calls: N,
      findOneMedianMs: round(median(t.ours)), findOneP95Ms: round(pct(t.ours, 0.95)), findOneTotalMs: round(totals.ours, 1),
      bareFetchMedianMs: round(median(t.bare)), bareFetchP95Ms: round(pct(t.bare, 0.95)), bareFetchTotalMs: round(totals.bare, 1),
      coreCallMedianMs: round(median(t.core)), coreCallTotalMs: round(totals.core, 1),
      ratioMedian: round(median(t.ours) / median(t.bare)), ratioTotal: round(totals.ours / totals.bare),
      entitiesOverCoreCall: round(median(t.ours) / median(t.core)), coreCallOverBare: round(median(t.core) / median(t.bare)),
      target: "ratioMedian ≤ 1.15",
    };
    result.met = result.ratioMedian <= 1.15;
    return result;
  });
}

// 1b. a page of many date_time fields -------------------------------------------------------------------
// A node:http server in this process answers a 500-row page with 10 date_time and 8 text fields: find with dates as
// Dates (each decoded: the schema lookup, then every value parsed) and with dates: "string", vs a bare fetch.
async function datesPage() {
  const F = [...Array.from({ length: 10 }, (_, k) => `dt${k}`), ...Array.from({ length: 8 }, (_, k) => `f${k}`)];
  const rows = Array.from({ length: 500 }, (_, i) => ({ type: "Shot", id: i + 1, ...Object.fromEntries(F.map((f, k) => [f, k < 10 ? `2026-01-${String(1 + k).padStart(2, "0")}T09:${String(i % 60).padStart(2, "0")}:07Z` : `text ${k}`])) }));
  const page = JSON.stringify({ results: { entities: rows, paging_info: { entity_count: rows.length } } });
  const schema = JSON.stringify({ results: Object.fromEntries(F.map((f) => [f, { data_type: { value: f.startsWith("dt") ? "date_time" : "text" } }])) });
  const server = createServer((req, res) => {
    let b = "";
    req.on("data", (d) => (b += d));
    req.on("end", () => {
      const m = JSON.parse(b).method_name;
      res.setHeader("content-type", "application/json");
      res.end(m === "info" ? JSON.stringify({ version: [8, 50, 0], api_max_entities_per_page: 500 }) : m === "schema_field_read" ? schema : page);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const site = `http://127.0.0.1:${server.address().port}`;
  const auth = { scriptName: "bench", scriptKey: "k".repeat(40) };
  const make = (options) => entityApi(createClient({ site, allowInsecureHttp: true, transport: jsonRpcTransport(), auth: scriptAuth(auth) }), options);
  const dated = make(), strings = make({ dates: "string" });
  const body = JSON.stringify({ method_name: "read", params: [{ script_name: auth.scriptName, script_key: auth.scriptKey }, { type: "Shot", return_fields: F, filters: { logical_operator: "and", conditions: [] }, paging: { entities_per_page: 500, current_page: 1 } }] });
  const cases = [
    ["bare", async () => (await (await fetch(`${site}/api3/json`, { method: "POST", headers: { "content-type": "application/json" }, body })).json()).results.entities.length],
    ["dates", async () => (await dated.find("Shot", [], F, { limit: 500 })).length],
    ["strings", async () => (await strings.find("Shot", [], F, { limit: 500 })).length],
  ];
  for (let i = 0; i < 30; i++) for (const [, fn] of cases) await fn();
  const t = { bare: [], dates: [], strings: [] };
  for (let round = 0; round < 200; round++) {
    for (let k = 0; k < cases.length; k++) {
      const [name, fn] = cases[(round + k) % cases.length];
      const s = now();
      if ((await fn()) !== rows.length) throw new Error(`${name} got the wrong number of rows`);
      t[name].push(now() - s);
    }
  }
  server.close();
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  return {
    rows: rows.length, dateTimeFields: 10, textFields: 8,
    findDatesMedianMs: round(m.dates), findStringsMedianMs: round(m.strings), bareFetchMedianMs: round(m.bare),
    datesOverBare: round(m.dates / m.bare), stringsOverBare: round(m.strings / m.bare),
  };
}

// 2. 20,000 rows, sequential vs concurrency 8 -----------------------------------------------------------
function concurrency() {
  const ROWS = 20_000, LATENCY = 20, CONC = 8, RUNS = 3;
  return withEmulator(["--rows", String(ROWS)], async (emu) => {
    const { client, api } = emu.api({ dates: "string" });
    const info = await api.info();
    const pageSize = info.api_max_entities_per_page ?? 500;
    const filters = [["code", "starts_with", "R"]];
    const fields = ["code", "sg_status_list"];
    await api.find("Shot", filters, fields, { limit: 10 }); // warm-up
    // Reference without @sg/entities: the same 40 page reads as bare fetch POSTs, 8 at a time, at 0 and 20 ms.
    const wire = (p) => JSON.stringify({ method_name: "read", params: [{ script_name: emu.script.name, script_key: emu.script.key }, {
      type: "Shot", return_fields: fields, filters: { logical_operator: "and", conditions: [{ path: "code", relation: "starts_with", values: ["R"] }] },
      return_only: "active", api_return_image_urls: true, paging: { entities_per_page: pageSize, current_page: p }, return_paging_info_without_counts: true }] });
    const barePages = async (pages, width) => {
      const t0 = now();
      for (let b = 0; b < pages; b += width) {
        await Promise.all(Array.from({ length: Math.min(width, pages - b) }, async (_, i) => (await fetch(`${emu.url}/api3/json`, { method: "POST", body: wire(b + i + 1) })).json()));
      }
      return now() - t0;
    };
    const expectedPages = Math.ceil(ROWS / pageSize);
    const bareSeq0 = await barePages(expectedPages, 1);
    const bareConc0 = await barePages(expectedPages, CONC);
    await emu.latency(LATENCY);
    const bareConc = [];
    for (let r = 0; r < RUNS; r++) bareConc.push(await barePages(expectedPages, CONC));
    const seq = [], par = [];
    let count = 0;
    for (let r = 0; r < RUNS; r++) {
      let s = now(); const a = await api.find("Shot", filters, fields); seq.push(now() - s);
      s = now(); const b = await api.find("Shot", filters, fields, { concurrency: CONC }); par.push(now() - s);
      if (a.length !== ROWS || b.length !== ROWS || a[ROWS - 1].id !== b[ROWS - 1].id) throw new Error(`row count mismatch: ${a.length} / ${b.length}`);
      count = a.length;
    }
    await client.close();
    const pages = Math.ceil(count / pageSize);
    const floor = Math.ceil(pages / CONC) * LATENCY;
    const result = {
      rows: count, pageSize, pages, latencyMs: LATENCY, concurrency: CONC, runs: RUNS,
      sequentialMedianMs: round(median(seq), 1), concurrentMedianMs: round(median(par), 1),
      speedup: round(median(seq) / median(par), 2), floorMs: floor, vsFloor: round(median(par) / floor, 2),
      target: "speedup ≥ 4 and vsFloor ≤ 1.5",
      reference: {
        note: "bare fetch POSTs of the same pages, no @sg/entities: the emulator's own per-page cost bounds what any client can reach",
        bareSequentialZeroLatencyMs: round(bareSeq0, 1), bareConcurrentZeroLatencyMs: round(bareConc0, 1),
        bareConcurrentMedianMs: round(median(bareConc), 1), entitiesOverBareConcurrent: round(median(par) / median(bareConc), 2),
      },
    };
    result.met = result.speedup >= 4 && result.vsFloor <= 1.5;
    return result;
  });
}

// 3. iterate() over 100,000 rows: peak RSS growth, in a fresh child process ------------------------------
// Run in a process of its own, as the download part is: in this one, the parts before it have already grown the
// heap and RSS, so iterate() could hold every row and still stay under the peak they left (it read +0 MB).

/** In the child: iterate over 100,000 rows of an emulator (a child of its own) and measure this process's peak. */
function iterateChild() {
  const ROWS = 100_000;
  return withEmulator(["--rows", String(ROWS)], async (emu) => {
    const { client, api } = emu.api({ dates: "string" });
    await api.find("Shot", [], ["code"], { limit: 10 }); // warm-up: info, the first page's code paths
    globalThis.gc?.();
    // The kernel's peak (VmHWM), reset here, counts every page touched, also between two samples; the 5 ms samples
    // of process.memoryUsage() are the fallback off Linux, and give the heap's peak.
    const hwm = resetHighWaterMark() && highWaterMark() !== undefined;
    const base = process.memoryUsage().rss;
    const baseHeap = process.memoryUsage().heapUsed;
    let peak = base, peakHeap = baseHeap, n = 0, last = 0;
    const sample = () => { const m = process.memoryUsage(); peak = Math.max(peak, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); };
    const timer = setInterval(sample, 5);
    const start = now();
    try {
      for await (const shot of api.iterate("Shot", [["code", "starts_with", "R"]], ["code", "sg_status_list", "description", "sg_cut_in", "sg_cut_out"])) {
        n++;
        last = shot.id;
        if (n % 5000 === 0) sample();
      }
    } finally {
      clearInterval(timer);
    }
    const elapsed = now() - start;
    sample();
    if (hwm) peak = Math.max(peak, highWaterMark());
    await client.close();
    const growthMb = (peak - base) / 2 ** 20;
    return {
      rows: n, lastId: last, elapsedMs: round(elapsed, 1), peakFrom: hwm ? "VmHWM of a fresh process" : "5 ms samples in a fresh process",
      baseRssMb: round(base / 2 ** 20, 1), peakRssMb: round(peak / 2 ** 20, 1), peakGrowthMb: round(growthMb, 1), peakHeapGrowthMb: round((peakHeap - baseHeap) / 2 ** 20, 1),
      target: "peakGrowthMb ≤ 64", met: growthMb <= 64,
    };
  });
}

async function iterateMemory() {
  log("iterate: 100,000 rows in a fresh process…");
  return JSON.parse(await runChild(["--iterate-child"]));
}

/** Run this script again in a fresh process (`node --expose-gc`) with `args`; resolves its stdout. */
function runChild(args) {
  return new Promise((resolve, reject) => {
    ownChild(execFile(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...args], { maxBuffer: 1 << 20 }, (e, stdout, stderr) => (e ? reject(new Error(`${e.message}${stderr}`)) : resolve(stdout))));
  });
}

// 4. a large download: streamed to disk vs bytes, peak RSS growth, each in a fresh child process ---------------
/**
 * In the child: download `url`'s attachment 1 streamed (`filePath`), as bytes (then written), or opened as a stream
 * (`openAttachment`) piped to a file, sampling RSS.
 */
async function downloadChild(mode, site, path) {
  const client = createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "bench", scriptKey: "0".repeat(64) }) });
  const api = entityApi(client);
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = now();
  if (mode === "streamed") await api.downloadAttachment(1, { filePath: path });
  else if (mode === "open") {
    const file = await open(path, "w");
    try {
      for await (const chunk of (await api.openAttachment(1)).stream) await file.write(chunk);
    } finally {
      await file.close();
    }
  }
  else await writeFile(path, await api.downloadAttachment(1));
  const elapsed = now() - start;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await client.close();
  return { mode, elapsedMs: round(elapsed, 1), baseRssMb: round(base / 2 ** 20, 1), peakRssMb: round(peak / 2 ** 20, 1), peakGrowthMb: round((peak - base) / 2 ** 20, 1) };
}

async function downloadMemory() {
  const mb = Number(process.argv.includes("--download-mb") ? process.argv[process.argv.indexOf("--download-mb") + 1] : 512);
  const chunk = Buffer.alloc(1 << 20, createHash("sha256").update("bench").digest());
  // A site that hands out a session token and serves attachment 1: `mb` MiB generated on the fly.
  const server = createServer(async (req, res) => {
    if (req.method === "POST") {
      req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { session_id: "bench" } })));
      return;
    }
    res.writeHead(200, { "content-type": "video/quicktime", "content-length": String(mb * chunk.length) });
    for (let i = 0; i < mb; i++) if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
    res.end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const site = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), "sg-bench-download-"));
  const runs = {};
  try {
    for (const mode of ["streamed", "open", "bytes"]) {
      const path = join(dir, `${mode}.mov`);
      log(`download: ${mb} MB ${mode} in a fresh process…`);
      const out = await runChild(["--download-child", mode, site, path]);
      runs[mode] = { ...JSON.parse(out), fileMb: round(statSync(path).size / 2 ** 20, 1) };
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    server.close();
  }
  return { fileMb: mb, streamed: runs.streamed, open: runs.open, bytes: runs.bytes, growthRatio: round(runs.bytes.peakGrowthMb / Math.max(1, runs.streamed.peakGrowthMb), 1) };
}

if (process.argv.includes("--iterate-child")) {
  console.log(JSON.stringify(await iterateChild()));
  process.exit(0);
}
if (process.argv.includes("--download-child")) {
  const [mode, site, path] = process.argv.slice(process.argv.indexOf("--download-child") + 1);
  console.log(JSON.stringify(await downloadChild(mode, site, path)));
  process.exit(0);
}

const results = { node: process.version, platform: `${process.platform} ${process.arch}`, date: new Date().toISOString() };
log("@sg/entities bench — emulator on loopback (child process)\n");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
if (!only || only === "overhead") results.overhead = await overhead();
if (!only || only === "dates") results.dates = await datesPage();
if (!only || only === "concurrency") results.concurrency = await concurrency();
if (!only || only === "iterate") results.iterate = await iterateMemory();
if (!only || only === "download") results.download = await downloadMemory();

if (!jsonOnly && !only) {
  const o = results.overhead, c = results.concurrency, m = results.iterate;
  const rows = [
    ["benchmark", "measure", "value", "target", "met"],
    ["findOne ×2000", `median ${o.findOneMedianMs} ms vs bare fetch ${o.bareFetchMedianMs} ms`, `${o.ratioMedian}× (total ${o.ratioTotal}×)`, "≤ 1.15×", o.met ? "yes" : "NO"],
    ["  split", `client.call (core+transport) ${o.coreCallMedianMs} ms`, `core+transport ${o.coreCallOverBare}× bare; entities ${o.entitiesOverCoreCall}× core`, "", ""],
    [`find ${results.dates.rows} rows × ${results.dates.dateTimeFields} date_time`, `Dates ${results.dates.findDatesMedianMs} ms, strings ${results.dates.findStringsMedianMs} ms, bare fetch ${results.dates.bareFetchMedianMs} ms`, `${results.dates.datesOverBare}× (strings ${results.dates.stringsOverBare}×)`, "", ""],
    [`find ${c.rows} rows, ${c.latencyMs} ms latency`, `sequential ${c.sequentialMedianMs} ms vs concurrency ${c.concurrency} ${c.concurrentMedianMs} ms`, `${c.speedup}× faster, ${c.vsFloor}× floor (${c.floorMs} ms)`, "≥ 4×, ≤ 1.5× floor", c.met ? "yes" : "NO"],
    ["  reference", `bare fetch, same pages ${c.concurrency} at a time: ${c.reference.bareConcurrentMedianMs} ms at ${c.latencyMs} ms, ${c.reference.bareConcurrentZeroLatencyMs} ms at 0 ms`, `entities ${c.reference.entitiesOverBareConcurrent}× bare`, "", ""],
    [`iterate() ${m.rows} rows`, `${m.elapsedMs} ms, RSS ${m.baseRssMb} → ${m.peakRssMb} MB (${m.peakFrom})`, `+${m.peakGrowthMb} MB`, "≤ 64 MB", m.met ? "yes" : "NO"],
    ...["streamed", "open", "bytes"].map((mode) => {
      const d = results.download[mode];
      return [`download ${results.download.fileMb} MB, ${{ streamed: "filePath (streamed)", open: "openAttachment, chunks written to a file", bytes: "bytes + writeFile" }[mode]}`, `${d.elapsedMs} ms, RSS ${d.baseRssMb} → ${d.peakRssMb} MB`, `+${d.peakGrowthMb} MB`, "", ""];
    }),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, j) => String(cell).padEnd(widths[j])).join(" | "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  }
  console.log("");
}
console.log(JSON.stringify(results, null, 2));
