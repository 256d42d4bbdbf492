import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// Several processes find the same lock stale at once (an `sg` was killed while holding it, then a script starts
// many). Each worker process runs two withFileLock callers per round; while holding the lock each one creates a
// marker file with O_EXCL and, finding it there already, reports that two held the lock at once.
const FILE_LOCK = pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), "../dist/file-lock.js")).href;
const WORKER = `
import { open, rm } from "node:fs/promises";
import { createInterface } from "node:readline";
const [lockUrl, lock, marker] = process.argv.slice(1);
const { withFileLock } = await import(lockUrl);
const hold = async () => {
  let mine = false;
  try { await (await open(marker, "wx")).close(); mine = true; } catch {}
  await new Promise((r) => setTimeout(r, 10));
  if (mine) await rm(marker, { force: true });
  return mine ? 0 : 1;
};
const once = () => withFileLock(lock, hold).catch((e) => { process.stderr.write(String(e) + "\\n"); return 100; });
process.stdout.write("ready\\n");
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== "go") break;
  const overlaps = (await Promise.all([once(), once()])).reduce((a, b) => a + b, 0);
  process.stdout.write(overlaps + "\\n");
}
`;

const WORKERS = 6;
const ROUNDS = 30;
const dir = mkdtempSync(join(tmpdir(), "sg-cli-lock-race-"));
const workers: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const w of workers) w.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Lines the worker writes, one promise per line in order. */
function linesOf(child: ChildProcessWithoutNullStreams): () => Promise<string> {
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  let buffered = "";
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const next = waiting.shift();
      if (next) next(line);
      else ready.push(line);
    }
  });
  return () => {
    const line = ready.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((r) => waiting.push(r));
  };
}

describe("withFileLock over a stale lock found by several processes at once", () => {
  it("lets only one of them hold the lock at a time", async () => {
    const lock = join(dir, "credentials.json.lock");
    const marker = join(dir, "holder");
    const next: (() => Promise<string>)[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", WORKER, FILE_LOCK, lock, marker], { stdio: "pipe" });
      child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
      workers.push(child);
      next.push(linesOf(child));
    }
    // Started and waiting before the round's stale lock is planted, so that they find it at about the same time.
    expect(await Promise.all(next.map((n) => n()))).toEqual(Array(WORKERS).fill("ready"));
    let overlaps = 0;
    let round = 0;
    for (; round < ROUNDS && overlaps === 0; round++) {
      writeFileSync(lock, "");
      const old = new Date(Date.now() - 60_000);
      utimesSync(lock, old, old);
      for (const w of workers) w.stdin.write("go\n");
      overlaps += (await Promise.all(next.map((n) => n()))).reduce((sum, line) => sum + Number(line), 0);
      expect(existsSync(marker)).toBe(false);
    }
    expect(overlaps, `callers holding the lock together, by round ${round}`).toBe(0);
    expect(readdirSync(dir), "nothing left behind").toEqual([]);
  });

  it("takes over a lock whose breaker died while breaking it (both left older than 10 s)", async () => {
    const lock = join(dir, "credentials.json.lock");
    const old = new Date(Date.now() - 60_000);
    writeFileSync(lock, "");
    utimesSync(lock, old, old);
    const s = statSync(lock);
    const guard = `${lock}.${s.ino}-${s.mtimeMs}.break`;
    writeFileSync(guard, "");
    utimesSync(guard, old, old);
    const { withFileLock } = (await import(FILE_LOCK)) as typeof import("./file-lock.js");
    expect(await withFileLock(lock, () => Promise.resolve(readdirSync(dir).sort()))).toEqual(["credentials.json.lock"]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
