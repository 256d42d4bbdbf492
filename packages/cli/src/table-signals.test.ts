import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

// A table is written at the end, to a file that never makes a write wait: a signal that comes meanwhile must still
// end the run as the README says (`sg: interrupted (SIGTERM)`, 143), not be left unheard until a full table and 0.
// The rows are seeded by the emulator itself (`rows`): made through `sg batch`, 3,000 creates took over sg's 120 s
// limit on a loaded machine.
const ROWS = 3000;
const { env, configDir } = emulatorSuite({ rows: ROWS });
let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-cli-table-signals-"));
});
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
  const child = spawn(process.execPath, [BIN, "find", "Shot", "[]", "--all", "--fields", "code,description", "--format", "table"], {
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
    expect(r.stdout).not.toMatch(/\(\d+ records\)/);
    expect(r.stdout.split("\n").length).toBeLessThan(ROWS);
  }, 60_000);

  it("SIGTERM with the last line of the table: the status is still 143 with `sg: interrupted (SIGTERM)`, never 0", async () => {
    const r = await findTableSignalledAt(/^\(\d+ records\)/);
    expect(r.stderr, r.stdout.slice(0, 200)).toBe("sg: interrupted (SIGTERM)\n");
    expect(r.code).toBe(143);
  }, 60_000);
});
