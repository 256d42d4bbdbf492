import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  // The demo site: six shots, every one in a sequence (SQ010: 3, SQ020: 3), plus one created here in none.
  site = await startEmulator({});
  env = scriptEnvOf(site);
  const created = await sg(["create", "Shot", '{"code": "NOSEQ_0001", "sg_status_list": "ip", "project": {"type": "Project", "id": 1}}'], env);
  expect(created.code, created.stderr).toBe(0);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

describe("a grouped summary with a group whose value is empty", () => {
  it("tells it from the totals by its level in csv, table and json", async () => {
    const csv = await sg(["summarize", "Shot", "id:count", "--grouping", "sg_sequence:exact", "--format", "csv"], env);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.split("\r\n");
    expect(lines[0]).toBe("level,group,group_value,id");
    expect(lines[1]).toBe("0,,,7");
    // The shot with no sequence: an empty name and a null value, like the totals, but one level down.
    expect(lines.filter((l) => l.startsWith("1,,,"))).toEqual(["1,,,1"]);
    expect(lines.filter((l) => /^\d+,,/.test(l))).toEqual(["0,,,7", "1,,,1"]);

    const table = await sg(["summarize", "Shot", "id:count", "--grouping", "sg_sequence:exact", "--format", "table"], env);
    const rows = table.stdout.split("\n").slice(2, -2).map((l) => l.trim().split(/\s+/));
    expect(rows[0]).toEqual(["0", "7"]);
    expect(rows.filter((r) => r.length === 2)).toEqual([["0", "7"], ["1", "1"]]);

    const json = await sg(["summarize", "Shot", "id:count", "--grouping", "sg_sequence:exact"], env);
    const groups = JSON.parse(json.stdout) as { level: number; group: string[]; group_value: unknown; id: number }[];
    expect(groups.filter((g) => g.group_value === null)).toEqual([
      { level: 0, group: [], group_value: null, id: 7 },
      { level: 1, group: [""], group_value: null, id: 1 },
    ]);
  });

  it("gives the depth of an empty group inside another one", async () => {
    const csv = await sg(["summarize", "Shot", "id:count", '[["sg_status_list", "is", "ip"]]', "--grouping", "sg_status_list:exact,sg_sequence:exact", "--format", "csv"], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split("\r\n")).toContain("2,ip;,,1");
    expect(csv.stdout.split("\r\n")[1]).toBe("0,,,3");
  });
});
