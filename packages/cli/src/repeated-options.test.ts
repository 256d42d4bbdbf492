/** An option given twice: a list option's values add up, any other is a usage error; never a silent last-wins. */
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

const { sg, site, env } = emulatorSuite();

/** The ids in `field` of Shot `id`, read with `sg find`. */
async function linkIds(id: number, field: string): Promise<number[]> {
  const r = await sg(["find", "Shot", JSON.stringify([["id", "is", id]]), "--fields", field], env());
  expect(r.code, r.stderr).toBe(0);
  return ((JSON.parse(r.stdout) as Record<string, { id: number }[]>[])[0]?.[field] ?? []).map((l) => l.id);
}

const updates = (): number => site().requests().filter((r) => r.method_name === "update").length;

describe("repeated options", () => {
  it("adds up --mode given twice: each field keeps its mode (the first is not dropped, so assets is not replaced)", async () => {
    const before = await linkIds(2, "assets");
    expect(before.length).toBeGreaterThan(0);
    const data = JSON.stringify({ assets: [{ type: "Asset", id: 1 }], shots: [{ type: "Shot", id: 3 }] });
    const r = await sg(["update", "Shot", "2", data, "--mode", "assets=add", "--mode", "shots=add"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(await linkIds(2, "assets")).toEqual([...before.filter((id) => id !== 1), 1]);
    expect(await linkIds(2, "shots")).toContain(3);
  });

  it("adds up --fields given twice, and --order", async () => {
    // Both shots are in one project: only the second sort key, -id, puts 2 first.
    const r = await sg(["find", "Shot", '[["id", "in", [1, 2]]]', "--fields", "code", "--fields", "sg_cut_in", "--order", "project", "--order=-id"], env());
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(["type", "id", "code", "sg_cut_in"]);
    expect(rows.map((row) => row["id"])).toEqual([2, 1]);
  });

  it("adds up --grouping given twice: the levels in the order given", async () => {
    const r = await sg(["summarize", "Shot", "id:count", "--grouping", "sg_status_list:exact", "--grouping", '[{"field": "sg_sequence", "type": "exact"}]'], env());
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { level: number }[];
    expect(Math.max(...rows.map((row) => row.level))).toBe(2);
  });

  it("refuses a field given two modes, before anything is sent (exit 2)", async () => {
    const before = updates();
    const data = JSON.stringify({ assets: [{ type: "Asset", id: 1 }] });
    for (const modes of [["--mode", "assets=add,assets=remove"], ["--mode", "assets=add", "--mode", "assets=set"]]) {
      const r = await sg(["update", "Shot", "1", data, ...modes], env());
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^sg: --mode gives assets two modes: add and (remove|set)$/);
    }
    expect(updates()).toBe(before);
  });

  it("refuses any other option given twice, naming it and never its values (exit 2)", async () => {
    const limit = await sg(["find", "Shot", "--limit", "1", "--limit", "2"], env());
    expect(limit.code).toBe(2);
    expect(limit.stderr.split("\n")[0]).toBe("sg: --limit was given 2 times, with different values");
    const key = await sg(["whoami", "--script-key", "first-secret", "--script-key=second-secret"], env());
    expect(key.code).toBe(2);
    expect(key.stderr.split("\n")[0]).toBe("sg: --script-key was given 2 times, with different values");
    expect(key.stderr).not.toMatch(/secret/);
    const out = await sg(["typegen", "-o", "a.ts", "--out", "b.ts"], env());
    expect(out.code).toBe(2);
    expect(out.stderr.split("\n")[0]).toBe("sg: --out was given 2 times, with different values");
  });

  it("takes an option given again with the same value, or a flag given twice, as given once", async () => {
    const r = await sg(["find", "Shot", "--limit", "1", "--limit=1", "--fields", "code", "--format", "json", "--format", "json"], env());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });
});
