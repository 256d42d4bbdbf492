/**
 * A forwarding proxy's own HTTP answer to a plain-http site (a 403 or a 502 to the absolute-URL request) cannot be
 * told from the site's: the hint and `sg doctor`'s fix name the proxy the request went through, without claiming
 * the answer was the proxy's.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, type SgResult } from "./test-support/run-sg.js";

const runner = sgRunner();
/** The status the proxy answers every forwarded request with; set by each test. */
let status = 403;
let proxy: Server;
let proxyUrl = "";
/** A site that nothing reaches: every request stops at the proxy. */
const SITE = "http://127.0.0.1:59999";
const env = { SG_SITE: SITE, SG_SCRIPT_NAME: "a_script", SG_SCRIPT_KEY: "0123456789abcdef0123456789abcdef" };

beforeAll(async () => {
  proxy = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(status, { "content-type": "text/html" }).end("<html>denied by the proxy</html>"));
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  runner.cleanup();
});

const hintOf = (r: SgResult): string => r.stderr.split("\n").find((l) => l.startsWith("hint: ")) ?? "";
const NOTE = (): string => `It went through the proxy ${proxyUrl} (from --proxy): check that the proxy runs and lets you through to 127.0.0.1:59999`;

async function doctorInfo(): Promise<{ code: number | null; info: { why?: string; fix?: string } | undefined }> {
  const r = await runner.run(["doctor", "--format", "json", "--proxy", proxyUrl], env);
  const checks = (JSON.parse(r.stdout) as { checks: { name: string; why?: string; fix?: string }[] }).checks;
  return { code: r.code, info: checks.find((c) => c.name === "info") };
}

describe("an HTTP status through a forwarding proxy to an http:// site", () => {
  it.each([
    [403, 3],
    [502, 5],
  ])("%i: exit %i, and the hint and doctor's fix name the proxy, without claiming the answer was the site's", async (answer, exit) => {
    status = answer;
    const r = await runner.run(["count", "Shot", "--proxy", proxyUrl], env);
    expect(r.code).toBe(exit);
    expect(hintOf(r)).toContain(NOTE());
    const { code, info } = await doctorInfo();
    expect(code).toBe(7);
    expect(info?.fix).toContain(NOTE());
    expect(info?.why).not.toMatch(/^the site answered/);
  });

  it("without a proxy, the hint names none", async () => {
    status = 403;
    const r = await runner.run(["count", "Shot"], { ...env, SG_SITE: proxyUrl });
    expect(r.code).toBe(3);
    expect(hintOf(r)).not.toContain("It went through the proxy");
  });
});
