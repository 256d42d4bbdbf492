/**
 * `sg doctor` when the site is there but not serving the API for a while (maintenance, overload, a gateway's
 * timeout): not "unreachable", whose fix (check the URL) sends the user after settings that are right.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();

/** What the site answers every request with; set by each test. `info` is answered as a site's when `infoOk`. */
let answer: { status: number; headers: Record<string, string>; infoOk?: boolean } = { status: 503, headers: {} };
let site: Server;
let url = "";

beforeAll(async () => {
  site = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (answer.infoOk && body.includes('"method_name":"info"')) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { version: [8, 50, 0], user_authentication_method: "default" } }));
      } else res.writeHead(answer.status, { "content-type": "text/html", ...answer.headers }).end("<html><body>Unavailable</body></html>");
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
async function doctor(env: Record<string, string> = {}): Promise<{ code: number | null; failed: { problem?: string; why?: string; fix?: string } | undefined }> {
  const r = await runner.run(["doctor", "--format", "json", "--site", url], env);
  const report = JSON.parse(r.stdout) as { checks: { ok?: boolean; problem?: string; why?: string; fix?: string }[] };
  return { code: r.code, failed: report.checks.find((c) => c.ok === false) };
}

describe("sg doctor, a site that is down for a while", () => {
  it("503 with Retry-After: site-unavailable, with the wait the site asked for", async () => {
    answer = { status: 503, headers: { "retry-after": "120" } };
    const d = await doctor();
    expect(d.code).toBe(7);
    expect(d.failed?.problem).toBe("site-unavailable");
    expect(d.failed?.why).toContain("HTTP 503");
    expect(d.failed?.why).toContain("maintenance");
    expect(d.failed?.fix).toMatch(/^The site asked to wait 120 s; then run `sg doctor` again\./);
    expect(d.failed?.fix).not.toContain("Check the site URL");
  });

  it("429: site-unavailable, saying it gets too many requests", async () => {
    answer = { status: 429, headers: { "retry-after": "300" } };
    const d = await doctor();
    expect(d.failed?.problem).toBe("site-unavailable");
    expect(d.failed?.why).toContain("too many requests");
  });

  it("504 from a gateway: site-unavailable, naming the gateway", async () => {
    answer = { status: 504, headers: { "retry-after": "60" } };
    const d = await doctor();
    expect(d.failed?.problem).toBe("site-unavailable");
    expect(d.failed?.why).toMatch(/^a gateway in front of the site answered HTTP 504/);
  });

  it("503 after info answered (the credentials check): site-unavailable, not a refused script key", async () => {
    answer = { status: 503, headers: { "retry-after": "120" }, infoOk: true };
    const d = await doctor({ SG_SCRIPT_NAME: "pipeline", SG_SCRIPT_KEY: "0123456789abcdef0123456789abcdef" });
    expect(d.code).toBe(7);
    expect(d.failed?.problem).toBe("site-unavailable");
    expect(d.failed?.fix).toMatch(/^The site asked to wait 120 s; then run `sg doctor` again\./);
  });

  it("a 404 is still unreachable: that URL does not serve the API", async () => {
    answer = { status: 404, headers: {} };
    const d = await doctor();
    expect(d.failed?.problem).toBe("unreachable");
  });
});
