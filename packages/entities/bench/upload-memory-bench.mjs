#!/usr/bin/env node
// @sg/entities upload memory bench: the peak RSS growth of a process that uploads a large file from disk with
// `upload()`, over both routes — straight to the site (`/upload/upload_file`, one multipart form post) and the cloud
// route (`s3_direct_uploads_enabled`: 20,000,000-byte parts PUT to storage, then linked). The "site" is a node:http
// server on 127.0.0.1 in this process that reads every body to its end and keeps none of it; each upload runs in a
// fresh child process (so none inherits another's heap), which reports its RSS before the upload and its peak
// (`VmHWM` of /proc/self/status, the kernel's high-water mark, plus samples every 5 ms where there is no /proc).
//
//   npm run bench:upload -w @sg/entities                  (builds first; 200 MB and 1 GB)
//   node bench/upload-memory-bench.mjs --mb 200,1000      (sizes in MB of 1,000,000 bytes)
//   node bench/upload-memory-bench.mjs --json-only
//
// No target is asserted: the table says how much memory an upload of each size holds.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
import { entityApi } from "../dist/index.js";
import { highWaterMark } from "./high-water-mark.mjs";

const jsonOnly = process.argv.includes("--json-only");
const log = (...a) => { if (!jsonOnly) console.error(...a); };
const MB = 1_000_000;

// The child: upload `path` to Version 1's sg_uploaded_movie on `site`, by the route `info` announces. ----------
async function uploadChild(site, path) {
  const client = createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "bench", scriptKey: "k".repeat(40) }) });
  const api = entityApi(client);
  await api.info(); // warm: the client, the transport and the info cached before the baseline
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const id = await api.upload("Version", 1, path, { fieldName: "sg_uploaded_movie" });
  const elapsedMs = Math.round(performance.now() - t0);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, highWaterMark() ?? 0);
  await client.close();
  return { id, elapsedMs, baseRssMb: Math.round(base / 2 ** 20), peakRssMb: Math.round(peak / 2 ** 20), peakGrowthMb: Math.round((peak - base) / 2 ** 20) };
}

// The site: answers info and the upload steps, reads every body to its end and keeps none of it. ------------
async function sinkSite(cloud) {
  const received = { bytes: 0, requests: [] };
  const server = createServer((req, res) => {
    let bytes = 0;
    let json = "";
    const rpc = req.url === "/api3/json";
    req.on("data", (chunk) => {
      bytes += chunk.length;
      if (rpc) json += chunk;
    });
    req.on("end", () => {
      received.bytes += bytes;
      received.requests.push(`${req.method} ${req.url}`);
      const origin = `http://${req.headers.host}`;
      const text = (body, headers = {}) => {
        res.writeHead(200, { "content-type": "text/plain", ...headers });
        res.end(body);
      };
      if (rpc) {
        const method = JSON.parse(json).method_name;
        const results = method === "info" ? { version: [8, 50, 0], s3_direct_uploads_enabled: cloud, s3_enabled_upload_types: { Version: ["sg_uploaded_movie"] } } : {};
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ results }));
      }
      if (req.method === "PUT") return text("", { etag: `"part-${received.requests.length}"` });
      if (req.url === "/upload/api_get_upload_link_info") return text(`1\n${origin}/storage/1\n1700000000\nAttachment\nupload-1\n`);
      if (req.url === "/upload/api_get_upload_link_for_part") return text(`1\n${origin}/storage/1/part\n`);
      if (req.url === "/upload/api_complete_multipart_upload") return text("1\n");
      return text("1:1\n");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A file of `bytes` bytes (not sparse: every block written, so reading it costs what a real file does). */
async function bigFile(path, bytes) {
  const handle = await open(path, "w");
  const chunk = Buffer.alloc(8 * 2 ** 20, 0x5a);
  for (let written = 0; written < bytes; ) {
    const n = Math.min(chunk.length, bytes - written);
    await handle.write(chunk, 0, n);
    written += n;
  }
  await handle.close();
}

async function run() {
  const sizes = (process.argv.includes("--mb") ? process.argv[process.argv.indexOf("--mb") + 1] : "200,1000").split(",").map(Number);
  const dir = mkdtempSync(join(tmpdir(), "sg-bench-upload-"));
  const rows = [];
  try {
    for (const mb of sizes) {
      const path = join(dir, `big-${mb}.mov`);
      await bigFile(path, mb * MB);
      for (const route of ["direct", "cloud"]) {
        const site = await sinkSite(route === "cloud");
        try {
          log(`upload: ${mb} MB, ${route} route, in a fresh process…`);
          const stdout = await new Promise((resolve, reject) =>
            execFile(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--upload-child", site.url, path], { maxBuffer: 1 << 20 }, (e, out) => (e ? reject(e) : resolve(out))),
          );
          const result = JSON.parse(stdout);
          rows.push({ fileMb: mb, route, ...result, bodyBytesReceived: site.received.bytes });
        } finally {
          await site.close();
        }
      }
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv.includes("--upload-child")) {
  const [site, path] = process.argv.slice(process.argv.indexOf("--upload-child") + 1);
  console.log(JSON.stringify(await uploadChild(site, path)));
} else {
  const rows = await run();
  if (!jsonOnly) {
    const table = [["file", "route", "time", "RSS before → peak", "peak growth"], ...rows.map((r) => [`${r.fileMb} MB`, r.route === "direct" ? "/upload/upload_file" : "cloud (20 MB parts)", `${r.elapsedMs} ms`, `${r.baseRssMb} → ${r.peakRssMb} MB`, `+${r.peakGrowthMb} MB`])];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    console.log(`upload() of a file from disk, Node ${process.version}, peak RSS of the uploading process (MiB)`);
    for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
  }
  console.log(JSON.stringify({ node: process.version, uploads: rows }));
}
