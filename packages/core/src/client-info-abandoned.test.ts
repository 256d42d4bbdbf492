import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient, type Client } from "./client.js";
import { SgAbortError } from "./errors.js";
import { fetchTransport } from "./test-support/loopback-site.js";

/** An `info` request the site holds: answer it, or wait for its connection to close. */
interface HeldInfo {
  answer(results: unknown): void;
  /** Resolves once the client has closed the request's connection. */
  readonly closed: Promise<void>;
}

/** A site on 127.0.0.1 that holds every `info` request until the test answers it. */
async function holdingSite(): Promise<{ url: string; held: HeldInfo[]; arrived(n: number): Promise<HeldInfo>; close(): Promise<void> }> {
  const held: HeldInfo[] = [];
  const waiting = new Map<number, (info: HeldInfo) => void>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const closed = new Promise<void>((resolve) => req.socket.once("close", () => resolve()));
    req.resume();
    req.on("end", () => {
      const info: HeldInfo = { answer: (results) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results })), closed };
      held.push(info);
      waiting.get(held.length)?.(info);
    });
  });
  // Each request on a connection of its own: a closed socket is then that request's.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const site = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    arrived: (n: number) => (held[n - 1] ? Promise.resolve(held[n - 1]!) : new Promise<HeldInfo>((resolve) => waiting.set(n, resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  sites.push(site);
  return site;
}
const sites: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});

const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);
const INFO = { version: [8, 50, 0] };
const client = (url: string, signal?: AbortSignal): Client => createClient({ site: url, transport: fetchTransport(), ...(signal ? { defaults: { signal } } : {}) });

describe("the shared info request once its callers leave", () => {
  it("is aborted when its only waiter aborts: the site sees its connection closed, and the caller gets its own abort", async () => {
    const s = await holdingSite();
    const sg = client(s.url);
    const stop = new AbortController();
    const reason = new SgAbortError("@sg/test: Ctrl-C");
    const wait = settled(sg.info({ signal: stop.signal }));
    const request = await s.arrived(1);
    stop.abort(reason);
    expect(await wait).toBe(reason);
    // No time limit here: without the abort, the request stays open until the test's own timeout.
    await request.closed;
    expect(sg.cachedInfo()).toBeUndefined();
  }, 20_000);

  it("goes on while another waiter is still there, which gets the info", async () => {
    const s = await holdingSite();
    const sg = client(s.url);
    const [one, two] = [new AbortController(), new AbortController()];
    const first = settled(sg.info({ signal: one.signal }));
    const second = sg.info({ signal: two.signal });
    const request = await s.arrived(1);
    one.abort();
    expect(await first).toBeInstanceOf(SgAbortError);
    request.answer(INFO);
    expect(await second).toEqual(INFO);
    expect(sg.cachedInfo()).toEqual(INFO);
    expect(s.held).toHaveLength(1);
  });

  it("is not cached once abandoned: the next call sends info again and gets it", async () => {
    const s = await holdingSite();
    const sg = client(s.url);
    const stop = new AbortController();
    const wait = settled(sg.info({ signal: stop.signal }));
    const abandoned = await s.arrived(1);
    stop.abort();
    expect(await wait).toBeInstanceOf(SgAbortError);
    // Right after the abort, not a tick later: a new request, not the abandoned one.
    const next = sg.info();
    (await s.arrived(2)).answer(INFO);
    expect(await next).toEqual(INFO);
    expect(sg.cachedInfo()).toEqual(INFO);
    await abandoned.closed;
    // Cached now: nothing more is sent.
    expect(await sg.info({ signal: new AbortController().signal })).toEqual(INFO);
    expect(s.held).toHaveLength(2);
  }, 20_000);

  it("is kept alive by a waiter without a signal (or with the defaults' one) when one with a signal aborts", async () => {
    const s = await holdingSite();
    const sg = client(s.url);
    const stop = new AbortController();
    const aborted = settled(sg.info({ signal: stop.signal }));
    const patient = sg.info();
    const request = await s.arrived(1);
    stop.abort();
    expect(await aborted).toBeInstanceOf(SgAbortError);
    request.answer(INFO);
    expect(await patient).toEqual(INFO);

    // The defaults' signal is the caller's when it gives none: the request goes on while it has not aborted.
    const app = new AbortController();
    const withDefaults = client(s.url, app.signal);
    const own = new AbortController();
    const leaving = settled(withDefaults.info({ signal: own.signal }));
    const staying = withDefaults.info();
    const second = await s.arrived(2);
    own.abort();
    expect(await leaving).toBeInstanceOf(SgAbortError);
    second.answer(INFO);
    expect(await staying).toEqual(INFO);

    // …and once it aborts, with no other waiter, the request ends.
    const shutdown = new AbortController();
    const third = client(s.url, shutdown.signal);
    const waits = [settled(third.info()), settled(third.info())];
    const held = await s.arrived(3);
    shutdown.abort();
    for (const wait of waits) expect(await wait).toBeInstanceOf(SgAbortError);
    await held.closed;
  }, 20_000);

  it("a caller that leaves by its deadline only does not end it for the others", async () => {
    const s = await holdingSite();
    const sg = client(s.url);
    const late = settled(sg.info({ deadlineMs: 1 }));
    const patient = sg.info();
    const request = await s.arrived(1);
    expect(await late).toMatchObject({ code: "SG_TIMEOUT" });
    request.answer(INFO);
    expect(await patient).toEqual(INFO);
  });
});
