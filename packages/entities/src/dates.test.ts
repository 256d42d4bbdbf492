import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SgAbortError } from "@sg/core";
import { entityApi } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let project: { type: "Project"; id: number };
beforeAll(async () => {
  site = await startSite();
  project = site.emulator.card.projects[0] as { type: "Project"; id: number };
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  site.sent.length = 0;
});

const LOOKALIKE = "2024-05-06T07:08:09Z";

describe("dates", () => {
  it("one caller aborting while the shared field types are read does not fail the other calls", async () => {
    const api = entityApi(site.freshClient().client);
    site.emulator.injectFault({ method: "schema_field_read", delayMs: 300 });
    const controller = new AbortController();
    const aborted = api.find("Shot", [], ["created_at"], { limit: 1, signal: controller.signal }).catch((e: unknown) => e);
    const other = api.find("Shot", [], ["created_at"], { limit: 1 });
    setTimeout(() => controller.abort(), 50);
    expect(await aborted).toBeInstanceOf(SgAbortError);
    expect((await other)[0]!.created_at).toBeInstanceOf(Date);
  });

  it("decodes date_time fields to Date, keeps date fields as YYYY-MM-DD, and leaves lookalike text alone", async () => {
    const api = site.apiWith();
    const shot = await api.create("Shot", { code: "dt_1", project, description: LOOKALIKE });
    const read = (await api.findOne("Shot", [["id", "is", shot.id]], ["created_at", "description", "sg_sequence.Sequence.created_at"]))!;
    expect(read.created_at).toBeInstanceOf(Date);
    expect(read.description).toBe(LOOKALIKE);
    const task = (await api.findOne("Task", [["start_date", "is_not", null]], ["start_date", "updated_at"]))!;
    expect(task.start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(task.updated_at).toBeInstanceOf(Date);
    // the schema was read once per entity type, lazily, only when a value looked like a datetime
    expect(site.payloads("schema_field_read")).toEqual([{ type: "Shot" }, { type: "Task" }]);
  });

  it("decodes dotted datetime fields through the linked type's schema", async () => {
    const shot = (await site.api.findOne("Shot", [["sg_sequence", "is_not", null]], ["sg_sequence.Sequence.created_at"]))!;
    expect(shot["sg_sequence.Sequence.created_at"]).toBeInstanceOf(Date);
  });

  it("returns wire strings with dates: 'string' and never reads the schema", async () => {
    const api = site.apiWith({ dates: "string" });
    const shot = (await api.findOne("Shot", [], ["created_at"]))!;
    expect(shot.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(site.payloads("schema_field_read")).toEqual([]);
  });

  it("uses declared fieldTypes instead of reading the schema", async () => {
    const api = site.apiWith({ fieldTypes: { Shot: { created_at: "date_time", description: "text" } } });
    const shot = (await api.findOne("Shot", [], ["created_at"]))!;
    expect(shot.created_at).toBeInstanceOf(Date);
    expect(site.payloads("schema_field_read")).toEqual([]);
  });

  it("sends Dates as UTC wire datetimes, in data and in filters", async () => {
    const when = new Date(Date.UTC(2026, 1, 3, 4, 5, 6, 789));
    const api = site.apiWith();
    await api.find("Shot", [["created_at", "greater_than", when]]);
    expect((site.payloads("read")[0] as { filters: { conditions: { values: unknown[] }[] } }).filters.conditions[0]!.values).toEqual(["2026-02-03T04:05:06Z"]);
    const task = await api.create("Task", { content: "dt", project, start_date: "2026-02-03" }, ["start_date"]);
    await api.update("Task", task.id, { content: when as never }).catch(() => undefined);
    const update = site.payloads("update")[0] as { fields: { value: unknown }[] };
    expect(update.fields[0]!.value).toBe("2026-02-03T04:05:06Z");
    expect(task.start_date).toBe("2026-02-03");
  });

  it("round-trips a datetime written as a Date", async () => {
    const when = new Date(Date.UTC(2025, 11, 24, 18, 30, 0));
    const api = site.apiWith();
    const timelog = await api.create("Shot", { code: "dt_rt", project }, ["updated_at"]);
    expect(timelog.updated_at).toBeInstanceOf(Date);
    await api.update("Shot", timelog.id, { description: "x" });
    const rows = await api.find("Shot", [["created_at", "greater_than", new Date(when.getTime() - 3650 * 86_400_000)], ["id", "is", timelog.id]], ["created_at"]);
    expect(rows[0]!.created_at).toBeInstanceOf(Date);
  });
});
