/**
 * `sg doctor` when the site's API answers calls with a redirect to its SSO (SAML) login: not a wrong script key or
 * password, which doctor would otherwise say, inviting the user to regenerate a key that works.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
const KEY = "0123456789abcdef0123456789abcdef";

/** A site whose `info` answers, and whose every other API call is redirected to its SAML login. */
let site: Server;
let url = "";
/** Whether the login itself (get_session_token) is answered, so only the calls with its session are redirected. */
let loginAnswered = false;

beforeAll(async () => {
  site = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (body.includes('"method_name":"info"')) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { version: [8, 50, 0], user_authentication_method: "default" } }));
      } else if (loginAnswered && body.includes('"method_name":"get_session_token"')) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { session_id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" } }));
      } else res.writeHead(302, { location: `${url}/saml/saml_login_request?next=%2Fapi3%2Fjson` }).end();
    });
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
  runner.cleanup();
});

/** The first failed check of a `doctor --format json` run. */
async function doctor(env: Record<string, string>): Promise<{ code: number | null; failed: { problem?: string; why?: string; fix?: string } | undefined; out: string }> {
  const r = await runner.run(["doctor", "--format", "json", "--site", url], env);
  const report = JSON.parse(r.stdout) as { checks: { ok?: boolean; problem?: string; why?: string; fix?: string }[] };
  return { code: r.code, failed: report.checks.find((c) => c.ok === false), out: r.stdout + r.stderr };
}

describe("sg doctor, an API call redirected to the SSO login", () => {
  it("a script: sso-redirect, pointing at the site URL and what is in front of it, not at the key", async () => {
    const d = await doctor({ SG_SCRIPT_NAME: "pipeline", SG_SCRIPT_KEY: KEY });
    expect(d.code).toBe(7);
    expect(d.failed?.problem).toBe("sso-redirect");
    expect(d.failed?.fix).toContain("--site");
    expect(d.out).not.toContain(KEY);
  });

  it("a person's login: the SSO-site advice (browser login), not a wrong password", async () => {
    const d = await doctor({ SG_LOGIN: "coord", SG_PASSWORD: "coord-Pass-9f2e" });
    expect(d.code).toBe(7);
    expect(d.failed?.problem).toBe("sso-site");
    expect(d.out).not.toContain("coord-Pass-9f2e");
  });

  // The login was accepted: telling the person the site takes no passwords (and to log in in a browser) contradicted
  // the library's own line just above it.
  it("a person's login accepted, the calls with its session redirected: sso-redirect, pointing at the site URL", async () => {
    loginAnswered = true;
    try {
      const d = await doctor({ SG_LOGIN: "coord", SG_PASSWORD: "coord-Pass-9f2e" });
      expect(d.code).toBe(7);
      expect(d.failed?.problem).toBe("sso-redirect");
      expect(d.failed?.why).toMatch(/^the login was accepted, but/);
      expect(d.failed?.fix).toContain("--site");
      expect(d.out).not.toContain("coord-Pass-9f2e");
    } finally {
      loginAnswered = false;
    }
  });
});
