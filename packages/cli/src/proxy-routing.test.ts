import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackProxy, type LoopbackProxy } from "./test-support/loopback-proxy.js";
import { sgRunner, type SgResult } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let proxy: LoopbackProxy;
let script: Record<string, string> = {};

beforeAll(async () => {
  site = await startEmulator({});
  proxy = await startLoopbackProxy();
  script = { SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: site.card.scripts[0]?.key ?? "" };
});

afterAll(async () => {
  await Promise.all([site?.close(), proxy?.close()]);
  runner.cleanup();
});

/** The requests the proxy received while `run` ran. */
async function proxied(run: () => Promise<SgResult>): Promise<{ r: SgResult; seen: LoopbackProxy["seen"] }> {
  const before = proxy.seen.length;
  const r = await run();
  return { r, seen: proxy.seen.slice(before) };
}

describe("a host name written with its trailing '.' (fully qualified)", () => {
  it("skips the proxy when NO_PROXY lists it, whether the '.' is in the site URL or in the entry", async () => {
    const cases: [string, string][] = [
      [".studio.test", "https://sg.studio.test./shotgrid"],
      ["sg.studio.test.", "https://sg.studio.test/"],
    ];
    for (const [noProxy, url] of cases) {
      const { r, seen } = await proxied(() => sg(["doctor", "--site", url], { ...script, HTTPS_PROXY: proxy.url, NO_PROXY: noProxy }));
      expect(seen, url).toEqual([]);
      expect(r.stdout, url).toContain(`  ok    proxy  none: direct connection (NO_PROXY lists '${noProxy}')\n`);
    }
  });

  it("is loopback: localhost. never goes through HTTP_PROXY and needs no --allow-http", async () => {
    const url = site.url.replace("127.0.0.1", "localhost.");
    const { r, seen } = await proxied(() => sg(["count", "Shot", "--site", url], { ...script, HTTP_PROXY: proxy.url }));
    expect(seen).toEqual([]);
    expect(r.stderr).not.toContain("--allow-http");
    const doctor = await sg(["doctor", "--site", url], { ...script, HTTP_PROXY: proxy.url });
    expect(doctor.stdout).toContain("  ok    proxy  none: direct connection (localhost is loopback, which HTTP_PROXY is never used for)\n");
  });
});
