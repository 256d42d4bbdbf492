// A call whose signal has aborted already starts no login: with a legacy login that asks for a 2FA code, neither the
// prompt nor a get_session_token reaches anyone. Against the emulator over real sockets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, createClient, type Client } from "@sg/core";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { getSessionToken } from "./index.js";

let site: EmulatorHandle;
beforeAll(async () => {
  site = await startEmulator({});
});
afterAll(async () => {
  await site.close();
});

const cases: readonly (readonly [string, (client: Client, signal: AbortSignal) => Promise<unknown>])[] = [
  ["client.call()", (client, signal) => client.call("read", { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"] }, { signal })],
  ["client.http()", (client, signal) => client.http({ method: "GET", target: "/api3/json", signal })],
  ["getSessionToken()", (client, signal) => getSessionToken(client, { signal })],
];

describe("a signal aborted before the call, with a legacy login that prompts for a 2FA code", () => {
  it.each(cases)("%s rejects with SgAbortError: no prompt, nothing sent", async (_label, run) => {
    let prompts = 0;
    const client = createClient({
      site: site.url,
      transport: jsonRpcTransport(),
      auth: legacyLoginAuth({
        login: "artist",
        password: "artist-pass-1",
        twoFactor: async () => {
          prompts += 1;
          return site.issueTwoFactorCode("artist");
        },
      }),
    });
    try {
      const before = site.requests().length;
      const error = await run(client, AbortSignal.abort(new Error("cancelled"))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgAbortError);
      expect((error as SgAbortError).cause).toMatchObject({ message: "cancelled" });
      // Without the fix the login goes on after the rejection: give it time to reach the site.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(prompts).toBe(0);
      expect(site.requests().slice(before)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
