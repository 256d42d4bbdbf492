import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgAuthError, createClient } from "@sg/core";
import type { AuthStrategy, Clock } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { LegacyErrorCode, legacyLoginAuth } from "./index.js";
import { READ_SHOTS } from "./test-support/demo-site.js";

// One strategy shared by clients of thousands of sites must not hold something for every site it has ever seen.
// A node:http server on 127.0.0.1 stands for many sites: each base path /s0, /s1, … is one site.

const PASSWORD = "right-passphrase-40c1";
/** How many sites the strategy keeps a session for (the README's number). */
const SESSION_SITES = 1024;
/** How many sites refuse the login in the cool-down test: refusals are held by their cool-down, whatever their number. */
const REFUSING_SITES = 192;

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.UTC(2030, 0, 2, 3, 4, 5);
  return { now: () => now, sleep: async () => {}, advance: (ms) => void (now += ms) };
}

/** The site under base path `/s<n>` on the server answering at `port`. */
const siteUrl = (port: number, n: number): string => `http://127.0.0.1:${port}/s${n}`;

describe("one legacyLoginAuth shared by clients of many sites", () => {
  let server: Server;
  let port: number;
  /** The logins each site received, by base path. */
  const logins = new Map<string, number>();
  const transport = jsonRpcTransport({ retry: false });
  let clock: ReturnType<typeof manualClock>;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const { method_name: method, params } = JSON.parse(body) as { method_name: string; params: [{ user_password?: string }] };
        const site = (request.url ?? "").split("/")[1] ?? "";
        response.setHeader("content-type", "application/json");
        if (method === "get_session_token") {
          logins.set(site, (logins.get(site) ?? 0) + 1);
          if (params[0].user_password !== PASSWORD) {
            response.end(JSON.stringify({ exception: true, error_code: 102, message: "Can't authenticate user 'coord'" }));
            return;
          }
          response.end(JSON.stringify({ results: { session_id: `session-of-${site}-${logins.get(site)}-0123456789abcdef` } }));
          return;
        }
        if (method === "info") {
          response.end(JSON.stringify({ results: { version: [8, 0, 0] } }));
          return;
        }
        response.end(JSON.stringify({ results: { entities: [], paging_info: { has_next_page: false } } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    logins.clear();
    clock = manualClock();
  });
  afterAll(async () => {
    await transport.close?.();
    await new Promise((resolve) => server.close(resolve));
  });

  /** One read on site `n` through a fresh client of `auth`, closed afterwards; what it rejected with, if it did. */
  async function readOn(auth: AuthStrategy, n: number): Promise<unknown> {
    const sg = createClient({ site: siteUrl(port, n), transport, auth, clock });
    try {
      await sg.call("read", READ_SHOTS);
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await sg.close();
    }
  }
  const sitesHeld = (auth: AuthStrategy): number => (auth as unknown as { toJSON(): { sites: number } }).toJSON().sites;

  it("forgets a refusing site once its cool-down has passed", async () => {
    const auth = legacyLoginAuth({ login: "coord", password: "wrong-passphrase-77ab", retryRefusedLoginAfterMs: 60_000 });
    const refusing = REFUSING_SITES;
    for (let n = 0; n < refusing; n += 1) expect(await readOn(auth, n)).toMatchObject({ code: LegacyErrorCode.BAD_PASSWORD });
    // During the cool-down each refusal is remembered: a second call sends no login.
    expect(sitesHeld(auth)).toBe(refusing);
    expect(await readOn(auth, 0)).toMatchObject({ code: LegacyErrorCode.BAD_PASSWORD, attempts: [] });
    expect(logins.get("s0")).toBe(1);
    clock.advance(60_000);
    // The next call, to a site never seen, finds every earlier refusal over and drops it.
    const error = await readOn(auth, refusing);
    expect(error).toBeInstanceOf(SgAuthError);
    expect(sitesHeld(auth)).toBe(1);
    // A forgotten site is tried again, as it would have been once its cool-down was over.
    expect(await readOn(auth, 0)).toMatchObject({ code: LegacyErrorCode.BAD_PASSWORD });
    expect(logins.get("s0")).toBe(2);
  }, 30_000);

  it(`keeps a session for at most ${SESSION_SITES} sites, the most recently used`, async () => {
    const auth = legacyLoginAuth({ login: "coord", password: PASSWORD });
    // A daemon polling as many sites as the limit, round-robin: each site logs in once, at its first call.
    for (let round = 0; round < 2; round += 1) {
      for (let n = 1; n <= SESSION_SITES; n += 1) expect(await readOn(auth, n)).toBeUndefined();
    }
    expect(sitesHeld(auth)).toBe(SESSION_SITES);
    expect(logins.size).toBe(SESSION_SITES);
    expect([...logins.values()].every((count) => count === 1)).toBe(true);
    // Site 1, the least recently used, is used again: it becomes the most recently used.
    expect(await readOn(auth, 1)).toBeUndefined();
    // Ten sites more than the limit push out the ten least recently used (sites 2 to 11), not site 1.
    for (let n = SESSION_SITES + 1; n <= SESSION_SITES + 10; n += 1) {
      expect(await readOn(auth, n)).toBeUndefined();
      expect(sitesHeld(auth)).toBeLessThanOrEqual(SESSION_SITES);
    }
    expect(sitesHeld(auth)).toBe(SESSION_SITES);
    for (const n of [1, 12, SESSION_SITES + 10]) {
      expect(await readOn(auth, n)).toBeUndefined();
      expect(logins.get(`s${n}`)).toBe(1);
    }
    // A site pushed out logs in again at its next call.
    expect(await readOn(auth, 2)).toBeUndefined();
    expect(logins.get("s2")).toBe(2);
    // About 3,100 calls over loopback: 1.9 s alone, past vitest's 5 s default in a whole-repo run on two cores.
  }, 60_000);
});
