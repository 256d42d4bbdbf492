/**
 * Table and CSV cells of an `EventLogEntry`'s `meta` against the emulator: a meta dict has a `type` and often an
 * `id` (`{"type": "entity_retirement", "id": 2, …}`), yet it is not a link, so it prints as JSON with every key; a
 * real link (the event's `project`, `Project:1`) still prints as `Type:id`.
 */
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptEnvOf, sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
let site: EmulatorHandle;
let env: Record<string, string> = {};
let shot = 0;
let before = 0;

/** `sg` with `args`, which must succeed; its standard output. */
async function sg(args: readonly string[]): Promise<string> {
  const r = await runner.run(args, env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  site = await startEmulator();
  env = scriptEnvOf(site);
  const last = JSON.parse(await sg(["find", "EventLogEntry", "--fields", "id", "--order=-id", "--limit", "1", "--format", "json"])) as { id: number }[];
  before = last[0]?.id ?? 0;
  shot = (JSON.parse(await sg(["create", "Shot", JSON.stringify({ code: "meta_cells", project: { type: "Project", id: 1 } }), "--format", "json"])) as { id: number }).id;
  await sg(["update", "Shot", String(shot), JSON.stringify({ description: "meta cells" })]);
  await sg(["delete", "Shot", String(shot)]);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

/** The events of the Shot's life, found with `sg find … --format <format>`. */
const events = (format: string): Promise<string> =>
  sg(["find", "EventLogEntry", JSON.stringify([["id", "greater_than", before]]), "--fields", "event_type,project,meta", "--order=id", "--format", format]);

describe("an EventLogEntry's meta in table and CSV cells", () => {
  it("csv: the meta dicts are JSON with all their keys (not `entity_retirement:<id>`); the project link is Type:id", async () => {
    const csv = await events("csv");
    const retirement = csv.split("\r\n").find((line) => line.includes("Shotgun_Shot_Retirement"));
    expect(retirement, csv).toBeDefined();
    expect(retirement).not.toContain("entity_retirement:");
    const meta = /,"(\{.*\})"$/.exec(retirement!)?.[1]?.replace(/""/g, '"');
    expect(JSON.parse(meta ?? "null")).toMatchObject({ type: "entity_retirement", id: shot, entity_type: "Shot", retirement_date: expect.any(String) });
    expect(csv).toContain("Shotgun_Shot_New,Project:1,");
    expect(csv).toMatch(/"\{""type"":""attribute_change"",[^\r\n]*""attribute_name"":""description""/);
  });

  it("table: the retirement's meta shows its keys, as JSON", async () => {
    const table = await events("table");
    const retirement = table.split("\n").find((line) => line.includes("Shotgun_Shot_Retirement"));
    expect(retirement, table).toBeDefined();
    expect(retirement).not.toContain("entity_retirement:");
    expect(retirement).toContain('{"type":"entity_retirement"');
    expect(retirement).toMatch(/Project:1/);
  });
});
