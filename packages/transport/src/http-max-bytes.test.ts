// http() maxBytes: a body read whole (not streamed) is counted as it arrives, by the reader RPC answers use, and not
// read past the limit: SgProtocolError with code SG_RESPONSE_TOO_LARGE, not retried. Real sockets on 127.0.0.1.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SgProtocolError, SgValidationError } from "@sg/core";
import type { Credentials, HttpRequest, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, flood, useTestServers } from "./test-support/server.js";
import type { Flood } from "./test-support/server.js";

const serve = useTestServers();
const LIMIT = 100_000;
const CHUNK = Buffer.alloc(64 * 1024, 1);
const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const get = (extra: Partial<HttpRequest> = {}): HttpRequest => ({ method: "GET", target: "/file", kind: "read", maxBytes: LIMIT, ...extra });

function expectTooLarge(err: SgError, label = "HTTP GET /file"): void {
  expect(err).toBeInstanceOf(SgProtocolError);
  expect(err.code).toBe("SG_RESPONSE_TOO_LARGE");
  expect(err.reason).toBe(`The site answered '${label}' with more than maxBytes, ${LIMIT} bytes (HTTP 200)`);
  // a write is told that it may have landed instead
  if (label.startsWith("HTTP GET")) expect(err.hint).toBe("Ask for a stream, or raise maxBytes.");
  expect(err.attempts).toHaveLength(1);
}

describe("http() maxBytes", () => {
  it("an endless body is cut at the limit: the connection is dropped, nothing more is read, no retry, nothing applied", async () => {
    let sent: Flood | undefined;
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      // at most 256 MB, far past the limit: the client must stop long before
      sent = flood(res, CHUNK, 256 * 1024 * 1024);
    });
    const err = await fail(jsonRpcTransport().http!(get(), contextFor(server.url, fakeClock())));
    expectTooLarge(err);
    expect((err as { maybeSent?: unknown }).maybeSent).toBeUndefined();
    await expect.poll(() => sent?.dropped()).toBe(true);
    expect(sent!.written()).toBeLessThan(32 * 1024 * 1024);
    expect(server.requests).toHaveLength(1);
  });

  it("a content-length past the limit fails at once, without waiting for the body", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(10 * LIMIT) });
      res.write(CHUNK.subarray(0, 10)); // and the rest never comes: reading it would end in a timeout
    });
    expectTooLarge(await fail(jsonRpcTransport({ transferTimeoutMs: 600_000 }).http!(get(), contextFor(server.url, fakeClock()))));
  });

  it("a small gzip body that inflates past the limit is counted as decoded", async () => {
    const body = gzipSync(Buffer.alloc(4 * LIMIT, 1));
    expect(body.length).toBeLessThan(LIMIT / 10);
    const server = await serve((_req, res) => res.writeHead(200, { "content-encoding": "gzip", "content-length": String(body.length) }).end(body));
    expectTooLarge(await fail(jsonRpcTransport().http!(get(), contextFor(server.url, fakeClock()))));
  });

  it("a body of exactly the limit is returned whole, with a content-length, chunked or compressed", async () => {
    const bytes = Buffer.from(Array.from({ length: LIMIT }, (_, i) => i % 251));
    const server = await serve((req, res) => {
      if (req.url === "/length") return res.writeHead(200, { "content-length": String(LIMIT) }).end(bytes);
      res.writeHead(200, req.url === "/gzip" ? { "content-encoding": "gzip" } : {});
      if (req.url === "/gzip") return res.end(gzipSync(bytes));
      for (let i = 0; i < bytes.length; i += 4099) res.write(bytes.subarray(i, i + 4099));
      res.end();
    });
    const t = jsonRpcTransport();
    for (const target of ["/length", "/chunked", "/gzip"]) {
      const response = await t.http!(get({ target }), contextFor(server.url, fakeClock()));
      expect(Buffer.from(response.body).equals(bytes)).toBe(true);
    }
  });

  it("a body is joined in order, whether it comes whole or in many pieces, for http() and RPC answers", async () => {
    // "é" and "😀" split between writes: the pieces arrive as separate chunks and must be joined byte for byte
    const text = JSON.stringify({ results: { code: "é😀".repeat(300), n: 1 } });
    const bytes = Buffer.from(text);
    const server = await serve(async (req, res) => {
      if (req.url?.startsWith("/whole")) return res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length) }).end(bytes);
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < bytes.length; i += 333) {
        res.write(bytes.subarray(i, i + 333));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      res.end();
    });
    const t = jsonRpcTransport();
    for (const base of ["/whole", "/pieces"]) {
      const response = await t.http!(get({ target: base }), contextFor(server.url, fakeClock()));
      expect(Buffer.from(response.body).equals(bytes)).toBe(true);
      const answer = await t.send({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" }, contextFor(`${server.url}${base}`, fakeClock()));
      expect(answer).toEqual(JSON.parse(text).results);
    }
  });

  it("a write's answer past the limit may have been applied: maybeSent: true, not retried", async () => {
    const server = await serve((_req, res) => res.writeHead(200).end(Buffer.alloc(2 * LIMIT)));
    const err = await fail(jsonRpcTransport().http!({ method: "POST", target: "/upload", form: { a: "1" }, credentials: script, kind: "write", maxBytes: LIMIT }, contextFor(server.url, fakeClock())));
    expectTooLarge(err, "HTTP POST /upload");
    expect((err as { maybeSent?: unknown }).maybeSent).toBe(true);
    expect(err.hint).toMatch(/^The site or a proxy answered after the request was sent: the write may have been applied/);
    expect(server.requests).toHaveLength(1);
  });

  it("an error status past the limit is still the status (its body left empty), retried as the table says", async () => {
    const server = await serve((_req, res, _raw, n) => (n === 1 ? res.writeHead(503).end(Buffer.alloc(2 * LIMIT)) : res.writeHead(404).end(Buffer.alloc(2 * LIMIT))));
    const response = await jsonRpcTransport().http!(get(), contextFor(server.url, fakeClock()));
    expect(response.status).toBe(404);
    expect(response.body.byteLength).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  // A redirect's body is never the download: an unfollowed 3xx is returned as such (its body left empty, as the
  // TSDoc of HttpRequest.maxBytes says), so that a download reports the redirect, not "larger than maxBytes".
  it("an unfollowed 3xx past the limit is returned, its body empty, for a POST and a GET; a 2xx past it still fails", async () => {
    const server = await serve((req, res) => {
      if (req.url === "/ok") return res.writeHead(200).end(Buffer.alloc(100));
      // a GET follows a redirect with a location: this one has none, so it is not followed
      res.writeHead(302, req.method === "POST" ? { location: "/elsewhere" } : {}).end(Buffer.alloc(100));
    });
    const t = jsonRpcTransport();
    for (const request of [get({ maxBytes: 10 }), { method: "POST", target: "/upload", form: { a: "1" }, credentials: script, kind: "write", maxBytes: 10 } as const]) {
      const response = await t.http!(request, contextFor(server.url, fakeClock()));
      expect(response.status).toBe(302);
      expect(response.body.byteLength).toBe(0);
    }
    const err = await fail(t.http!(get({ target: "/ok", maxBytes: 10 }), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgProtocolError);
    expect(err.code).toBe("SG_RESPONSE_TOO_LARGE");
    expect(server.requests).toHaveLength(3);
  });

  // The body is read inside its attempt: a reset midway is a network error of that attempt, retried for a read.
  it("a connection reset mid-body of a GET read whole is retried, with or without maxBytes", async () => {
    const bytes = Buffer.alloc(3 * CHUNK.length, 5);
    for (const maxBytes of [LIMIT * 4, undefined]) {
      const server = await serve((_req, res, raw, n) => {
        if (n > 1) return res.writeHead(200, { "content-length": String(bytes.length) }).end(bytes);
        res.writeHead(200, { "content-length": String(bytes.length) });
        res.write(bytes.subarray(0, CHUNK.length), () => setTimeout(() => raw.socket.destroy(), 20));
      });
      const response = await jsonRpcTransport().http!(get({ maxBytes }), contextFor(server.url, fakeClock()));
      expect(Buffer.from(response.body).equals(bytes)).toBe(true);
      expect(server.requests).toHaveLength(2);
    }
  });

  it("refuses a maxBytes that is not a positive integer, naming it, before sending", async () => {
    const server = await serve((_req, res) => res.end("x"));
    for (const maxBytes of [0, -1, 1.5, Infinity, NaN, "100"] as unknown as number[]) {
      const err = await fail(jsonRpcTransport().http!(get({ maxBytes }), contextFor(server.url, fakeClock())));
      expect(err).toBeInstanceOf(SgValidationError);
      expect((err as SgValidationError).path).toEqual(["maxBytes"]);
      expect((err as SgValidationError).expected).toBe("an integer ≥ 1");
    }
    expect(server.requests).toHaveLength(0);
  });
});
