/**
 * `--transfer-timeout-ms` and `SG_TRANSFER_TIMEOUT_MS` bound `sg upload` and `sg download` (the transport's transfer
 * limits, which `--timeout-ms` does not touch), and the hint of a transfer that ran out of time names the limit that
 * ran out and that flag. Against the emulator behind a `node:http` front on 127.0.0.1 that takes an upload's body
 * slowly (about 3 s for the file, like a slow, steady link) and serves a download as slowly.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf, type SgResult } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;
let site: EmulatorHandle;
let front: Server;
let env: Record<string, string> = {};
let dir = "";
let file = "";

/** The size of the uploaded file and of the slow download. */
const SIZE = 4 * 1024 * 1024;
/** The front reads (and sends) at most this many bytes a second: the whole file takes about 3 s. */
const RATE = Math.ceil(SIZE / 3);

/** Read `req`'s body at most {@link RATE} bytes a second, then hand it over whole. */
function readSlowly(req: import("node:http").IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const started = Date.now();
    req.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      // Ahead of the rate: stop reading until the time for these bytes has come.
      const dueMs = (got / RATE) * 1000 - (Date.now() - started);
      if (dueMs > 0) {
        req.pause();
        setTimeout(() => req.resume(), dueMs);
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

beforeAll(async () => {
  site = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "sg-transfer-timeout-"));
  file = join(dir, "movie.mov");
  writeFileSync(file, Buffer.alloc(SIZE, 7));
  const upstream = new URL(site.url);
  front = createServer({ requestTimeout: 0 }, (req, res) => {
    if (req.url === "/slow-file") {
      // A download as slow: a piece every 100 ms.
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(SIZE) });
      let sent = 0;
      const timer = setInterval(() => {
        const n = Math.min(Math.ceil(RATE / 10), SIZE - sent);
        sent += n;
        res.write(Buffer.alloc(n, 1));
        if (sent === SIZE) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      res.on("close", () => clearInterval(timer));
      return;
    }
    // Everything else goes to the emulator; an upload's body only once it was all read, slowly.
    const body = req.url?.startsWith("/upload/") ? readSlowly(req) : undefined;
    void (async () => {
      const whole = body ? await body : undefined;
      const headers = { ...req.headers, ...(whole ? { "content-length": String(whole.length) } : {}) };
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on("error", () => res.destroy());
      if (whole) forward.end(whole);
      else req.pipe(forward);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  env = scriptEnvOf(site, `http://127.0.0.1:${(front.address() as AddressInfo).port}`);
});

afterAll(async () => {
  front?.closeAllConnections();
  await new Promise((resolve) => front?.close(resolve));
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
  runner.cleanup();
});

function expectStatus(r: SgResult, code: number): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
}

/** The `hint:` line of a run's stderr. */
function hintOf(r: SgResult): string {
  return /^hint: (.*)$/m.exec(r.stderr)?.[1] ?? "";
}

describe("--transfer-timeout-ms and SG_TRANSFER_TIMEOUT_MS", () => {
  it("cut an upload whose body takes longer than the limit: exit 6, and the hint names that limit and the flag", async () => {
    const r = await sg(["upload", "Shot", "3", file, "--transfer-timeout-ms", "1000"], env);
    expectStatus(r, 6);
    const hint = hintOf(r);
    expect(hint).toMatch(/^The upload ran out of time, perhaps while the file was still being sent \(a large file on a slow link\), perhaps waiting for the answer: it may have been applied on the site, so check before trying again\. /);
    expect(hint).toMatch(/ The limit that ran out is (one attempt's|the whole transfer's, retries included): 1000 ms\. /);
    expect(hint).toContain("--transfer-timeout-ms N (or SG_TRANSFER_TIMEOUT_MS) sets how long an upload or download may take, each attempt and in all (by default 600000 ms an attempt, 1800000 ms in all).");
    // The call's flag does not bound a transfer, and the answer was not all that was awaited.
    expect(hint).not.toContain("--timeout-ms");
    expect(hint).not.toContain("no answer came");
  });

  it("let the same upload finish when the limit is long enough: exit 0, the attachment made", async () => {
    const r = await sg(["upload", "Shot", "3", file, "--transfer-timeout-ms", "60000"], env);
    expectStatus(r, 0);
    expect((JSON.parse(r.stdout) as { attachment_id: unknown }).attachment_id).toEqual(expect.any(Number));
  });

  it("take the limit from SG_TRANSFER_TIMEOUT_MS, the flag first", async () => {
    const fromEnv = await sg(["upload", "Shot", "3", file], { ...env, SG_TRANSFER_TIMEOUT_MS: "1000" });
    expectStatus(fromEnv, 6);
    expect(hintOf(fromEnv)).toMatch(/ran out is (one attempt's|the whole transfer's, retries included): 1000 ms\./);
    const flagWins = await sg(["upload", "Shot", "3", file, "--transfer-timeout-ms", "60000"], { ...env, SG_TRANSFER_TIMEOUT_MS: "1000" });
    expectStatus(flagWins, 0);
  });

  it("cut a download to --out that takes longer: exit 5, no partial file, the hint names the limit and the flag", async () => {
    const out = mkdtempSync(join(dir, "out-"));
    const r = await sg(["download", `${env["SG_SITE"]}/slow-file`, "--out", join(out, "movie.mov"), "--transfer-timeout-ms", "1000"], env);
    expectStatus(r, 5);
    expect(readdirSync(out)).toEqual([]);
    const hint = hintOf(r);
    expect(hint).toMatch(/^The download ran out of time: waiting for the site's answer, or while the file was still coming \(a large file on a slow link\), or after it stopped coming\. The limit that ran out is (one attempt's|the whole transfer's, retries included): 1000 ms\. --transfer-timeout-ms N /);
  });

  it("are validated as the other numbers are, naming the flag or the variable, and only upload and download take them", async () => {
    const zero = await sg(["upload", "Shot", "3", file, "--transfer-timeout-ms", "0"], env);
    expectStatus(zero, 2);
    expect(zero.stderr).toBe("sg: --transfer-timeout-ms must be at least 1, got '0'\n");
    const bad = await sg(["download", "1", "--out", join(dir, "x"), "--transfer-timeout-ms", "1h"], env);
    expectStatus(bad, 2);
    expect(bad.stderr).toMatch(/^sg: --transfer-timeout-ms must be a whole number in digits, got '1h'\n/);
    const envBad = await sg(["upload", "Shot", "3", file], { ...env, SG_TRANSFER_TIMEOUT_MS: "5s" });
    expectStatus(envBad, 2);
    expect(envBad.stderr).toContain("sg: SG_TRANSFER_TIMEOUT_MS must be a whole number in digits, got '5s'\nhint: Milliseconds, e.g. SG_TRANSFER_TIMEOUT_MS=3600000");
    const find = await sg(["find", "Shot", "--transfer-timeout-ms", "1000"], env);
    expectStatus(find, 2);
    expect(find.stderr).toMatch(/^sg: 'sg find' does not take --transfer-timeout-ms\n/);
    // The variable is for transfers: a command that makes none does not read it.
    expectStatus(await sg(["find", "Shot", "--limit", "1"], { ...env, SG_TRANSFER_TIMEOUT_MS: "5s" }), 0);
  });
});
