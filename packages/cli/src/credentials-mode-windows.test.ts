/**
 * On Windows Node reports mode 0666 for every writable file (chmod only toggles read-only), so the credentials
 * file's mode says nothing there: no warning, and `sg doctor` does not FAIL over it. Windows cannot run here: the
 * store takes its platform, and the built `sg` is run with `process.platform` set to win32 by a preload.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulator } from "@sg/emulator";
import { afterAll, describe, expect, it } from "vitest";
import { CredentialsStore } from "./credentials-store.js";
import { BIN } from "./test-support/run-sg.js";

const dir = mkdtempSync(join(tmpdir(), "sg-win-mode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store in a folder of its own whose file was saved and then made mode 0666. */
async function storeOfMode666(name: string, platform: NodeJS.Platform): Promise<CredentialsStore> {
  const store = new CredentialsStore(join(dir, name), platform);
  await store.set("https://a.example", { sessionToken: "tok-123456789", method: "password", login: "me", savedAt: "2026-01-01T00:00:00Z" });
  chmodSync(store.path, 0o666);
  return store;
}

describe("the credentials file's mode", () => {
  it("is not checked on win32, and still is on linux", async () => {
    expect((await (await storeOfMode666("win", "win32")).get("https://a.example")).warning).toBeUndefined();
    expect((await (await storeOfMode666("linux", "linux")).get("https://a.example")).warning).toMatch(/readable by other users \(mode 666\); run: chmod 600 /);
  });

  it("sg doctor with platform win32: no credentials-file FAIL for mode 666; on linux there is one", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const preload = join(dir, "win32.mjs");
      writeFileSync(preload, 'Object.defineProperty(process, "platform", { value: "win32" });\n');
      const configDir = join(dir, "doctor");
      const store = new CredentialsStore(configDir);
      await store.set(site.url, { sessionToken: "not-a-live-session", method: "browser", savedAt: "2026-01-01T00:00:00Z" });
      chmodSync(store.path, 0o666);
      const doctor = async (nodeArgs: string[]): Promise<string> => {
        const env = { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, SG_SITE: site.url };
        const r = await promisify(execFile)(process.execPath, [...nodeArgs, BIN, "doctor"], { env }).catch((e: { stdout: string; stderr: string }) => e);
        return r.stdout + r.stderr;
      };
      const onWindows = await doctor(["--import", preload]);
      expect(onWindows).toMatch(/ok +credentials +saved session/);
      expect(onWindows).not.toContain("readable by other users");
      expect(onWindows).not.toContain("unsafe-credentials-file");
      expect(await doctor([])).toContain("readable by other users (mode 666)");
    } finally {
      await site.close();
    }
  });
});
