import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import type { TransportStrategy } from "./transport-strategy.js";
import { MAYBE_APPLIED_HINT, SgAbortError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();

const script = (name: string): AuthStrategy => ({ name, credentials: async (): Promise<Credentials> => ({ kind: "script", scriptName: name, scriptKey: `${name}-key-0123456789` }) });
const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);

describe("an abort after a write was handed to the transport", () => {
  it("says the write may have been applied (maybeSent, hint): the site got the create", async () => {
    const s = await site();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: script("bot") });
    const stop = new AbortController();
    const create = settled(sg.call("create", { type: "Shot", data: { code: "sh010" } }, { signal: stop.signal }));
    const held = await s.arrived(1);
    stop.abort();
    const error = (await create) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ code: "SG_ABORTED", reason: "the call was aborted", maybeSent: true, hint: MAYBE_APPLIED_HINT });
    expect(error.message).toBe("the call was aborted\nHint: The write may have been applied; check the site before trying again.");
    expect(held).toMatchObject({ method: "create", payload: { type: "Shot", data: { code: "sh010" } } });
  });

  it("keeps the plain abort for a read, and for a write aborted before it was handed over (nothing sent)", async () => {
    const s = await site();
    let release = (): void => {};
    const slowLogin: AuthStrategy = { name: "slow", credentials: () => new Promise((resolve) => (release = () => resolve({ kind: "session", sessionToken: "tok-1" }))) };
    const reader = createClient({ site: s.url, transport: fetchTransport(), auth: script("reader") });
    const stop = new AbortController();
    const read = settled(reader.call("read", { type: "Shot" }, { signal: stop.signal }));
    await s.arrived(1);
    stop.abort();
    expect(await read).toMatchObject({ name: "SgAbortError", reason: "the call was aborted", maybeSent: undefined, hint: undefined });

    const writer = createClient({ site: s.url, transport: fetchTransport(), auth: slowLogin });
    const early = new AbortController();
    const create = settled(writer.call("create", { type: "Shot" }, { signal: early.signal }));
    early.abort();
    release();
    expect(await create).toMatchObject({ name: "SgAbortError", reason: "the call was aborted", maybeSent: undefined, hint: undefined });
    // A signal aborted already when the call is made: refused before credentials, nothing handed over.
    expect(await settled(writer.call("create", {}, { signal: AbortSignal.abort() }))).toMatchObject({ maybeSent: undefined, hint: undefined });
    expect(s.received.map((r) => r.method)).toEqual(["read"]);
  });

  it("a transport's own abort of a write (its close()) gets the same words, keeping its reason", async () => {
    const s = await site();
    const transport = fetchTransport();
    const sg = createClient({ site: s.url, transport, auth: script("bot") });
    const update = settled(sg.call("update", { type: "Shot", id: 1, fields: [] }));
    await s.arrived(1);
    await sg.close();
    expect(await update).toMatchObject({ name: "SgAbortError", reason: "the transport was closed while the call was in flight", maybeSent: true, hint: MAYBE_APPLIED_HINT });
  });
});

describe("client.close() with a transport other clients use too", () => {
  it("ends only this client's calls: the admin's create in flight lands, the bot's own call is aborted", async () => {
    const s = await site();
    const transport = fetchTransport();
    const admin = createClient({ site: s.url, transport, auth: script("admin") });
    const bot = createClient({ site: s.url, transport, auth: script("bot") });
    const create = settled(admin.call("create", { type: "Shot", data: { code: "by-admin" } }));
    const botRead = settled(bot.call("read", { type: "Shot" }));
    const botWrite = settled(bot.call("update", { type: "Shot", id: 1, fields: [] }));
    const [held] = await Promise.all([s.arrived(1), s.arrived(3)]);
    await bot.close();
    // The admin's create is still on its way, and completes: the bot's close() aborted the bot's close signal, which
    // only the bot's calls carry, and left the transport open.
    held!.answer({ type: "Shot", id: 7 });
    expect(await create).toEqual({ value: { type: "Shot", id: 7 } });
    expect(held!.method).toBe("create");
    expect(transport.closes).toBe(0);
    expect(await botRead).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while the call was in flight", maybeSent: undefined });
    expect(await botWrite).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while the call was in flight", maybeSent: true, hint: MAYBE_APPLIED_HINT });
    // Closing the last open client closes the transport, as a client alone on its transport always did.
    const later = settled(admin.call("read", { type: "Shot" }));
    await s.arrived(4);
    await admin.close();
    expect(transport.closes).toBe(1);
    expect(await later).toMatchObject({ reason: "the transport was closed while the call was in flight" });
  });

  it("a client alone on its transport closes it on every close(); a closed client that calls again is open again", async () => {
    const s = await site();
    const transport = fetchTransport();
    const alone = createClient({ site: s.url, transport, auth: script("alone") });
    await alone.close();
    await alone.close();
    expect(transport.closes).toBe(2);

    const shared = fetchTransport();
    const a = createClient({ site: s.url, transport: shared, auth: script("a") });
    const b = createClient({ site: s.url, transport: shared, auth: script("b") });
    await a.close();
    // a calls again: it uses the transport again, so b's close() must not close it under a's call.
    const aRead = settled(a.call("read", { type: "Shot" }));
    const held = await s.arrived(1);
    await b.close();
    expect(shared.closes).toBe(0);
    held.answer([]);
    expect(await aRead).toEqual({ value: [] });
    await a.close();
    expect(shared.closes).toBe(1);
  });
});

describe("client.close() ends its calls through the close signal the transport gets in the context", () => {
  it("a call sent while its client was alone on the transport is ended by its close() once another client shares it", async () => {
    const s = await site();
    const transport = fetchTransport();
    const first = createClient({ site: s.url, transport, auth: script("first") });
    const read = settled(first.call("read", { type: "Shot" }));
    await s.arrived(1);
    const second = createClient({ site: s.url, transport, auth: script("second") });
    await first.close();
    expect(transport.closes).toBe(0);
    expect(await read).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while the call was in flight" });
    // Closed, the first client calls again with a fresh close signal: the call is not ended by the earlier close().
    const again = settled(first.call("read", { type: "Shot" }));
    (await s.arrived(2)).answer([{ type: "Shot", id: 2 }]);
    expect(await again).toEqual({ value: [{ type: "Shot", id: 2 }] });
    await Promise.all([first.close(), second.close()]);
    expect(transport.closes).toBe(1);
  });

  it("a transport that ignores the context's signal: a shared client's close() ends its calls all the same, and leaves the transport open", async () => {
    let closes = 0;
    const transport: TransportStrategy = {
      name: "ignores the context's signal",
      send: () => new Promise(() => {}),
      close: async () => void (closes += 1),
    };
    const a = createClient({ site: "https://studio.example.com", transport, auth: script("a") });
    const b = createClient({ site: "https://studio.example.com", transport, auth: script("b") });
    const read = settled(b.call("read", { type: "Shot" }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await b.close();
    expect(closes).toBe(0);
    // Core stops waiting for it (the transport gets 50 ms to end it itself): before, it was left to the transport.
    expect(await read).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while 'read' was in flight", maybeSent: undefined });
    // The last open client closes the transport, as a client alone on it always does.
    await a.close();
    expect(closes).toBe(1);
  });
});

describe("calls on a transport other clients use too, with a long-lived signal", () => {
  it("the caller's signal still aborts the call", async () => {
    const s = await site();
    const transport = fetchTransport();
    const admin = createClient({ site: s.url, transport, auth: script("admin") });
    const bot = createClient({ site: s.url, transport, auth: script("bot") });
    const stop = new AbortController();
    const read = settled(bot.call("read", { type: "Shot" }, { signal: stop.signal }));
    await s.arrived(1);
    stop.abort();
    expect(await read).toMatchObject({ name: "SgAbortError", reason: "the call was aborted" });
    await Promise.all([admin.close(), bot.close()]);
  });

  it("keeps nothing of the calls that are over (AbortSignal.any kept ~1.2 KB a call on Node 20)", async () => {
    // An in-process transport: 30,000 calls over a socket would take long, and the socket is not what is measured.
    const grown = await heapGrowthOfShared({ name: "in-process", send: async () => ({}) }, 300);
    // 30,000 calls: a kept signal each came to ~60 MB; without, the heap stays within a few hundred KB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});

/**
 * How far the heap grows (after gc) over `rounds` × 100 concurrent reads by one of two clients that share `transport`
 * and a long-lived `defaults.signal` (a process's shutdown signal). A read that fails is taken as it comes.
 */
async function heapGrowthOfShared(transport: TransportStrategy, rounds: number): Promise<number> {
  const shutdown = new AbortController();
  const a = createClient({ site: "https://studio.example.com", transport, auth: script("a"), defaults: { signal: shutdown.signal } });
  const b = createClient({ site: "https://studio.example.com", transport, auth: script("b"), defaults: { signal: shutdown.signal } });
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const heap = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const read = (): Promise<unknown> => a.call("read", {}).catch((error: unknown) => error);
  await read();
  const before = heap();
  for (let i = 0; i < rounds; i++) await Promise.all(Array.from({ length: 100 }, read));
  const grown = heap() - before;
  await Promise.all([a.close(), b.close()]);
  return grown;
}

describe("a custom transport whose send() throws at once", () => {
  it("keeps nothing of its calls with a long-lived defaults.signal, on a transport two clients use", async () => {
    const broken = new Error("not configured");
    const transport: TransportStrategy = {
      name: "throws at once",
      send: () => {
        throw broken;
      },
    };
    // As an SgNetworkError naming the transport (a plain Error says neither the method nor the site), the error as its cause.
    await expect(createClient({ site: "https://studio.example.com", transport, auth: script("a") }).call("read", {})).rejects.toMatchObject({
      name: "SgNetworkError",
      method: "read",
      cause: { message: "not configured" },
    });
    const grown = await heapGrowthOfShared(transport, 500);
    // 50,000 calls: a per-call controller and signal subscription kept for each came to ~56 MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    // 50,000 calls and two heap collections: ~0.65 s on an idle machine, 1.5 s seen on a busy one, so past the
    // default 5 s on one 5× slower. Nothing here is timed.
  }, 30_000);
});

describe("info()", () => {
  it("is sent as a read, even with defaults: { kind: 'write' }", async () => {
    const kinds: string[] = [];
    const transport: TransportStrategy = {
      name: "records kinds",
      send: async (request) => {
        kinds.push(request.kind);
        return request.method === "info" ? { version: [8, 50, 0] } : {};
      },
    };
    const sg = createClient({ site: "https://studio.example.com", transport, auth: script("a"), defaults: { kind: "write" } });
    await sg.info();
    await sg.call("read", {});
    expect(kinds).toEqual(["read", "write"]);
  });

  it("rejects with what a transport's send() throws at once, instead of throwing it", async () => {
    const broken = new Error("not configured");
    const transport: TransportStrategy = {
      name: "throws at once",
      send: () => {
        throw broken;
      },
    };
    const sg = createClient({ site: "https://studio.example.com", transport });
    let info: Promise<unknown> | undefined;
    expect(() => (info = sg.info())).not.toThrow();
    await expect(info).rejects.toMatchObject({ name: "SgNetworkError", method: "info", reason: "@sg/core: the transport 'throws at once' failed 'info' with Error: not configured" });
  });
});
