import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAuthError, SgValidationError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();
const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);
const CREDS: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });
const FRESH: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-fresh-9876" });

// Strategies written without async (plain JavaScript, or a value at hand): the client takes what they return or throw
// as an async function's would be taken, on every path, with or without call options.
describe("a strategy method that answers synchronously", () => {
  it("credentials() returning the credentials themselves: calls with and without options, http() and sg.credentials()", async () => {
    const s = await site();
    const frozen: AuthStrategy = { name: "frozen", credentials: (() => CREDS) as unknown as AuthStrategy["credentials"] };
    const shutdown = new AbortController();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: frozen });
    const withDefaults = createClient({ site: s.url, transport: fetchTransport(), auth: frozen, defaults: { signal: shutdown.signal } });
    const calls = [
      settled(sg.call("read", { n: 1 })),
      settled(sg.call("read", { n: 2 }, { signal: new AbortController().signal })),
      settled(sg.call("read", { n: 3 }, { deadlineMs: 600_000 })),
      settled(withDefaults.call("read", { n: 4 })),
      settled(sg.http({ method: "GET", target: "/thumbnail/5", signal: new AbortController().signal })),
    ];
    await s.arrived(calls.length);
    for (const held of s.received) held.answer("ok");
    expect(await Promise.all(calls)).toEqual([{ value: "ok" }, { value: "ok" }, { value: "ok" }, { value: "ok" }, { value: expect.objectContaining({ status: 200 }) }]);
    expect(await sg.credentials()).toBe(CREDS);
  });

  it("onRejected() returning undefined gives up with the site's refusal; returning credentials re-sends with them", async () => {
    const s = await site();
    const giveUp: AuthStrategy = { name: "gives-up", credentials: async () => CREDS, onRejected: (() => undefined) as unknown as AuthStrategy["onRejected"] };
    const refused = settled(createClient({ site: s.url, transport: fetchTransport(), auth: giveUp }).call("read", {}, { signal: new AbortController().signal }));
    (await s.arrived(1)).fault(102, "bad script key");
    expect(await refused).toBeInstanceOf(SgAuthError);
    expect(await refused).toMatchObject({ reason: "refused: bad script key", errorCode: 102 });

    const renew: AuthStrategy = { name: "renews", credentials: async () => CREDS, onRejected: (() => FRESH) as unknown as AuthStrategy["onRejected"] };
    const renewed = settled(createClient({ site: s.url, transport: fetchTransport(), auth: renew }).call("read", {}));
    (await s.arrived(2)).fault(102, "session expired");
    (await s.arrived(3)).answer("ok");
    expect(await renewed).toEqual({ value: "ok" });
  });
});

describe("a strategy method that throws synchronously", () => {
  it("rejects the call instead of throwing from it: credentials() in call(), http() and sg.credentials()", async () => {
    const s = await site();
    const broken = new Error("vault not configured");
    const throwing: AuthStrategy = {
      name: "throwing",
      credentials: () => {
        throw broken;
      },
    };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: throwing });
    const promises: Promise<unknown>[] = [];
    expect(() => promises.push(sg.call("read", {}), sg.http({ method: "GET", target: "/thumbnail/1" }), sg.credentials())).not.toThrow();
    expect(await Promise.all(promises.map(settled))).toEqual([broken, broken, broken]);
    // Without an auth strategy, too.
    let missing: Promise<unknown> | undefined;
    expect(() => (missing = createClient({ site: s.url, transport: fetchTransport() }).credentials())).not.toThrow();
    await expect(missing).rejects.toMatchObject({ code: "SG_AUTH_MISSING" });
    expect(s.received).toEqual([]);
  });

  it("onRejected(): the calls refused together share its one throw, as they would an async one's", async () => {
    const s = await site();
    const broken = new Error("refresh not configured");
    let asked = 0;
    const throwing: AuthStrategy = {
      name: "throwing",
      credentials: async () => CREDS,
      onRejected: () => {
        asked += 1;
        throw broken;
      },
    };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: throwing });
    const reads = [settled(sg.call("read", { n: 1 })), settled(sg.call("read", { n: 2 }))];
    await s.arrived(2);
    for (const held of s.received) held.fault(102, "session expired");
    expect(await Promise.all(reads)).toEqual([broken, broken]);
    expect(asked).toBe(1);
  });
});

describe("on a calls-only transport (no http())", () => {
  it("AuthContext.http() and sg.http() reject with SgValidationError, as their Promise type says, instead of throwing", async () => {
    const s = await site();
    const { http: _http, ...callsOnly } = fetchTransport();
    let thrown: unknown;
    let exchanged: Promise<unknown> | undefined;
    const probing: AuthStrategy = {
      name: "probes-rest",
      async credentials(ctx) {
        try {
          exchanged = ctx.http({ method: "GET", target: "/api/v1", kind: "read" });
        } catch (error) {
          thrown = error;
        }
        await exchanged?.catch(() => {});
        return CREDS;
      },
    };
    const sg = createClient({ site: s.url, transport: callsOnly, auth: probing });
    const read = settled(sg.call("read", {}));
    (await s.arrived(1)).answer("ok");
    expect(await read).toEqual({ value: "ok" });
    expect(thrown).toBeUndefined();
    await expect(exchanged).rejects.toBeInstanceOf(SgValidationError);
    await expect(exchanged).rejects.toMatchObject({ path: ["transport"] });
    let own: Promise<unknown> | undefined;
    expect(() => (own = sg.http({ method: "GET", target: "/thumbnail/1" }))).not.toThrow();
    await expect(own).rejects.toBeInstanceOf(SgValidationError);
    expect(s.received.map((r) => r.method)).toEqual(["read"]);
  });
});
