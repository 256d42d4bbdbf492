import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgValidationError, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { sessionAuth } from "./index.js";
import { IDLE, READ_SHOTS, loginFor } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

// A session token is one site's: a sessionAuth() shared by clients of two sites must not send it (nor a token its
// refresh() returned) to the second one.
describe("one sessionAuth shared by clients of two sites", () => {
  let siteA: Emulator;
  let siteB: Emulator;
  const clients: Client[] = [];

  beforeAll(async () => {
    siteA = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
    siteB = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await Promise.all([siteA.close(), siteB.close()]);
  });

  it("is bound to the site of its first call, and refuses another site without sending anything", async () => {
    const token = await loginFor(siteA);
    const refreshed: string[] = [];
    const auth = sessionAuth({
      sessionToken: token,
      refresh: async () => {
        const fresh = await loginFor(siteA);
        refreshed.push(fresh);
        return fresh;
      },
    });
    const a = createClient({ site: siteA.url, transport: jsonRpcTransport(), auth });
    const b = createClient({ site: siteB.url, transport: jsonRpcTransport(), auth });
    clients.push(a, b);
    await a.call("read", READ_SHOTS);
    siteA.advanceClock(IDLE + 1);
    await a.call("read", READ_SHOTS);
    expect(refreshed).toHaveLength(1);
    siteB.reset();
    for (const attempt of [b.call("read", READ_SHOTS), b.credentials()]) {
      const error = await rejectionOf(attempt);
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as SgValidationError).path).toEqual(["site"]);
      expect((error as Error).message).toContain(`${siteA.url}, where this sessionAuth() was first used`);
      expect((error as Error).message).toContain(`'${siteB.url}'`);
      expect(findSecrets(error, [token, ...refreshed])).toEqual([]);
    }
    expect(siteB.requests()).toEqual([]);
    await a.call("read", READ_SHOTS);
  });
});
