import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { f, find, summarize } from "./index.js";
import { startLoopbackSite } from "./test-support/loopback.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let project: { type: "Project"; id: number; name: string };
let artist: { type: string; id: number };
beforeAll(async () => {
  site = await startSite();
  project = site.emulator.card.projects[0] as { type: "Project"; id: number; name: string };
  artist = (await site.api.findOne("HumanUser", [["login", "is", "artist"]]))!;
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  site.sent.length = 0;
});

describe("find options on the wire", () => {
  it("sends the read payload of §2.3 with every option", async () => {
    await site.api.find("Shot", [["sg_status_list", "is", "ip"], ["project", "is", { ...project, extra: 1 }]], ["code"], {
      order: ["-code", { field_name: "id" }, { column: "sg_cut_in", direction: "desc" }],
      filterOperator: "any",
      includeArchivedProjects: false,
      additionalFilterPresets: [{ preset_name: "LATEST", latest_by: "ENTITIES_CREATED_AT" }],
    }).catch(() => undefined);
    expect(site.payloads("read")[0]).toEqual({
      type: "Shot",
      return_fields: ["code"],
      filters: { logical_operator: "or", conditions: [{ path: "sg_status_list", relation: "is", values: ["ip"] }, { path: "project", relation: "is", values: [{ type: "Project", id: project.id, name: project.name }] }] },
      return_only: "active",
      additional_filter_presets: [{ preset_name: "LATEST", latest_by: "ENTITIES_CREATED_AT" }],
      include_archived_projects: false,
      sorts: [{ field_name: "code", direction: "desc" }, { field_name: "id", direction: "asc" }, { field_name: "sg_cut_in", direction: "desc" }],
      api_return_image_urls: true,
      paging: { entities_per_page: 500, current_page: 1 },
      return_paging_info_without_counts: true,
    });
  });

  it("accepts the builder, a single group and a wire tree, and filters the same way", async () => {
    const a = await site.api.find("Shot", [f.any(f.is("sg_status_list", "fin"), f.is("sg_status_list", "hld"))], ["code"]);
    const b = await site.api.find("Shot", f.any(f.is("sg_status_list", "fin"), f.is("sg_status_list", "hld")), ["code"]);
    const c = await site.api.find("Shot", { logical_operator: "or", conditions: [{ path: "sg_status_list", relation: "in", values: ["fin", "hld"] }] }, ["code"]);
    const d = await site.api.find("Shot", [["sg_status_list", "in", ["fin", "hld"]]], ["code"]);
    expect(a.length).toBe(2);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(d).toEqual(a);
  });

  it("excludes archived projects and reads deep fields", async () => {
    const withArchived = await site.api.find("Project", [], ["name"]);
    const without = await site.api.find("Project", [], ["name"], { includeArchivedProjects: false });
    expect(withArchived.length).toBeGreaterThanOrEqual(without.length);
    const shot = await site.api.findOne("Shot", [["sg_sequence.Sequence.code", "is", "SQ020"]], ["sg_sequence.Sequence.code"]);
    expect(shot).toMatchObject({ "sg_sequence.Sequence.code": "SQ020" });
  });

  it("passes a signal through: an aborted call rejects", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(site.api.find("Shot", [], [], { signal: controller.signal })).rejects.toMatchObject({ code: "SG_ABORTED" });
  });
});

describe("summarize", () => {
  it("summarizes and groups", async () => {
    const result = await site.api.summarize("Shot", [["project", "is", project]], [{ field: "id", type: "count" }], {
      grouping: [{ field: "sg_status_list", type: "exact", direction: "asc" }],
    });
    expect(result.summaries).toEqual({ id: 6 });
    expect(result.groups.length).toBeGreaterThan(1);
    expect(site.payloads("summarize")[0]).toMatchObject({ type: "Shot", summaries: [{ field: "id", type: "count" }], grouping: [{ field: "sg_status_list", type: "exact", direction: "asc" }] });
  });
});

describe("summarize: the payload sent", () => {
  const count = [{ field: "id", type: "count" }] as const;
  const filters = [["sg_status_list", "is", "ip"]] as const;
  const conditions = [{ path: "sg_status_list", relation: "is", values: ["ip"] }];

  it("combines filters with 'and' by default and sends no grouping key when none is given", async () => {
    await site.api.summarize("Shot", filters, count);
    expect(site.payloads("summarize")).toEqual([{ type: "Shot", summaries: [{ field: "id", type: "count" }], filters: { logical_operator: "and", conditions } }]);
  });

  it("sends filterOperator 'any' as 'or', and a grouping with its direction ('asc' when left out)", async () => {
    await site.api.summarize("Shot", filters, count, { filterOperator: "any", grouping: [{ field: "sg_status_list", type: "exact" }] });
    expect(site.payloads("summarize")).toEqual([
      { type: "Shot", summaries: [{ field: "id", type: "count" }], filters: { logical_operator: "or", conditions }, grouping: [{ field: "sg_status_list", type: "exact", direction: "asc" }] },
    ]);
  });

  it("refuses a grouping that is not a list, naming options.grouping, before sending", async () => {
    const error = await site.api.summarize("Shot", filters, count, { grouping: { field: "sg_status_list", type: "exact" } as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as SgValidationError).path).toEqual(["options", "grouping"]);
    expect(site.payloads("summarize")).toEqual([]);
  });
});

describe("summarize: datetime summaries", () => {
  const dated = [{ field: "id", type: "count" }, { field: "created_at", type: "earliest" }, { field: "updated_at", type: "latest" }] as const;

  it("are Dates in the default date mode, at the top and in every group, as find's records (Python converts them too)", async () => {
    const result = await site.api.summarize("Shot", [["project", "is", project]], dated, { grouping: [{ field: "sg_status_list", type: "exact" }] });
    expect(result.summaries["id"]).toBe(6);
    expect(result.summaries["created_at"]).toBeInstanceOf(Date);
    expect(result.summaries["updated_at"]).toBeInstanceOf(Date);
    expect(result.groups.length).toBeGreaterThan(1);
    for (const group of result.groups) {
      expect(group.summaries["created_at"]).toBeInstanceOf(Date);
      expect(group.summaries["updated_at"]).toBeInstanceOf(Date);
    }
    const shots = await site.api.find("Shot", [["project", "is", project]], ["created_at"]);
    const earliest = Math.min(...shots.map((s) => (s.created_at as Date).getTime()));
    expect((result.summaries["created_at"] as Date).getTime()).toBe(earliest);
  });

  it("stay wire strings with dates: 'string'", async () => {
    const sg = site.apiWith({ dates: "string" });
    const result = await sg.summarize("Shot", [["project", "is", project]], dated);
    expect(result.summaries["created_at"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe("summarize with includeArchivedProjects: false (loopback site, the emulator only reports 8.50)", () => {
  const summaries = [{ field: "id", type: "count" }] as const;
  const site = (version: number[]) => startLoopbackSite((method) => (method === "info" ? { version } : method === "summarize" ? { summaries: { id: 3 }, groups: [] } : []));

  it("is refused before sending on a site older than 5.3.14, exactly as find refuses it", async () => {
    const old = await site([5, 3, 13]);
    try {
      const error = await summarize(old.client, "Shot", [], summaries, { includeArchivedProjects: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as SgValidationError).path).toEqual(["site"]);
      const fromFind = await find(old.client, "Shot", [], [], { includeArchivedProjects: false }).catch((e: unknown) => e);
      expect((error as SgValidationError).message).toBe((fromFind as SgValidationError).message);
      expect(old.methods).toEqual(["info"]);
      // Archived projects included (the default) needs no particular version.
      expect(await summarize(old.client, "Shot", [], summaries)).toEqual({ summaries: { id: 3 }, groups: [] });
    } finally {
      await old.close();
    }
  });

  it("is sent as include_archived_projects: false from 5.3.14, after reading the version", async () => {
    const sent: unknown[] = [];
    const ok = await startLoopbackSite((method, payload) => (method === "info" ? { version: [5, 3, 14] } : (sent.push(payload), { summaries: { id: 3 }, groups: [] })));
    try {
      expect(await summarize(ok.client, "Shot", [], summaries, { includeArchivedProjects: false })).toEqual({ summaries: { id: 3 }, groups: [] });
      expect(ok.methods).toEqual(["info", "summarize"]);
      expect(sent).toEqual([expect.objectContaining({ type: "Shot", include_archived_projects: false })]);
    } finally {
      await ok.close();
    }
  });
});

describe("schema", () => {
  it("reads the schema, entity types and fields, project-scoped too", async () => {
    const all = await site.api.schemaRead();
    expect(all["Shot"]?.["code"]?.data_type.value).toBe("text");
    const entities = await site.api.schemaEntityRead({ project });
    expect(entities["Shot"]?.name.value).toBeTruthy();
    const field = await site.api.schemaFieldRead("Shot", "code", { project });
    expect(Object.keys(field)).toEqual(["code"]);
    expect(site.payloads("schema_field_read")[0]).toEqual({ type: "Shot", field_name: "code", project: { type: "Project", id: project.id } });
  });

  it("creates, updates and deletes a field", async () => {
    const name = await site.api.schemaFieldCreate("Shot", "text", "Complexity", { description: "how hard" });
    expect(name).toMatch(/^sg_complexity/);
    expect(site.payloads("schema_field_create")[0]).toEqual({ type: "Shot", data_type: "text", properties: [{ property_name: "name", value: "Complexity" }, { property_name: "description", value: "how hard" }] });
    expect(await site.api.schemaFieldUpdate("Shot", name, { description: "very" })).toBe(true);
    expect((await site.api.schemaFieldRead("Shot", name))[name]?.["description"]).toMatchObject({ value: "very" });
    expect(await site.api.schemaFieldDelete("Shot", name)).toBe(true);
  });
});

describe("following, activity and notes", () => {
  it("follows, lists followers and following, unfollows", async () => {
    const shot = (await site.api.findOne("Shot", []))!;
    expect(await site.api.follow(artist, shot)).toMatchObject({ followed: true });
    expect((await site.api.followers(shot)).map((u) => u.id)).toContain(artist.id);
    expect((await site.api.following(artist, { entityType: "Shot", project })).map((e) => e.id)).toContain(shot.id);
    expect(await site.api.unfollow(artist, shot)).toMatchObject({ unfollowed: true });
    expect((await site.api.followers(shot)).map((u) => u.id)).not.toContain(artist.id);
  });

  it("reads an activity stream and a note thread", async () => {
    const shot = await site.api.create("Shot", { code: "act_1", project });
    const stream = await site.api.activityStreamRead("Shot", shot.id, { limit: 10 });
    expect(stream.entity_id).toBe(shot.id);
    expect(Array.isArray(stream.updates)).toBe(true);
    expect(site.payloads("activity_stream")[0]).toEqual({ type: "Shot", id: shot.id, max_id: null, min_id: null, limit: 10, entity_fields: {} });
    const note = (await site.api.findOne("Note", [["subject", "contains", "Timing"]]))!;
    const thread = await site.api.noteThreadRead(note.id, { entityFields: { Reply: ["content"] } });
    expect(thread.map((r) => r.type)).toContain("Note");
    expect(thread.map((r) => r.type)).toContain("Reply");
  });
});

describe("text search, preferences, work schedule, subscriptions, project access, export", () => {
  it("text_search", async () => {
    const result = await site.api.textSearch("SQ010", { Shot: [["sg_status_list", "is_not", "omt"]], Sequence: [] }, { limit: 10, projectIds: [project.id] });
    expect(result.matches.length).toBeGreaterThan(0);
    expect(site.payloads("query_display_name_cache")[0]).toMatchObject({ text: "SQ010", project_ids: [project.id], max_results: 10 });
  });

  it("text_search counts characters as the site does: two emoji are refused before sending, an emoji and two letters are sent", async () => {
    await expect(site.api.textSearch("🐍🐍", { Shot: [] })).rejects.toMatchObject({ name: "SgValidationError", path: ["text"] });
    expect(site.payloads("query_display_name_cache")).toHaveLength(0);
    await site.api.textSearch("🐍sq", { Shot: [] });
    expect(site.payloads("query_display_name_cache")[0]).toMatchObject({ text: "🐍sq" });
  });

  it("preferences_read", async () => {
    const all = await site.api.preferencesRead();
    const names = Object.keys(all);
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(await site.api.preferencesRead([names[0]!, "no_such_pref"]))).toEqual([names[0]]);
  });

  it("work_schedule_read / update", async () => {
    const week = await site.api.workScheduleRead("2026-03-02", "2026-03-08");
    expect(Object.keys(week)).toHaveLength(7);
    expect(week["2026-03-02"]).toMatchObject({ working: expect.any(Boolean) });
    await site.api.workScheduleUpdate("2026-03-03", false, { description: "Holiday", project });
    expect((await site.api.workScheduleRead("2026-03-03", "2026-03-03", { project }))["2026-03-03"]).toMatchObject({ working: false });
  });

  it("work_schedule dates: Feb 29 of year 0 (a leap year) is a day, that of 1900 is not", async () => {
    await site.api.workScheduleUpdate("0000-02-29", true);
    expect(site.payloads("work_schedule_update").at(-1)).toMatchObject({ date: "0000-02-29", working: true });
    await site.api.workScheduleRead("0000-02-28", "0000-02-29");
    expect(site.payloads("work_schedule_read").at(-1)).toMatchObject({ start_date: "0000-02-28", end_date: "0000-02-29" });
    await expect(site.api.workScheduleUpdate("1900-02-29", true)).rejects.toMatchObject({ path: ["date"] });
  });

  it("user subscriptions", async () => {
    expect(await site.api.userSubscriptionsCreate([{ humanUserId: artist.id, subscription: "Flow Production Tracking" }])).toBe(true);
    expect(await site.api.userSubscriptionsRead()).toContainEqual({ humanUserId: artist.id, subscription: "Flow Production Tracking" });
  });

  it("update_project_last_accessed", async () => {
    await site.api.updateProjectLastAccessed(project, { user: { type: "HumanUser", id: artist.id } });
    expect(site.payloads("update_project_last_accessed_by_current_user")[0]).toEqual({ project_id: project.id, user_id: artist.id });
  });

  it("export_page returns the CSV text", async () => {
    const page = (await site.api.findOne("Page", [["name", "is", "Shots"]]))!;
    const csv = await site.api.exportPage(page.id, "csv");
    expect(csv.split("\r\n")[0]).toContain("Id");
    expect(csv).toContain("SQ010_0010");
  });

  it("takes null (Python's None) for an option as not given, as the other options do", async () => {
    // Typed as absent-only; a port from Python or plain JavaScript passes None/null, which the site reads as "none".
    await site.api.following(artist, { project: null as never, entityType: null as never });
    expect(site.payloads("following").at(-1)).toEqual({ user: { type: "HumanUser", id: artist.id } });
    await site.api.workScheduleUpdate("2026-03-04", false, { description: null as never, recalculateField: null as never });
    expect(site.payloads("work_schedule_update").at(-1)).toMatchObject({ date: "2026-03-04", working: false, description: null, recalculate_field: null });
    const page = (await site.api.findOne("Page", [["name", "is", "Shots"]]))!;
    expect(await site.api.exportPage(page.id, "csv", { layoutName: null as never })).toContain("SQ010_0010");
    expect(site.payloads("export_page").at(-1)).toEqual({ format: "csv", page_id: page.id, layout_name: null });
  });

  it("get_session_token and info", async () => {
    const token = await site.api.getSessionToken();
    expect(typeof token).toBe("string");
    expect(await site.api.getSessionToken()).toBe(token);
    expect((await site.api.info()).version.slice(0, 3)).toEqual([8, 50, 0]);
  });
});
