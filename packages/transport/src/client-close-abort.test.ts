import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { SgAbortError, createClient } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { landedHint } from "./fault-map.js";
import { jsonRpcTransport } from "./index.js";
import { freePort, json, useTestServers, watchedClock } from "./test-support/server.js";
import type { Recorded } from "./test-support/server.js";

// What @sg/core and the real transport do at their seam: a write aborted once its request may have left says it may
// have been applied, one aborted before says it was not sent, and client.close() ends only that client's calls (its
// streamed bodies included, through the close signal in the transport context) when clients share one transport.
const serve = useTestServers();
const script = (name: string): AuthStrategy => ({ name, credentials: async (): Promise<Credentials> => Object.freeze({ kind: "script", scriptName: name, scriptKey: `${name}-key-0123456789` }) });
const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);

/** A site that holds every API call until the test answers it; `arrived` resolves once `n` calls are held. */
async function holdingSite() {
  const held: { req: Recorded; res: ServerResponse }[] = [];
  let wake = (): void => {};
  const server = await serve((req, res) => {
    held.push({ req, res });
    wake();
  });
  const arrived = async (n: number): Promise<void> => {
    while (held.length < n) await new Promise<void>((resolve) => (wake = resolve));
  };
  const methods = (): unknown[] => held.map((h) => (h.req.json as { method_name: string }).method_name);
  return { server, held, arrived, methods };
}

describe("createClient over jsonRpcTransport", () => {
  it("a create aborted with the app's own error named Sg…: still SgAbortError with maybeSent, the error kept as its cause", async () => {
    // An app class named like the library's errors, with a code, once passed through as it was: a plain SgError
    // without maybeSent, so a supervisor that retries what was not sent created the record twice.
    class SgSyncShutdown extends Error {
      readonly code = "SHUTDOWN";
      override readonly name = "SgSyncShutdown";
    }
    const site = await holdingSite();
    const sg = createClient({ site: site.server.url, transport: jsonRpcTransport(), auth: script("bot") });
    const stop = new AbortController();
    const create = settled(sg.call("create", { type: "Shot", data: { code: "sh010" } }, { signal: stop.signal }));
    await site.arrived(1);
    stop.abort(new SgSyncShutdown("deploy"));
    const error = (await create) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ code: "SG_ABORTED", method: "create", maybeSent: true, hint: landedHint("The call was aborted") });
    expect(error.cause).toMatchObject({ name: "SgSyncShutdown", message: "deploy", code: "SHUTDOWN" });
    expect(site.methods()).toEqual(["create"]);
  });

  it("a create aborted after it went out with a reason that throws when looked at (a revoked Proxy, a throwing trap): SgAbortError with maybeSent", async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const trapped = new Proxy(new Error("x"), { getPrototypeOf: () => { throw new Error("trap"); } });
    for (const reason of [revoked.proxy, trapped]) {
      const site = await holdingSite();
      const sg = createClient({ site: site.server.url, transport: jsonRpcTransport(), auth: script("bot") });
      const stop = new AbortController();
      const create = settled(sg.call("create", { type: "Shot", data: { code: "sh010" } }, { signal: stop.signal }));
      await site.arrived(1);
      stop.abort(reason);
      const error = (await create) as SgAbortError;
      expect(error).toBeInstanceOf(SgAbortError);
      expect(error).toMatchObject({ code: "SG_ABORTED", method: "create", maybeSent: true, hint: landedHint("The call was aborted") });
      expect((error.cause as Error).message).toBe("a cause that could not be read");
    }
  });

  it("a create aborted after it went out: SgAbortError with maybeSent and the hint; the site had it", async () => {
    const site = await holdingSite();
    const sg = createClient({ site: site.server.url, transport: jsonRpcTransport(), auth: script("bot") });
    const stop = new AbortController();
    const create = settled(sg.call("create", { type: "Shot", data: { code: "sh010" } }, { signal: stop.signal }));
    await site.arrived(1);
    stop.abort();
    const error = (await create) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    // The transport knows the request had left, and says so in its own words (core's MAYBE_APPLIED_HINT is for a
    // transport that does not say).
    expect(error).toMatchObject({ reason: "the call was aborted", method: "create", maybeSent: true, hint: landedHint("The call was aborted") });
    expect(site.methods()).toEqual(["create"]);
    // A read aborted the same way stays a plain abort.
    const stopRead = new AbortController();
    const read = settled(sg.call("read", { type: "Shot" }, { signal: stopRead.signal }));
    await site.arrived(2);
    stopRead.abort();
    expect(await read).toMatchObject({ name: "SgAbortError", maybeSent: undefined, hint: undefined });
  });

  it("the bot client's close() leaves the admin client's create on the shared transport to land", async () => {
    const site = await holdingSite();
    const transport = jsonRpcTransport();
    const admin = createClient({ site: site.server.url, transport, auth: script("admin") });
    const bot = createClient({ site: site.server.url, transport, auth: script("bot") });
    const create = settled(admin.call("create", { type: "Shot", data: { code: "by-admin" } }));
    const botRead = settled(bot.call("read", { type: "Shot" }));
    await site.arrived(2);
    await bot.close();
    expect(await botRead).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while the call was in flight" });
    json(site.held[0]!.res, { results: { type: "Shot", id: 7 } });
    expect(await create).toEqual({ value: { type: "Shot", id: 7 } });
    expect(site.methods()).toEqual(["create", "read"]);
  });
});

describe("a client's close() and a write the transport knows was not sent", () => {
  it("a create waiting out its backoff after a refused connection: maybeSent false, no hint to check the site", async () => {
    const transport = jsonRpcTransport({ retry: { baseDelayMs: 5000 } });
    const clock = watchedClock();
    const sg = createClient({ site: `http://127.0.0.1:${await freePort()}`, transport, auth: script("bot"), clock });
    const create = settled(sg.call("create", { type: "Shot", data: { code: "sh010" } }));
    expect(await clock.sleeping).toBe(5000);
    await sg.close();
    const error = (await create) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    // core takes a write it handed over as maybe applied unless the transport says otherwise: here it does.
    expect(error).toMatchObject({ reason: "the transport was closed while the call was in flight", maybeSent: false, hint: undefined });
  });
});

/**
 * A site whose `/file` trickles a 41 KB body over ~2 s (1 KB every 50 ms) and whose API calls are held until the
 * test answers them; `hungUp` resolves when the download's connection closes.
 */
async function tricklingSite() {
  const held: { req: Recorded; res: ServerResponse }[] = [];
  let wake = (): void => {};
  let hungUp = new Promise<void>(() => {});
  const server = await serve((req, res, raw) => {
    if (req.url !== "/file") {
      held.push({ req, res });
      return wake();
    }
    hungUp = new Promise<void>((resolve) => raw.socket.on("close", resolve));
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(41 * 1024) });
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(Buffer.alloc(1024, 7));
      if (++sent === 41) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    raw.socket.on("close", () => clearInterval(timer));
  });
  const arrived = async (n: number): Promise<void> => {
    while (held.length < n) await new Promise<void>((resolve) => (wake = resolve));
  };
  return { server, held, arrived, hungUp: () => hungUp };
}

/** Read a stream to its end; resolves with the bytes read and when (ms since `t0`), or rejects with its error. */
async function download(stream: ReadableStream<Uint8Array> | undefined): Promise<number> {
  const reader = stream!.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

describe("a streamed download on a transport two clients share", () => {
  it("the caller's signal ends the body at once, not when it has all arrived", async () => {
    const site = await tricklingSite();
    const transport = jsonRpcTransport();
    const admin = createClient({ site: site.server.url, transport, auth: script("admin") });
    const bot = createClient({ site: site.server.url, transport, auth: script("bot") });
    const stop = new AbortController();
    const response = await bot.http({ method: "GET", target: "/file", responseBody: "stream", signal: stop.signal });
    const t0 = performance.now();
    setTimeout(() => stop.abort(), 300);
    const outcome = await settled(download(response.stream));
    const ms = performance.now() - t0;
    expect(outcome).toMatchObject({ name: "SgAbortError", reason: "the call was aborted" });
    // The whole body takes ~2 s; ended by the abort at 300 ms, well before.
    expect(ms).toBeLessThan(1500);
    await site.hungUp();
    await Promise.all([admin.close(), bot.close()]);
  });

  it("the downloading client's close() ends its body at once; the other client's call goes on and completes", async () => {
    const site = await tricklingSite();
    const transport = jsonRpcTransport();
    const admin = createClient({ site: site.server.url, transport, auth: script("admin") });
    const bot = createClient({ site: site.server.url, transport, auth: script("bot") });
    const read = settled(admin.call("read", { type: "Shot" }));
    await site.arrived(1);
    const response = await bot.http({ method: "GET", target: "/file", responseBody: "stream" });
    const t0 = performance.now();
    setTimeout(() => void bot.close(), 300);
    const outcome = await settled(download(response.stream));
    const ms = performance.now() - t0;
    expect(outcome).toMatchObject({ name: "SgAbortError", reason: "@sg/core: the client was closed while the call was in flight" });
    expect(ms).toBeLessThan(1500);
    await site.hungUp();
    json(site.held[0]!.res, { results: [{ type: "Shot", id: 1 }] });
    expect(await read).toEqual({ value: [{ type: "Shot", id: 1 }] });
    await admin.close();
  });
});

describe("maybeSent of an aborted write, as the transport knows it", () => {
  /** A site that answers every API call 429 with Retry-After: 2 (nothing applied), and counts them. */
  async function busySite() {
    return serve((_req, res) => json(res, { message: "slow down" }, 429, { "retry-after": "2" }));
  }

  it.each([
    ["its caller's signal", "the call was aborted"],
    ["its client's close(), on a transport another client shares", "@sg/core: the client was closed while the call was in flight"],
  ])("a create stopped by %s while it waits out a 429's Retry-After: maybeSent false, no hint", async (how, reason) => {
    const site = await busySite();
    const clock = watchedClock();
    const transport = jsonRpcTransport();
    const admin = createClient({ site: site.url, transport, auth: script("admin"), clock });
    const bot = createClient({ site: site.url, transport, auth: script("bot"), clock });
    const stop = new AbortController();
    const create = settled(bot.call("create", { type: "Shot", data: { code: "sh010" } }, { signal: stop.signal }));
    expect(await clock.sleeping).toBe(2000);
    await (how.includes("close()") ? bot.close() : stop.abort());
    const error = (await create) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ reason, maybeSent: false, hint: undefined });
    expect(error.message).not.toMatch(/may have been applied/);
    expect(site.requests).toHaveLength(1);
    await admin.close();
  });

  it("a create held by the site, then ended by a shared transport's client.close(): maybeSent true and the hint", async () => {
    const site = await holdingSite();
    const transport = jsonRpcTransport();
    const admin = createClient({ site: site.server.url, transport, auth: script("admin") });
    const bot = createClient({ site: site.server.url, transport, auth: script("bot") });
    const create = settled(bot.call("create", { type: "Shot", data: { code: "sh010" } }));
    await site.arrived(1);
    await bot.close();
    const error = (await create) as SgAbortError;
    expect(error).toMatchObject({ reason: "@sg/core: the client was closed while the call was in flight", maybeSent: true, hint: landedHint("The call was aborted") });
    expect(error.message).toMatch(/may have been applied/);
    expect(site.methods()).toEqual(["create"]);
    await admin.close();
  });

  it("info() is a read even with defaults: { kind: 'write' }: closed mid-way, it says nothing of a write", async () => {
    const site = await holdingSite();
    const sg = createClient({ site: site.server.url, transport: jsonRpcTransport(), defaults: { kind: "write" } });
    const info = settled(sg.info());
    await site.arrived(1);
    await sg.close();
    const error = (await info) as SgAbortError;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ maybeSent: undefined, hint: undefined });
    expect(error.message).not.toMatch(/may have been applied|write/);
  });
});
