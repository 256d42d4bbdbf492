#!/usr/bin/env node
// @sg/transport per-call overhead bench. Runs over the built dist against a node:http server on 127.0.0.1 in a
// child process (so the server's CPU is not counted here) that answers every POST with one fixed
// `{"results": …}` body of realistic size. Side by side in one run, interleaved in rotating blocks to cancel
// drift, it measures median / p95 µs per call of:
//
//   bare      fetch POST + JSON.parse of the body (the floor)
//   ofetch    ofetch's $fetch.raw with the options the transport uses (responseType arrayBuffer, retry off, …)
//   transport jsonRpcTransport().send() directly (envelope, headers, deadline, attempt loop, decode)
//   client    createClient(…).call("read", …) with a cached-credentials auth strategy (core + transport)
//
//   npm run bench -w @sg/transport            (builds first)
//   node bench/transport-bench.mjs [--json-only] [--calls 4000] [--block 100] [--body-kb 3] [--baseline <dist>]
//
// --baseline <dir> also runs `transport` and `client` over another build of this package (e.g. the previous
// commit's dist, built elsewhere) in the same interleaved run, as `transport@base` / `client@base`.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createFetch } from "ofetch";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "../dist/index.js";

const argv = process.argv.slice(2);
const argText = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const arg = (name, fallback) => (argText(name) === undefined ? fallback : Number(argText(name)));

/** The fixed answer: a `read` result page of `n` shots, about `kb` KB of JSON. */
function responseBody(kb) {
  const entities = [];
  let text = "";
  for (let id = 1; text.length < kb * 1024; id++) {
    entities.push({
      type: "Shot",
      id,
      code: `SEQ010_SH${String(id * 10).padStart(4, "0")}`,
      sg_status_list: ["ip", "fin", "wtg", "hld"][id % 4],
      description: `Shot ${id}: the hero walks into the courtyard and looks up at the tower — é ü ñ`,
      sg_cut_in: 1001,
      sg_cut_out: 1001 + id * 7,
      updated_at: "2024-05-01T10:12:13Z",
      project: { type: "Project", id: 70, name: "Demo Project" },
    });
    text = JSON.stringify({ results: { entities, paging_info: { entity_count: entities.length, current_page: 1, entities_per_page: 500, page_count: 1 } } });
  }
  return text;
}

/**
 * Start the server child. Its stdin is a pipe from this process, which it watches: when this process ends, however
 * it ends (an error, a signal, even SIGKILL), the pipe closes and the server exits, so no server is left listening.
 * `close()` stops it and resolves once it has exited.
 */
async function startServer(bodyKb) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--server", "--body-kb", String(bodyKb)], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    const card = await new Promise((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d) => {
        buf += d;
        const nl = buf.indexOf("\n");
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    return { ...card, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function main() {
  const jsonOnly = argv.includes("--json-only");
  const log = (...a) => { if (!jsonOnly) console.error(...a); };
  const N = arg("calls", 4000);
  const BLOCK = arg("block", 100);
  const WARMUP = arg("warmup", 500);
  const server = await startServer(arg("body-kb", 3));
  try {
    await measure(server, jsonOnly, log, N, BLOCK, WARMUP);
  } finally {
    await server.close();
  }
}

async function measure(server, jsonOnly, log, N, BLOCK, WARMUP) {
  const site = `http://127.0.0.1:${server.port}`;
  const url = `${site}/api3/json`;

  const credentials = Object.freeze({ kind: "script", scriptName: "bench", scriptKey: "0123456789abcdef0123456789abcdef" });
  const payload = {
    type: "Shot",
    filters: { logical_operator: "and", conditions: [{ path: "id", relation: "is", values: [1] }] },
    return_fields: ["code", "sg_status_list"],
    return_only: "active",
    paging: { entities_per_page: 1, current_page: 1 },
    api_return_image_urls: true,
    return_paging_info_without_counts: true,
  };
  const wire = JSON.stringify({ method_name: "read", params: [{ script_name: credentials.scriptName, script_key: credentials.scriptKey }, payload] });
  const check = (r) => { if (!r.entities?.length) throw new Error("no result"); };

  const bare = async () => {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body: wire });
    check((await r.json()).results);
  };
  const $fetch = createFetch({ fetch: (input, init) => globalThis.fetch(input, init) });
  const ofetchHeaders = { "user-agent": "bench", "content-type": "application/json; charset=utf-8", "accept-encoding": "gzip, deflate" };
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const ofetchRaw = async () => {
    const r = await $fetch.raw(url, {
      method: "POST", headers: ofetchHeaders, body: encoder.encode(wire), redirect: "manual", retry: false, ignoreResponseError: true, responseType: "arrayBuffer",
    });
    check(JSON.parse(decoder.decode(r._data)).results);
  };
  const transport = jsonRpcTransport();
  const context = { site: Object.freeze({ href: site, origin: site, basePath: "", hostname: "127.0.0.1", insecure: true }), logger: { debug() {}, info() {}, warn() {}, error() {} }, clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) } };
  const direct = async () => check(await transport.send({ method: "read", payload, credentials, kind: "read" }, context));
  const cachedAuth = { name: "cached", credentials: () => Promise.resolve(credentials) };
  const client = createClient({ site, transport: jsonRpcTransport(), auth: cachedAuth });
  const viaClient = async () => check(await client.call("read", payload));

  const variants = [["bare", bare], ["ofetch", ofetchRaw], ["transport", direct], ["client", viaClient]];
  const closers = [transport, client];
  const baselineDir = argText("baseline");
  if (baselineDir) {
    const base = await import(pathToFileURL(join(resolve(baselineDir), "index.js")).href);
    const baseTransport = base.jsonRpcTransport();
    const baseClient = createClient({ site, transport: base.jsonRpcTransport(), auth: cachedAuth });
    closers.push(baseTransport, baseClient);
    variants.push(
      ["transport@base", async () => check(await baseTransport.send({ method: "read", payload, credentials, kind: "read" }, context))],
      ["client@base", async () => check(await baseClient.call("read", payload))],
    );
  }
  for (let i = 0; i < WARMUP; i++) for (const [, fn] of variants) await fn();
  const samples = Object.fromEntries(variants.map(([name]) => [name, []]));
  const totals = Object.fromEntries(variants.map(([name]) => [name, 0]));
  for (let done = 0, block = 0; done < N; done += BLOCK, block++) {
    // rotate the order every block so no variant always runs right after the same one
    const order = variants.map((_, i) => variants[(i + block) % variants.length]);
    for (const [name, fn] of order) {
      const start = performance.now();
      for (let i = 0; i < BLOCK; i++) {
        const s = performance.now();
        await fn();
        samples[name].push(performance.now() - s);
      }
      totals[name] += performance.now() - start;
    }
  }
  for (const c of closers) await c.close();

  const bareMedian = median(samples.bare);
  const rows = variants.map(([name]) => {
    const us = samples[name].map((ms) => ms * 1000);
    const m = median(us);
    return { variant: name, medianUs: round(m), p95Us: round(pct(us, 0.95)), meanUs: round((totals[name] * 1000) / us.length), overBare: round(m / (bareMedian * 1000), 3), overheadUs: round(m - bareMedian * 1000) };
  });
  const result = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    callsPerVariant: N,
    block: BLOCK,
    responseBytes: server.bytes,
    requestBytes: Buffer.byteLength(wire),
    ...(baselineDir ? { baseline: baselineDir } : {}),
    variants: rows,
  };
  log(`@sg/transport bench — ${N} sequential calls per variant, blocks of ${BLOCK}, interleaved; response ${server.bytes} B, request ${result.requestBytes} B`);
  log(`${process.version} ${result.platform}\n`);
  log(`variant          median µs    p95 µs   mean µs   × bare   +µs vs bare`);
  for (const r of rows) {
    log(`${r.variant.padEnd(15)} ${String(r.medianUs).padStart(9)} ${String(r.p95Us).padStart(9)} ${String(r.meanUs).padStart(9)} ${r.overBare.toFixed(3).padStart(8)} ${String(r.overheadUs).padStart(12)}`);
  }
  log("");
  console.log(JSON.stringify(result, null, jsonOnly ? 0 : 2));
}

// ---- server (child process) ------------------------------------------------------------------------------
function serve() {
  const body = Buffer.from(responseBody(arg("body-kb", 3)));
  const server = createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port, bytes: body.length })}\n`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  // The bench's end, however it came: the pipe from it closes.
  process.stdin.on("end", stop).on("error", stop).resume();
}

if (argv.includes("--server")) serve();
else await main();
