/**
 * undici's own `headersTimeout` and `bodyTimeout` (300 s in Node's global fetch) end an attempt before a longer
 * `timeoutMs` or `transferTimeoutMs` would: the same kind of error as the transport's own attempt timeout
 * (`SgTimeoutError`, scope "attempt", maybe sent; a read retried, a write never), with a hint on how to lift them.
 * The limits are shrunk here with undici `Agent`s passed as `dispatcher` to Node's fetch; the servers are node:http
 * on 127.0.0.1 that never answer, or stall mid-body.
 */
import { afterAll, describe, expect, it } from "vitest";
import { SgTimeoutError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { Agent } from "undici";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, json, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const };
// Node's default limits, shrunk to 100 ms; the transport's own limits stay far above them
const short = new Agent({ headersTimeout: 100, bodyTimeout: 100 });
const lifted = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
afterAll(() => Promise.all([short.close(), lifted.close()]));
const LIMIT =
  "The runtime's HTTP client gave up after its own limit (Node's fetch: 300 s without headers or body data). To wait longer, pass dispatcher: new Agent({ headersTimeout: 0, bodyTimeout: 0 }) from undici.";

describe("undici's headersTimeout / bodyTimeout ending an attempt", () => {
  it("no response headers in time: SgTimeoutError (attempt, maybe sent), a read retried as after its own timeout", async () => {
    const server = await serve(() => {}); // never answers
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport({ dispatcher: short, timeoutMs: 60_000, retry: { maxAttempts: 2 } }).send(read, contextFor(server.url, clock)));
    expect(err).toBeInstanceOf(SgTimeoutError);
    expect(err).toMatchObject({ scope: "attempt", maybeSent: true, method: "read", hint: LIMIT });
    expect(err.message).toMatch(/^'read' got no data within the runtime's own time limit \(UND_ERR_HEADERS_TIMEOUT\)\n/);
    expect((err as SgTimeoutError).timeoutMs).toBeGreaterThanOrEqual(90);
    expect(err.attempts.map((a) => a.code)).toEqual(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT"]);
    expect(clock.sleeps).toEqual([750]);
    expect(server.requests).toHaveLength(2);
  });

  it("a write: not retried, maybeSent: true, the hint to check first and how to lift the limit", async () => {
    const server = await serve(() => {});
    const err = await fail(jsonRpcTransport({ dispatcher: short }).send(create, contextFor(server.url)));
    expect(err).toBeInstanceOf(SgTimeoutError);
    expect(err).toMatchObject({ scope: "attempt", maybeSent: true });
    expect(err.hint).toBe(`No answer came after the request was sent: the write may have been applied on the site. Check (e.g. find the entity) before trying again. ${LIMIT}`);
    expect(server.requests).toHaveLength(1);
  });

  it("an answer whose body stalls: SgTimeoutError about body data, for a call and for a streamed download", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
    });
    const err = await fail(jsonRpcTransport({ dispatcher: short, retry: false }).send(read, contextFor(server.url)));
    expect(err).toBeInstanceOf(SgTimeoutError);
    expect(err.message).toMatch(/^'read' got no data within the runtime's own time limit \(UND_ERR_BODY_TIMEOUT\)/);
    expect(err).toMatchObject({ scope: "attempt", maybeSent: true, hint: LIMIT });
    const res = await jsonRpcTransport({ dispatcher: short }).http!({ method: "GET", target: "/f", kind: "read", responseBody: "stream" }, contextFor(server.url));
    const reader = res.stream!.getReader();
    expect((await reader.read()).value?.byteLength).toBe(13);
    const stalled: unknown = await reader.read().then(() => new Error("expected a rejection"), (e: unknown) => e);
    expect(stalled).toBeInstanceOf(SgTimeoutError);
    expect(stalled).toMatchObject({ scope: "attempt", hint: LIMIT, method: "HTTP GET /f" });
  });

  it("the dispatcher the hint names is taken by the runtime's fetch: a late answer arrives", async () => {
    // undici checks its limits on a coarse timer (about 1 s): the answer comes well after that
    const server = await serve((_req, res) => setTimeout(() => json(res, { results: [] }), 2500));
    expect(await jsonRpcTransport({ dispatcher: lifted }).send(read, contextFor(server.url))).toEqual([]);
    // the same wait through the shrunk limits fails
    expect(await fail(jsonRpcTransport({ dispatcher: short, retry: false }).send(read, contextFor(server.url)))).toBeInstanceOf(SgTimeoutError);
  });
});
