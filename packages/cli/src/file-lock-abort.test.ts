import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withFileLock } from "./file-lock.js";

const dir = mkdtempSync(join(tmpdir(), "sg-cli-lock-abort-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("withFileLock() and Ctrl-C", () => {
  it("ends the wait for a lock another process holds with the signal's reason, without running the work", async () => {
    const lock = join(dir, "held.lock");
    // Fresh, so never taken as stale: without the signal the wait would last its whole 10 s, then fail as locked.
    writeFileSync(lock, "");
    const stop = new AbortController();
    let ran = false;
    const waiting = withFileLock(lock, async () => void (ran = true), { waitMs: 10_000, staleMs: 60_000 }, stop.signal);
    setTimeout(() => stop.abort("SIGINT"), 50);
    expect(await waiting.then(() => "took the lock", (e: unknown) => e)).toBe("SIGINT");
    expect(ran).toBe(false);
    expect(existsSync(lock)).toBe(true);
  }, 20_000);

  it("takes no free lock once the signal has aborted", async () => {
    const lock = join(dir, "free.lock");
    const stop = new AbortController();
    stop.abort("SIGINT");
    let ran = false;
    expect(await withFileLock(lock, async () => void (ran = true), undefined, stop.signal).then(() => "took the lock", (e: unknown) => e)).toBe("SIGINT");
    expect(ran).toBe(false);
    expect(existsSync(lock)).toBe(false);
  });
});
