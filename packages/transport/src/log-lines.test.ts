import { describe, expect, it } from "vitest";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fakeClock, fail, json, text, useTestServers } from "./test-support/server.js";

// What an SRE's dashboard reads: the level and the data of each line, over real sockets.
const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
const create = () => ({ method: "create", payload: { type: "Shot", data: { code: "x" } }, credentials: script, kind: "write" as const });

interface Line {
  readonly level: string;
  readonly message: string;
  readonly data: Record<string, unknown>;
}

/** A logger that keeps each line with its data as given. */
function linesLogger(): { lines: Line[]; debug: (m: string, d?: object) => void; info: (m: string, d?: object) => void; warn: (m: string, d?: object) => void; error: (m: string, d?: object) => void } {
  const lines: Line[] = [];
  const put = (level: string) => (message: string, data?: object) => void lines.push({ level, message, data: { ...data } });
  return { lines, debug: put("debug"), info: put("info"), warn: put("warn"), error: put("error") };
}

/** The line that ends the call: its last. */
const last = (lines: Line[]): Line => lines[lines.length - 1]!;

describe("log lines: the end of a failed call", () => {
  it("a call that fails after retries ends with a warn carrying code, status, maybeSent, attempts and total time", async () => {
    const server = await serve((_req, res) => text(res, "gateway timeout", 504, "text/plain"));
    const logger = linesLogger();
    await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock(), logger)));
    // at info an SRE sees the two retries, then how the call ended
    expect(logger.lines.filter((l) => l.level !== "debug").map((l) => `${l.level} ${l.message}`)).toEqual([
      "info @sg/transport: read: retrying in 750 ms (HTTP 504)",
      "info @sg/transport: read: retrying in 1500 ms (HTTP 504)",
      "warn @sg/transport: read: not retried (HTTP 504; no attempts left (3 in total))",
    ]);
    const { data } = last(logger.lines);
    expect(data).toMatchObject({ method: "read", kind: "read", code: "SG_HTTP", status: 504, maybeSent: false, attempts: 3 });
    // whole milliseconds by the monotonic clock (performance.now()), as the deadline: the fake clock's instant
    // backoffs take none (wall-clock-steps.test.ts checks that a step of the client's clock does not count)
    expect(Number.isInteger(data["totalMs"]) && (data["totalMs"] as number) >= 0).toBe(true);
  });

  it("a retry withheld at the first attempt is a warn too: a write's 502, a Retry-After over the cap", async () => {
    const server = await serve((req, res) =>
      (req.json as { method_name: string }).method_name === "create" ? text(res, "bad gateway", 502, "text/plain") : text(res, "down", 503, "text/plain", { "retry-after": "100" }),
    );
    const t = jsonRpcTransport();
    const logger = linesLogger();
    await fail(t.send(create(), contextFor(server.url, fakeClock(), logger)));
    expect(last(logger.lines)).toMatchObject({
      level: "warn",
      message: "@sg/transport: create: not retried (HTTP 502 on a write with retryWrites off)",
      data: { code: "SG_HTTP", status: 502, maybeSent: true, attempts: 1 },
    });
    await fail(t.send(read(), contextFor(server.url, fakeClock(), logger)));
    expect(last(logger.lines)).toMatchObject({ level: "warn", data: { code: "SG_HTTP", status: 503, maybeSent: false, attempts: 1 } });
    expect(last(logger.lines).message).toMatch(/above maxRetryAfterMs/);
  });

  it("a write whose connection dropped is a warn whose code is the SgError's, the low-level one in syscallCode", async () => {
    const server = await serve((_req, _res, raw) => raw.socket.destroy());
    const logger = linesLogger();
    const err = await fail(jsonRpcTransport().send(create(), contextFor(server.url, fakeClock(), logger)));
    expect(err.code).toBe("SG_NETWORK");
    const attemptLine = logger.lines.find((l) => l.message.startsWith("@sg/transport: create attempt 1:"))!;
    expect(attemptLine.data["code"]).toBe("SG_NETWORK");
    expect(attemptLine.data["syscallCode"]).toMatch(/^[A-Z_]+$/);
    expect(attemptLine.data["syscallCode"]).not.toBe("SG_NETWORK");
    expect(last(logger.lines)).toMatchObject({ level: "warn", data: { code: "SG_NETWORK", maybeSent: true, attempts: 1 } });
  });

  it("a first-attempt failure that nothing would retry stays at debug, with its code and status", async () => {
    const server = await serve((_req, res) => text(res, "internal error", 500, "text/plain"));
    const logger = linesLogger();
    await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock(), logger)));
    expect(logger.lines.map((l) => l.level)).toEqual(["debug", "debug"]);
    expect(last(logger.lines)).toMatchObject({ message: "@sg/transport: read: not retried (HTTP 500 is never retried)", data: { code: "SG_HTTP", status: 500, attempts: 1 } });
  });
});

describe("log lines: a call stopped", () => {
  it("a stop during an attempt carries the code as a field; one during the backoff after a retry was announced is a warn", async () => {
    const server = await serve((_req, res, _raw, n) => (n === 1 ? undefined : text(res, "bad gateway", 502, "text/plain")));
    const logger = linesLogger();
    const during = new AbortController();
    const pending = fail(jsonRpcTransport().send(read({ signal: during.signal }), contextFor(server.url, fakeClock(), logger)));
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    during.abort();
    expect((await pending).code).toBe("SG_ABORTED");
    expect(logger.lines).toEqual([
      { level: "debug", message: "@sg/transport: read: stopped (SG_ABORTED)", data: expect.objectContaining({ code: "SG_ABORTED", attempts: 1 }) },
    ]);

    logger.lines.length = 0;
    const backoff = new AbortController();
    const t = jsonRpcTransport({ retry: { onRetry: () => void backoff.abort() } });
    expect((await fail(t.send(read({ signal: backoff.signal }), contextFor(server.url, fakeClock(), logger)))).code).toBe("SG_ABORTED");
    expect(last(logger.lines)).toMatchObject({ level: "warn", message: "@sg/transport: read: stopped (SG_ABORTED)", data: { code: "SG_ABORTED", attempts: 1 } });
  });
});

describe("the retry budget", () => {
  it("a retry the spent budget withheld is said on the error's last attempt and in a warn with status and code", async () => {
    const vendor = await serve((_req, res) => text(res, "vendor down", 502, "text/plain"));
    let blips = 0;
    const main = await serve((_req, res) => (blips++ === 0 ? text(res, "blip", 502, "text/plain") : json(res, { results: 1 })));
    // one transport for two sites: the vendor's outage spends the bucket (one retry of 5 tokens)
    const t = jsonRpcTransport({ retry: { budget: { capacity: 5, retryCost: 5 } } });
    const spent = await fail(t.send(read(), contextFor(vendor.url, fakeClock())));
    expect(spent.attempts.map((a) => a.budgetExhausted)).toEqual([undefined, true]);
    const logger = linesLogger();
    const err = await fail(t.send(read(), contextFor(main.url, fakeClock(), logger)));
    expect(err.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 502, budgetExhausted: true })]);
    expect(logger.lines.filter((l) => l.level !== "debug")).toEqual([
      {
        level: "warn",
        message: "@sg/transport: read: not retried (the retry budget is exhausted)",
        data: expect.objectContaining({ code: "SG_HTTP", status: 502, maybeSent: false, attempts: 1 }),
      },
    ]);
  });
});
