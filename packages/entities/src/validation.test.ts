import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SgValidationError } from "@sg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntityApi } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let dir: string;
let emptyFile: string;
beforeAll(async () => {
  site = await startSite();
  await site.api.info(); // cache info so that nothing below has a reason to talk to the site
  dir = mkdtempSync(join(tmpdir(), "sg-entities-bad-"));
  emptyFile = join(dir, "empty.png");
  writeFileSync(emptyFile, "");
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

type Call = (api: EntityApi) => unknown;
const shot = { type: "Shot", id: 1 };

// [description, call, expected path]. The calls are typed loosely on purpose: these are the mistakes a
// JavaScript caller (or a cast) can make.
const cases: [string, Call, (string | number)[]][] = [
  ["entity type empty", (a) => a.find("", []), ["entityType"]],
  ["entity type not a string", (a) => a.find(42 as never, []), ["entityType"]],
  ["entity type with a space", (a) => a.find("Shot Name", []), ["entityType"]],
  ["filters a string", (a) => a.find("Shot", "code is sh010" as never), ["filters"]],
  ["unknown relation", (a) => a.find("Shot", [["code", "equals", "x"]]), ["filters", 0, 1]],
  ["between with one value", (a) => a.find("Shot", [["sg_cut_in", "between", [1]]]), ["filters", 0, 2]],
  ["in with a non-array", (a) => a.find("Shot", [["id", "in", 5]]), ["filters", 0, 2]],
  ["entity value without id", (a) => a.find("Shot", [["project", "is", { type: "Project" } as never]]), ["filters", 0, 2]],
  ["filter element a number", (a) => a.find("Shot", [7 as never]), ["filters", 0]],
  ["in_last without unit", (a) => a.find("Shot", [["created_at", "in_last", 3]]), ["filters", 0, 2]],
  // A single group as the whole filters argument: the path names what was written, not a `filters[0]`.
  ["single group, operator unknown", (a) => a.find("Shot", { filter_operator: "xor", filters: [] } as never), ["filters", "filter_operator"]],
  ["single group, operator missing", (a) => a.find("Shot", { filter_operator: undefined, filters: [] } as never), ["filters", "filter_operator"]],
  ["single group, filters not an array", (a) => a.find("Shot", { filter_operator: "any", filters: 3 } as never), ["filters", "filters"]],
  ["single group, a bad condition inside", (a) => a.find("Shot", { filter_operator: "any", filters: [["code", "is", "a"], ["code", "equals", "x"]] }), ["filters", "filters", 1, 1]],
  ["single group in summarize", (a) => a.summarize("Shot", { filter_operator: "xor", filters: [] } as never, [{ field: "id", type: "count" }]), ["filters", "filter_operator"]],
  ["single group in textSearch", (a) => a.textSearch("shot", { Shot: { filter_operator: "any", filters: [7] } as never }), ["entityTypes", "Shot", "filters", 0]],
  ["filterOperator unknown", (a) => a.find("Shot", [], [], { filterOperator: "xor" as never }), ["options", "filterOperator"]],
  ["filterOperator with a wire tree", (a) => a.find("Shot", { logical_operator: "and", conditions: [] }, [], { filterOperator: "any" }), ["options", "filterOperator"]],
  ["fields not an array", (a) => a.find("Shot", [], "code" as never), ["fields"]],
  ["field name empty", (a) => a.find("Shot", [], [""]), ["fields", 0]],
  ["field name a number", (a) => a.find("Shot", [], ["code", 3 as never]), ["fields", 1]],
  ["field path with '..'", (a) => a.find("Shot", [], ["sg_sequence..code"]), ["fields", 0]],
  ["limit negative", (a) => a.find("Shot", [], [], { limit: -1 }), ["options", "limit"]],
  ["limit fractional", (a) => a.find("Shot", [], [], { limit: 1.5 }), ["options", "limit"]],
  ["page negative", (a) => a.find("Shot", [], [], { page: -2 }), ["options", "page"]],
  ["concurrency zero", (a) => a.find("Shot", [], [], { concurrency: 0 }), ["options", "concurrency"]],
  ["order not an array", (a) => a.find("Shot", [], [], { order: "code" as never }), ["options", "order"]],
  ["order item without field_name", (a) => a.find("Shot", [], [], { order: [{ direction: "asc" } as never] }), ["options", "order", 0, "field_name"]],
  ["order direction 'up'", (a) => a.find("Shot", [], [], { order: [{ field_name: "code", direction: "up" as never }] }), ["options", "order", 0, "direction"]],
  ["retiredOnly not boolean", (a) => a.find("Shot", [], [], { retiredOnly: "yes" as never }), ["options", "retiredOnly"]],
  ["preset without preset_name", (a) => a.find("Version", [], [], { additionalFilterPresets: [{ latest_by: "X" } as never] }), ["options", "additionalFilterPresets", 0, "preset_name"]],
  ["signal not an AbortSignal", (a) => a.find("Shot", [], [], { signal: "stop" as never }), ["options", "signal"]],
  ["findOne bad filters", (a) => a.findOne("Shot", [["code"] as never]), ["filters", 0, 1]],
  ["create data an array", (a) => a.create("Shot", [] as never), ["data"]],
  ["create data null", (a) => a.create("Shot", null as never), ["data"]],
  ["create field value undefined", (a) => a.create("Shot", { code: undefined }), ["data", "code"]],
  ["create invalid Date", (a) => a.create("Shot", { created_at: new Date("nope") }), ["data", "created_at"]],
  // JSON.stringify writes NaN and ±Infinity as null: sent, they would clear the field without a word.
  ["update value NaN", (a) => a.update("Shot", 1, { sg_cut_in: Number.NaN }), ["data", "sg_cut_in"]],
  ["create value Infinity in a list", (a) => a.create("Shot", { code: "x", sg_tags: [1, Number.POSITIVE_INFINITY] }), ["data", "sg_tags", 1]],
  ["update NaN inside a url field object", (a) => a.update("Version", 1, { sg_path_to_movie: { url: "http://x", link_type: "web", size: Number.NaN } }), ["data", "sg_path_to_movie", "size"]],
  ["update NaN in a link dict", (a) => a.update("Shot", 1, { sg_sequence: { type: "Sequence", id: 1, extra: { n: Number.NEGATIVE_INFINITY } } }), ["data", "sg_sequence", "extra", "n"]],
  ["batch update NaN (2nd request)", (a) => a.batch([{ request_type: "delete", entity_type: "Shot", entity_id: 1 }, { request_type: "update", entity_type: "Shot", entity_id: 2, data: { sg_cut_in: Number("1001a"), sg_cut_out: Infinity } }]), ["requests", 1, "data", "sg_cut_in"]],
  [
    "update data containing itself (JSON has no form for it; the walk overflowed the stack)",
    (a) => {
      const looped: Record<string, unknown> = { n: 1 };
      looped["again"] = [looped];
      return a.update("Shot", 1, { sg_cut_in: 1, description: looped } as never);
    },
    ["data", "description", "again", 0],
  ],
  ["batch create Infinity", (a) => a.batch([{ request_type: "create", entity_type: "Shot", data: { code: "x", sg_cut_out: -Infinity } }]), ["requests", 0, "data", "sg_cut_out"]],
  ["schemaFieldCreate NaN property", (a) => a.schemaFieldCreate("Shot", "number", "X", { default_value: Number.NaN }), ["properties", "default_value"]],
  ["schemaFieldUpdate Infinity property", (a) => a.schemaFieldUpdate("Shot", "sg_cut_in", { default_value: Infinity }), ["properties", "default_value"]],
  ["navExpand NaN in seedEntityField", (a) => a.navExpand("/Project/1", { seedEntityField: { id: Number.NaN } }), ["options", "seedEntityField", "id"]],
  ["create returnFields bad", (a) => a.create("Shot", { code: "x" }, [null as never]), ["returnFields", 0]],
  ["create image path missing", (a) => a.create("Shot", { code: "x", image: join(dir, "missing.png") }), ["data", "image"]],
  ["update id zero", (a) => a.update("Shot", 0, { code: "x" }), ["entityId"]],
  ["update id a string", (a) => a.update("Shot", "5" as never, { code: "x" }), ["entityId"]],
  ["update empty data", (a) => a.update("Shot", 1, {}), ["data"]],
  ["update field name empty", (a) => a.update("Shot", 1, { "": 1 }), ["data", ""]],
  ["update mode 'append'", (a) => a.update("Shot", 1, { assets: [] }, { multiEntityUpdateModes: { assets: "append" as never } }), ["options", "multiEntityUpdateModes", "assets"]],
  ["update mode for a field not in data", (a) => a.update("Shot", 1, { code: "x" }, { multiEntityUpdateModes: { assets: "add" } }), ["options", "multiEntityUpdateModes", "assets"]],
  ["delete id NaN", (a) => a.delete("Shot", Number.NaN), ["entityId"]],
  ["revive id negative", (a) => a.revive("Shot", -3), ["entityId"]],
  ["batch not an array", (a) => a.batch({} as never), ["requests"]],
  ["batch missing request_type", (a) => a.batch([{ entity_type: "Shot", data: {} } as never]), ["requests", 0, "request_type"]],
  ["batch invalid request_type", (a) => a.batch([{ request_type: "upsert", entity_type: "Shot" } as never]), ["requests", 0, "request_type"]],
  ["batch missing entity_type", (a) => a.batch([{ request_type: "delete", entity_id: 1 } as never]), ["requests", 0, "entity_type"]],
  // The data and attachment types admit any object (so interface-typed records compile); these compile and are refused here.
  ["batch data a Map", (a) => a.batch([{ request_type: "create", entity_type: "Shot", data: new Map([["code", "x"]]) }]), ["requests", 0, "data"]],
  ["batch data a list", (a) => a.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: ["code", "x"] }]), ["requests", 0, "data"]],
  ["batch data a class instance", (a) => a.batch([{ request_type: "create", entity_type: "Shot", data: new (class ShotFields { code = "x"; })() }]), ["requests", 0, "data"]],
  ["downloadAttachment a class instance", (a) => a.downloadAttachment(new (class AttachmentRef { type = "Attachment"; id = 1; })()), ["attachment"]],
  ["batch create without data", (a) => a.batch([{ request_type: "create", entity_type: "Shot" } as never]), ["requests", 0, "data"]],
  ["batch update without entity_id", (a) => a.batch([{ request_type: "update", entity_type: "Shot", data: { code: "x" } } as never]), ["requests", 0, "entity_id"]],
  ["batch delete without entity_id (2nd request)", (a) => a.batch([{ request_type: "delete", entity_type: "Shot", entity_id: 1 }, { request_type: "delete", entity_type: "Shot" } as never]), ["requests", 1, "entity_id"]],
  ["batch request-level mode 'append' (2nd request)", (a) => a.batch([{ request_type: "delete", entity_type: "Shot", entity_id: 1 }, { request_type: "update", entity_type: "Shot", entity_id: 1, data: { assets: [] }, multi_entity_update_mode: "append" } as never]), ["requests", 1, "multi_entity_update_mode"]],
  ["batch create with fields instead of data", (a) => a.batch([{ request_type: "create", entity_type: "Shot", fields: { code: "x" } } as never]), ["requests", 0, "fields"]],
  ["batch create with a misspelt key (2nd request)", (a) => a.batch([{ request_type: "delete", entity_type: "Shot", entity_id: 1 }, { request_type: "create", entity_type: "Shot", data: { code: "x" }, return_field: ["code"] } as never]), ["requests", 1, "return_field"]],
  ["batch update with a camelCase key", (a) => a.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { assets: [] }, multiEntityUpdateModes: { assets: "add" } } as never]), ["requests", 0, "multiEntityUpdateModes"]],
  ["batch request-level mode not a string", (a) => a.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { assets: [] }, multi_entity_update_mode: 1 } as never]), ["requests", 0, "multi_entity_update_mode"]],
  ["summarize no summaries", (a) => a.summarize("Shot", [], []), ["summaryFields"]],
  ["summarize type 'total'", (a) => a.summarize("Shot", [], [{ field: "id", type: "total" as never }]), ["summaryFields", 0, "type"]],
  // @ts-expect-error — a second summary of one field is a compile error too (OneSummaryPerField)
  ["summarize two summaries of one field", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }, { field: "id", type: "maximum" }]), ["summaryFields", 1, "field"]],
  ["summarize grouping not an array", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }], { grouping: {} as never }), ["options", "grouping"]],
  ["summarize grouping type bad", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }], { grouping: [{ field: "code", type: "alphabetical" as never }] }), ["options", "grouping", 0, "type"]],
  ["summarize grouping with a misspelt key", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }], { grouping: [{ field: "code", type: "exact", direciton: "desc" } as never] }), ["options", "grouping", 0, "direciton"]],
  ["upload file missing", (a) => a.upload("Shot", 1, join(dir, "nope.txt")), ["path"]],
  ["upload empty file", (a) => a.upload("Shot", 1, emptyFile), ["path"]],
  ["upload a directory", (a) => a.uploadThumbnail("Shot", 1, dir), ["path"]],
  ["upload tagList a number", (a) => a.upload("Shot", 1, emptyFile, { tagList: 7 as never }), ["options", "tagList"]],
  ["shareThumbnail no entities", (a) => a.shareThumbnail([], { sourceEntity: shot }), ["entities"]],
  ["shareThumbnail both sources", (a) => a.shareThumbnail([shot], { sourceEntity: shot, thumbnailPath: emptyFile }), ["options"]],
  ["shareThumbnail bad source", (a) => a.shareThumbnail([shot], { sourceEntity: { type: "Shot" } as never }), ["options", "sourceEntity"]],
  ["workScheduleRead start date format", (a) => a.workScheduleRead("2026/01/01", "2026-01-31"), ["startDate"]],
  ["workScheduleRead impossible day", (a) => a.workScheduleRead("2026-01-01", "2026-02-30"), ["endDate"]],
  ["workScheduleUpdate date a number", (a) => a.workScheduleUpdate(20260101 as never, true), ["date"]],
  ["workScheduleUpdate recalculateField", (a) => a.workScheduleUpdate("2026-01-01", true, { recalculateField: "start_date" as never }), ["options", "recalculateField"]],
  ["textSearch short text", (a) => a.textSearch("ab", { Shot: [] }), ["text"]],
  ["textSearch entityTypes an array", (a) => a.textSearch("shot", ["Shot"] as never), ["entityTypes"]],
  ["noteThreadRead bad id", (a) => a.noteThreadRead(1.5), ["noteId"]],
  ["follow user not a link", (a) => a.follow("artist" as never, shot), ["user"]],
  ["following project without id", (a) => a.following({ type: "HumanUser", id: 2 }, { project: { type: "Project" } as never }), ["options", "project"]],
  ["activityStreamRead limit negative", (a) => a.activityStreamRead("Shot", 1, { limit: -1 }), ["options", "limit"]],
  ["schemaFieldCreate data type", (a) => a.schemaFieldCreate("Shot", "varchar", "X"), ["dataType"]],
  ["schemaFieldUpdate no properties", (a) => a.schemaFieldUpdate("Shot", "code", {}), ["properties"]],
  ["schemaRead project not a link", (a) => a.schemaRead({ project: 5 as never }), ["options", "project"]],
  // An undefined property would go out without a value (the site blanks the display name) or, in a list, as null.
  ["schemaFieldUpdate undefined property", (a) => a.schemaFieldUpdate("Shot", "sg_cut_in", { name: undefined, description: "x" }), ["properties", "name"]],
  ["schemaFieldCreate undefined in a list property", (a) => a.schemaFieldCreate("Shot", "list", "X", { valid_values: ["a", undefined] }), ["properties", "valid_values", 1]],
  ["schemaFieldRead project of another type", (a) => a.schemaFieldRead("Shot", undefined, { project: { type: "Shot", id: 1 } as never }), ["options", "project", "type"]],
  ["preferencesRead prefs a string", (a) => a.preferencesRead("format_date" as never), ["prefs"]],
  ["userSubscriptionsCreate bad id", (a) => a.userSubscriptionsCreate([{ humanUserId: 0, subscription: null }]), ["users", 0, "humanUserId"]],
  ["exportPage format xlsx", (a) => a.exportPage(1, "xlsx" as never), ["format"]],
  ["downloadAttachment dict without url", (a) => a.downloadAttachment({ name: "x" }), ["attachment", "url"]],
  ["downloadAttachment nothing", (a) => a.downloadAttachment(undefined as never), ["attachment"]],
  // Unknown options are refused, not ignored: a Python keyword argument or a typo would change the call silently.
  ["find with Python's filter_operator", (a) => a.find("Shot", [["code", "is", "a"], ["code", "is", "b"]], [], { filter_operator: "any" } as never), ["options", "filter_operator"]],
  ["find with a misspelt limit", (a) => a.find("Shot", [], [], { limt: 1 } as never), ["options", "limt"]],
  ["findOne with a page", (a) => a.findOne("Shot", [], [], { page: 2 } as never), ["options", "page"]],
  ["iterate with Python's retired_only", (a) => a.iterate("Shot", [], [], { retired_only: true } as never).next(), ["options", "retired_only"]],
  ["update with Python's multi_entity_update_modes", (a) => a.update("Shot", 1, { assets: [] }, { multi_entity_update_modes: { assets: "add" } } as never), ["options", "multi_entity_update_modes"]],
  ["summarize with Python's include_archived_projects", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }], { include_archived_projects: false } as never), ["options", "include_archived_projects"]],
  ["create with an option", (a) => a.create("Shot", { code: "x" }, [], { returnFields: ["code"] } as never), ["options", "returnFields"]],
  ["uploadThumbnail with a fieldName", (a) => a.uploadThumbnail("Shot", 1, emptyFile, { fieldName: "sg_x" } as never), ["options", "fieldName"]],
  ["textSearch with Python's project_ids", (a) => a.textSearch("shot", { Shot: [] }, { project_ids: [1] } as never), ["options", "project_ids"]],
  // A hole in a list is an undefined item, refused by its index (map skipped it, and JSON sent it as null).
  ["a hole in filters", (a) => a.find("Shot", [, ["code", "is", "x"]] as never), ["filters", 0]],
  ["a hole in fields", (a) => a.find("Shot", [], ["code", , "id"] as never), ["fields", 1]],
  ["a hole in order", (a) => a.find("Shot", [], [], { order: [, "code"] as never }), ["options", "order", 0]],
  ["a hole in additionalFilterPresets", (a) => a.find("Version", [], [], { additionalFilterPresets: [, { preset_name: "LATEST" }] as never }), ["options", "additionalFilterPresets", 0]],
  ["a hole in a batch", (a) => a.batch([, { request_type: "delete", entity_type: "Shot", entity_id: 1 }] as never), ["requests", 0]],
  ["a hole in summaryFields", (a) => a.summarize("Shot", [], [, { field: "id", type: "count" }] as never), ["summaryFields", 0]],
  ["a hole in grouping", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }], { grouping: [, { field: "code", type: "exact" }] as never }), ["options", "grouping", 0]],
  ["a hole in entityFields", (a) => a.activityStreamRead("Shot", 1, { entityFields: { Shot: [, "code"] as never } }), ["options", "entityFields", "Shot", 0]],
  ["a hole in create's returnFields", (a) => a.create("Shot", { code: "x" }, [, "code"] as never), ["returnFields", 0]],
  ["a hole in prefs", (a) => a.preferencesRead([, "format_date"] as never), ["prefs", 0]],
  ["a hole in users", (a) => a.userSubscriptionsCreate([, { humanUserId: 1, subscription: null }] as never), ["users", 0]],
  ["a hole in a subscription list", (a) => a.userSubscriptionsCreate([{ humanUserId: 1, subscription: [, "x"] as never }]), ["users", 0, "subscription"]],
  ["a hole in projectIds", (a) => a.textSearch("shot", { Shot: [] }, { projectIds: [, 1] as never }), ["options", "projectIds", 0]],
  ["a hole in tagList", (a) => a.upload("Shot", 1, emptyFile, { tagList: [, "a"] as never }), ["options", "tagList", 0]],
  ["a hole in shareThumbnail's entities", (a) => a.shareThumbnail([, shot] as never, { sourceEntity: shot }), ["entities", 0]],
];

describe("the bad-input matrix: a typed SgValidationError naming the path, and nothing sent", () => {
  it("has at least 40 distinct cases", () => {
    expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("%s", async (_name, call, path) => {
    const before = site.emulator.requests().length;
    const sentBefore = site.sent.length;
    let error: unknown;
    try {
      await call(site.api);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SgValidationError);
    const v = error as SgValidationError;
    expect(v.code).toBe("SG_VALIDATION");
    expect(v.path).toEqual(path);
    expect(v.message.startsWith("@sg/entities: ")).toBe(true);
    expect(v.expected.length).toBeGreaterThan(0);
    expect(site.emulator.requests().length).toBe(before);
    expect(site.sent.length).toBe(sentBefore);
  });

  it("names an undefined schema property and what it needs", async () => {
    await expect(site.api.schemaFieldUpdate("Shot", "sg_cut_in", { name: undefined })).rejects.toThrow("@sg/entities: properties.name: expected a value, got undefined");
  });

  it("getAttachmentDownloadUrl refuses a dict without url synchronously", () => {
    expect(() => site.api.getAttachmentDownloadUrl({ id: 3 })).toThrow(SgValidationError);
  });
});
