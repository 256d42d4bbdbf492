import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

// A table is written at the end, to a file that never makes a write wait: a signal that comes meanwhile must still
// end the run as the README says (`sg: interrupted (SIGTERM)`, 143), not be left unheard until a full table and 0.
const { sg, env, configDir } = emulatorSuite();
const ROWS = 3000;
let dir = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sg-cli-table-signals-"));
  const requests = Array.from({ length: ROWS }, (_, i) => ({ request_type: "create", entity_type: "Shot", data: { code: `TS${i}`, description: "Plan séquence, caméra à l’épaule. ".repeat(20), project: { type: "Project", id: 1 } } }));
  writeFileSync(join(dir, "batch.json"), JSON.stringify(requests));
  const made = await sg(["batch", `@${join(dir, "batch.json")}`, "--format", "jsonl"], env());
  expect(made.code, made.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Run `sg find … --format table > file` with a preload that sends the process a real SIGTERM (process.kill on its own
 * pid) from inside the first stdout write whose text matches `at`: a point in the writing of the table, no timing.
 */
function findTableSignalledAt(at: RegExp): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const preload = join(dir, `signal-${at.source.replace(/\W/g, "")}.mjs`);
  writeFileSync(
    preload,
    `const write = process.stdout.write.bind(process.stdout); let sent = false;\n` +
      `process.stdout.write = (chunk, ...rest) => { if (!sent && ${at}.test(String(chunk))) { sent = true; process.kill(process.pid, "SIGTERM"); } return write(chunk, ...rest); };\n`,
  );
  const outPath = join(dir, "table.out");
  const out = openSync(outPath, "w");
  const child = spawn(process.execPath, [BIN, "find", "Shot", JSON.stringify([["code", "starts_with", "TS"]]), "--all", "--fields", "code,description", "--format", "table"], {
    env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, ...env(), NODE_OPTIONS: `--import=${preload}` },
    stdio: ["ignore", out, "pipe"],
  });
  closeSync(out);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, stdout: readFileSync(outPath, "utf8") }));
  });
}

describe("a signal while a table is written to a file", () => {
  it("SIGTERM as the table starts: stops between rows, `sg: interrupted (SIGTERM)`, exit 143", async () => {
    const r = await findTableSignalledAt(/^type +id +code/);
    expect(r.stderr, r.stdout.slice(0, 200)).toBe("sg: interrupted (SIGTERM)\n");
    expect(r.code).toBe(143);
    expect(r.stdout).not.toContain(`(${ROWS} records)`);
    expect(r.stdout.split("\n").length).toBeLessThan(ROWS);
  }, 60_000);

  it("SIGTERM with the last line of the table: the status is still 143 with `sg: interrupted (SIGTERM)`, never 0", async () => {
    const r = await findTableSignalledAt(/^\(\d+ records\)/);
    expect(r.stderr, r.stdout.slice(0, 200)).toBe("sg: interrupted (SIGTERM)\n");
    expect(r.code).toBe(143);
  }, 60_000);
});
