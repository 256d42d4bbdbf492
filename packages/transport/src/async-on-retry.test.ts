/**
 * An `async` onRetry hook (plain JavaScript, or a cast, gets past the type that forbids it) is not awaited: its
 * rejection is logged like a throw, never left unhandled (which ends a Node process), and its `false` cannot stop a
 * retry. A real node:http server on 127.0.0.1 answering 502 once.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import type { OnRetry } from "./index.js";
import { capturingLogger, contextFor, fakeClock, json, text, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };

/** Rejections nobody handled while the test ran (Node reports them after the microtask queue drains). */
const unhandled: unknown[] = [];
const record = (reason: unknown): void => void unhandled.push(reason);
afterEach(() => {
  process.off("unhandledRejection", record);
  unhandled.length = 0;
});

describe("an async onRetry hook", () => {
  it("that rejects: the call still succeeds, the rejection is logged as a warn and never left unhandled", async () => {
    process.on("unhandledRejection", record);
    const server = await serve((_req, res, _raw, n) => (n === 1 ? text(res, "bad gateway", 502, "text/plain") : json(res, { results: "ok" })));
    const logger = capturingLogger();
    const onRetry = (async () => {
      throw new TypeError("hook failed");
    }) as unknown as OnRetry;
    const t = jsonRpcTransport({ retry: { onRetry } });
    expect(await t.send(read, contextFor(server.url, fakeClock(), logger))).toBe("ok");
    // a macrotask later, Node has reported any rejection left unhandled
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
    expect(logger.lines.filter((l) => l.startsWith("warn "))).toEqual([expect.stringContaining('@sg/transport: read: the onRetry hook threw; retrying anyway {"method":"read","kind":"read"')]);
    expect(logger.lines.find((l) => l.startsWith("warn "))).toContain('"error":"TypeError"');
  });

  it("that resolves false: the retry goes ahead (an async hook cannot stop one)", async () => {
    const server = await serve((_req, res, _raw, n) => (n === 1 ? text(res, "bad gateway", 502, "text/plain") : json(res, { results: "ok" })));
    const onRetry = (async () => false) as unknown as OnRetry;
    expect(await jsonRpcTransport({ retry: { onRetry } }).send(read, contextFor(server.url))).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });
});
