import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

// What a download's hint blames when its time runs out or its --out cannot be opened: the limit that ran out
// (--transfer-timeout-ms, not --timeout-ms) and the step the time went to, against a slow site (the emulator's
// latency), with a `cat` reading the named pipe --out names.
const { sg, env, site, uploadPlate } = emulatorSuite();
const dir = mkdtempSync(join(tmpdir(), "sg-cli-download-hints-"));
const readers: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  site().setLatency(0);
  for (const r of readers.splice(0)) r.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uploaded = async (): Promise<string> => String(await uploadPlate(dir));

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

describe("sg download: a GET that outlasts --transfer-timeout-ms while its body is coming", () => {
  it("the hint says the download ran out of time receiving the file, not that its request was never sent", async () => {
    // a site that answers at once and then sends 10 bytes every 50 ms of a 100,000-byte body
    const { createServer: createHttpServer } = await import("node:http");
    const timers: NodeJS.Timeout[] = [];
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "100000" });
      timers.push(setInterval(() => res.write("0123456789"), 50));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const fifo = readPipe("trickle.fifo");
      const r = await sg(["download", `http://127.0.0.1:${port}/f.bin`, "--out", fifo, "--transfer-timeout-ms", "1500"], env());
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain("part of it may have been written into");
      expect(r.stderr).not.toContain("before its request was sent");
      expect(r.stderr).toMatch(/^hint: The download ran out of time\b/m);
    } finally {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});

describe("sg download --out /dev/stdout when stdout is a regular file", () => {
  it("writes through stdout, as > and >> set it up: what the shell wrote before and after stays, in order", async () => {
    const id = await uploaded();
    const out = join(dir, "grouped.txt");
    writeFileSync(out, "PRE\n");
    const script = `{ echo header; "$0" "$1" download "$2" --out /dev/stdout; echo footer; } >> "$3"`;
    await promisify(execFile)("sh", ["-c", script, process.execPath, BIN, id, out], { env: { PATH: process.env["PATH"] ?? "", ...env() } });
    expect(readFileSync(out, "utf8")).toBe("PRE\nheader\nplate bytes\nfooter\n");
  });
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
