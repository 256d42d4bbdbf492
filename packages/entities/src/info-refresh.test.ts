/**
 * `info()` answers with the client's cached site info; `info({ refresh: true })` asks the site again, as Python's
 * `info()` does on every call: a ported "wait until the site is back" loop must see the site go down and come back,
 * and a site upgraded meanwhile must be seen with its new version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, SgValidationError, type SiteInfo } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, entityContext, info } from "./index.js";
import { startLoopbackSite } from "./test-support/loopback.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe("info({ refresh })", () => {
  it("sees a site in maintenance and back (emulator): refresh asks the site, the cached answer does not", async () => {
    const script = site.emulator.card.scripts[0] as { name: string; key: string };
    // One attempt per request: the 503 is not retried away, as a maintenance page lasting minutes would not be.
    const client = createClient({ site: site.emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }), defaults: { retry: false } });
    const sg = entityApi(client);
    const asked = (): number => site.emulator.requests().filter((r) => r.method_name === "info").length;
    const before = asked();
    const up = await sg.info();
    expect(asked()).toBe(before + 1);
    site.emulator.injectFault({ method: "info", status: 503, html: true, body: "<h1>Down for maintenance</h1>" });
    // Cached: nothing is sent, the site looks up.
    expect(await sg.info()).toBe(up);
    expect(await sg.info({ refresh: false })).toBe(up);
    expect(asked()).toBe(before + 1);
    // Refreshed: the site is asked, and its refusal is the caller's.
    await expect(sg.info({ refresh: true })).rejects.toMatchObject({ status: 503 });
    expect(asked()).toBe(before + 2);
    // Back up: the next refresh gets the site's answer, and caches it.
    const back = await info(client, { refresh: true });
    expect(back).toEqual(up);
    expect(back).not.toBe(up);
    expect(asked()).toBe(before + 3);
    expect(await sg.info()).toBe(back);
    expect(client.cachedInfo()).toBe(back);
    await client.close();
  });

  it("gets a site's new version with refresh, and the cached one without (node:http site)", async () => {
    let version = [8, 50, 0];
    const loop = await startLoopbackSite((method) => (method === "info" ? { version } : null));
    try {
      const sg = entityApi(loop.client);
      const ctx = entityContext(loop.client, { dates: "string" });
      expect((await sg.info()).version).toEqual([8, 50, 0]);
      version = [8, 51, 2];
      expect((await sg.info()).version).toEqual([8, 50, 0]);
      expect((await info(ctx)).version).toEqual([8, 50, 0]);
      expect(loop.methods).toEqual(["info"]);
      const fresh: SiteInfo = await info(ctx, { refresh: true, timeoutMs: 5000 });
      expect(fresh.version).toEqual([8, 51, 2]);
      expect((await sg.info()).version).toEqual([8, 51, 2]);
      expect(loop.methods).toEqual(["info", "info"]);
    } finally {
      await loop.close();
    }
  });

  it("takes true or false only, refused before anything is sent", async () => {
    const { client, sent } = site.freshClient();
    const sg = entityApi(client);
    for (const refresh of [null, "yes", 1]) {
      // @ts-expect-error -- refresh is a boolean
      const error: unknown = await sg.info({ refresh }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["options", "refresh"], expected: "true or false" });
    }
    // A misspelt option is still refused, and the list names refresh.
    // @ts-expect-error -- no such option
    await expect(info(client, { refrsh: true })).rejects.toMatchObject({ path: ["options", "refrsh"], expected: expect.stringMatching(/^one of refresh, signal/) });
    expect(sent).toEqual([]);
  });
});
