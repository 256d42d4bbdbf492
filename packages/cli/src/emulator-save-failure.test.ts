import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "./test-support/run-sg.js";

const dir = mkdtempSync(join(tmpdir(), "sg-cli-emulator-save-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sg emulator --data, when the save on SIGTERM fails", { timeout: 30_000 }, () => {
  it("reports the failed save and exits 1, not 143 as if only interrupted", async () => {
    const sub = join(dir, "gone");
    mkdirSync(sub);
    const file = join(sub, "site.json");
    const child = spawn(process.execPath, [BIN, "emulator", "--data", file], { env: { PATH: process.env["PATH"] ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
    while (!stdout.includes("\n")) {
      if (child.exitCode !== null) throw new Error(`exited early: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const card = JSON.parse(stdout) as { url: string; scripts: { name: string; key: string }[] };
    // The folder of the data file is gone: every save fails, the last one (on SIGTERM) too.
    rmSync(sub, { recursive: true });
    const script = card.scripts[0];
    const res = await fetch(`${card.url}/api3/json`, { method: "POST", body: JSON.stringify({ method_name: "create", params: [{ script_name: script?.name, script_key: script?.key }, { type: "Shot", fields: [{ field_name: "code", value: "lost" }] }] }) });
    expect(res.status).toBe(200);
    child.kill("SIGTERM");
    expect(await closed).toBe(1);
    const own = stderr.split("\n").filter((line) => line.startsWith("sg: "));
    expect(own).toEqual([expect.stringContaining(`sg: Could not save the site to data file ${file}: `)]);
  });
});
