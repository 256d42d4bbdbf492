import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import type { TransportStrategy } from "./transport-strategy.js";
import { MAYBE_APPLIED_HINT, SgAbortError } from "./errors.js";
import { fetchTransport, loopbackSite, type LoopbackSite } from "./test-support/loopback-site.js";

const sites: LoopbackSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});
async function site(): Promise<LoopbackSite> {
  const s = await loopbackSite();
  sites.push(s);
  return s;
}

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
    // The admin's call is still on its way, and completes (it was aborted, "the transport was closed while the call
    // was in flight", although the site applied it).
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
    const transport: TransportStrategy = { name: "in-process", send: async () => ({}) };
    const shutdown = new AbortController();
    const a = createClient({ site: "https://studio.example.com", transport, auth: script("a"), defaults: { signal: shutdown.signal } });
    const b = createClient({ site: "https://studio.example.com", transport, auth: script("b"), defaults: { signal: shutdown.signal } });
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    await a.call("read", {});
    const before = heap();
    for (let i = 0; i < 300; i++) await Promise.all(Array.from({ length: 100 }, () => a.call("read", {})));
    const grown = heap() - before;
    // 30,000 calls: a kept signal each came to ~60 MB; without, the heap stays within a few hundred KB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    await Promise.all([a.close(), b.close()]);
  });
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
});
