import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAuthError, SgError, SgFault, SgValidationError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

// A backend talking to several sites logs errors from many clients: each must say which site failed.

const site = loopbackSites();

const script = (name: string): AuthStrategy => ({ name, credentials: async (): Promise<Credentials> => ({ kind: "script", scriptName: name, scriptKey: `${name}-key-0123456789` }) });
const failure = (p: Promise<unknown>): Promise<SgError> =>
  p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as SgError,
  );
const SECRET = "marker-secret-9b2e7d";

describe("errors name the site of the client they came from", () => {
  it("two clients on two sites: each fault names its own site's origin, in site, toJSON and inspect; the message is unchanged", async () => {
    const [a, b] = [await site(), await site()];
    const sgA = createClient({ site: a.url, transport: fetchTransport(), auth: script("a") });
    const sgB = createClient({ site: b.url, transport: fetchTransport(), auth: script("b") });
    const readA = failure(sgA.call("read", { type: "Shot" }));
    const readB = failure(sgB.call("read", { type: "Shot" }));
    (await a.arrived(1)).fault(103, "no such field on A");
    (await b.arrived(1)).fault(103, "no such field on B");
    const [errorA, errorB] = [await readA, await readB];
    expect(errorA).toBeInstanceOf(SgFault);
    expect(errorA).toMatchObject({ site: a.url, reason: "fault: no such field on A" });
    expect(errorB).toMatchObject({ site: b.url, reason: "fault: no such field on B" });
    expect(a.url).not.toBe(b.url);
    expect(errorA.message).toBe("fault: no such field on A");
    expect(errorA.toJSON()).toMatchObject({ site: a.url, code: "SG_FAULT" });
    expect(JSON.parse(JSON.stringify(errorB))).toMatchObject({ site: b.url });
    expect(inspect(errorA)).toContain(`site: '${a.url}'`);
  });

  it("a site URL with user:pass@, a path and a query gives its origin only: no credentials anywhere", async () => {
    const s = await site();
    const url = s.url.replace("http://", `http://sg-user:${SECRET}@`) + "/studio/?token=x";
    const sg = createClient({ site: url, transport: fetchTransport(), auth: script("bot") });
    const read = failure(sg.call("read", { type: "Shot" }));
    (await s.arrived(1)).fault(103, "bad filter");
    const error = await read;
    expect(error.site).toBe(s.url);
    for (const text of [error.message, JSON.stringify(error), JSON.stringify(error.toJSON()), inspect(error, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("sg-user");
      expect(text).not.toContain("/studio");
    }
  });

  it("an auth strategy's login that the site refuses, and an http() refusal, name the site too", async () => {
    const s = await site();
    const login: AuthStrategy = { name: "login", credentials: async (ctx) => (await ctx.call("authenticate_thing", {}, undefined), { kind: "session", sessionToken: "tok" }) };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: login });
    const read = failure(sg.call("read", { type: "Shot" }));
    (await s.arrived(1)).fault(102, "bad login");
    expect(await read).toMatchObject({ name: "SgAuthError", site: s.url });
    const viaCredentials = failure(sg.credentials());
    (await s.arrived(2)).fault(102, "bad login again");
    expect(await viaCredentials).toMatchObject({ name: "SgAuthError", site: s.url });

    const downloads = createClient({ site: s.url, transport: fetchTransport(), auth: script("bot") });
    const download = failure(downloads.http({ method: "GET", target: "/file/1", refused: (r) => (r.status === 200 ? new SgAuthError("refused the download") : undefined) }));
    (await s.arrived(3)).answer({});
    expect(await download).toMatchObject({ reason: "refused the download", site: s.url });
    // Refused before anything was sent, by a client that knows its site: named too.
    expect(await failure(downloads.call("read", {}, { timeoutMs: -1 }))).toMatchObject({ name: "SgValidationError", site: s.url });
    expect(await failure(downloads.info({ bogus: 1 } as never))).toMatchObject({ name: "SgValidationError", site: s.url });
  });

  it("an error passing through two clients keeps the first one's site; one made before any site is known has none", async () => {
    const [a, b] = [await site(), await site()];
    const sgA = createClient({ site: a.url, transport: fetchTransport(), auth: script("a") });
    // B's strategy logs in through A (a sign-in service on another site): A's refusal goes out of B as it came.
    const viaA: AuthStrategy = { name: "via A", credentials: async () => (await sgA.call("authenticate_thing"), { kind: "session", sessionToken: "tok" }) };
    const sgB = createClient({ site: b.url, transport: fetchTransport(), auth: viaA });
    const read = failure(sgB.call("read", { type: "Shot" }));
    (await a.arrived(1)).fault(102, "A refused");
    expect(await read).toMatchObject({ reason: "refused: A refused", site: a.url });
    expect(b.received).toEqual([]);

    let early: unknown;
    try {
      createClient({ site: a.url, transport: fetchTransport(), bogus: 1 } as never);
    } catch (error) {
      early = error;
    }
    expect(early).toBeInstanceOf(SgValidationError);
    expect(Object.hasOwn(early as object, "site")).toBe(false);
    expect((early as SgError).toJSON()).not.toHaveProperty("site");
  });

  it("a frozen SgError from a strategy goes out as it is, not as a TypeError from stamping it", async () => {
    const a = await site();
    const frozen = Object.freeze(new SgAuthError("vault: no key for this site"));
    const sg = createClient({ site: a.url, transport: fetchTransport(), auth: { name: "vault", credentials: async () => Promise.reject(frozen) } });
    expect(await failure(sg.call("read", { type: "Shot" }))).toBe(frozen);
    expect(await failure(sg.credentials())).toBe(frozen);
    expect(a.received).toEqual([]);
  });
});
