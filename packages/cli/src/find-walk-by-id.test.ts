// `sg find --all --walk-by-id`: pages by id (iterate's walk option) instead of by offset. Against the emulator over the
// built CLI, 300 Shots at 50 a page.
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  site = await startEmulator({ rows: 300, pageSize: 50 });
  env = scriptEnvOf(site);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

const reads = (): number => site.requests().filter((r) => r.method_name === "read").length;

describe("sg find --all --walk-by-id", () => {
  it("writes every matching row once, in id order, reading one page after another until one finds no row", async () => {
    const count = (JSON.parse((await sg(["count", "Shot"], env)).stdout) as { count: number }).count;
    const before = reads();
    const r = await sg(["find", "Shot", "--all", "--walk-by-id", "--fields", "code", "--format", "jsonl"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const ids = r.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toHaveLength(count);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(count);
    // Full pages of 50, the short last one, then one that finds nothing above the last id (offset paging stops at the
    // page whose has_next_page is false, one request sooner).
    expect(reads() - before).toBe(Math.floor(count / 50) + 1 + (count % 50 === 0 ? 0 : 1));
  });

  it("takes --limit and --order id", async () => {
    const r = await sg(["find", "Shot", "--all", "--walk-by-id", "--order", "id", "--limit", "120", "--format", "jsonl"], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(120);
  });

  it.each([
    [["--walk-by-id"], "sg: --walk-by-id only applies with --all (it reads every page by id)\nhint: Add --all, or leave out --walk-by-id.\n"],
    [["--all", "--walk-by-id", "--concurrency", "2"], "sg: --walk-by-id and --concurrency cannot be combined\nhint: Each page is requested after the last id of the one before it, one at a time.\n"],
    [["--all", "--walk-by-id", "--order", "code"], "sg: --walk-by-id and --order cannot be combined (it reads by id ascending)\nhint: Leave out --order (or give --order id), and sort the rows once written.\n"],
    [["--all", "--walk-by-id", "--order=-id"], "sg: --walk-by-id and --order cannot be combined (it reads by id ascending)\nhint: Leave out --order (or give --order id), and sort the rows once written.\n"],
  ])("refuses %j (exit 2, nothing sent)", async (args, stderr) => {
    const before = site.requests().length;
    const r = await sg(["find", "Shot", ...args], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(stderr);
    expect(site.requests().length).toBe(before);
  });
});
