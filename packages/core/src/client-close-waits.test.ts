import { describe, expect, it } from "vitest";
import type { AuthContext, AuthStrategy } from "./auth-strategy.js";
import { onAbort } from "./abort-listeners.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import type { TransportStrategy } from "./transport-strategy.js";
import { SgAbortError, SgAuthError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();

const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);
const never = <T>(): Promise<T> => new Promise<T>(() => {});
const CREDS: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });

/** What a call waiting on the strategy rejects with when its client is closed: nothing of it was sent. */
const closedWhileWaiting = (method: string, what: string): object => ({
  name: "SgAbortError",
  code: "SG_ABORTED",
  reason: `@sg/core: the client was closed while '${method}' was waiting for ${what}`,
  method,
  maybeSent: false,
  hint: undefined,
});

describe("client.close() ends the calls waiting on the auth strategy", () => {
  it("credentials() that never settle (a vault that hangs): call() and http(), with or without options, reject; nothing is sent", async () => {
    const s = await site();
    let answer: () => Promise<Credentials> = never;
    const vault: AuthStrategy = { name: "vault", credentials: () => answer() };
    const shutdown = new AbortController();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: vault });
    const withDefaults = createClient({ site: s.url, transport: fetchTransport(), auth: vault, defaults: { signal: shutdown.signal } });
    const calls = [
      settled(sg.call("read", { type: "Shot" })),
      settled(sg.call("read", { type: "Shot" }, { signal: new AbortController().signal })),
      settled(sg.call("update", { type: "Shot", id: 1, fields: [] }, { deadlineMs: 600_000 })),
      settled(sg.http({ method: "GET", target: "/thumbnail/1" })),
      settled(sg.credentials()),
      settled(withDefaults.call("read", { type: "Shot" })),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all([sg.close(), withDefaults.close()]);
    expect(await Promise.all(calls)).toEqual([
      expect.objectContaining(closedWhileWaiting("read", "credentials")),
      expect.objectContaining(closedWhileWaiting("read", "credentials")),
      expect.objectContaining(closedWhileWaiting("update", "credentials")),
      expect.objectContaining(closedWhileWaiting("/thumbnail/1", "credentials")),
      expect.objectContaining(closedWhileWaiting("credentials", "credentials")),
      expect.objectContaining(closedWhileWaiting("read", "credentials")),
    ]);
    expect((await calls[0]) as SgAbortError).toBeInstanceOf(SgAbortError);
    expect(s.received).toEqual([]);
    // The client stays usable: a call made after close() waits for credentials afresh and is sent.
    answer = async () => CREDS;
    const again = settled(sg.call("read", { type: "Shot" }));
    (await s.arrived(1)).answer([]);
    expect(await again).toEqual({ value: [] });
  });

  it("a login's 2FA prompt that never answers, after the strategy asked the site's info over the socket", async () => {
    const s = await site();
    let asked = 0;
    const legacy: AuthStrategy = {
      name: "legacy-login",
      async credentials(ctx) {
        await ctx.info();
        asked += 1;
        return never<Credentials>(); // the prompt for a code
      },
    };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: legacy });
    const read = settled(sg.call("find_one", { type: "Shot" }));
    while (asked === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sg.close();
    expect(await read).toMatchObject(closedWhileWaiting("find_one", "credentials"));
    expect(s.received).toEqual([]);
  });

  it("a refresh in onRejected that never settles: the refused call and exchange reject, and are not sent again", async () => {
    const s = await site();
    let refreshes = 0;
    const session: AuthStrategy = {
      name: "session",
      credentials: async () => CREDS,
      onRejected: () => {
        refreshes += 1;
        return never();
      },
    };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: session });
    const read = settled(sg.call("read", { type: "Shot" }, { signal: new AbortController().signal }));
    let checked = 0;
    const download = settled(sg.http({ method: "GET", target: "/file_serve/attachment/1", refused: () => (checked++, new SgAuthError("the download was refused")) }));
    await s.arrived(2);
    s.received.find((r) => r.method === "read")!.fault(102, "session expired");
    s.received.find((r) => r.method.startsWith("GET "))!.answer("login page");
    // Close once both refusals have reached the refresh. The exchange's answer comes on its own socket and may be
    // read well after the call's on a loaded machine: a fixed 10 ms wait after the first refresh could close while
    // it was still in flight (a timer due runs before pending socket reads when the process was descheduled).
    while (refreshes === 0 || checked === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sg.close();
    expect(await read).toMatchObject(closedWhileWaiting("read", "fresh credentials after a refusal"));
    expect(await download).toMatchObject(closedWhileWaiting("/file_serve/attachment/1", "fresh credentials after a refusal"));
    expect(refreshes).toBe(1);
    expect(s.received).toHaveLength(2);
  });

  it("gives the strategy the client's close signal in its context, so it can stop its own work; a fresh one after close()", async () => {
    const s = await site();
    const contexts: AuthContext[] = [];
    let stopped = 0;
    const vault: AuthStrategy = {
      name: "vault",
      credentials: (ctx) =>
        new Promise<Credentials>((resolve, reject) => {
          contexts.push(ctx);
          if (contexts.length > 1) return resolve(CREDS);
          // A vault request the strategy ends when the client closes.
          onAbort(ctx.signal!, () => {
            stopped += 1;
            reject(new Error("vault request cancelled"));
          });
        }),
    };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: vault });
    const first = settled(sg.call("read", { type: "Shot" }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(contexts[0]!.signal?.aborted).toBe(false);
    await sg.close();
    expect(stopped).toBe(1);
    expect(await first).toMatchObject(closedWhileWaiting("read", "credentials"));
    const second = settled(sg.call("read", { type: "Shot" }));
    (await s.arrived(1)).answer([]);
    expect(await second).toEqual({ value: [] });
    expect(contexts[1]!.signal).toBeInstanceOf(AbortSignal);
    expect(contexts[1]!.signal?.aborted).toBe(false);
  });

  it("a refusal that arrives after close() (a transport that ignores the signal) starts no refresh", async () => {
    let onRejected = 0;
    const strategy: AuthStrategy = {
      name: "login",
      credentials: async () => CREDS,
      onRejected: async () => (onRejected++, CREDS),
    };
    let refuse: () => void = () => {};
    // A third-party transport that does not listen to the context's signal: its answer comes whenever it comes.
    const transport: TransportStrategy = {
      name: "deaf",
      send: () => new Promise((_, reject) => (refuse = () => reject(new SgAuthError("Can't authenticate script 'bot'", { method: "read", errorCode: 102 })))),
    };
    const sg = createClient({ site: "https://sg.example.com", transport, auth: strategy });
    const call = settled(sg.call("read", { type: "Shot" }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await sg.close();
    refuse();
    expect(await call).toEqual(expect.objectContaining(closedWhileWaiting("read", "fresh credentials after a refusal")));
    expect(onRejected).toBe(0);
  });

  it("a refused() check that throws: the exchange rejects with its error and the streamed body is let go", async () => {
    let cancelled = 0;
    const transport: TransportStrategy = {
      name: "streaming",
      send: async () => [],
      http: async () => ({
        status: 200,
        headers: new Headers(),
        body: new Uint8Array(),
        stream: new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}), cancel: () => void cancelled++ }),
      }),
    };
    const sg = createClient({ site: "https://sg.example.com", transport, auth: { name: "bot", credentials: async () => CREDS } });
    const broken = new Error("the caller's check failed");
    const result = await settled(sg.http({ method: "GET", target: "/file_serve/attachment/1", responseBody: "stream", refused: () => { throw broken; } }));
    expect(result).toBe(broken);
    expect(cancelled).toBe(1);
    await sg.close();
  });
});
