/**
 * A custom `fetch` that does not honour `init.signal` (a wrapper that drops it, a mock) cannot make a call hang past
 * its limits: each attempt is raced against its signal, so the call ends with the timeout, deadline or abort error
 * while that fetch is still pending. Real node:http servers on 127.0.0.1 that never answer or stall mid-body.
 */
import { describe, expect, it } from "vitest";
import { SgAbortError, SgTimeoutError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
const create = { method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const };
/** Node's fetch, with the signal dropped. */
const deaf: typeof fetch = (input, init) => fetch(input, { ...init, signal: null });
/** A server that never answers, and one that sends the headers and part of the body, then stalls. */
const silent = () => serve(() => {});
const stalling = () =>
  serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"results": [');
  });
// Without the race these calls never settle: the guard turns that into a failure.
const settled = <T>(p: Promise<T>): Promise<T> => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("still pending after 4 s")), 4000))]);

describe("a fetch that ignores its signal", () => {
  it.each([
    ["no answer", silent],
    ["a body that never ends", stalling],
  ])("%s: the attempt's timeoutMs ends it, and the deadline ends the call", async (_what, site) => {
    const server = await site();
    const timedOut = await settled(fail(jsonRpcTransport({ fetch: deaf, retry: false }).send(read({ timeoutMs: 100 }), contextFor(server.url))));
    expect(timedOut).toBeInstanceOf(SgTimeoutError);
    expect(timedOut).toMatchObject({ scope: "attempt", timeoutMs: 100 });
    const late = await settled(fail(jsonRpcTransport({ fetch: deaf }).send(read({ deadlineMs: 200 }), contextFor(server.url))));
    expect(late).toBeInstanceOf(SgTimeoutError);
    expect(late).toMatchObject({ scope: "deadline", timeoutMs: 200 });
  });

  it("the caller's signal and close() end it at once; a write's error says it may have landed", async () => {
    const server = await stalling();
    const controller = new AbortController();
    const aborted = settled(fail(jsonRpcTransport({ fetch: deaf }).send(read({ signal: controller.signal }), contextFor(server.url))));
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    expect(await aborted).toBeInstanceOf(SgAbortError);
    const t = jsonRpcTransport({ fetch: deaf });
    const closed = settled(fail(t.send(create, contextFor(server.url))));
    await expect.poll(() => server.requests.length).toBe(2);
    await t.close?.();
    expect(await closed).toMatchObject({ name: "SgAbortError", maybeSent: true });
  });
});
