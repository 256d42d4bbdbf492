import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

// With keepSession: false, a site that asks for a two-factor code switches to a session (a one-time code cannot go
// with every call). That switch is the site's own: the other sites a shared strategy serves keep sending the login.
describe("keepSession: false, one strategy shared by a site with 2FA and one without", () => {
  let dir: string;
  let withCode: Emulator;
  let withoutCode: Emulator;
  const clients: Client[] = [];

  beforeAll(async () => {
    withCode = await startEmulator({ authMode: "default", fixtures: "demo" });
    // The same demo site, saved with 'artist' not using two-factor authentication.
    dir = await mkdtemp(join(tmpdir(), "sg-legacy-switch-"));
    const dataFile = join(dir, "site.json");
    await (await startEmulator({ authMode: "default", fixtures: "demo", dataFile })).close();
    const saved = JSON.parse(await readFile(dataFile, "utf8")) as { users: { login: string; twoFactor: boolean }[] };
    for (const user of saved.users) if (user.login === "artist") user.twoFactor = false;
    await writeFile(dataFile, JSON.stringify(saved));
    withoutCode = await startEmulator({ authMode: "default", fixtures: "demo", dataFile });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await Promise.all([withCode.close(), withoutCode.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("switches only the site that asked for a code to a session; the other keeps sending the login with each call", async () => {
    let asked = 0;
    const auth = legacyLoginAuth({
      login: "artist",
      password: passwordOf(withCode, "artist"),
      keepSession: false,
      twoFactor: () => ((asked += 1), withCode.issueTwoFactorCode("artist")),
    });
    const a = createClient({ site: withCode.url, transport: jsonRpcTransport(), auth });
    const b = createClient({ site: withoutCode.url, transport: jsonRpcTransport(), auth });
    clients.push(a, b);
    await b.call("read", READ_SHOTS);
    await a.call("read", READ_SHOTS);
    for (let round = 0; round < 3; round += 1) {
      await a.call("read", READ_SHOTS);
      await b.call("read", READ_SHOTS);
    }
    // Site A: the first call went with the login and was refused (106); one get_session_token with the code, then the call
    // was re-sent, and the three after it went, with the session.
    expect(asked).toBe(1);
    expect(count(withCode, "get_session_token")).toBe(1);
    const readsA = withCode.requests().filter((r) => r.method_name === "read");
    expect(readsA.map((r) => r.auth)).toEqual(["user", "session", "session", "session", "session"]);
    expect(readsA[0]?.errorCode).toBe(106);
    // Site B: the login (user_login) with each of its four calls, all answered, and never a session.
    expect(count(withoutCode, "get_session_token")).toBe(0);
    const readsB = withoutCode.requests().filter((r) => r.method_name === "read");
    expect(readsB.map((r) => [r.auth, r.principal, r.errorCode])).toEqual(Array.from({ length: 4 }, () => ["user", "artist", null]));
    expect(await b.credentials()).toMatchObject({ kind: "user", login: "artist" });
    expect(await a.credentials()).toMatchObject({ kind: "session" });
  });
  it("switches to a session with the authToken option when there is no twoFactor to ask", async () => {
    withCode.reset();
    const auth = legacyLoginAuth({ login: "artist", password: passwordOf(withCode, "artist"), authToken: withCode.issueTwoFactorCode("artist"), keepSession: false });
    const a = createClient({ site: withCode.url, transport: jsonRpcTransport(), auth });
    clients.push(a);
    await expect(a.call("read", READ_SHOTS)).resolves.toMatchObject({ entities: expect.any(Array) });
    // The login's read was refused (106); one get_session_token with the code (the site takes none without it on a
    // 2FA account), then the read again with the session.
    const logins = withCode.requests().filter((r) => r.method_name === "get_session_token");
    expect(logins.map((r) => [r.auth, r.principal, r.errorCode])).toEqual([["user", "artist", null]]);
    const reads = withCode.requests().filter((r) => r.method_name === "read");
    expect(reads.map((r) => [r.auth, r.errorCode])).toEqual([["user", 106], ["session", null]]);
    expect(await a.credentials()).toMatchObject({ kind: "session" });
  });
});
