// The emulator's SSO site answers an expired session as rpc-protocol §1.2 says an SSO site does: a 302 to its SAML
// login. Against it, the real client maps that to SG_SSO_SESSION_EXPIRED and sessionAuth's one refresh runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SessionErrorCode, SgSessionError, sessionAuth } from "./index.js";

let site: EmulatorHandle;
beforeAll(async () => {
  site = await startEmulator({ authMode: "sso", sessionIdleSeconds: 60 });
});
afterAll(() => site.close());

const READ = { type: "Project", filters: { logical_operator: "and", conditions: [] }, return_fields: ["name"], paging: { entities_per_page: 5, current_page: 1 } };

/** A fresh session token of the site's script (get_session_token). */
async function newToken(): Promise<string> {
  const { name, key } = site.card.scripts[0]!;
  const res = await fetch(`${site.url}/api3/json`, { method: "POST", body: JSON.stringify({ method_name: "get_session_token", params: [{ script_name: name, script_key: key }] }) });
  return ((await res.json()) as { results: { session_id: string } }).results.session_id;
}

describe("sessionAuth against the emulator's SSO site", () => {
  it("refreshes once when the site redirects a call of an expired session to its SAML login", async () => {
    const old = await newToken();
    site.advanceClock(61);
    let refreshes = 0;
    const auth = sessionAuth({ sessionToken: old, refresh: async () => ((refreshes += 1), newToken()) });
    const client = createClient({ site: site.url, auth, transport: jsonRpcTransport() });
    try {
      const found = await client.call<{ entities: { name: string }[] }>("read", READ);
      expect(found.entities.length).toBeGreaterThan(0);
      expect(refreshes).toBe(1);
      expect(site.requests().filter((r) => r.method_name === "read").map((r) => r.status)).toEqual([302, 200]);
    } finally {
      await client.close();
    }
  });

  it("without refresh(), the call fails with SG_SESSION_EXPIRED caused by SG_SSO_SESSION_EXPIRED", async () => {
    const old = await newToken();
    site.advanceClock(61);
    const client = createClient({ site: site.url, auth: sessionAuth({ sessionToken: old }), transport: jsonRpcTransport() });
    try {
      const error = await rejectionOf(client.call("read", READ));
      expect(error).toBeInstanceOf(SgSessionError);
      expect(error).toMatchObject({ code: SessionErrorCode.EXPIRED, cause: { code: "SG_SSO_SESSION_EXPIRED", status: 302 } });
      expect(findSecrets(error, [old])).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
