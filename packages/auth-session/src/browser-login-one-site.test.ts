import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgValidationError, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { browserLogin } from "./index.js";
import { READ_SHOTS, requestIdOf } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

// browserLogin knows which site issued the token: its auth must not wait for a first call to learn it, or a client
// of another site that gets it first sends that site the token (and binds the strategy to the wrong site).
describe("browserLogin's auth belongs to the site it logged in to", () => {
  let siteA: Emulator;
  let siteB: Emulator;
  const clients: Client[] = [];

  beforeAll(async () => {
    siteA = await startEmulator({ authMode: "sso", fixtures: "demo" });
    siteB = await startEmulator({ authMode: "sso", fixtures: "demo" });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await Promise.all([siteA.close(), siteB.close()]);
  });

  it("refuses a client of another site, even as the first use, without sending anything there", async () => {
    const { auth, sessionToken } = await browserLogin({
      site: siteA.url,
      appName: "auth-session tests",
      machineId: "m",
      pollIntervalMs: 10,
      onUrl: (url) => siteA.approve(requestIdOf(url), "coord"),
    });
    siteB.reset();
    const b = createClient({ site: siteB.url, transport: jsonRpcTransport(), auth });
    clients.push(b);
    for (const attempt of [b.call("read", READ_SHOTS), b.credentials()]) {
      const error = await rejectionOf(attempt);
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as SgValidationError).path).toEqual(["site"]);
      expect((error as Error).message).toContain(`${siteA.url}, the site browserLogin() logged in to`);
      expect((error as Error).message).toContain(`'${siteB.url}'`);
      expect(findSecrets(error, [sessionToken])).toEqual([]);
    }
    expect(siteB.requests()).toEqual([]);
    // The site it logged in to still works, also written differently (a trailing slash, an upper-case scheme).
    for (const site of [`${siteA.url}/`, siteA.url.replace("http:", "HTTP:")]) {
      const a = createClient({ site, transport: jsonRpcTransport(), auth });
      clients.push(a);
      await a.call("read", READ_SHOTS);
    }
  });
});
