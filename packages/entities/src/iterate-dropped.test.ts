// An iterator driven by hand (`next()`, to peek at the first record) and then dropped without `return()` never runs
// its `finally`. On a client whose `defaults.signal` lives as long as the app (a daemon's shutdown signal), what it
// registered on that signal must not keep its pages alive. A child process (its heap alone, full GCs) drops 40 such
// iterators over a node:http site on 127.0.0.1 whose pages hold 500 Shots of 2 KB each.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ENTITIES_DIST, exitChild } from "./test-support/exit-child.js";

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe("an iterate() dropped unclosed on a client with a long-lived defaults.signal", () => {
  it("leaves its pages to the garbage collector", async () => {
    const page = JSON.stringify({
      results: { entities: Array.from({ length: 500 }, (_, i) => ({ type: "Shot", id: i + 1, code: "x", description: "d".repeat(2048) })), paging_info: { has_next_page: true } },
    });
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end((JSON.parse(body) as { method_name: string }).method_name === "info" ? JSON.stringify({ results: { version: [8, 50, 0], api_max_entities_per_page: 500 } }) : page);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const { reported } = exitChild(
      `
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createClient } from "@sg/core";
import { entityApi } from ${ENTITIES_DIST};
import { jsonRpcTransport } from "@sg/transport";
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
const shutdown = new AbortController();
const sg = createClient({ site: process.env.SITE, transport: jsonRpcTransport(), defaults: { signal: shutdown.signal }, auth: { name: "test", credentials: async () => ({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16) }) } });
const api = entityApi(sg);
const peek = async () => (await api.iterate("Shot", [], ["code", "description"], { concurrency: 2 })[Symbol.asyncIterator]().next()).value;
const settle = async () => { for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 20)); gc(); } };
for (let i = 0; i < 3; i++) await peek();
await settle();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 40; i++) await peek();
await settle();
process.send((process.memoryUsage().heapUsed - before) / 2 ** 20);
process.disconnect();
`,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    // Each kept iterator would hold its read pages (about 1 MB each), so 40 of them 40 MB and more.
    expect(await reported).toBeLessThan(12);
  }, 60_000);
});
