// stderr is where sg says what happened, but a status must not depend on it: `sg create … >> job.log 2>&1` on a
// full disk, or stderr piped to a reader that left, still ends with the status the README's table gives (a 6 for a
// write that landed, so that a script does not make it twice), not with Node's crash on an unhandled write error.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, scriptEnvOf } from "./test-support/run-sg.js";

const FULL = "/dev/full";
let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  // more Shots than a find shows by default: its note on stderr says so
  site = await startEmulator({ rows: 150 });
  env = scriptEnvOf(site);
});
afterAll(async () => {
  await site?.close();
});

/** sg's exit status with stderr (and stdout, when `both`) written to /dev/full, where every write fails with ENOSPC. */
async function statusWithFullDisk(args: string[], both = false): Promise<number | null> {
  const full = openSync(FULL, "w");
  try {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, NO_COLOR: "1" }, stdio: ["ignore", both ? full : "ignore", full] });
    return await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code));
    });
  } finally {
    closeSync(full);
  }
}

describe.runIf(existsSync(FULL))("an unwritable stderr (a full disk)", () => {
  it("keeps the status of a usage error (2) and of a missing entity type (4)", async () => {
    expect(await statusWithFullDisk(["find"])).toBe(2);
    expect(await statusWithFullDisk(["find", "NoSuchType"])).toBe(4);
  }, 30_000);

  it("keeps 6 for a create that landed when stdout fails too, and the create is on the site once", async () => {
    const code = `full-disk-${process.pid}`;
    expect(await statusWithFullDisk(["create", "Shot", JSON.stringify({ code })], true)).toBe(6);
    const made = site.requests().filter((r) => r.method_name === "create");
    expect(made).toHaveLength(1);
  }, 30_000);

  it("keeps 0 for a find that succeeded and wrote a note on stderr (more records than it shows)", async () => {
    expect(await statusWithFullDisk(["find", "Shot"])).toBe(0);
  }, 30_000);
});
