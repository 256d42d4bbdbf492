import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN, type SgResult } from "./test-support/run-sg.js";

// Node decodes the environment as it does the command line: bytes that are not UTF-8 become U+FFFD before sg reads
// them. A variable sg reads is refused then as an argument is, named (never shown), before anything is sent: with
// SG_PASSWORD=$'p\xe4ss' sg sent a wrong password, which the site counted as a failed login.

const { site, env, configDir } = emulatorSuite();
const dir = mkdtempSync(join(tmpdir(), "sg-env-utf8-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The calls the site got so far. */
const calls = (): number => site().requests().length;

/** Run `sg <args>` through a shell whose `assign` (shell text: `NAME="$(printf …)"`) sets variables with raw bytes. */
function shSg(assign: string, args: string, base: Record<string, string>): Promise<SgResult> {
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", `${assign} exec "${process.execPath}" "${BIN}" ${args}`], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, ...base } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** `p\xe4ss\xe9-marker`: Latin-1 bytes, which Node reads as `p�ss�-marker`. */
const LATIN1 = `"$(printf 'p\\344ss\\351-marker')"`;

describe("a variable sg reads whose bytes are not UTF-8", () => {
  it("SG_PASSWORD is refused (exit 2), named, not shown; no login is tried", async () => {
    const { SG_SITE } = env();
    const before = calls();
    const r = await shSg(`SG_LOGIN=artist SG_PASSWORD=${LATIN1}`, "whoami", { SG_SITE: SG_SITE! });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^sg: SG_PASSWORD holds bytes that are not UTF-8 \(the environment reached sg with U\+FFFD in their place\); nothing was sent\nhint: /);
    expect(r.stderr).not.toMatch(/marker|\uFFFD/);
    expect(calls()).toBe(before);
  });

  it("HTTP_PROXY, http_proxy and NO_PROXY, often set for other tools, are not read for a route that does not use them (a loopback site): the command runs", async () => {
    writeFileSync(join(dir, "filters.json"), "[]");
    for (const name of ["HTTP_PROXY", "http_proxy", "NO_PROXY"]) {
      const r = await shSg(`${name}=${LATIN1}`, "find Shot @filters.json --limit 1", env());
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    }
  });

  it("http_proxy is refused (exit 2) for a request to another host than the site whose route would use it, not reported as a network failure", async () => {
    // The site is loopback (never proxied); the download's URL is on another host, whose http:// route is the proxy's.
    const download = `download http://storage.example/files/x.bin --out ${join(dir, "x.bin")}`;
    const r = await shSg(`http_proxy=${LATIN1}`, download, env());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^sg: http_proxy holds bytes that are not UTF-8 .*; nothing was sent\nhint: /);
    expect(r.stderr).not.toMatch(/marker|\uFFFD/);
    // Refused by the proxy dispatcher inside the request, once: not retried as a network failure (3 attempts, 2.25 s of
    // backoff), which --debug would show in the transport's lines and in the error's attempts.
    const debug = await shSg(`http_proxy=${LATIN1}`, `${download} --debug`, env());
    expect(debug.code, debug.stderr).toBe(2);
    expect(debug.stderr).toMatch(/^sg: http_proxy holds bytes that are not UTF-8 .*; nothing was sent\nhint: Set http_proxy as UTF-8 text/m);
    expect(debug.stderr).toMatch(/^attempts: \[\{"attempt":1,"code":"SG_SETTING","elapsedMs":\d+\}\]$/m);
    expect(debug.stderr).not.toMatch(/retrying|attempt 2|ERR_NETWORK|marker|\uFFFD/);
  });

  it("sg doctor reports an https_proxy the site's route would use and sg cannot read as a failed proxy check (exit 7), not a crash", async () => {
    // A site that is not loopback, so that the proxy applies; doctor stops at the proxy check, before any request.
    const r = await shSg(`https_proxy=${LATIN1}`, "doctor", { SG_SITE: "https://studio.example.com", SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: "k".repeat(40) });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stdout).toMatch(/proxy.*https_proxy holds bytes that are not UTF-8/);
    expect(r.stdout + r.stderr).not.toMatch(/marker|\uFFFD/);
  });

  it.each(["SG_SITE", "SG_SCRIPT_NAME", "SG_SCRIPT_KEY", "SG_SUDO_AS", "SG_PROXY", "SG_TIMEOUT_MS", "SG_MAX_RESPONSE_BYTES", "SG_TRANSFER_TIMEOUT_MS", "SG_MAX_JSON_ARG_BYTES"])(
    "%s is refused the same way before anything is sent",
    async (name) => {
      writeFileSync(join(dir, "filters.json"), "[]");
      writeFileSync(join(dir, "f.txt"), "hi");
      const base = env();
      delete base[name];
      const before = calls();
      // A transfer's limit is read by a transfer only.
      const r = await shSg(`${name}=${LATIN1}`, name === "SG_TRANSFER_TIMEOUT_MS" ? "upload Shot 1 f.txt" : "find Shot @filters.json", base);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^sg: ${name} holds bytes that are not UTF-8 .*; nothing was sent\\nhint: `));
      expect(r.stderr).not.toMatch(/marker|\uFFFD/);
      expect(calls()).toBe(before);
    },
  );

  it("SG_LOGIN and SG_SESSION_TOKEN too", async () => {
    const { SG_SITE } = env();
    for (const [assign, name] of [[`SG_LOGIN=${LATIN1} SG_PASSWORD=pw`, "SG_LOGIN"], [`SG_SESSION_TOKEN=${LATIN1}`, "SG_SESSION_TOKEN"]] as const) {
      const before = calls();
      const r = await shSg(assign, "whoami", { SG_SITE: SG_SITE! });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr, name).toMatch(new RegExp(`^sg: ${name} holds bytes that are not UTF-8`));
      expect(calls()).toBe(before);
    }
  });

  it("SG_CONFIG_DIR and HOME, which name the credentials' folder, are refused, pointing to a UTF-8 folder name", async () => {
    const { SG_SITE } = env();
    for (const name of ["SG_CONFIG_DIR", "HOME"]) {
      const base: Record<string, string> = { SG_SITE: SG_SITE! };
      const r = await shSg(`${name}="$(printf '/tmp/c\\344fg')"${name === "HOME" ? " SG_CONFIG_DIR=" : ""}`, "logout", base);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr, name).toMatch(new RegExp(`^sg: ${name} holds bytes that are not UTF-8 .*\\nhint: sg cannot name a folder whose name is not UTF-8: set SG_CONFIG_DIR`));
    }
  });

  it("a variable sg does not read (its flag given instead) is not refused", async () => {
    writeFileSync(join(dir, "filters.json"), "[]");
    const r = await shSg(`SG_TIMEOUT_MS=${LATIN1}`, "find Shot @filters.json --timeout-ms 30000", env());
    expect(r.code, r.stderr).toBe(0);
  });
});
