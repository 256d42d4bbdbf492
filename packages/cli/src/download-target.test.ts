import { execFile, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

// `sg download --out` to a path that cannot take the file is refused before anything is asked of the site, as cp,
// curl -o and Python's open(path, "wb") refuse it (a write-protected file is never silently replaced).
const seen: string[] = [];
const { sg, env, uploadPlate } = emulatorSuite({ logger: (line) => seen.push(line) });
const dir = mkdtempSync(join(tmpdir(), "sg-cli-download-target-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uploaded = async (): Promise<number> => uploadPlate(dir);

describe("sg download --out", () => {
  it("an existing folder: refused before the download is asked for, with a hint to name a file in it", async () => {
    const id = await uploaded();
    const folder = join(dir, "fold");
    mkdirSync(folder);
    const before = seen.length;
    const r = await sg(["download", String(id), "--out", folder], env());
    expect(seen.slice(before), "requests sent to the site").toEqual([]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("--out");
    expect(r.stderr).toContain("not a folder");
    expect(r.stderr).toContain(`hint: Name a file in that folder, e.g. ${join(folder, "name.ext")}`);
    expect(readdirSync(folder)).toEqual([]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("a write-protected (0444) file of one's own: refused before the download is asked for, and left as it was", async () => {
    const id = await uploaded();
    // Root writes any file, so as root (the CI) the case runs as `nobody`, in a folder and over a file nobody owns;
    // otherwise as the user running the tests.
    const root = process.getuid?.() === 0;
    const folder = join(dir, "protected");
    mkdirSync(folder);
    const plate = join(folder, "plate.bin");
    writeFileSync(plate, "the only copy\n");
    chmodSync(plate, 0o444);
    if (root) {
      chmodSync(dir, 0o755);
      chownSync(folder, 65534, 65534);
      chownSync(plate, 65534, 65534);
    }
    const command = root ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath] : [process.execPath];
    const before = seen.length;
    const r = await promisify(execFile)(command[0] ?? "", [...command.slice(1), BIN, "download", String(id), "--out", plate], { env: { PATH: process.env["PATH"] ?? "", ...env() } }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(seen.slice(before), "requests sent to the site").toEqual([]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("write-protected");
    expect(readFileSync(plate, "utf8")).toBe("the only copy\n");
    expect(readdirSync(folder)).toEqual(["plate.bin"]);
  });

  it("a named pipe: the bytes go into it (as curl -o writes into one), it stays a pipe, and the note gives no size", async () => {
    const id = await uploaded();
    const fifo = join(dir, "plate.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => (read += chunk.toString()));
    const closed = new Promise((resolve) => reader.on("close", resolve));
    const r = await sg(["download", String(id), "--out", fifo], env());
    await closed;
    expect(r.code, r.stderr).toBe(0);
    expect(read).toBe("plate bytes\n");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(r.stderr).toContain(`wrote the download into ${fifo}`);
    expect(r.stderr).not.toContain("wrote 0 bytes");
  });
});

describe("sg download --out (what it must not wait for or misread)", () => {
  it("a path ending in a separator (a folder that does not exist): status 2 naming --out, before anything is sent", async () => {
    const before = seen.length;
    const r = await sg(["download", "1", "--out", `${join(dir, "nodir")}/`], env());
    expect(seen.slice(before), "requests sent to the site").toEqual([]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("--out must name a file, not a folder");
    expect(readdirSync(dir)).not.toContain("nodir");
  });

  it("a named pipe no one reads: --transfer-timeout-ms ends the wait for a reader, with the timeout status", async () => {
    const id = await uploaded();
    const fifo = join(dir, "unread.fifo");
    execFileSync("mkfifo", [fifo]);
    // killed (exit code null) should it still wait after 20 s; 2000 ms leave the session token and the GET time on a
    // loaded machine, so the time runs out waiting for the pipe's reader
    const r = await promisify(execFile)(process.execPath, [BIN, "download", String(id), "--out", fifo, "--transfer-timeout-ms", "2000"], { env: { PATH: process.env["PATH"] ?? "", ...env() }, timeout: 20_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number | null; stderr: string }) => e,
    );
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/did not complete within its deadline of 2000 ms: nothing was written into \S*unread\.fifo/);
    expect(r.stderr).toMatch(/^hint: The transfer ran out of time writing into the named pipe --out names: waiting for a program to open it for reading, or to take the data\. The limit that ran out is the whole transfer's, retries included: 2000 ms\. --transfer-timeout-ms N /m);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  }, 30_000);
});
