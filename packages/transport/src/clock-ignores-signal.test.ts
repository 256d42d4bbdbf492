/**
 * An injected `Clock` whose `sleep` ignores its signal (a test fake that never settles, or one that does not listen)
 * cannot make a call hang past its limits: the backoff sleep is raced against the call's stop signal, as attempts are,
 * so the deadline, the caller's signal and `close()` end the call with the error they end it with today. Real
 * node:http servers on 127.0.0.1 answering 502.
 */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { SgAbortError, SgTimeoutError, createClient } from "@sg/core";
import type { Clock, Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { capturingLogger, contextFor, fail, text, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
/** Real time, and sleeps that never settle whatever their signal says; `sleeps` counts the sleeps begun. */
const deaf = (): Clock & { sleeps: number } => {
  const clock = { sleeps: 0, now: () => Date.now(), sleep: () => ((clock.sleeps += 1), new Promise<void>(() => {})) };
  return clock;
};
const badGateway = () => serve((_req, res) => text(res, "bad gateway", 502, "text/plain"));
// Without the race these calls never settle: the guard turns that into a failure.
const settled = <T>(p: Promise<T>): Promise<T> => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("still pending after 5 s")), 5000))]);

describe("a clock whose sleep ignores its signal", () => {
  it("through createClient: the deadline ends the call during the backoff, with a warn, and the retry's tokens go back", async () => {
    const server = await badGateway();
    const logger = capturingLogger();
    // one retry's worth of tokens: the next call can retry only if the cut-short backoff gave them back
    const transport = jsonRpcTransport({ deadlineMs: 1500, retry: { budget: { capacity: 5, retryCost: 5 } } });
    const client = createClient({ site: server.url, transport, auth: { name: "bot", credentials: async () => script }, clock: deaf(), logger });
    const err = await settled(fail(client.call("read", { type: "Shot" })));
    expect(err).toBeInstanceOf(SgTimeoutError);
    expect(err).toMatchObject({ scope: "deadline", timeoutMs: 1500 });
    expect(err.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 502, delayMs: 750 })]);
    expect(logger.lines.filter((l) => l.startsWith("warn "))).toEqual([expect.stringContaining("@sg/transport: read: stopped (SG_TIMEOUT)")]);
    const again = await settled(fail(transport.send(read({ deadlineMs: 1000 }), contextFor(server.url, deaf()))));
    expect(again.attempts.map((a) => a.budgetExhausted)).toEqual([undefined]); // retried, not withheld
    expect(again).toMatchObject({ name: "SgTimeoutError", scope: "deadline" });
    await client.close();
  });

  it("the caller's signal and close() end it; calls sharing one signal leave no listener on it", async () => {
    const server = await badGateway();
    const t = jsonRpcTransport({ retry: { baseDelayMs: 10 } });
    const controller = new AbortController();
    const clock = deaf();
    const calls = Array.from({ length: 20 }, () => settled(fail(t.send(read({ signal: controller.signal }), contextFor(server.url, clock)))));
    await expect.poll(() => clock.sleeps).toBe(20); // all in their backoff
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    for (const err of await Promise.all(calls)) {
      expect(err).toBeInstanceOf(SgAbortError);
      expect(err.attempts.map((a) => a.status)).toEqual([502]);
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    const closed = settled(fail(t.send(read(), contextFor(server.url, clock))));
    await expect.poll(() => clock.sleeps).toBe(21);
    await t.close?.();
    expect(await closed).toMatchObject({ name: "SgAbortError", reason: "the transport was closed while the call was in flight" });
  });
});
