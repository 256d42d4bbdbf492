/**
 * What `sg` loads to start: pipelines run it once per shot in shell loops, so each module it loads for nothing is
 * paid thousands of times. The built `sg` runs with a loader hook that lists every module URL it loads (no timing:
 * which modules, not how long).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

const dir = mkdtempSync(join(tmpdir(), "sg-startup-imports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The hooks run on their own thread: each URL loaded is appended to the file named by SG_TEST_LOAD_LOG.
writeFileSync(join(dir, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(process.env.SG_TEST_LOAD_LOG, url + "\\n");
  return next(url, context);
}
`);
writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);

let runs = 0;
/** Run the built `sg` and resolve the module URLs it loaded, once it exited 0. */
async function loadedBy(args: readonly string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = join(dir, `run-${++runs}.log`);
  writeFileSync(log, "");
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", pathToFileURL(join(dir, "register.mjs")).href, BIN, ...args], {
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, SG_CONFIG_DIR: dir, SG_TEST_LOAD_LOG: log, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, stderr: err }));
  });
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
  // The recorder saw sg itself: an empty list would pass every check below.
  expect(urls.some((u) => u.endsWith("/dist/bin.js"))).toBe(true);
  return urls;
}

/** The heavy packages, and sg's modules of other commands, that a run must not load: `what` names each one found. */
function unwanted(urls: readonly string[], allowedCommands: readonly string[]): string[] {
  const found = new Set<string>();
  for (const url of urls) {
    if (url.includes("/node_modules/undici/")) found.add("undici");
    if (url.includes("/node_modules/zod/")) found.add("zod");
    // ofetch (and, on Node, node-fetch-native) serves uploads and downloads only
    if (url.includes("/node_modules/ofetch/")) found.add("ofetch");
    if (/\/emulator\/dist\//.test(url)) found.add("@sg/emulator");
    const command = /\/cli\/dist\/commands\/([\w-]+)\.js$/.exec(url)?.[1];
    if (command && !allowedCommands.includes(command)) found.add(`commands/${command}`);
  }
  return [...found].sort();
}

describe("sg loads only what the command needs", () => {
  const emu = emulatorSuite();

  it("sg --version loads no command, undici, zod or emulator", async () => {
    expect(unwanted(await loadedBy(["--version"]), [])).toEqual([]);
  });

  it("sg --help loads no command, undici, zod or emulator", async () => {
    expect(unwanted(await loadedBy(["--help"]), [])).toEqual([]);
  });

  it("sg find with script credentials and no proxy loads find's modules only: no undici, zod, ofetch or emulator", async () => {
    const urls = await loadedBy(["find", "Shot", "--limit", "1", "--fields", "code"], emu.env());
    expect(urls.some((u) => u.endsWith("/dist/commands/find.js"))).toBe(true);
    // find counts the rows it cut with summarize's record count.
    expect(unwanted(urls, ["find", "summarize"])).toEqual([]);
  });

  it("sg find from a session saved by sg login (what a pipeline runs per shot) loads no zod, undici, ofetch or emulator", async () => {
    const home = join(dir, "saved-session");
    const site = emu.site().url;
    const login = await emu.sg(["login", "--site", site, "--login", "coord", "--password", "coord-pass-1"], { SG_CONFIG_DIR: home });
    expect(login.code, login.stderr).toBe(0);
    expect(readFileSync(join(home, "credentials.json"), "utf8")).toContain('"sessionToken"');
    const urls = await loadedBy(["find", "Shot", "--limit", "1", "--fields", "code"], { SG_SITE: site, SG_CONFIG_DIR: home });
    // The saved session was read (its code loaded) and used: no credentials were given.
    expect(urls.some((u) => u.endsWith("/dist/credentials-store.js"))).toBe(true);
    expect(unwanted(urls, ["find", "summarize"])).toEqual([]);
  });

  it("sg find loads undici only when --timeout-ms outlasts Node's fetch's own 300 s (its dispatcher has no such limit)", async () => {
    const args = ["find", "Shot", "--limit", "1", "--fields", "code", "--timeout-ms"];
    expect(unwanted(await loadedBy([...args, "300000"], emu.env()), ["find", "summarize"])).toEqual([]);
    expect(unwanted(await loadedBy([...args, "300001"], emu.env()), ["find", "summarize"])).toEqual(["undici"]);
  });

  it("sg find through a proxy still loads undici (the check above would pass if nothing was recorded)", async () => {
    // NO_PROXY leaves loopback direct, but a proxy is configured: the routing dispatcher is made.
    const urls = await loadedBy(["find", "Shot", "--limit", "1", "--fields", "code"], { ...emu.env(), HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" });
    expect(unwanted(urls, ["find", "summarize"])).toEqual(["undici"]);
  });
});
