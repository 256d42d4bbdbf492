// maxResponseBytes: an RPC answer is not read past the limit (counted as it comes, or refused from its
// content-length), fails with SgProtocolError naming the limit and the option, and is not retried.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SgProtocolError } from "@sg/core";
import type { Credentials, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, flood, json, useTestServers } from "./test-support/server.js";
import type { Flood } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
const create = (data: object = {}) => ({ method: "create", payload: { type: "Shot", data: { code: "x", ...data } }, credentials: script, kind: "write" as const });
const LIMIT = 100_000;
const CHUNK = Buffer.alloc(64 * 1024, " ");

function expectTooLarge(err: SgError): void {
  expect(err).toBeInstanceOf(SgProtocolError);
  expect(err.reason).toBe(`The site answered 'read' with more than maxResponseBytes, ${LIMIT} bytes (HTTP 200)`);
  expect(err.hint).toBe("Ask for less per call (fewer fields, a smaller page), or raise maxResponseBytes.");
  expect(err.attempts).toHaveLength(1);
}

function expectWriteTooLarge(err: SgError, method: string, limit: number): void {
  expect(err).toBeInstanceOf(SgProtocolError);
  expect(err.reason).toBe(
    `The site answered '${method}' with success but more than ${limit} bytes (maxResponseBytes, or 8 times the request's length if larger): its result was not read (HTTP 200)`,
  );
  expect(err.hint).toBe(
    "The write was almost certainly applied, but its result (e.g. new ids) is lost. Check (e.g. find the entity) before trying again; raise maxResponseBytes, or send smaller batches.",
  );
  expect((err as { maybeSent?: unknown }).maybeSent).toBe(true);
  expect(err.attempts).toHaveLength(1);
}

describe("maxResponseBytes", () => {
  it("an endless chunked answer is cut at the limit: the connection is dropped, nothing more is read, no retry", async () => {
    let sent: Flood | undefined;
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
      // at most 64 MB, far past the limit: the client must stop long before
      sent = flood(res, CHUNK, 64 * 1024 * 1024, "]}");
    });
    const err = await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(read(), contextFor(server.url, fakeClock())));
    expectTooLarge(err);
    await expect.poll(() => sent?.dropped()).toBe(true);
    expect(sent!.written()).toBeLessThan(16 * 1024 * 1024);
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

  it("a write whose answer is too large was answered with success: maybeSent: true, the limit, and what to do", async () => {
    const server = await serve((_req, res) => json(res, { results: " ".repeat(2 * LIMIT) }));
    const err = await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(create(), contextFor(server.url, fakeClock())));
    expectWriteTooLarge(err, "create", LIMIT);
    expect(server.requests).toHaveLength(1);
  });

  // A create or batch answer echoes every field written: its size follows the request's, not a page's.
  it("a write's answer echoing a request larger than the limit is read, with a content-length, chunked or compressed", async () => {
    const description = "é<".repeat(LIMIT); // a request of 2 × LIMIT characters, its echo escaped to 8 bytes a pair
    const server = await serve((req, res) => {
      const data = (req.json as { params: [unknown, { data: object }] }).params[1].data;
      const body = Buffer.from(JSON.stringify({ results: { type: "Shot", id: 1, ...data } }).replace(/</g, "\\u003c"));
      expect(body.length).toBeGreaterThan(6 * LIMIT);
      if (req.url === "/length/api3/json") return res.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body);
      res.writeHead(200, { "content-type": "application/json", ...(req.url === "/gzip/api3/json" ? { "content-encoding": "gzip" } : {}) });
      if (req.url === "/gzip/api3/json") return res.end(gzipSync(body));
      for (let i = 0; i < body.length; i += 65_536) res.write(body.subarray(i, i + 65_536));
      res.end();
    });
    const t = jsonRpcTransport({ maxResponseBytes: LIMIT });
    for (const base of ["/length", "/chunked", "/gzip"]) {
      const created = await t.send(create({ description }), contextFor(`${server.url}${base}`, fakeClock()));
      expect(created).toEqual({ type: "Shot", id: 1, code: "x", description });
    }
  });

  it("a write's answer past 8 times its request is refused, not read, and not retried", async () => {
    let requestLength = 0;
    const server = await serve((req, res) => {
      requestLength = req.body.toString("utf8").length;
      json(res, { results: { type: "Shot", id: 1, padding: " ".repeat(8 * requestLength) } });
    });
    const err = await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(create({ description: "x".repeat(2 * LIMIT) }), contextFor(server.url, fakeClock())));
    expectWriteTooLarge(err, "create", 8 * requestLength);
    expect(server.requests).toHaveLength(1);
  });

  it("a read's limit does not grow with its request", async () => {
    const server = await serve((req, res) => json(res, { results: " ".repeat(req.body.length) }));
    const filters = { logical_operator: "and", conditions: [{ path: "description", relation: "is", values: ["x".repeat(2 * LIMIT)] }] };
    expectTooLarge(await fail(jsonRpcTransport({ maxResponseBytes: LIMIT }).send(read({ payload: { type: "Shot", filters } }), contextFor(server.url, fakeClock()))));
  });

  it("by default a write's answer past 64 MiB is read when its request is an eighth of it", async () => {
    const answer = Buffer.from(JSON.stringify({ results: { type: "Shot", id: 1, code: " ".repeat(64 * 1024 * 1024) } }));
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(answer.length) });
      res.end(answer);
    });
    const created = (await jsonRpcTransport().send(create({ description: "x".repeat(answer.length / 8) }), contextFor(server.url, fakeClock()))) as { code: string };
    expect(created.code.length).toBe(64 * 1024 * 1024);
    // An 8 MiB request and a 64 MiB answer read and parsed: ~1.2 s on an idle machine, more than the default 5 s
    // on one 5× slower (a loaded CI machine). Nothing here is timed.
  }, 30_000);

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
