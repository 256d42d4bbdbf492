/**
 * What core does with a call once it has handed it to a transport that does not do its part: one that ignores the
 * call's signal, its deadline and the client's close signal (a test double, a transport written from the README), or
 * that fails with a plain `Error` rather than an `SgError`.
 */
import { getEventListeners } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { MAYBE_APPLIED_HINT, SgAbortError, SgNetworkError, SgTimeoutError } from "./errors.js";
import type { HttpResponse, RpcRequest, TransportStrategy } from "./transport-strategy.js";
import { loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();
const auth: AuthStrategy = { name: "script", credentials: async (): Promise<Credentials> => ({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789abcdef" }) };
const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);

/**
 * A transport that posts each call to the site with fetch and never looks at a signal or a deadline, or (`signalOf`)
 * gives fetch only the signal it picks for the request.
 */
function sloppy(name = "sloppy", signalOf: (request: RpcRequest) => AbortSignal | undefined = () => undefined): TransportStrategy & { sent: RpcRequest[] } {
  const sent: RpcRequest[] = [];
  return {
    name,
    sent,
    async send(request, context) {
      sent.push(request);
      const body = JSON.stringify({ method_name: request.method, params: [{}, request.payload] });
      const response = await fetch(`${context.site.href.replace(/\/$/, "")}/api3/json`, { method: "POST", body, signal: signalOf(request) });
      return ((await response.json()) as { results: unknown }).results;
    },
  };
}

/** Time `p` takes to settle, and what it settled with. */
async function timed(p: Promise<unknown>): Promise<{ ms: number; outcome: unknown }> {
  const t0 = performance.now();
  const outcome = await settled(p);
  return { ms: performance.now() - t0, outcome };
}

describe("a call handed to a transport that ignores its signal, deadline and close()", () => {
  it("ends on the call's signal: a read with the plain abort, a write saying it may have been applied", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: sloppy(), auth });
    const reading = new AbortController();
    const read = timed(sg.call("read", { type: "Shot" }, { signal: reading.signal }));
    await s.arrived(1);
    reading.abort();
    const r = await read;
    expect(r.ms).toBeLessThan(2_000);
    expect(r.outcome).toBeInstanceOf(SgAbortError);
    expect(r.outcome).toMatchObject({ reason: "the call was aborted", maybeSent: undefined, hint: undefined, site: s.url });
    expect(getEventListeners(reading.signal, "abort")).toHaveLength(0);

    const writing = new AbortController();
    const write = timed(sg.call("create", { type: "Shot", data: {} }, { signal: writing.signal }));
    await s.arrived(2);
    writing.abort();
    const w = await write;
    expect(w.ms).toBeLessThan(2_000);
    expect(w.outcome).toMatchObject({ name: "SgAbortError", method: "create", maybeSent: true, hint: MAYBE_APPLIED_HINT });
  });

  it("ends at the call's deadline with SgTimeoutError, a write's saying it may have been applied", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: sloppy(), auth });
    const w = await timed(sg.call("create", { type: "Shot", data: {} }, { deadlineMs: 100 }));
    expect(w.outcome).toBeInstanceOf(SgTimeoutError);
    expect(w.outcome).toMatchObject({ scope: "deadline", method: "create", maybeSent: true, hint: MAYBE_APPLIED_HINT, site: s.url });
    expect((w.outcome as Error).message).toMatch(/^@sg\/core: 'create' did not complete within its deadline of \d+ ms: the transport 'sloppy' had not answered/);
    expect(w.ms).toBeGreaterThanOrEqual(99);
    expect(w.ms).toBeLessThan(2_000);
    expect(s.received.map((r) => r.method)).toEqual(["create"]);
  });

  it("ends on close(), even when no other client shares the transport and it has no close()", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: sloppy(), auth });
    const update = timed(sg.call("update", { type: "Shot", id: 1, fields: [] }));
    const read = timed(sg.call("read", { type: "Shot" }));
    await s.arrived(2);
    await sg.close();
    const [u, r] = await Promise.all([update, read]);
    expect(u.ms).toBeLessThan(2_000);
    expect(u.outcome).toMatchObject({ name: "SgAbortError", method: "update", maybeSent: true, hint: MAYBE_APPLIED_HINT });
    expect((u.outcome as Error).message).toMatch(/^@sg\/core: the client was closed while 'update' was in flight/);
    expect(r.outcome).toMatchObject({ name: "SgAbortError", method: "read", maybeSent: undefined, hint: undefined });
  });

  it("ends a transport's promise that never settles, with one timer at most per call, none left after", async () => {
    const sent: string[] = [];
    const deadlines: (number | undefined)[] = [];
    const hang: TransportStrategy = { name: "never-answers", send: (request) => (sent.push(request.method), deadlines.push(request.deadlineMs), new Promise(() => {})) };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: hang, auth });
    const handedOver = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const stop = new AbortController();
      const read = settled(sg.call("read", { type: "Shot" }, { signal: stop.signal, deadlineMs: 60_000 }));
      await handedOver();
      expect(sent).toEqual(["read"]);
      expect(vi.getTimerCount()).toBe(1); // the deadline's
      stop.abort();
      expect(vi.getTimerCount()).toBe(1); // the transport's time to end it itself, instead of the deadline's
      await vi.advanceTimersByTimeAsync(50);
      expect(await read).toMatchObject({ name: "SgAbortError", reason: "the call was aborted" });
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);

      // The deadline passes 50 ms after the transport's own would have: the time left when it was handed over (1,000 ms
      // less what the wait for credentials took on the real clock, which fake timers do not move), plus 50 ms.
      let outcome: unknown;
      const unused = new AbortController();
      void settled(sg.call("update", { type: "Shot", id: 1, fields: [] }, { deadlineMs: 1_000, signal: unused.signal })).then((o) => (outcome = o));
      await handedOver();
      const left = deadlines.at(-1)!;
      expect(left).toBeGreaterThan(900);
      await vi.advanceTimersByTimeAsync(left + 49);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toMatchObject({ name: "SgTimeoutError", method: "update", maybeSent: true, hint: MAYBE_APPLIED_HINT });
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(unused.signal, "abort")).toHaveLength(0);

      const create = settled(sg.call("create", {}, { deadlineMs: 60_000 }));
      await handedOver();
      await sg.close();
      await vi.advanceTimersByTimeAsync(50);
      expect(await create).toMatchObject({ name: "SgAbortError", method: "create", maybeSent: true });
      expect(vi.getTimerCount()).toBe(0);
      expect(sent).toEqual(["read", "update", "create"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the longest deadline", () => {
  it("is not cut short: with core's margin it is still a delay a timer holds", async () => {
    const hang: TransportStrategy = { name: "never-answers", send: () => new Promise(() => {}) };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: hang, auth });
    let outcome: unknown;
    void settled(sg.call("read", {}, { deadlineMs: 2_147_483_647 })).then((o) => (outcome = o));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(outcome).toBeUndefined();
    await sg.close();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(outcome).toMatchObject({ name: "SgAbortError", method: "read" });
  });
});

describe("a transport that ends the call itself", () => {
  it("keeps its own error when it settles on the signal as core would stop waiting", async () => {
    const own = new SgAbortError("my-transport: aborted while waiting out a 429", { method: "create", maybeSent: false });
    const polite: TransportStrategy = {
      name: "polite",
      send: (request) => new Promise((_, reject) => request.signal!.addEventListener("abort", () => setTimeout(() => reject(own), 5))),
    };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: polite, auth });
    const stop = new AbortController();
    const create = settled(sg.call("create", {}, { signal: stop.signal }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    expect(await create).toBe(own);
  });

  it("keeps its own deadline error, made as it unwinds a little after the time left for the send ran out", async () => {
    let own: SgTimeoutError | undefined;
    const timely: TransportStrategy = {
      name: "timely",
      send: (request) =>
        new Promise((_, reject) =>
          setTimeout(() => reject((own = new SgTimeoutError("my-transport: out of time", { timeoutMs: request.deadlineMs!, scope: "deadline", method: request.method, attempts: [] }))), request.deadlineMs! + 20),
        ),
    };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: timely, auth });
    expect(await settled(sg.call("read", {}, { deadlineMs: 50 }))).toBe(own);
  });
});

describe("a transport that fails with a plain Error", () => {
  it("fails the call with SgNetworkError naming the transport and the method, the error as its cause", async () => {
    const throwing: TransportStrategy = {
      name: "thrower",
      send: (request) => {
        if (request.method === "create") return Promise.reject(new Error("socket hang up"));
        throw new TypeError("fetch failed");
      },
    };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: throwing, auth });
    const read = (await settled(sg.call("read", { type: "Shot" }))) as SgNetworkError;
    expect(read).toBeInstanceOf(SgNetworkError);
    expect(read).toMatchObject({ code: "SG_NETWORK", method: "read", site: "http://127.0.0.1:9", hint: undefined });
    expect(read.message).toBe("@sg/core: the transport 'thrower' failed 'read' with TypeError: fetch failed");
    expect(read.cause).toMatchObject({ name: "TypeError", message: "fetch failed" });

    const create = (await settled(sg.call("create", { type: "Shot", data: {} }))) as SgNetworkError;
    expect(create).toMatchObject({ code: "SG_NETWORK", method: "create", maybeSent: true, hint: MAYBE_APPLIED_HINT });
    expect(create.cause).toMatchObject({ message: "socket hang up" });
  });

  it("does the same for an exchange through http(): an upload that failed after it went out may have been applied", async () => {
    const lossy: TransportStrategy = {
      name: "lossy",
      send: () => Promise.resolve({}),
      http: (request): Promise<HttpResponse> => Promise.reject(new TypeError(`fetch failed for ${request.target}`)),
    };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: lossy, auth });
    const error = (await settled(sg.http({ method: "POST", target: "/upload/publish_thumbnail?token=s3cr3t", form: {} }))) as SgNetworkError;
    expect(error).toMatchObject({ code: "SG_NETWORK", method: "HTTP POST /upload/publish_thumbnail", maybeSent: true, hint: MAYBE_APPLIED_HINT, site: "http://127.0.0.1:9" });
    expect(error.message).toMatch(/^@sg\/core: the transport 'lossy' failed 'HTTP POST \/upload\/publish_thumbnail' with TypeError: fetch failed/);
  });

  it("keeps a signed link's query, its user info and the site's basic auth out of the error (message, cause, JSON, inspect)", async () => {
    const quoting: TransportStrategy = {
      name: "quoting",
      send: () => Promise.resolve({}),
      // As ofetch's FetchError does: the whole URL in the message.
      http: (request, context): Promise<HttpResponse> =>
        Promise.reject(new Error(`[GET] "${String(request.target)}": <no response> fetch failed (sent ${context.site.basicAuth} for ${context.site.basicAuthSecret})`)),
    };
    const sg = createClient({ site: "http://ops:Site-Pa55word-77@127.0.0.1:9", transport: quoting, auth });
    const signed = "https://cdn.test/media/plate.mov?Expires=1796200000&Signature=Nql641NHsig%2Bvalue&Key-Pair-Id=K2JCJMDEHXQW5F";
    const userInfo = "https://viewer:Link-Pa55-99@cdn.test/media/a.mov";
    for (const target of [signed, userInfo]) {
      const error = (await settled(sg.http({ method: "GET", target, authenticated: false }))) as SgNetworkError;
      expect(error).toBeInstanceOf(SgNetworkError);
      const texts = [error.message, JSON.stringify(error), String((error.cause as Error).message), inspect(error, { depth: 10, showHidden: true })];
      for (const text of texts) {
        for (const secret of ["Nql641NHsig", "sig+value", "K2JCJMDEHXQW5F", "Link-Pa55-99", "Site-Pa55word-77", Buffer.from("ops:Site-Pa55word-77").toString("base64")]) {
          expect(text).not.toContain(secret);
        }
      }
      expect(error.message).toContain("cdn.test/media/");
    }
  });

  it("waits out its grace when the transport's own synchronous part aborts the call's signal or closes the client, leaving no rejection unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const stop = new AbortController();
      let closeIt = (): void => {};
      const abrupt: TransportStrategy = {
        name: "abrupt",
        send: (request) => {
          // Its synchronous part stops the call, then its request fails 20 ms later.
          if (request.method === "read") stop.abort();
          else closeIt();
          return new Promise((_, reject) => setTimeout(reject, 20, new TypeError("fetch failed")));
        },
      };
      const sg = createClient({ site: "http://127.0.0.1:9", transport: abrupt, auth });
      closeIt = () => void sg.close();
      expect(await settled(sg.call("read", {}, { signal: stop.signal }))).toMatchObject({ name: "SgAbortError", reason: "the call was aborted", maybeSent: undefined });
      expect(await settled(sg.call("create", {}))).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while 'create' was in flight", maybeSent: true });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("is the call's abort when the call's signal or close() stopped it (a transport rejecting with the signal's reason)", async () => {
    const echoing: TransportStrategy = {
      name: "echoes its signal",
      send: (request, context) =>
        new Promise((_, reject) => {
          request.signal?.addEventListener("abort", () => reject(request.signal!.reason));
          context.signal?.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")));
        }),
    };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: echoing, auth });
    const stop = new AbortController();
    const read = settled(sg.call("read", {}, { signal: stop.signal }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    expect(await read).toMatchObject({ name: "SgAbortError", reason: "the call was aborted", cause: { name: "AbortError" }, maybeSent: undefined });
    const create = settled(sg.call("create", {}));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await sg.close();
    expect(await create).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while 'create' was in flight", maybeSent: true, hint: MAYBE_APPLIED_HINT });
  });

  it("is SgTimeoutError (scope attempt, the call's timeoutMs) when it is a TimeoutError, as fetch's with AbortSignal.timeout()", async () => {
    const s = await site();
    // Times its own request out, as a transport written with fetch does: a DOMException named TimeoutError.
    const timing = sloppy("timing", (request) => AbortSignal.timeout(request.timeoutMs ?? 60));
    const sg = createClient({ site: s.url, transport: timing, auth });
    const read = (await settled(sg.call("read", { type: "Shot" }, { timeoutMs: 80 }))) as SgTimeoutError;
    expect(read).toBeInstanceOf(SgTimeoutError);
    expect(read).toMatchObject({ code: "SG_TIMEOUT", scope: "attempt", timeoutMs: 80, maybeSent: true, method: "read", hint: undefined, site: s.url });
    expect(read.message).toMatch(/^@sg\/core: the transport 'timing' failed 'read' with TimeoutError: /);
    expect(read.cause).toMatchObject({ name: "TimeoutError" });
    const create = (await settled(sg.call("create", { type: "Shot", data: {} }))) as SgTimeoutError;
    expect(create).toBeInstanceOf(SgTimeoutError);
    // The transport's own limit, which core does not know: no number stands for it.
    expect(create).toMatchObject({ code: "SG_TIMEOUT", scope: "attempt", timeoutMs: Number.NaN, maybeSent: true, method: "create", hint: MAYBE_APPLIED_HINT });
    expect(s.received.map((r) => r.method)).toEqual(["read", "create"]);
  });

  it("is SgTimeoutError scope deadline when the transport's TimeoutError came at the deadline handed over, else no limit it did not reach", async () => {
    const s = await site();
    // Honours the deadline as a fetch transport usually does: AbortSignal.timeout(deadlineMs), a plain TimeoutError.
    const byDeadline = sloppy("by-deadline", (request) => AbortSignal.timeout(request.deadlineMs ?? 60));
    const sg = createClient({ site: s.url, transport: byDeadline, auth });
    const create = (await settled(sg.call("create", { type: "Shot", data: {} }, { deadlineMs: 300, timeoutMs: 10_000 }))) as SgTimeoutError;
    expect(create).toBeInstanceOf(SgTimeoutError);
    expect(create).toMatchObject({ scope: "deadline", maybeSent: true, method: "create", hint: MAYBE_APPLIED_HINT });
    expect(create.timeoutMs).toBeGreaterThan(200);
    expect(create.timeoutMs).toBeLessThanOrEqual(300);
    // Its own 60 ms limit, far from both the call's timeoutMs and its deadline: neither is claimed.
    const early = sloppy("early", () => AbortSignal.timeout(60));
    const sg2 = createClient({ site: s.url, transport: early, auth });
    const read = (await settled(sg2.call("read", { type: "Shot" }, { deadlineMs: 5_000, timeoutMs: 3_000 }))) as SgTimeoutError;
    expect(read).toMatchObject({ code: "SG_TIMEOUT", scope: "attempt", timeoutMs: Number.NaN });
  });

  it("is the call's own abort when fetch, given the call's signal, rejects with its AbortError or TimeoutError", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: sloppy("passing", (request) => request.signal), auth });
    const stop = new AbortController();
    const read = settled(sg.call("read", {}, { signal: stop.signal }));
    await s.arrived(1);
    stop.abort();
    expect(await read).toMatchObject({ name: "SgAbortError", reason: "the call was aborted", cause: { name: "AbortError" }, maybeSent: undefined, hint: undefined });
    const halt = new AbortController();
    const create = settled(sg.call("create", {}, { signal: halt.signal }));
    await s.arrived(2);
    halt.abort();
    expect(await create).toMatchObject({ name: "SgAbortError", reason: "the call was aborted", cause: { name: "AbortError" }, maybeSent: true, hint: MAYBE_APPLIED_HINT });
    // A signal that timed out is the call's abort too, as core says it when it stops the call itself.
    expect(await settled(sg.call("read", {}, { signal: AbortSignal.timeout(40) }))).toMatchObject({
      name: "SgAbortError",
      reason: "the call was aborted: its signal timed out",
      cause: { name: "TimeoutError" },
    });
  });

  it("keeps the error's own string code as syscallCode (code stays SG_NETWORK), on a call and on an exchange", async () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const tooLarge = Object.assign(new Error("more than maxBytes"), { code: "SG_RESPONSE_TOO_LARGE" });
    const coded: TransportStrategy = {
      name: "coded",
      send: (request) =>
        Promise.reject(
          request.method === "read"
            ? reset
            : request.method === "update"
              ? Object.assign(new Error("odd"), { code: 104 })
              : Object.defineProperty(new Error("unreadable code"), "code", {
                  get() {
                    throw new Error("no");
                  },
                }),
        ),
      http: () => Promise.reject(tooLarge),
    };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: coded, auth });
    const read = (await settled(sg.call("read", {}))) as SgNetworkError;
    expect(read).toBeInstanceOf(SgNetworkError);
    expect(read).toMatchObject({ code: "SG_NETWORK", syscallCode: "ECONNRESET", maybeSent: true, cause: { code: "ECONNRESET", message: "read ECONNRESET" } });
    const exchange = (await settled(sg.http({ method: "GET", target: "/file", maxBytes: 10 }))) as SgNetworkError;
    expect(exchange).toMatchObject({ code: "SG_NETWORK", syscallCode: "SG_RESPONSE_TOO_LARGE", cause: { code: "SG_RESPONSE_TOO_LARGE" } });
    expect(await settled(sg.call("update", {}))).toMatchObject({ code: "SG_NETWORK", syscallCode: undefined });
    expect(await settled(sg.call("delete", {}))).toMatchObject({ code: "SG_NETWORK", syscallCode: undefined, reason: expect.stringContaining("unreadable code") });
  });

  it("takes syscallCode from the first string code down the error's cause chain: fetch's ECONNREFUSED under 'fetch failed'", async () => {
    // A transport written from the README's sample, its fetch refused by a port nothing listens on (over a socket).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const sg = createClient({ site: `http://127.0.0.1:${port}`, transport: sloppy("fetch-transport"), auth });
    const error = (await settled(sg.call("create", { type: "Shot", data: {} }))) as SgNetworkError;
    expect(error).toMatchObject({ code: "SG_NETWORK", syscallCode: "ECONNREFUSED", maybeSent: true, cause: { name: "TypeError", message: "fetch failed" } });
    expect(error.toJSON()).toMatchObject({ syscallCode: "ECONNREFUSED", cause: { name: "TypeError", cause: { code: "ECONNREFUSED" } } });
    // Nine levels down is past the chain core keeps; a getter that throws on the way ends the walk.
    let deep: Error = Object.assign(new Error("deepest"), { code: "EDEEP" });
    for (let i = 0; i < 9; i++) deep = new Error(`level ${i}`, { cause: deep });
    const unreadable = Object.defineProperty(new Error("outer"), "cause", {
      get() {
        throw new Error("no");
      },
    });
    const odd: TransportStrategy = { name: "odd", send: (request) => Promise.reject(request.method === "read" ? deep : unreadable) };
    const sgOdd = createClient({ site: "http://127.0.0.1:9", transport: odd, auth });
    expect(await settled(sgOdd.call("read", {}))).toMatchObject({ code: "SG_NETWORK", syscallCode: undefined });
    expect(await settled(sgOdd.call("update", {}))).toMatchObject({ code: "SG_NETWORK", syscallCode: undefined, reason: expect.stringContaining("outer") });
  });

  it("scrubs the credentials' secrets from what it quotes of the error", async () => {
    const leaky: TransportStrategy = { name: "leaky", send: () => Promise.reject(new Error("bad key bot-key-0123456789abcdef")) };
    const sg = createClient({ site: "http://127.0.0.1:9", transport: leaky, auth });
    const error = (await settled(sg.call("read", {}))) as SgNetworkError;
    expect(error.message).not.toContain("bot-key-0123456789abcdef");
    expect((error.cause as Error).message).not.toContain("bot-key-0123456789abcdef");
  });
});
