/**
 * `getSessionToken` after the site ended a session, against the emulator over real sockets: with session credentials
 * the token is always the auth strategy's current session (the strategy logs in again, or refreshes, after a 102), so
 * it must not be kept by entities; with script credentials it is the token obtained once with `get_session_token`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAuthError, createClient, type AuthStrategy, type Client } from "@sg/core";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { scriptAuth } from "@sg/auth-script";
import { sessionAuth } from "@sg/auth-session";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, getSessionToken, type EntityApi } from "./index.js";

let site: EmulatorHandle;
const clients: Client[] = [];
beforeAll(async () => {
  site = await startEmulator({ sessionIdleSeconds: 60 });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await site.close();
});

function connect(auth: AuthStrategy): EntityApi {
  const client = createClient({ site: site.url, transport: jsonRpcTransport(), auth, allowInsecureHttp: true });
  clients.push(client);
  return entityApi(client);
}

const login = (): AuthStrategy => legacyLoginAuth({ login: "admin", password: "admin-pass-1" });

/** Whether the site takes `token` as a session (a call made with it alone, no refresh). */
async function accepted(token: string): Promise<boolean> {
  try {
    await connect(sessionAuth({ sessionToken: token })).find("Shot", [], ["id"], { limit: 1 });
    return true;
  } catch (error) {
    if (error instanceof SgAuthError) return false;
    throw error;
  }
}

describe("getSessionToken with session credentials", () => {
  it("gives the legacy login's new session after the old one idled out and the strategy logged in again", async () => {
    const sg = connect(login());
    const first = await sg.getSessionToken();
    site.advanceClock(120); // past the session's idle time
    await sg.find("Shot", [], ["id"], { limit: 1 }); // 102, then a new login
    const second = await sg.getSessionToken();
    expect(second).not.toBe(first);
    expect(second).toBe(((await sg.client.credentials()) as { sessionToken: string }).sessionToken);
    expect(await accepted(second)).toBe(true);
  });

  it("gives sessionAuth's refreshed session, through a plain client too", async () => {
    const fresh = (): Promise<string> => getSessionToken(connect(login()).client);
    const sg = connect(sessionAuth({ sessionToken: await fresh(), refresh: fresh }));
    const first = await getSessionToken(sg.client);
    site.advanceClock(120);
    await sg.find("Shot", [], ["id"], { limit: 1 }); // 102, then refresh()
    const second = await getSessionToken(sg.client);
    expect(second).not.toBe(first);
    expect(await accepted(second)).toBe(true);
  });
});

describe("getSessionToken with script credentials", () => {
  it("keeps the token it obtained, which can idle out; get_session_token through the client gives a live one", async () => {
    const { name, key } = site.card.scripts[0] as { name: string; key: string };
    const sg = connect(scriptAuth({ scriptName: name, scriptKey: key }));
    const from = site.requests().length;
    const token = await sg.getSessionToken();
    expect(await sg.getSessionToken()).toBe(token);
    expect(site.requests().slice(from).filter((r) => r.method_name === "get_session_token")).toHaveLength(1);
    site.advanceClock(120);
    const fresh = (await sg.client.call<{ session_id: string }>("get_session_token", undefined)).session_id;
    expect(fresh).not.toBe(token);
    expect(await accepted(fresh)).toBe(true);
    expect(await accepted(token)).toBe(false);
  });
});
