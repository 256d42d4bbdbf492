/**
 * An `SgError` that the `dispatcher` throws (a routing dispatcher refusing a setting it cannot use, before it opens any
 * connection): fetch wraps it as `TypeError("fetch failed", { cause })` (and ofetch that in a `FetchError`), yet it is
 * the thrower's own refusal, not a network failure. It reaches the caller as itself, after one attempt, with no backoff,
 * and a write is not called maybe applied. Real node:http servers on 127.0.0.1, undici's own `Dispatcher` class.
 */
import { describe, expect, it } from "vitest";
import { SgError, SgValidationError, parseSite } from "@sg/core";
import type { Credentials } from "@sg/core";
import { Agent, Dispatcher } from "undici";
import { jsonRpcCallTransport, jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, text, useTestServers } from "./test-support/server.js";

const serve = useTestServers();
const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const, retry: { retryWrites: true } };

/** A refusal of a class of its own, with a field of its own and a constructor that takes other arguments. */
class RouteRefused extends SgValidationError {
  readonly origin: string;
  constructor(origin: string) {
    super("acme-router", { path: ["ACME_PROXY"], expected: "a proxy URL", received: "bytes it cannot read", hint: "Fix ACME_PROXY.", code: "ACME_ROUTE_REFUSED" });
    this.origin = origin;
  }
}

/**
 * Sends through an Agent, except to the `refused` origins, which it refuses by throwing a new {@link RouteRefused}
 * (after letting the first `letThrough` requests to them go).
 */
class RefusingDispatcher extends Dispatcher {
  readonly thrown: RouteRefused[] = [];
  readonly #agent = new Agent();
  readonly #refused: ReadonlySet<string>;
  #letThrough: number;
  constructor(refused: readonly string[], letThrough = 0) {
    super();
    this.#refused = new Set(refused);
    this.#letThrough = letThrough;
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = String(options.origin);
    if (!this.#refused.has(origin) || this.#letThrough-- > 0) return this.#agent.dispatch(options, handler);
    const refusal = new RouteRefused(origin);
    this.thrown.push(refusal);
    throw refusal;
  }
  override close(): Promise<void> {
    return this.#agent.close();
  }
}

/** What every such call must end with: the refusal thrown, itself, after one attempt and no backoff, not maybe applied. */
function expectRefusedOnce(error: SgError, dispatcher: RefusingDispatcher, sleeps: readonly number[]): void {
  expect(dispatcher.thrown).toHaveLength(1);
  expect(error).toBe(dispatcher.thrown[0]);
  expect(error).toBeInstanceOf(RouteRefused);
  expect(error.message).toBe("acme-router: ACME_PROXY: expected a proxy URL, got bytes it cannot read\nHint: Fix ACME_PROXY.");
  expect(error.attempts).toEqual([{ attempt: 1, code: "ACME_ROUTE_REFUSED", elapsedMs: expect.any(Number) }]);
  expect((error as { maybeSent?: unknown }).maybeSent).toBeUndefined();
  expect(sleeps).toEqual([]);
}

describe("an SgError the dispatcher throws", () => {
  it.each([
    ["jsonRpcTransport", jsonRpcTransport],
    ["jsonRpcCallTransport", jsonRpcCallTransport],
  ] as const)("%s: a read and a write get it as it was thrown, after one attempt; nothing reaches the site", async (_name, make) => {
    const site = await serve((_req, res) => text(res, "{}", 200, "application/json"));
    for (const request of [read, create]) {
      const dispatcher = new RefusingDispatcher([new URL(site.url).origin]);
      const clock = fakeClock();
      const error = await fail(make({ dispatcher }).send(request, contextFor(site.url, clock)));
      expectRefusedOnce(error, dispatcher, clock.sleeps);
      await dispatcher.close();
    }
    expect(site.requests).toEqual([]);
  });

  it("http(): a download and an upload to a storage origin it refuses get it the same way (ofetch's FetchError unwrapped too)", async () => {
    const site = await serve((_req, res) => text(res, "ok", 200, "text/plain"));
    const storage = await serve((_req, res) => text(res, "file", 200, "application/octet-stream"));
    const context = (clock: ReturnType<typeof fakeClock>) => contextFor(parseSite(site.url, { allowInsecureHttp: true }), clock);
    for (const request of [
      { method: "GET", target: `${storage.url}/files/x.bin`, kind: "read" },
      { method: "PUT", target: `${storage.url}/upload/1`, body: "data", kind: "write" },
    ] as const) {
      const dispatcher = new RefusingDispatcher([new URL(storage.url).origin]);
      const clock = fakeClock();
      const error = await fail(jsonRpcTransport({ dispatcher }).http!(request, context(clock)));
      expectRefusedOnce(error, dispatcher, clock.sleeps);
      await dispatcher.close();
    }
    expect(storage.requests).toEqual([]);
  });

  it("a write whose earlier attempt may have landed (a 502, retried with retryWrites) says so on a copy of the refusal", async () => {
    const site = await serve((_req, res) => text(res, "bad gateway", 502, "text/plain"));
    const origin = new URL(site.url).origin;
    const dispatcher = new RefusingDispatcher([origin], 1);
    const clock = fakeClock();
    const error = await fail(jsonRpcTransport({ dispatcher }).send(create, contextFor(site.url, clock)));
    expect(error).toBeInstanceOf(RouteRefused);
    expect(error).not.toBe(dispatcher.thrown[0]);
    expect(error).toMatchObject({ code: "ACME_ROUTE_REFUSED", origin, maybeSent: true });
    expect(error.hint).toMatch(/may have been applied/);
    expect(error.attempts.map((a) => a.status ?? a.code)).toEqual([502, "ACME_ROUTE_REFUSED"]);
    expect(site.requests).toHaveLength(1);
    await dispatcher.close();
  });

  it("thrown while the answer's body was read, a write's copy says it may have been applied (the site had answered); not re-sent", async () => {
    const site = await serve((_req, res) => text(res, '{"results": {"id": 7}}', 200, "application/json"));
    const origin = new URL(site.url).origin;
    // A fetch that sends the request, then fails the answer's body with the thrower's own SgError.
    const refusingBody = async (input: string, init: RequestInit): Promise<Response> => {
      const answer = await fetch(input, init);
      await answer.body?.cancel();
      return new Response(new ReadableStream({ pull: (controller) => controller.error(new RouteRefused(origin)) }), { status: 200, headers: { "content-type": "application/json" } });
    };
    for (const make of [jsonRpcTransport, jsonRpcCallTransport]) {
      const clock = fakeClock();
      const error = await fail(make({ fetch: refusingBody }).send(create, contextFor(site.url, clock)));
      expect(error).toBeInstanceOf(RouteRefused);
      expect(error).toMatchObject({ code: "ACME_ROUTE_REFUSED", origin, maybeSent: true });
      expect(error.hint).toMatch(/may have been applied/);
      expect(clock.sleeps).toEqual([]);
      // a read so cut says nothing of its own
      expect((await fail(make({ fetch: refusingBody }).send(read, contextFor(site.url, fakeClock()))) as { maybeSent?: unknown }).maybeSent).toBeUndefined();
    }
    expect(site.requests).toHaveLength(4);
  });
});
