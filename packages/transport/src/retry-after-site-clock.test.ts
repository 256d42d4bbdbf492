/**
 * A `Retry-After` HTTP-date is the site's clock: it is read against the answer's `Date` header when there is one, so a
 * site whose clock is off from the client's neither gets instant retries (behind) nor a refusal to wait (ahead). A
 * `Retry-After` of 0 or a past date waits the normal backoff: never an instant retry. Real node:http servers on
 * 127.0.0.1; the fake clock records the sleeps.
 */
import { describe, expect, it } from "vitest";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, json, text, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const CLIENT_NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const httpDate = (ms: number): string => new Date(ms).toUTCString();

describe("Retry-After as an HTTP-date, from a site whose clock is off", () => {
  for (const [label, skew] of [
    ["1 h behind the client's", -HOUR],
    ["1 h ahead of the client's", HOUR],
  ] as const) {
    it(`${label}: a 503 asking for 3 s after its Date waits 3 s, then the retry succeeds`, async () => {
      const siteNow = CLIENT_NOW + skew;
      const server = await serve((_req, res, _raw, n) =>
        n === 1 ? text(res, "busy", 503, "text/plain", { date: httpDate(siteNow), "retry-after": httpDate(siteNow + 3000) }) : json(res, { results: "ok" }),
      );
      const clock = fakeClock(CLIENT_NOW);
      expect(await jsonRpcTransport().send(read, contextFor(server.url, clock))).toBe("ok");
      expect(clock.sleeps).toEqual([3000]);
    });
  }

  it("http() too: a GET answered 503 by a site 1 h behind waits the 3 s asked for", async () => {
    const siteNow = CLIENT_NOW - HOUR;
    const server = await serve((_req, res, _raw, n) =>
      n === 1 ? text(res, "busy", 503, "text/plain", { date: httpDate(siteNow), "retry-after": httpDate(siteNow + 3000) }) : text(res, "file", 200, "text/plain"),
    );
    const clock = fakeClock(CLIENT_NOW);
    const answer = await jsonRpcTransport().http!({ method: "GET", target: "/file", kind: "read" }, contextFor(server.url, clock));
    expect(answer.status).toBe(200);
    expect(clock.sleeps).toEqual([3000]);
  });

  it("an answer without a Date header: the HTTP-date is read against the client's clock", async () => {
    const server = await serve((_req, res, _raw, n) => {
      if (n > 1) return json(res, { results: "ok" });
      res.sendDate = false; // node:http sends a Date unless told not to
      text(res, "busy", 503, "text/plain", { "retry-after": httpDate(CLIENT_NOW + 4000) });
    });
    const clock = fakeClock(CLIENT_NOW);
    expect(await jsonRpcTransport().send(read, contextFor(server.url, clock))).toBe("ok");
    expect(clock.sleeps).toEqual([4000]);
  });

  it("the error's retryAfterMs is read against the Date header too", async () => {
    const siteNow = CLIENT_NOW - HOUR;
    const server = await serve((_req, res) => text(res, "busy", 503, "text/plain", { date: httpDate(siteNow), "retry-after": httpDate(siteNow + 5000) }));
    const err = await fail(jsonRpcTransport().send({ ...read, retry: false }, contextFor(server.url, fakeClock(CLIENT_NOW))));
    expect(err).toMatchObject({ status: 503, retryAfterMs: 5000 });
  });
});

describe("Retry-After of 0 or a date already past: the normal backoff, never an instant retry", () => {
  for (const value of ["0", httpDate(CLIENT_NOW - 60_000)]) {
    it(`Retry-After: ${value}`, async () => {
      const server = await serve((_req, res) => text(res, "busy", 503, "text/plain", { "retry-after": value }));
      const clock = fakeClock(CLIENT_NOW);
      const err = await fail(jsonRpcTransport().send(read, contextFor(server.url, clock)));
      expect(err.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
      expect(clock.sleeps).toEqual([750, 1500]);
    });
  }
});
