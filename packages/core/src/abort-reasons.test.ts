/**
 * An abort reason is the caller's own value, whatever it is: a call it ends always fails with `SgAbortError` (or the
 * library error the caller passed), the reason kept as its scrubbed cause. A reason whose `cause` loops, whose
 * `message` is not a string, or whose getters throw once crashed the process from inside the abort listener; an
 * app's error named `Sg…` passed as if it were the library's, so a write it cut short lost its `maybeSent`.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { MAYBE_APPLIED_HINT, SgAbortError, SgError, SgTimeoutError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();
const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);
const script: AuthStrategy = { name: "bot", credentials: async (): Promise<Credentials> => ({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" }) };
/** A login that never ends (a hung vault or 2FA prompt): the abort reaches the call while it waits. */
const hung: AuthStrategy = { name: "hung", credentials: () => new Promise<Credentials>(() => {}) };

const loopingCause = (): Error => {
  const reason = new Error("shutdown");
  reason.cause = reason;
  return reason;
};

const revokedProxy = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

/** Reasons that once threw while being turned into the call's error, and the cause message each must leave. */
const hostile: Array<[string, () => unknown, string]> = [
  ["a cause that loops", loopingCause, "shutdown"],
  ["a message that is not a string", () => Object.assign(new Error("x"), { message: 42 }), "42"],
  ["an undefined message", () => Object.assign(new Error("x"), { message: undefined }), "undefined"],
  ["a message getter that throws", () => Object.defineProperty(new Error("x"), "message", { get: () => { throw new Error("no"); } }), "a cause that could not be read"],
  ["a value without a prototype", () => Object.create(null) as unknown, "a cause that could not be read"],
  ["a revoked Proxy", () => revokedProxy(), "a cause that could not be read"],
  ["a Proxy whose getPrototypeOf trap throws", () => new Proxy(new Error("x"), { getPrototypeOf: () => { throw new Error("trap"); } }), "a cause that could not be read"],
  ["a Proxy whose every trap throws", () => new Proxy(new Error("x"), { get: () => { throw new Error("trap"); }, getPrototypeOf: () => { throw new Error("trap"); } }), "a cause that could not be read"],
];

describe("a call ended by a hostile abort reason", () => {
  for (const [what, make, causeMessage] of hostile) {
    it(`fails with SgAbortError for ${what}, aborted before the call and while it waits for a login`, async () => {
      const s = await site();
      const sg = createClient({ site: s.url, transport: fetchTransport(), auth: hung });
      const before = await settled(sg.call("read", { type: "Shot" }, { signal: AbortSignal.abort(make()) }));
      expect(before).toBeInstanceOf(SgAbortError);
      expect(((before as Error).cause as Error).message).toBe(causeMessage);

      const stop = new AbortController();
      const waiting = settled(sg.call("read", { type: "Shot" }, { signal: stop.signal }));
      setTimeout(() => stop.abort(make()), 20);
      const error = await waiting;
      expect(error).toBeInstanceOf(SgAbortError);
      expect(((error as Error).cause as Error).message).toBe(causeMessage);
      expect(s.received).toEqual([]);
    });
  }

  it("an SgError made with such a reason as its cause does not throw: the cause reads as unreadable", () => {
    for (const cause of [revokedProxy(), new Proxy(new Error("x"), { getPrototypeOf: () => { throw new Error("trap"); } })]) {
      expect((new SgError("x", { code: "SG_X", cause }).cause as Error).message).toBe("a cause that could not be read");
    }
  });

  it("keeps a looping cause chain to a bounded depth", async () => {
    const error = (await settled(createClient({ site: "http://127.0.0.1:1", transport: fetchTransport(), auth: hung }).call("read", {}, { signal: AbortSignal.abort(loopingCause()) }))) as Error;
    let depth = 0;
    for (let c: unknown = error.cause; c instanceof Error; c = c.cause) depth++;
    expect(depth).toBeGreaterThan(1);
    expect(depth).toBeLessThanOrEqual(10);
  });
});

describe("an app's own abort reason", () => {
  it("named Sg… with a code becomes the cause of an SgAbortError: the write it cut short may have been applied", async () => {
    class SgSyncShutdown extends Error {
      readonly code = "SHUTDOWN";
      override readonly name = "SgSyncShutdown";
    }
    const s = await site();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: script });
    const stop = new AbortController();
    const create = settled(sg.call("create", { type: "Shot", data: { code: "sh010" } }, { signal: stop.signal }));
    await s.arrived(1);
    stop.abort(new SgSyncShutdown("deploy"));
    const error = (await create) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ code: "SG_ABORTED", maybeSent: true, hint: MAYBE_APPLIED_HINT });
    expect(error.cause).toMatchObject({ name: "SgSyncShutdown", message: "deploy", code: "SHUTDOWN" });
  });

  it("that is the library's own error passes as it is", async () => {
    const s = await site();
    const reason = new SgTimeoutError("the job's time ran out", { timeoutMs: 5, scope: "deadline" });
    const error = await settled(createClient({ site: s.url, transport: fetchTransport(), auth: hung }).call("read", {}, { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    expect(error).toBeInstanceOf(SgError);
  });

  it("is kept as the cause when it is a string, a number or an Error from another realm", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: hung });
    const causeOf = async (reason: unknown): Promise<unknown> => ((await settled(sg.call("read", {}, { signal: AbortSignal.abort(reason) }))) as Error).cause;
    expect(await causeOf("Ctrl-C")).toMatchObject({ message: "Ctrl-C" });
    expect(await causeOf(130)).toMatchObject({ message: "130" });
    const foreign = runInNewContext(`Object.assign(new RangeError("the worker stopped"), { code: "E_STOP" })`) as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(await causeOf(foreign)).toMatchObject({ name: "RangeError", message: "the worker stopped", code: "E_STOP" });
  });

  it("is scrubbed of the call's secrets when kept as a string", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: hung });
    const error = (await settled(sg.call("read", {}, { signal: AbortSignal.abort("stopped; token=abcdef0123456789abcdef") }))) as Error;
    expect((error.cause as Error).message).not.toContain("abcdef0123456789abcdef");
  });
});
