/**
 * `http()` with `responseBody: "stream"`: a 2xx body is handed over unread and stays under the exchange's
 * limits (timeout per wait, abort, close, deadline); retries and redirects happen before it, as for bytes.
 * Real sockets on 127.0.0.1; each server writes part of a body and then holds the connection open.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SgAbortError, SgNetworkError, SgTimeoutError } from "@sg/core";
import type { Credentials, HttpResponse } from "@sg/core";
import type { Inflight } from "./attempt-loop.js";
import { createHttpExchanger, httpExchange } from "./http-exchange.js";
import { jsonRpcTransport } from "./index.js";
import { resolveOptions } from "./options.js";
import { UNLIMITED_RETRY_BUDGET } from "./retry-budget.js";
import { contextFor, useTestServers } from "./test-support/server.js";

const session: Credentials = { kind: "session", sessionToken: "SESSION-marker-456" };
const serve = useTestServers();
const MB = 1024 * 1024;

/** Read a stream to its end (or its error), pausing `pauseMs` between reads. */
async function drain(stream: ReadableStream<Uint8Array> | undefined, pauseMs = 0): Promise<Buffer> {
  const reader = stream!.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(parts);
    parts.push(value);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** The error a promise rejects with, and how long it took. */
async function failure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  const error = await promise.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - t0 };
}

/** A server that sends `first` bytes of a body announced as `total`, then stalls; `closed` resolves when the client hangs up. */
async function stallingServer(first: number, total: number): Promise<{ url: string; requests: () => number; readonly closed: Promise<void> }> {
  // Settles when the latest request's connection closes (an earlier attempt's closing says nothing about it).
  let closed = new Promise<void>(() => {});
  const server = await serve((_req, res, raw) => {
    closed = new Promise<void>((hangUp) => raw.socket.on("close", hangUp));
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(total) });
    res.write(Buffer.alloc(first, 7));
  });
  return {
    url: server.url,
    requests: () => server.requests.length,
    get closed() {
      return closed;
    },
  };
}

describe("http(): streamed bodies", () => {
  it("hands a 2xx body over unread, and keeps bytes the default", async () => {
    const payload = Buffer.alloc(3 * MB, 9);
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(payload);
    });
    const http = jsonRpcTransport().http!;
    const streamed = await http({ method: "GET", target: "/f", kind: "read", responseBody: "stream" }, contextFor(server.url));
    expect(streamed.body.byteLength).toBe(0);
    expect((await drain(streamed.stream)).equals(payload)).toBe(true);
    const bytes = await http({ method: "GET", target: "/f", kind: "read" }, contextFor(server.url));
    expect(bytes.stream).toBeUndefined();
    expect(Buffer.from(bytes.body).equals(payload)).toBe(true);
  });

  it("a body that stalls fails with the timeout error once timeoutMs passes without data, and is not retried", async () => {
    const server = await stallingServer(256 * 1024, 4 * MB);
    const res = await jsonRpcTransport().http!({ method: "GET", target: "/f", kind: "read", responseBody: "stream", timeoutMs: 300 }, contextFor(server.url));
    // On a loaded machine an attempt may time out waiting for the headers, and a read retries that; what must
    // never happen is a new request once the body has been handed over.
    const beforeBody = server.requests();
    const { error, ms } = await failure(drain(res.stream));
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect((error as SgTimeoutError).message).toContain("stalled");
    expect(ms).toBeLessThan(3000);
    await server.closed; // the connection was dropped, not left open
    expect(server.requests()).toBe(beforeBody);
  });

  it("timeoutMs bounds each wait, not the whole body: a steady body longer than timeoutMs completes, a slow reader too", async () => {
    const server = await serve(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      for (let i = 0; i < 8; i += 1) {
        res.write(Buffer.alloc(1024, i));
        await new Promise((r) => setTimeout(r, 100));
      }
      res.end();
    });
    const http = jsonRpcTransport().http!;
    const steady = await http({ method: "GET", target: "/f", kind: "read", responseBody: "stream", timeoutMs: 400 }, contextFor(server.url));
    expect((await drain(steady.stream)).byteLength).toBe(8 * 1024);
    const slowReader = await http({ method: "GET", target: "/f", kind: "read", responseBody: "stream", timeoutMs: 400 }, contextFor(server.url));
    expect((await drain(slowReader.stream, 600)).byteLength).toBe(8 * 1024);
  });

  it("an abort mid-body ends the stream promptly with SgAbortError and drops the connection", async () => {
    const server = await stallingServer(256 * 1024, 4 * MB);
    const controller = new AbortController();
    const res = await jsonRpcTransport().http!({ method: "GET", target: "/f", kind: "read", responseBody: "stream", signal: controller.signal }, contextFor(server.url));
    const reading = failure(drain(res.stream));
    setTimeout(() => controller.abort(), 100);
    const { error, ms } = await reading;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(ms).toBeLessThan(1500);
    await server.closed;
  });

  it("close() ends a body in flight, and the deadline bounds the body too", async () => {
    const server = await stallingServer(1024, 4 * MB);
    const transport = jsonRpcTransport();
    const res = await transport.http!({ method: "GET", target: "/f", kind: "read", responseBody: "stream" }, contextFor(server.url));
    const reading = failure(drain(res.stream));
    await transport.close!();
    expect((await reading).error).toBeInstanceOf(SgAbortError);

    const late = await transport.http!({ method: "GET", target: "/f", kind: "read", responseBody: "stream", deadlineMs: 300 }, contextFor(server.url));
    const { error } = await failure(drain(late.stream));
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect((error as SgTimeoutError).scope).toBe("deadline");
  });

  it("a body stopped while nobody reads it lets go of its limits at once, not at a read that may never come", async () => {
    // A caller that never reads nor cancels: the deadline drops the connection, and the exchange must also
    // leave the transport's in-flight set (and the caller signal's subscribers), or each one is kept for good.
    const server = await stallingServer(1024, 4 * MB);
    const inflight: Inflight = new Set();
    const deps = { options: resolveOptions({}), budget: UNLIMITED_RETRY_BUDGET, userAgent: "t", inflight, exchange: createHttpExchanger(undefined, undefined) };
    const res = await httpExchange({ method: "GET", target: "/f", kind: "read", responseBody: "stream", deadlineMs: 200, signal: new AbortController().signal }, contextFor(server.url), deps);
    expect(inflight.size).toBe(1);
    await server.closed;
    expect(inflight.size).toBe(0);
    // a late reader still learns why the body ended
    expect((await failure(drain(res.stream))).error).toBeInstanceOf(SgTimeoutError);
  });

  it("a connection reset mid-body is a network error, not retried, without the credentials", async () => {
    const server = await serve((_req, res, raw) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(MB) });
      res.write(Buffer.alloc(1024), () => setTimeout(() => raw.socket.destroy(), 50));
    });
    const res = await jsonRpcTransport().http!({ method: "GET", target: "/file_serve/attachment/1", kind: "read", responseBody: "stream", credentials: session }, contextFor(server.url));
    const { error } = await failure(drain(res.stream));
    expect(error).toBeInstanceOf(SgNetworkError);
    expect(inspect(error, { depth: 6 }) + JSON.stringify(error)).not.toContain("SESSION-marker");
    expect(server.requests).toHaveLength(1);
  });

  it("a 503 before the body is retried; an error status comes back as bytes, not as a stream", async () => {
    const server = await serve((_req, res, _raw, n) => {
      if (n === 1) res.writeHead(503, { "content-type": "text/plain", "retry-after": "0" }).end("busy");
      else if (n === 2) res.writeHead(200, { "content-type": "application/octet-stream" }).end("the file");
      else res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
    });
    const http = jsonRpcTransport({ retry: { baseDelayMs: 1 } }).http!;
    const ok = await http({ method: "GET", target: "/f", kind: "read", responseBody: "stream" }, contextFor(server.url));
    expect(ok.status).toBe(200);
    expect((await drain(ok.stream)).toString()).toBe("the file");
    expect(server.requests).toHaveLength(2);
    const missing: HttpResponse = await http({ method: "GET", target: "/f", kind: "read", responseBody: "stream" }, contextFor(server.url));
    expect(missing.status).toBe(404);
    expect(missing.stream).toBeUndefined();
    expect(new TextDecoder().decode(missing.body)).toBe("no such file");
  });

  it("a redirect to another origin is followed without credentials, and streamed from there", async () => {
    const storage = await serve((_req, res) => res.writeHead(200, { "content-type": "application/octet-stream" }).end("from storage"));
    const site = await serve((_req, res) => res.writeHead(302, { location: `${storage.url.replace("127.0.0.1", "localhost")}/bucket/f?sig=1` }).end());
    const res = await jsonRpcTransport().http!(
      { method: "GET", target: "/file_serve/attachment/1", kind: "read", responseBody: "stream", credentials: session, headers: { authorization: "Basic c2VjcmV0" } },
      contextFor(site.url),
    );
    expect((await drain(res.stream)).toString()).toBe("from storage");
    expect(site.requests[0]!.headers.cookie).toBe("_session_id=SESSION-marker-456");
    const away = storage.requests[0]!;
    expect(away.url).toBe("/bucket/f?sig=1");
    expect(away.headers.cookie).toBeUndefined();
    expect(away.headers.authorization).toBeUndefined();
  });
});
