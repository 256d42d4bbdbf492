/**
 * A forwarding proxy's own HTTP answer to a plain-http site (a 403 or a 502 to the absolute-URL request) cannot be
 * told from the site's: the hint and `sg doctor`'s fix name the proxy the request went through, without claiming
 * the answer was the proxy's.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackProxy } from "./test-support/loopback-proxy.js";
import { sgRunner, type SgResult } from "./test-support/run-sg.js";
import { startTlsTerminator } from "./test-support/tls-terminator.js";

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

// Through a CONNECT tunnel to an https:// site the proxy let the request through (the site's certificate was checked
// at the other end), so a status is the site's: no note sending the user to the proxy.
describe("an HTTP status from an https:// site through a CONNECT tunnel", () => {
  it("403: exit 3, and neither the hint nor doctor's fix blames the proxy", async () => {
    status = 403;
    // The server above, answering 403 to everything, stands for the site behind TLS; the tunnel reaches it.
    const siteTls = await startTlsTerminator((proxy.address() as AddressInfo).port);
    const tunnel = await startLoopbackProxy({ tunnelPort: siteTls.port });
    try {
      const tlsEnv = { ...env, SG_SITE: "https://studio.test", NODE_EXTRA_CA_CERTS: siteTls.caFile };
      const r = await runner.run(["count", "Shot", "--proxy", tunnel.url], tlsEnv);
      expect(r.code).toBe(3);
      expect(tunnel.seen.map((s) => s.method)).toContain("CONNECT");
      expect(hintOf(r)).not.toContain("It went through the proxy");
      const d = await runner.run(["doctor", "--format", "json", "--proxy", tunnel.url], tlsEnv);
      const info = (JSON.parse(d.stdout) as { checks: { name: string; why?: string; fix?: string }[] }).checks.find((c) => c.name === "info");
      expect(info?.why).toBe("the site answered HTTP 403");
      expect(info?.fix ?? "").not.toContain("It went through the proxy");
    } finally {
      await Promise.all([siteTls.close(), tunnel.close()]);
    }
  });
});
