/**
 * Ctrl-C around the save of `sg login` and `sg logout`: while another sg holds the credentials file's lock, and after
 * the session was saved. `runCli` runs with real streams against the emulator; the signal is an AbortController's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.js";

let site: EmulatorHandle;
const dir = mkdtempSync(join(tmpdir(), "sg-cli-login-signals-"));

beforeAll(async () => {
  site = await startEmulator();
});

afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `sg args` in its own config folder; `onStderr` sees stderr as it grows and may abort the run's signal. */
async function login(args: readonly string[], configDir: string, onStderr: (text: string, stop: AbortController) => void, stop = new AbortController()): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  let text = "";
  stderr.on("data", (d: Buffer) => {
    text += d.toString();
    onStderr(text, stop);
  });
  const io = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), env: { SG_SITE: site.url, SG_CONFIG_DIR: configDir }, cwd: dir };
  const code = await runCli(args, io, { signal: stop.signal });
  return { code, stderr: text };
}

describe("Ctrl-C and the credentials file of sg login", () => {
  it("a signal that comes once the session was saved: the login is done, exit 0 with the note, not 130", async () => {
    const configDir = mkdtempSync(join(dir, "saved-"));
    const run = await login(["login", "--login", "coord", "--password", "coord-pass-1"], configDir, (text, stop) => {
      if (text.includes("session saved")) stop.abort("SIGINT");
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`sg: note: SIGINT came after the command had finished, too late to cancel it: the session was saved in ${join(configDir, "credentials.json")}\n`);
    expect(readFileSync(join(configDir, "credentials.json"), "utf8")).toContain('"login": "coord"');
  });

  it("Ctrl-C while another sg holds the lock ends the wait at once: 130, nothing saved, the other's lock left alone", async () => {
    const configDir = mkdtempSync(join(dir, "locked-"));
    const lock = join(configDir, "credentials.json.lock");
    // Fresh: sg would wait 10 s for it to go stale (its holder dead), then take it.
    writeFileSync(lock, "");
    const stop = new AbortController();
    const before = site.requests().length;
    const waiting = login(["login", "--login", "coord", "--password", "coord-pass-1"], configDir, () => undefined, stop);
    // The site answered with the session (logged once answered); a moment later sg waits for the lock. Sooner, the
    // signal would cancel the call instead: still 130, but not what this test is about.
    while (!site.requests().slice(before).some((r) => r.method_name === "get_session_token")) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const stopped = Date.now();
    stop.abort("SIGINT");
    const run = await waiting;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toBe("sg: interrupted (SIGINT)\n");
    // Not after those 10 s: the wait ended with the signal (a wide margin for a loaded machine).
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(existsSync(join(configDir, "credentials.json"))).toBe(false);
    expect(existsSync(lock)).toBe(true);
  }, 30_000);
});
