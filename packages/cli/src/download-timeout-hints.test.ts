import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

// What a download's hint blames when its time runs out or its --out cannot be opened: the limit that ran out
// (--transfer-timeout-ms, not --timeout-ms) and the step the time went to, against a slow site (the emulator's
// latency), with a `cat` reading the named pipe --out names.
const { sg, env, site } = emulatorSuite();
const dir = mkdtempSync(join(tmpdir(), "sg-cli-download-hints-"));
const readers: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  site().setLatency(0);
  for (const r of readers.splice(0)) r.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function uploaded(): Promise<string> {
  const file = join(dir, "plate.txt");
  writeFileSync(file, "plate bytes\n");
  const up = await sg(["upload", "Shot", "1", file], env());
  expect(up.code, up.stderr).toBe(0);
  return String((JSON.parse(up.stdout) as { attachment_id: number }).attachment_id);
}

/** A named pipe in the test folder, with a `cat` already reading it. */
function readPipe(name: string): string {
  const fifo = join(dir, name);
  execFileSync("mkfifo", [fifo]);
  readers.push(spawn("cat", [fifo], { stdio: "ignore" }));
  return fifo;
}

describe("sg download: a timeout's hint names the limit that ran out and what the time went to", () => {
  it("the session token's request outlasting --transfer-timeout-ms: the hint names --transfer-timeout-ms, not --timeout-ms", async () => {
    const id = await uploaded();
    const fifo = join(dir, "token.fifo");
    execFileSync("mkfifo", [fifo]);
    site().setLatency(1500);
    const r = await sg(["download", id, "--out", fifo, "--transfer-timeout-ms", "1000", "--timeout-ms", "60000"], env());
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^hint: The transfer ran out of time waiting for the site's answer to get_session_token\b.* The limit that ran out is the whole transfer's, retries included: 1000 ms\. --transfer-timeout-ms N /m);
    expect(r.stderr).not.toContain("SG_TIMEOUT_MS");
    expect(r.stderr).not.toContain("named pipe");
  }, 30_000);

  it("a person's login outlasting --transfer-timeout-ms, a reader on the pipe: the hint blames the login, not the pipe", async () => {
    const id = await uploaded();
    const fifo = readPipe("login.fifo");
    site().setLatency(1500);
    const r = await sg(["download", id, "--out", fifo, "--transfer-timeout-ms", "1000", "--timeout-ms", "60000"], { SG_SITE: site().url, SG_LOGIN: "admin", SG_PASSWORD: "admin-pass-1" });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^hint: The transfer ran out of time while sg was logging in to the site\b.* --transfer-timeout-ms N /m);
    expect(r.stderr).not.toContain("named pipe");
    expect(r.stderr).not.toContain("SG_TIMEOUT_MS");
  }, 30_000);
});

describe("sg download --out a socket (which cannot be opened by path: ENXIO)", () => {
  it("--out /dev/stdout when stdout is a socket (a Node parent's pipe): the bytes go to stdout, as without --out", async () => {
    const id = await uploaded();
    // the runner spawns sg with Node's stdio pipes, which are socket pairs
    const r = await sg(["download", id, "--out", "/dev/stdout"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("plate bytes\n");
  });

  it("--out a Unix socket's path: a hint that it cannot be opened by path, and to leave out --out or give --out -", async () => {
    const id = await uploaded();
    const path = join(dir, "out.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const r = await sg(["download", id, "--out", path], env());
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`failed to write the download to ${path} (ENXIO)`);
      expect(r.stderr).toMatch(/^hint: --out names a socket, or a device with no driver, which cannot be opened by path\. To write the download to standard output, leave out --out or give --out -\.$/m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
