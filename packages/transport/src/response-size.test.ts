// maxResponseBytes: an RPC answer is not read past the limit (counted as it comes, or refused from its
// content-length), fails with SgProtocolError naming the limit and the option, and is not retried.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SgProtocolError } from "@sg/core";
import type { Credentials, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, json, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
const create = () => ({ method: "create", payload: { type: "Shot", data: { code: "x" } }, credentials: script, kind: "write" as const });
const LIMIT = 100_000;
const CHUNK = Buffer.alloc(64 * 1024, " ");

function expectTooLarge(err: SgError): void {
  expect(err).toBeInstanceOf(SgProtocolError);
  expect(err.reason).toBe(`The site answered 'read' with more than maxResponseBytes, ${LIMIT} bytes (HTTP 200)`);
  expect(err.hint).toBe("Ask for less per call (fewer fields, a smaller page), or raise maxResponseBytes.");
  expect(err.attempts).toHaveLength(1);
}

describe("maxResponseBytes", () => {
  it("an endless chunked answer is cut at the limit: the connection is dropped, nothing more is read, no retry", async () => {
    let written = 0;
    let dropped = false;
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
      res.on("close", () => (dropped = !res.writableFinished));
      const more = (): void => {
        // at most 64 MB, far past the limit: the client must stop long before
        while (!res.destroyed && written < 64 * 1024 * 1024) {
          written += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once("drain", more);
        }
        if (!res.destroyed) res.end("]}");
      };
      more();
    });
    const err = await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(read(), contextFor(server.url, fakeClock())));
    expectTooLarge(err);
    await expect.poll(() => dropped).toBe(true);
    expect(written).toBeLessThan(16 * 1024 * 1024);
    expect(server.requests).toHaveLength(1);
  });

  it("a content-length past the limit fails at once, without waiting for the body", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(10 * LIMIT) });
      res.write('{"results": ['); // and the rest never comes: reading it would end in a timeout
    });
    const err = await fail(jsonRpcTransport({ maxResponseBytes: LIMIT, timeoutMs: 60_000 }).send(read(), contextFor(server.url, fakeClock())));
    expectTooLarge(err);
  });

  it("a small gzip body that inflates past the limit is counted as decoded", async () => {
    const body = gzipSync(JSON.stringify({ results: " ".repeat(4 * LIMIT) }));
    expect(body.length).toBeLessThan(LIMIT / 10);
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(body.length) });
      res.end(body);
    });
    expectTooLarge(await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(read(), contextFor(server.url, fakeClock()))));
  });

  it("answers within the limit are read whole, with a content-length, chunked or compressed", async () => {
    const results = "é".repeat(LIMIT / 2 - 20); // two bytes each: just under the limit as UTF-8, split across chunks
    const server = await serve((req, res) => {
      const body = Buffer.from(JSON.stringify({ results }));
      if (req.url === "/length/api3/json") return json(res, { results });
      res.writeHead(200, { "content-type": "application/json", ...(req.url === "/gzip/api3/json" ? { "content-encoding": "gzip" } : {}) });
      if (req.url === "/gzip/api3/json") return res.end(gzipSync(body));
      for (let i = 0; i < body.length; i += 4099) res.write(body.subarray(i, i + 4099));
      res.end();
    });
    const t = jsonRpcTransport({ maxResponseBytes: LIMIT });
    for (const base of ["/length", "/chunked", "/gzip"]) expect(await t.send(read(), contextFor(`${server.url}${base}`, fakeClock()))).toBe(results);
  });

  it("a write whose answer is too large may have landed: maybeSent: true and the hint to check first", async () => {
    const server = await serve((_req, res) => json(res, { results: " ".repeat(2 * LIMIT) }));
    const err = await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(create(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgProtocolError);
    expect((err as { maybeSent?: unknown }).maybeSent).toBe(true);
    expect(err.hint).toMatch(/the write may have been applied on the site/);
  });

  it("does not limit http() (uploads, downloads)", async () => {
    const big = Buffer.alloc(4 * LIMIT, "x");
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(big);
    });
    const response = await jsonRpcTransport({ maxResponseBytes: LIMIT }).http!({ method: "GET", target: "/file", kind: "read" }, contextFor(server.url, fakeClock()));
    expect(response.body.byteLength).toBe(big.length);
  });

  it("defaults to 64 MiB", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(64 * 1024 * 1024 + 1) });
      res.write("{");
    });
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(err.reason).toContain("more than maxResponseBytes, 67108864 bytes");
  });
});
