import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let env: Record<string, string> = {};
const dir = mkdtempSync(join(tmpdir(), "sg-cli-summarize-"));

beforeAll(async () => {
  // The demo site: six shots, every one in a sequence (SQ010: 3, SQ020: 3), plus one created here in none.
  site = await startEmulator({});
  env = scriptEnvOf(site);
  const created = await sg(["create", "Shot", '{"code": "NOSEQ_0001", "sg_status_list": "ip", "project": {"type": "Project", "id": 1}}'], env);
  expect(created.code, created.stderr).toBe(0);
});

afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
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

describe("summaries and grouping read from standard input or a file", () => {
  it("must be JSON there, and the hint shows the JSON of a short form given instead, not the short form", async () => {
    const stdin = await sg(["summarize", "Shot", "-"], env, undefined, "id:count\n");
    expect(stdin.code).toBe(2);
    expect(stdin.stdout).toBe("");
    expect(stdin.stderr.split("\n")[0]).toMatch(/^sg: summaries from standard input is not valid JSON: /);
    expect(stdin.stderr.split("\n")[1]).toBe(`hint: From standard input, summaries must be JSON: '[{"field":"id","type":"count"}]' (the short form field:type,… works only as the argument itself)`);

    const file = join(dir, "summaries.txt");
    writeFileSync(file, "id:count,created_at:latest");
    const fromFile = await sg(["summarize", "Shot", `@${file}`], env);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr.split("\n")[1]).toBe(`hint: From a file, summaries must be JSON: '[{"field":"id","type":"count"},{"field":"created_at","type":"latest"}]' (the short form field:type,… works only as the argument itself)`);

    const grouping = await sg(["summarize", "Shot", "id:count", "--grouping", "-"], env, undefined, "sg_status_list:exact:desc");
    expect(grouping.code).toBe(2);
    expect(grouping.stderr.split("\n")[1]).toBe(`hint: From standard input, grouping must be JSON: '[{"field":"sg_status_list","type":"exact","direction":"desc"}]' (the short form field:type[:direction],… works only as the argument itself)`);

    // Neither JSON nor the short form: a JSON example, still without the short form.
    const neither = await sg(["summarize", "Shot", "-"], env, undefined, "{oops");
    expect(neither.code).toBe(2);
    expect(neither.stderr.split("\n")[1]).toBe(`hint: From standard input, summaries must be JSON, e.g. '[{"field": "id", "type": "count"}]'`);
    const broken = await sg(["summarize", "Shot", "-"], env, undefined, '[{"field": "id", "type": "count"}');
    expect(broken.stderr.split("\n")[1]).toBe(`hint: From standard input, summaries must be JSON, e.g. '[{"field": "id", "type": "count"}]'`);
    const empty = await sg(["summarize", "Shot", "-"], env, undefined, " \n");
    expect(empty.stderr).toBe(`sg: summaries from standard input is empty\nhint: Expected JSON, e.g. '[{"field": "id", "type": "count"}]'\n`);

    // Given as the argument itself, both forms work, and the hint names both.
    const inline = await sg(["summarize", "Shot", '[{"field": "id"'], env);
    expect(inline.stderr.split("\n")[1]).toBe(`hint: Example: '[{"field": "id", "type": "count"}]' or id:count,created_at:latest`);
  });
});
