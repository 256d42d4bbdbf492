import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialsStore } from "./credentials-store.js";
import { BIN } from "./test-support/run-sg.js";

// The credentials file where it cannot be written as planned: a temp name taken, a full disk.
let site: EmulatorHandle;
const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "sg-cred-err-"));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
});

afterAll(async () => {
  await site?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SESSION = { sessionToken: "tok-123456789", method: "password", login: "me", savedAt: "2026-01-01T00:00:00Z" } as const;

/** Whether this machine lets a user namespace mount a tmpfs (the full-disk cases need it). */
const canMountTmpfs = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", `mount -t tmpfs -o size=8k tmpfs "${tmpdir()}"`]).then(
  () => true,
  () => false,
);

/**
 * Run `sg args` with its config folder on a full 8 KB tmpfs of its own (a user and mount namespace), then list that
 * folder: it is gone for anyone outside once the namespace ends.
 */
async function sgOnFullDisk(args: readonly string[]): Promise<{ code: string; stderr: string; left: string[] }> {
  const dir = freshDir();
  const script = `mount -t tmpfs -o size=8k tmpfs "$0" && { head -c 8192 /dev/zero > "$0/fill" 2>/dev/null; true; }; "$@"; echo "exit=$?" >&2; echo "left:$(ls -A "$0" | tr '\\n' ' ')" >&2`;
  const r = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", script, dir, process.execPath, BIN, ...args], {
    env: { PATH: process.env["PATH"] ?? "", HOME: dir, SG_CONFIG_DIR: dir },
  });
  const stderr = r.stderr;
  const code = /exit=(\d+)/.exec(stderr)?.[1] ?? "";
  const left = (/left:(.*)/.exec(stderr)?.[1] ?? "").trim().split(/\s+/).filter((n) => n && n !== "fill");
  return { code, stderr, left };
}

describe("the temp file of a save", () => {
  it("is not taken from the pid alone: another host of the shared home with the same pid may be writing it", async () => {
    const dir = freshDir();
    const store = new CredentialsStore(dir);
    // What another host's sg with the same pid could hold at that name (here a folder, so that reusing it fails).
    mkdirSync(join(dir, `credentials.json.${process.pid}.tmp`));
    await store.set("https://a.example", SESSION);
    expect((await store.get("https://a.example")).session?.login).toBe("me");
  });

  it.skipIf(!canMountTmpfs)("is removed when the disk is full, and so is the lock", async () => {
    const r = await sgOnFullDisk(["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"]);
    expect(r.code, r.stderr).not.toBe("0");
    expect(r.left, r.stderr).toEqual([]);
  });
});
