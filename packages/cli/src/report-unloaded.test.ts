import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackSite, type LoopbackSite } from "./test-support/loopback-site.js";
import { BIN } from "./test-support/run-sg.js";

// A copy of the built command without failure-report.js, as an upgrade of @sg/cli under a running sg can leave it:
// the copy sits next to dist, so it resolves the same packages.
const dist = dirname(BIN);
let copy: string;
let noProxyCode: string;
let site: LoopbackSite;
const KEY = "0123456789abcdef0123456789abcdef";

beforeAll(async () => {
  copy = mkdtempSync(join(dirname(dist), ".dist-without-report-"));
  cpSync(dist, copy, { recursive: true });
  rmSync(join(copy, "failure-report.js"));
  noProxyCode = mkdtempSync(join(dirname(dist), ".dist-without-report-"));
  cpSync(dist, noProxyCode, { recursive: true });
  rmSync(join(noProxyCode, "proxy", "proxy-dispatcher.js"));
  // info answers; every other call is a 502, which a create may have been applied behind.
  site = await startLoopbackSite((body, res) => {
    if (body.includes('"info"')) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: [8, 0, 0], s3_uploads_enabled: false }));
    } else {
      res.writeHead(502, { "content-type": "text/html" }).end(`<html>bad gateway ${body}</html>`);
    }
  });
});
afterAll(async () => {
  rmSync(copy, { recursive: true, force: true });
  rmSync(noProxyCode, { recursive: true, force: true });
  await site.close();
});

function run(args: string[], build = copy): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(build, "bin.js"), ...args], {
      env: { PATH: process.env["PATH"] ?? "", HOME: copy, SG_CONFIG_DIR: copy, SG_SITE: site.url, SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: KEY },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a failed command whose report cannot be loaded", () => {
  it("a create answered 502 still exits 6 (may have been applied) with one sg: line, no stack, no secret", async () => {
    const r = await run(["create", "Shot", '{"code":"x"}']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/^sg: the command failed \(SgHttpError SG_HTTP\) after a write may have been applied: check the site before running it again; its report could not be loaded \(.*failure-report\.js.*\): reinstall @sg\/cli\.\n$/);
    expect(r.stderr).not.toContain(KEY);
  });

  it("a read exits 1 with the same line, without the write warning", async () => {
    const r = await run(["find", "Shot"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^sg: the command failed \(\w+ SG_\w+\); its report could not be loaded/);
  });
});

describe("a proxy whose routing code cannot be loaded", () => {
  it("is reported once, as the command's failure, with no second uncaught error after it", async () => {
    const r = await run(["find", "Shot", "--proxy", "http://127.0.0.1:9"], noProxyCode);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^sg: .*proxy-dispatcher\.js.*ERR_MODULE_NOT_FOUND/);
    expect(r.stderr.match(/ERR_MODULE_NOT_FOUND/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
