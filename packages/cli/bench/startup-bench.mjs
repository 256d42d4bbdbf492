#!/usr/bin/env node
// @sg/cli startup bench: how long one `sg` process takes, from spawn to exit, for the commands a pipeline runs once
// per shot in a shell loop, next to a bare `node -e 0` measured in the same run. `sg find` runs against a local
// emulator (started in this process, on loopback), so the network part is a few milliseconds: once with a script's
// key in the environment, once from the session a `sg login` (run once, before timing) saved, as pipelines mostly do,
// and once with the key and `--timeout-ms 300001` (a limit over 300 s, which loads undici).
//
//   npm run bench -w @sg/cli                 (builds first)
//   node bench/startup-bench.mjs --runs 30   (runs per command after one warm-up each; default 15)
//   node bench/startup-bench.mjs --json-only
//   node bench/startup-bench.mjs --bin /path/to/other/packages/cli/bin/sg.js   (another build, e.g. main's, to compare)
//   node bench/startup-bench.mjs --vs /path/to/main/packages/cli/bin/sg.js    (that build too, in the same rounds)
//
// Each round runs every command once, in turn, so that a machine that gets busier or quieter during the run
// weighs on all of them alike. Prints a table of medians (and the ratio to `node -e 0`), then a JSON line.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startEmulator } from "@sg/emulator";

const argv = process.argv.slice(2);
const jsonOnly = argv.includes("--json-only");
const runsAt = argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 15;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`startup-bench: --runs must be a whole number ≥ 1, got '${argv[runsAt + 1]}'`);

const binAt = argv.indexOf("--bin");
const BIN = binAt >= 0 ? argv[binAt + 1] : fileURLToPath(new URL("../bin/sg.js", import.meta.url));
if (!BIN) throw new Error("startup-bench: --bin needs the path of an sg bin/sg.js");
const vsAt = argv.indexOf("--vs");
const VS = vsAt >= 0 ? argv[vsAt + 1] : undefined;
if (vsAt >= 0 && !VS) throw new Error("startup-bench: --vs needs the path of another sg bin/sg.js");
const configDir = mkdtempSync(join(tmpdir(), "sg-startup-bench-"));
const site = await startEmulator({});
const script = site.card.scripts[0];
// A clean environment: no proxy or SG_* variable of the machine, and an empty config folder.
const baseEnv = { PATH: process.env.PATH ?? "", HOME: configDir, SG_CONFIG_DIR: configDir };
const findEnv = { ...baseEnv, SG_SITE: site.url, SG_SCRIPT_NAME: script.name, SG_SCRIPT_KEY: script.key };
// A folder of its own holding the session of one `sg login` by the built `sg` measured, as a fixture user.
const sessionDir = mkdtempSync(join(tmpdir(), "sg-startup-bench-session-"));
const sessionEnv = { PATH: baseEnv.PATH, HOME: sessionDir, SG_CONFIG_DIR: sessionDir, SG_SITE: site.url };
const user = site.card.users.find((u) => u.login === "coord");

const FIND = ["find", "Shot", "--limit", "1", "--fields", "code"];
/** The `sg` commands measured, run by `bin`; `tag` marks the build given by --vs. */
const sgCases = (bin, tag) => [
  { name: `sg --version${tag}`, args: [bin, "--version"], env: baseEnv },
  { name: `sg --help${tag}`, args: [bin, "--help"], env: baseEnv },
  { name: `sg find Shot --limit 1${tag}`, args: [bin, ...FIND], env: findEnv },
  { name: `sg find, saved session${tag}`, args: [bin, ...FIND], env: sessionEnv },
  // A limit over Node's fetch's own 300 s loads undici to lift it: what that costs a `find`.
  { name: `sg find --timeout-ms 300001${tag}`, args: [bin, ...FIND, "--timeout-ms", "300001"], env: findEnv },
];
const cases = [{ name: "node -e 0", args: ["-e", "0"], env: baseEnv }, ...sgCases(BIN, ""), ...(VS ? sgCases(VS, " (--vs)") : [])];

/** Run one process to its end; resolves its wall time in ms, or rejects when it failed. */
function timed({ name, args, env }) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      if (code === 0) resolve(ms);
      else reject(new Error(`startup-bench: '${name}' exited ${code}: ${stderr.trim()}`));
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

try {
  // Not a synchronous run: the emulator answering it lives in this process.
  await promisify(execFile)(process.execPath, [BIN, "login", "--login", user.login, "--password", user.password], { env: sessionEnv });
  for (const c of cases) await timed(c); // warm-up: disk cache, the emulator's first answers
  const times = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < runs; round++) {
    for (const c of cases) times.get(c.name).push(await timed(c));
  }
  const floor = median(times.get("node -e 0"));
  const rows = cases.map(({ name }) => {
    const xs = times.get(name);
    return { name, medianMs: Math.round(median(xs)), minMs: Math.round(Math.min(...xs)), maxMs: Math.round(Math.max(...xs)), ratio: Math.round((median(xs) / floor) * 100) / 100 };
  });
  if (!jsonOnly) {
    console.log(`sg startup (${BIN}${VS ? `; --vs ${VS}` : ""}), ${runs} runs each after a warm-up (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
    console.log(`${"command".padEnd(36)}${"median ms".padStart(11)}${"min".padStart(7)}${"max".padStart(7)}${"× node -e 0".padStart(13)}`);
    for (const r of rows) console.log(`${r.name.padEnd(36)}${String(r.medianMs).padStart(11)}${String(r.minMs).padStart(7)}${String(r.maxMs).padStart(7)}${r.ratio.toFixed(2).padStart(13)}`);
  }
  console.log(JSON.stringify({ bench: "cli-startup", runs, node: process.version, rows }));
} finally {
  await site.close();
  rmSync(configDir, { recursive: true, force: true });
  rmSync(sessionDir, { recursive: true, force: true });
}
