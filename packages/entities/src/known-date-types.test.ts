/**
 * A `date` or `date_time` value that cannot be right for its field, when the field's type is known (the `fieldTypes`
 * option, or field types read before): refused with its path before anything is sent, against the emulator. Before,
 * "2026-02-30" went out and the site refused it late, and a `Date` written to a `date` field went out as a UTC
 * date-time ("2026-03-28T11:00:00Z" in Auckland for the local day 2026-03-29). Where the type is not known, nothing
 * changes and no schema is read for this.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError, encodeDate, type WireFilterGroup } from "@sg/core";
import { contextOf } from "./context.js";
import { filterDateCheck } from "./date-checks.js";
import { entityContext, f } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject, refusalOn } from "./test-support/suite.js";

let site: TestSite;
let project: { type: "Project"; id: number };
let task: number;
beforeAll(async () => {
  site = await startSite();
  project = demoProject(site);
  task = (await site.api.create("Task", { content: "kd_task", project, start_date: "2026-03-02" })).id;
});
afterAll(async () => {
  await site.close();
});

const TYPES = { Task: { start_date: "date", due_date: "date", updated_at: "date_time" } } as const;
const DAY = "a real calendar day in YYYY-MM-DD format";
const TIME = "a real time YYYY-MM-DDTHH:MM:SSZ";

/** The error of `call`, checking that the site received nothing. */
const refusal = (call: () => Promise<unknown>): Promise<SgValidationError> => refusalOn(site, call);

describe("writes to fields of known type", () => {
  it("refuse a day that is not on the calendar, in create, update and batch", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const created = await refusal(() => api.create("Task", { content: "x", project, start_date: "2026-02-30" }));
    expect(created.path).toEqual(["data", "start_date"]);
    expect(created.expected).toBe(DAY);
    expect(created.received).toContain("2026-02-30");
    expect(created.message).toContain("data.start_date");
    expect((await refusal(() => api.update("Task", task, { due_date: "2026-04-31" }))).path).toEqual(["data", "due_date"]);
    const batch = await refusal(() => api.batch([{ request_type: "update", entity_type: "Task", entity_id: task, data: { start_date: "2026-03-01" } }, { request_type: "create", entity_type: "Task", data: { content: "x", project, due_date: "2025-02-29" } }]));
    expect(batch.path).toEqual(["requests", 1, "data", "due_date"]);
  });

  it("refuse a date_time string that is no real time", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const error = await refusal(() => api.update("Task", task, { updated_at: "2026-03-29T24:00:00Z" }));
    expect(error.path).toEqual(["data", "updated_at"]);
    expect(error.expected).toBe(TIME);
  });

  it("refuse a Date for a date field, pointing to encodeDate, and take encodeDate's day", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const error = await refusal(() => api.create("Task", { content: "x", project, start_date: new Date(2026, 2, 29) }));
    expect(error.path).toEqual(["data", "start_date"]);
    expect(error.message).toContain("encodeDate(d)");
    expect(error.message).toContain('encodeDate(d, "utc")');
    // A date_time string for a date field is refused the same way (its UTC day need not be the day meant).
    expect((await refusal(() => api.update("Task", task, { start_date: "2026-03-28T11:00:00Z" }))).message).toContain("encodeDate(d)");
    const written = await api.update("Task", task, { start_date: "2026-03-29", due_date: null });
    expect(written.start_date).toBe("2026-03-29");
    // an app's own day class whose toJSON gives the day goes out as that day
    const localDay = { toJSON: () => "2026-03-30" };
    expect((await api.update("Task", task, { start_date: localDay })).start_date).toBe("2026-03-30");
  });

  it("are checked against field types read before, and never read them for this", async () => {
    const { client, sent } = site.freshClient();
    const { entityApi } = await import("./index.js");
    const api = entityApi(client);
    // Type not known: the value goes out as before, the site decides, and no schema is read for the check.
    const early = await api.update("Task", task, { start_date: "2026-02-30" }).catch((e: unknown) => e);
    expect(early).not.toBeInstanceOf(SgValidationError);
    expect(sent.filter((r) => r.method === "schema_field_read")).toEqual([]);
    // A find that decodes dates reads Task's field types: from then on the write is checked.
    await api.find("Task", [["id", "is", task]], ["updated_at"]);
    expect(sent.filter((r) => r.method === "schema_field_read").length).toBe(1);
    expect((await refusal(() => api.update("Task", task, { start_date: "2026-02-30" }))).path).toEqual(["data", "start_date"]);
  });
});

describe("filter operands on fields of known type", () => {
  it("refuse an impossible day or time with its path as written, on the quick and the general path", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    await site.client.info(); // with info cached, a plain list takes the quick path
    expect((await refusal(() => api.find("Task", [["start_date", "is", "2026-02-30"]], ["id"]))).path).toEqual(["filters", 0, 2]);
    expect((await refusal(() => api.find("Task", [f.greaterThan("updated_at", "2026-02-30T10:00:00Z")], ["id"], { limit: 1 }))).path).toEqual(["filters", 0, 2]);
    expect((await refusal(() => api.find("Task", [f.between("start_date", "2026-03-01", "2026-03-32")], ["id"]))).path).toEqual(["filters", 0, 2, 1]);
    expect((await refusal(() => api.find("Task", [["due_date", "in", "2026-03-01", "2026-13-01"]], ["id"]))).path).toEqual(["filters", 0, 3]);
    expect((await refusal(() => api.find("Task", f.any(f.is("id", 1), f.all(f.is("start_date", "2026-00-10"))), ["id"]))).path).toEqual(["filters", "filters", 1, "filters", 0, 2]);
    const wire: WireFilterGroup = { logical_operator: "and", conditions: [{ path: "start_date", relation: "less_than", values: ["2026-02-29"] }] };
    expect((await refusal(() => api.find("Task", wire, ["id"]))).path).toEqual(["filters", "conditions", 0, "values", 0]);
    expect((await refusal(() => api.summarize("Task", [["start_date", "is", "2026-02-30"]], [{ field: "id", type: "count" }]))).path).toEqual(["filters", 0, 2]);
    expect((await refusal(() => api.textSearch("kd_task", { Task: [["start_date", "is", "2026-02-30"]] }))).path).toEqual(["entityTypes", "Task", 0, 2]);
    // a date-time for a date field (its UTC day need not be the day meant), and an impossible day for a date_time one
    const datetime = await refusal(() => api.find("Task", [["start_date", "is", "2026-03-28T11:00:00Z"]], ["id"], { limit: 1 }));
    expect(datetime.expected).toBe(DAY);
    // an impossible day for a date_time field, where a day is a valid operand: named as the day it is meant to be
    expect((await refusal(() => api.find("Task", [["updated_at", "greater_than", "2026-02-29"]], ["id"]))).expected).toBe(DAY);
    expect((await refusal(() => api.find("Task", [["updated_at", "is", "2026-02-30"]], ["id"], { limit: 1 }))).expected).toBe(DAY);
  });

  it("refuse a Date, or an object whose toJSON gives a date-time, for a date field as a write does, in lists and summarize too", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const day = new Date(Date.UTC(2026, 2, 29));
    const error = await refusal(() => api.find("Task", [["start_date", "is", day]], ["id"]));
    expect(error.path).toEqual(["filters", 0, 2]);
    expect(error.expected).toBe("a day 'YYYY-MM-DD' for a date field, not a Date");
    expect(error.message).toContain("encodeDate(d)");
    expect(error.message).toContain('encodeDate(d, "utc")');
    expect((await refusal(() => api.find("Task", [["start_date", "in", ["2026-03-28", day]]], ["id"]))).path).toEqual(["filters", 0, 2, 1]);
    const summary = await refusal(() => api.summarize("Task", [["due_date", "greater_than", day]], [{ field: "id", type: "count" }]));
    expect(summary.path).toEqual(["filters", 0, 2]);
    expect(summary.message).toContain("encodeDate(d)");
    const wire: WireFilterGroup = { logical_operator: "and", conditions: [{ path: "start_date", relation: "is", values: [day] }] };
    expect((await refusal(() => api.find("Task", wire, ["id"]))).path).toEqual(["filters", "conditions", 0, "values", 0]);
    const instant = { toJSON: () => "2026-03-28T11:00:00Z" };
    expect((await refusal(() => api.find("Task", [["start_date", "is", instant as never]], ["id"]))).message).toContain("encodeDate(d)");
    // a Date for a date_time field goes out as before, and so does encodeDate's day for a date field
    const found = await api.find("Task", [["id", "is", task], ["updated_at", "greater_than", new Date(0)], ["start_date", "is_not", encodeDate(day, "utc")]], ["id"]);
    expect(found.map((r) => r.id)).toEqual([task]);
  });

  it("check a dotted path by its last hop's known type, whatever is known of the type searched", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    expect((await refusal(() => api.find("Note", [["tasks.Task.start_date", "is", "2026-02-30"]], ["id"]))).path).toEqual(["filters", 0, 2]);
    expect((await refusal(() => api.find("Note", [["tasks.Task.start_date", "is", new Date(0)]], ["id"]))).message).toContain("encodeDate(d)");
    expect((await refusal(() => api.summarize("Note", [["tasks.Task.updated_at", "less_than", "2026-13-01"]], [{ field: "id", type: "count" }]))).path).toEqual(["filters", 0, 2]);
    expect((await refusal(() => api.textSearch("kd_task", { Note: [["tasks.Task.due_date", "is", "2026-04-31"]] }))).path).toEqual(["entityTypes", "Note", 0, 2]);
    // with no field types known for any type, there is no check to run at all; once some are, a path is checked by its owner's
    const { client } = site.freshClient();
    expect(filterDateCheck(contextOf(client), "Note")).toBeUndefined();
    const check = filterDateCheck(contextOf(entityContext(client, { fieldTypes: TYPES })), "Note")!;
    expect(() => check("tasks.Task.start_date", "2026-02-30", ["p"])).toThrow(SgValidationError);
    expect(() => check("start_date", "2026-02-30", ["p"])).not.toThrow();
    // a last hop of unknown type goes out as before, for the site to judge
    const before = site.emulator.requests().length;
    await api.find("Note", [["project.Project.start_date", "is", "2026-02-30"]], ["id"]).catch(() => undefined);
    expect(site.emulator.requests().length).toBeGreaterThan(before);
  });

  it("let real days and times, nulls and the other relations' operands through", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const found = await api.find("Task", [["id", "is", task], ["start_date", "is_not", null], f.between("updated_at", "2020-01-01", "2099-12-31T23:59:59Z"), f.inLast("updated_at", 100, "YEAR")], ["start_date"]);
    expect(found.map((r) => r.id)).toEqual([task]);
  });
});

describe("a summary's value on a field of known type", () => {
  it("is checked as a filter operand is, with its path: an impossible day or time, a Date for a date field", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const day = await refusal(() => api.summarize("Task", [], [{ field: "id", type: "count" }, { field: "due_date", type: "percentage", value: "2026-02-30" }]));
    expect(day.path).toEqual(["summaryFields", 1, "value"]);
    expect(day.expected).toBe(DAY);
    expect(day.message).toContain("summaryFields[1].value");
    const date = await refusal(() => api.summarize("Task", [], [{ field: "due_date", type: "percentage", value: new Date(Date.UTC(2026, 0, 19)) }]));
    expect(date.path).toEqual(["summaryFields", 0, "value"]);
    expect(date.expected).toBe("a day 'YYYY-MM-DD' for a date field, not a Date");
    expect(date.message).toContain("encodeDate(d)");
    expect((await refusal(() => api.summarize("Task", [], [{ field: "updated_at", type: "percentage", value: "2026-03-29T24:00:00Z" }]))).expected).toBe(TIME);
    // a dotted path by its last hop's type
    expect((await refusal(() => api.summarize("Note", [], [{ field: "tasks.Task.start_date", type: "percentage", value: "2026-04-31" }]))).path).toEqual(["summaryFields", 0, "value"]);
  });

  it("lets a real day through, and goes out as before where the type is not known, reading no schema for it", async () => {
    const api = site.apiWith({ fieldTypes: TYPES });
    const startDate = (await api.findOne("Task", [["id", "is", task]], ["start_date"]))!.start_date as string;
    const result = await api.summarize("Task", [["id", "is", task]], [{ field: "start_date", type: "percentage", value: startDate }]);
    expect(result.summaries).toEqual({ start_date: 100 });
    const { client, sent } = site.freshClient();
    const { entityApi } = await import("./index.js");
    const early = await entityApi(client).summarize("Task", [], [{ field: "due_date", type: "percentage", value: "2026-02-30" }]).catch((e: unknown) => e);
    expect(early).not.toBeInstanceOf(SgValidationError);
    expect(sent.map((r) => r.method)).not.toContain("schema_field_read");
    expect(sent.map((r) => r.method)).toContain("summarize");
  });
});
