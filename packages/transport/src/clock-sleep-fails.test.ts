/**
 * An injected `Clock` whose `sleep` rejects on its own (a fake-timer queue torn down), not because the call was
 * stopped: the call gives up with the attempt's own error, as when a retry is withheld, with the sleep's error as its
 * cause, and a write that may have landed says so. Real node:http servers on 127.0.0.1.
 */
import { describe, expect, it } from "vitest";
import { SgHttpError } from "@sg/core";
import type { Clock, Credentials, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { capturingLogger, contextFor, fail, text, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const, retry: { retryWrites: true } };
const LANDED = /the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again/;

/** A clock whose sleeps succeed `ok` times, then reject with "fake timer queue is shut down". */
const tornDown = (ok = 0): Clock => ({
  now: () => Date.now(),
  sleep: () => (ok-- > 0 ? Promise.resolve() : Promise.reject(new Error("fake timer queue is shut down"))),
});
const causeOf = (error: SgError): string | undefined => (error.cause as Error | undefined)?.message;

describe("a clock whose sleep rejects", () => {
  it("a read answered 502: the 502's SgHttpError, the sleep's error as its cause, and a warn naming the sleep", async () => {
    const server = await serve((_req, res) => text(res, "bad gateway", 502, "text/plain"));
    const logger = capturingLogger();
    const err = await fail(jsonRpcTransport().send(read, contextFor(server.url, tornDown(), logger)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 502, code: "SG_HTTP" });
    expect(causeOf(err)).toBe("fake timer queue is shut down");
    expect(err.attempts.map((a) => a.status)).toEqual([502]);
    expect(logger.lines.at(-1)).toMatch(/^warn @sg\/transport: read: not retried \(the clock's sleep failed\) /);
  });

  it("a write (retryWrites) answered 502: maybeSent true and the hint to check the site", async () => {
    const server = await serve((_req, res) => text(res, "bad gateway", 502, "text/plain"));
    const err = await fail(jsonRpcTransport().send(create, contextFor(server.url, tornDown())));
    expect(err).toMatchObject({ name: "SgHttpError", status: 502, maybeSent: true });
    expect(err.hint).toMatch(LANDED);
    expect(causeOf(err)).toBe("fake timer queue is shut down");
  });

  it("a write answered 502, then 429 when the sleep fails: the 429 says the 502 attempt may have landed", async () => {
    const server = await serve((_req, res, _raw, n) => text(res, "busy", n === 1 ? 502 : 429, "text/plain", { "retry-after": "1" }));
    const err = await fail(jsonRpcTransport().send(create, contextFor(server.url, tornDown(1))));
    expect(err).toMatchObject({ name: "SgHttpError", status: 429, maybeSent: true });
    expect(err.hint).toMatch(LANDED);
    expect(causeOf(err)).toBe("fake timer queue is shut down");
    expect(err.attempts.map((a) => a.status)).toEqual([502, 429]);
  });
});
