// A browser's fetch gives every failure — a refused connection, DNS, offline, a CORS refusal — as a bare
// `TypeError("Failed to fetch")`, with no code. Such a failure stays maybe sent (the safe side for a write), but its
// hint says that whether the request was sent is unknown, never that it was.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { SgNetworkError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import type { FetchFunction } from "./index.js";
import { contextFor, fail, fakeClock, freePort, useTestServers } from "./test-support/server.js";

const script: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "KEY-reasonless-1" });
// Node's fetch, its failures hidden as a browser hides them
const browserLike: FetchFunction = (input, init) =>
  fetch(input, init).catch(() => {
    throw new TypeError("Failed to fetch");
  });

describe("a failure fetch gives no reason for (a browser's 'Failed to fetch')", () => {
  it("stays maybeSent, with a hint that says it is unknown whether the request was sent, for a read and for a write", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const transport = jsonRpcTransport({ fetch: browserLike, retry: { maxAttempts: 1 } });
    const read = await fail(transport.send({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" }, contextFor(url, fakeClock())));
    const write = await fail(transport.send({ method: "create", payload: { type: "Shot" }, credentials: script, kind: "write" }, contextFor(url, fakeClock())));
    for (const err of [read, write]) {
      expect(err).toBeInstanceOf(SgNetworkError);
      expect(err).toMatchObject({ maybeSent: true, syscallCode: "ERR_NETWORK" });
      expect(err.hint).toMatch(/^Whether the request reached the site is unknown: fetch gave no reason \(in a browser also CORS, DNS, offline\)[.:]/);
      expect(err.hint).not.toMatch(/after the request was sent/);
    }
    expect(write.hint).toMatch(/\): the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again\.$/);
    expect(read.hint).toMatch(/offline\)\.$/);
  });
});

/** Node's fetch, whose answer's body breaks after its first chunk with `failure` (a bare TypeError, as a browser reports it). */
const breakingMidBody = (failure: () => unknown): FetchFunction => async (input, init) => {
  const response = await fetch(input, init);
  const reader = response.body!.getReader();
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    async pull(out) {
      const chunk = await reader.read();
      if (!first || chunk.done) return out.error(failure());
      first = false;
      out.enqueue(chunk.value);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
};
const breaksMidBody = breakingMidBody(() => new TypeError("network error"));

describe("a body that breaks with no reason after the site answered", () => {
  const serve = useTestServers();
  const halfAnswer = (_req: unknown, res: ServerResponse): void => {
    // no content-length: the body is read as it comes, and the wrapper breaks it after the first chunk
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"results": [');
    setTimeout(() => res.end("]}"), 20);
  };

  it("says the connection dropped after the request was sent (a write may have landed), not that sending is unknown", async () => {
    const site = await serve(halfAnswer);
    const transport = jsonRpcTransport({ fetch: breaksMidBody, retry: { maxAttempts: 1 } });
    const write = await fail(transport.send({ method: "create", payload: { type: "Shot" }, credentials: script, kind: "write" }, contextFor(site.url, fakeClock())));
    const read = await fail(transport.send({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" }, contextFor(site.url, fakeClock())));
    for (const err of [read, write]) {
      expect(err).toMatchObject({ name: "SgNetworkError", maybeSent: true, syscallCode: "ERR_NETWORK" });
      expect(err.hint).not.toMatch(/unknown/);
    }
    expect(write.hint).toMatch(/^The connection dropped after the request was sent: the write may have been applied/);
    expect(read.hint).toBe("The connection dropped after the request was sent; the site or a proxy may be overloaded.");
  });

  it("is maybe sent whatever its cause chain says: a TLS record error with no system call, or a thrown string", async () => {
    const site = await serve(halfAnswer);
    // what undici gives for a bad TLS record mid-body: no syscall, so it read as a TLS set-up failure, "nothing was sent"
    const tls = () => new TypeError("terminated", { cause: Object.assign(new Error("bad record mac"), { code: "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC" }) });
    for (const failure of [tls, () => "boom"]) {
      const transport = jsonRpcTransport({ fetch: breakingMidBody(failure), retry: { maxAttempts: 3 } });
      const write = await fail(transport.send({ method: "create", payload: { type: "Shot" }, credentials: script, kind: "write" }, contextFor(site.url, fakeClock())));
      expect(write).toMatchObject({ name: "SgNetworkError", maybeSent: true });
      expect(write.hint).toMatch(/^The connection dropped after the request was sent: the write may have been applied/);
    }
    // each create went out once: never sent again as if it had not been
    expect(site.requests).toHaveLength(2);
  });

  it("says the same for a download's streamed body (http())", async () => {
    const site = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(Buffer.alloc(64, 1));
      setTimeout(() => res.end(Buffer.alloc(64, 2)), 20);
    });
    // a bare TypeError, and a TLS record error with no system call (which alone would read as "nothing was sent")
    const tls = () => new TypeError("terminated", { cause: Object.assign(new Error("bad record mac"), { code: "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC" }) });
    for (const fetch of [breaksMidBody, breakingMidBody(tls)]) {
      const transport = jsonRpcTransport({ fetch, retry: { maxAttempts: 1 } });
      const response = await transport.http!({ method: "GET", target: "/file", responseBody: "stream", kind: "read" }, contextFor(site.url, fakeClock()));
      const broken = await fail(new Response(response.stream).arrayBuffer());
      expect(broken).toMatchObject({ name: "SgNetworkError", maybeSent: true });
      expect(broken.hint).toBe("The connection dropped after the request was sent; the site or a proxy may be overloaded.");
    }
  });
});
