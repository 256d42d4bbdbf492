import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The lock's time stamp comes from the file system's clock (an NFS server's, for a home shared by several hosts),
// which may differ from this host's: each case runs withFileLock in a process whose Date.now is shifted.
const FILE_LOCK = pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), "../dist/file-lock.js")).href;
const CHILD = `
const [lockUrl, lock, shift, timing, marker, holdMs] = process.argv.slice(1);
const real = Date.now;
const t0 = performance.now();
// "step:N": the clock is set back (or forward) by N ms 300 ms after the start, while the lock is waited for.
const stepped = shift.startsWith("step:");
const by = Number(stepped ? shift.slice(5) : shift);
Date.now = () => real() + (stepped && performance.now() - t0 < 300 ? 0 : by);
setTimeout(() => (process.stdout.write("still waiting after 20 s\\n"), process.exit(0)), 20_000).unref();
const { withFileLock } = await import(lockUrl);
const { open, rm } = await import("node:fs/promises");
const { existsSync } = await import("node:fs");
try {
  await withFileLock(lock, async () => {
    if (Number(holdMs) > 0) {
      await (await open(marker, "wx")).close();
      process.stdout.write("held\\n");
      await new Promise((r) => setTimeout(r, Number(holdMs)));
      await rm(marker);
    } else process.stdout.write(existsSync(marker) ? "entered while the other held it\\n" : "entered\\n");
  }, timing === "" ? undefined : JSON.parse(timing));
} catch (e) {
  process.stdout.write("failed: " + e.message + "\\n");
}
`;

const dir = mkdtempSync(join(tmpdir(), "sg-cli-lock-clocks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly firstLine: Promise<string>;
  readonly output: Promise<string>;
}

/** withFileLock in a process whose Date.now is `shiftMs` off; holding the lock `holdMs` when > 0. */
function run(lock: string, shiftMs: number | string, timing?: { waitMs: number; staleMs: number }, holdMs = 0): Run {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, FILE_LOCK, lock, String(shiftMs), timing ? JSON.stringify(timing) : "", join(dir, "holder"), String(holdMs)]);
  let out = "";
  let first: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((r) => (first = r));
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("\n")) first(out.slice(0, out.indexOf("\n")));
  });
  child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
  return { firstLine, output: new Promise((r) => child.on("close", () => r(out.trim()))) };
}

/** A lock left by an sg that died, its time stamp `offsetMs` from now. */
function plant(name: string, offsetMs: number): string {
  const lock = join(dir, name);
  writeFileSync(lock, "");
  const t = new Date(Date.now() + offsetMs);
  utimesSync(lock, t, t);
  return lock;
}

describe("withFileLock() when the file system's clock and this host's differ", () => {
  it("waits for a live lock on a host whose clock is 20 s ahead of the file system's", async () => {
    const lock = join(dir, "live.lock");
    const holder = run(lock, 0, undefined, 3_000);
    expect(await holder.firstLine).toBe("held");
    expect(await run(lock, 20_000).output).toBe("entered");
    expect(await holder.output).toBe("held");
    expect(existsSync(lock)).toBe(false);
  }, 30_000);

  it("takes over at once a lock the file system stamped 60 s ago on a host whose clock is 1 h behind", async () => {
    const lock = plant("behind.lock", -60_000);
    // A wait shorter than staleMs: only the lock's age on the file system's clock can make it stale in time.
    expect(await run(lock, -3_600_000, { waitMs: 2_000, staleMs: 10_000 }).output).toBe("entered");
  }, 30_000);

  it("reports a lock stamped 1 h ahead of the file system's clock without a negative age", async () => {
    const lock = plant("future.lock", 3_600_000);
    const out = await run(lock, 0, { waitMs: 1_000, staleMs: 60_000 }).output;
    expect(out).toMatch(/^failed: another sg has held .*future\.lock for [0-9]+ s at least \(stamped (35[0-9]{2}|3600) s ahead of its file system's clock\), so the credentials file was not changed$/);
  }, 30_000);

  it("takes over a lock stamped 1 h ahead once it stays unchanged for staleMs", async () => {
    const lock = plant("future-stale.lock", 3_600_000);
    expect(await run(lock, 0, { waitMs: 15_000, staleMs: 500 }).output).toBe("entered");
    expect(readdirSync(dir).filter((f) => f.startsWith("future-stale"))).toEqual([]);
  }, 30_000);

  it("ends the wait after waitMs even when this host's clock is set back meanwhile", async () => {
    const lock = plant("set-back.lock", 0);
    expect(await run(lock, "step:-3600000", { waitMs: 1_000, staleMs: 60_000 }).output).toMatch(/^failed: another sg has held /);
  }, 30_000);
});
