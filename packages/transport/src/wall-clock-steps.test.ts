/**
 * The wall clock (`clock.now()`, `Date.now()` by default) may step during a call (NTP, a VM resumed): the deadline,
 * the "backoff would pass the deadline" check and the `totalMs` of log lines run on the monotonic clock, as the
 * deadline timer does, so a step neither stops a retry nor lets a backoff run to the deadline. Real node:http servers
 * on 127.0.0.1; the client's clock steps when the first request arrives.
 */
import { describe, expect, it } from "vitest";
import { SgHttpError, systemClock } from "@sg/core";
import type { Clock, Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { capturingLogger, contextFor, fail, json, text, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
const TEN_MIN = 10 * 60_000;

/** Real time and real sleeps; `step(ms)` moves `now()` by `ms`, as an NTP step does; `sleeps` counts the sleeps. */
const stepping = (): Clock & { step(ms: number): void; sleeps: number } => {
  let offset = 0;
  const clock = {
    sleeps: 0,
    step: (ms: number) => void (offset += ms),
    now: () => Date.now() + offset,
    sleep: (ms: number, signal?: AbortSignal) => ((clock.sleeps += 1), systemClock.sleep(ms, signal)),
  };
  return clock;
};
const totalMsOf = (line: string | undefined): number => (JSON.parse(line!.slice(line!.indexOf("{"))) as { totalMs: number }).totalMs;

describe("the wall clock steps during a call", () => {
  it("10 min forward during the first attempt: a read's 502 is still retried (the deadline is 5 min)", async () => {
    const clock = stepping();
    const server = await serve((_req, res, _raw, n) => (n === 1 ? (clock.step(TEN_MIN), text(res, "bad gateway", 502, "text/plain")) : json(res, { results: "ok" })));
    const t = jsonRpcTransport({ retry: { baseDelayMs: 10 } });
    expect(await t.send(read(), contextFor(server.url, clock))).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });

  it("10 min forward: the last line's totalMs is the call's own time, not the step", async () => {
    const clock = stepping();
    const server = await serve((_req, res) => (clock.step(TEN_MIN), text(res, "internal error", 500, "text/plain")));
    const logger = capturingLogger();
    await fail(jsonRpcTransport().send(read(), contextFor(server.url, clock, logger)));
    expect(totalMsOf(logger.lines.at(-1))).toBeLessThan(TEN_MIN);
  });

  it("10 min back: a 503 asking for 30 s on a call with a 5 s deadline fails at once with the 503, totalMs not negative", async () => {
    const clock = stepping();
    const server = await serve((_req, res) => (clock.step(-TEN_MIN), text(res, "busy", 503, "text/plain", { "retry-after": "30" })));
    const logger = capturingLogger();
    const err = await fail(jsonRpcTransport().send(read({ deadlineMs: 5000 }), contextFor(server.url, clock, logger)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 503, retryAfterMs: 30_000 });
    expect(clock.sleeps).toBe(0);
    expect(logger.lines.at(-1)).toContain("not retried (waiting 30000 ms would pass the 5000 ms deadline)");
    expect(totalMsOf(logger.lines.at(-1))).toBeGreaterThanOrEqual(0);
  }, 15_000); // without the fix it sleeps to the deadline: let it fail on its error, not on the test's timeout
});
