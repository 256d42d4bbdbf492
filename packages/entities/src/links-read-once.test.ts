/**
 * A link `{type, id}` given to a call is read once, when the call is made: a caller that reuses one link object
 * (`ref.id = next; promises.push(call(ref))`) gets each call made with the value it had then, never the last one.
 * A link class whose `type` and `id` are getters goes out as its type and id wherever a link goes out whole.
 * `iterate()` too checks and copies its arguments when it is called, not at the first `next()`, and `create` and
 * `update` read their call options when called, not after checking their image files; so do the uploads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError, type CallOptions } from "@sg/core";
import { batch, create, entityContext, find, iterate, follow, followers, following, schemaRead, shareThumbnail, update, updateProjectLastAccessed, upload, uploadFilmstripThumbnail, uploadThumbnail, workScheduleRead, workScheduleUpdate } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let site: TestSite;
let dir: string;
let png: string;
let p1: { type: "Project"; id: number };
let p2: { type: "Project"; id: number };
beforeAll(async () => {
  site = await startSite();
  [p1, p2] = site.emulator.card.projects as { type: "Project"; id: number }[] as [typeof p1, typeof p2];
  await site.api.create("Shot", { code: "read_once_1", project: p1 });
  await site.api.create("Shot", { code: "read_once_2", project: p2 });
  await site.api.create("Shot", { code: "read_once_3", project: p2 });
  dir = mkdtempSync(join(tmpdir(), "sg-links-"));
  png = join(dir, "thumb.png");
  writeFileSync(png, PNG);
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A link type whose fields are private, read through getters (nothing of its own for JSON to write). */
class Link {
  readonly #type: string;
  readonly #id: number;
  constructor(type: string, id: number) {
    this.#type = type;
    this.#id = id;
  }
  get type(): string {
    return this.#type;
  }
  get id(): number {
    return this.#id;
  }
}

const projectsOf = (rows: readonly object[]): number[] => [...new Set(rows.map((r) => ((r as { project: { id: number } }).project).id))];

describe("a link is read when the call is made", () => {
  it("shareThumbnail shares with the entities given, not what their objects hold later", async () => {
    const [a, b, c] = await Promise.all(["ro_share_a", "ro_share_b", "ro_share_c"].map((code) => site.api.create("Shot", { code, project: p1 })));
    await site.api.uploadThumbnail("Shot", a!.id, png);
    const target = { type: "Shot", id: b!.id };
    const source = { type: "Shot", id: a!.id };
    const shared = shareThumbnail(site.client, [target], { sourceEntity: source });
    target.id = c!.id;
    source.id = c!.id;
    await shared;
    const rows = await site.api.find("Shot", [["id", "in", [b!.id, c!.id]]], ["code", "image"]);
    expect(rows.map((r) => [r.code, typeof r.image === "string"])).toEqual([["ro_share_b", true], ["ro_share_c", false]]);
  });

  it("updateProjectLastAccessed sends the project and user given", async () => {
    const project = { type: "Project" as const, id: p1.id };
    const user = { type: "HumanUser" as const, id: 1 };
    const done = updateProjectLastAccessed(site.client, project, { user });
    project.id = p2.id;
    user.id = 2;
    await done;
    expect(site.payloads("update_project_last_accessed_by_current_user").at(-1)).toEqual({ project_id: p1.id, user_id: 1 });
  });

  it("workScheduleRead and workScheduleUpdate send the user and project given, checked when called", async () => {
    const project = { type: "Project" as const, id: p1.id };
    const user = { type: "HumanUser" as const, id: 1 };
    const read = workScheduleRead(site.client, "2026-03-06", "2026-03-06", { user });
    const updated = workScheduleUpdate(site.client, "2026-03-07", false, { project, description: "ro holiday" });
    project.id = p2.id;
    user.id = 2;
    await Promise.all([read, updated]);
    const sent = (method: string, key: string): unknown => (site.payloads(method).at(-1) as Record<string, unknown>)[key];
    expect([sent("work_schedule_read", "user"), sent("work_schedule_update", "project")]).toEqual([{ type: "HumanUser", id: 1 }, { type: "Project", id: p1.id }]);
    // The link is checked when the call is made: a later change to another type does not turn it into a refusal.
    const options = { project: { type: "Project" as const, id: p1.id } };
    const later = workScheduleUpdate(site.client, "2026-03-08", false, options);
    (options as { project: unknown }).project = { type: "Shot", id: 1 };
    await expect(later).resolves.toBeDefined();
    expect(sent("work_schedule_update", "project")).toEqual({ type: "Project", id: p1.id });
  });

  it("follow, followers, following and a project-scoped schema read send the links given", async () => {
    const user = { type: "HumanUser", id: 1 };
    const entity = { type: "Project", id: p1.id };
    const project = { type: "Project" as const, id: p1.id };
    const calls = [follow(site.client, user, entity), followers(site.client, entity), following(site.client, user, { project }), schemaRead(site.client, { project })];
    user.id = 2;
    entity.id = p2.id;
    project.id = p2.id;
    await Promise.all(calls);
    const link = (method: string, key: string): unknown => (site.payloads(method).at(-1) as Record<string, unknown>)[key];
    expect([link("follow", "user"), link("follow", "entity"), link("followers", "entity"), link("following", "user"), link("following", "project")]).toEqual([
      { type: "HumanUser", id: 1 },
      { type: "Project", id: p1.id },
      { type: "Project", id: p1.id },
      { type: "HumanUser", id: 1 },
      { type: "Project", id: p1.id },
    ]);
    expect(link("schema_read", "project")).toEqual({ type: "Project", id: p1.id });
  });

  it("create and update write the link given", async () => {
    const project = { type: "Project", id: p1.id };
    const made = create(site.client, "Shot", { code: "ro_create", project }, ["project"]);
    project.id = p2.id;
    const shot = await made;
    const updated = update(site.client, "Shot", shot.id, { project });
    project.id = p1.id;
    await updated;
    const [read] = await site.api.find("Shot", [["id", "is", shot.id]], ["project"]);
    expect([projectsOf([shot]), projectsOf([read!])]).toEqual([[p1.id], [p2.id]]);
  });

  it("create, update and batch copy a written link whole: a nested storage or local_storage changed after the call changes nothing", async () => {
    const one = { type: "LocalStorage", id: 1 };
    const nested = () => ({ type: "Project", id: p1.id, storage: { ...one }, local_storage: { ...one } });
    const link = nested();
    const made = create(site.client, "Shot", { code: "ro_nested", project: link });
    link.storage.id = link.local_storage.id = 2;
    const shot = await made;
    const again = nested();
    const updated = update(site.client, "Shot", shot.id, { project: again });
    again.storage.id = again.local_storage.id = 2;
    const last = nested();
    const batched = batch(site.client, [{ request_type: "create", entity_type: "Shot", data: { code: "ro_nested_batch", project: last } }]);
    last.storage.id = last.local_storage.id = 2;
    await Promise.all([updated, batched]);
    const written = (payload: unknown): unknown => ((payload as { fields: { field_name: string; value: unknown }[] }).fields.find((f) => f.field_name === "project"))?.value;
    expect([written(site.payloads("create").at(-1)), written(site.payloads("update").at(-1)), written((site.payloads("batch").at(-1) as unknown[])[0])]).toEqual([
      { type: "Project", id: p1.id, storage: one, local_storage: one },
      // update trims a link to its link keys (§3.5), which keep storage but not local_storage
      { type: "Project", id: p1.id, storage: one },
      { type: "Project", id: p1.id, storage: one, local_storage: one },
    ]);
  });

  it("find with trimEntities: false and a wire tree query the link as it was when called", async () => {
    const ctx = entityContext(site.client, { trimEntities: false });
    const ref = { type: "Project", id: 0 };
    const list = [];
    for (const id of [p2.id, p1.id]) {
      ref.id = id;
      list.push(find(ctx, "Shot", [["project", "is", ref]], ["project"]));
      list.push(find(site.client, "Shot", { logical_operator: "and", conditions: [{ path: "project", relation: "is", values: [ref] }] }, ["project"]));
    }
    const [a, b, c, d] = await Promise.all(list);
    expect([a, b, c, d].map((rows) => projectsOf(rows!))).toEqual([[p2.id], [p2.id], [p1.id], [p1.id]]);
  });

  it("a link class with getters goes out as its type and id, trimmed or not", async () => {
    const untrimmed = entityContext(site.client, { trimEntities: false });
    const rows = await Promise.all([
      find(untrimmed, "Shot", [["project", "is", new Link("Project", p2.id)]], ["project"]),
      find(site.client, "Shot", [["project", "in", [null, new Link("Project", p2.id)]]], ["project"]),
      find(site.client, "Shot", { logical_operator: "and", conditions: [{ path: "project", relation: "is", values: [new Link("Project", p2.id)] }] }, ["project"]),
    ]);
    expect(rows.map(projectsOf)).toEqual([[p2.id], [p2.id], [p2.id]]);
  });
});

describe("iterate() reads its arguments when called", () => {
  it("queries the filters, fields and options as they were when iterate() was called, on a warm client and a cold one", async () => {
    const expected = await site.api.find("Shot", [["project", "is", p2]], [], { limit: 50 });
    expect(expected.length).toBeGreaterThan(1);
    for (const client of [site.client, site.freshClient().client]) {
      const filters: [string, string, unknown][] = [["project", "is", { type: "Project", id: p2.id }]];
      const fields = ["project"];
      const options = { limit: 50 };
      const records = iterate(client, "Shot", filters as never, fields, options);
      filters[0]![2] = { type: "Project", id: p1.id };
      fields.length = 0;
      options.limit = 1;
      const got: Record<string, unknown>[] = [];
      for await (const r of records) got.push(r);
      expect(got.map((r) => (r["project"] as { id: number } | undefined)?.id)).toEqual(expected.map(() => p2.id));
      expect(got.map((r) => r["id"])).toEqual(expected.map((r) => r.id));
    }
  });

  it("throws a malformed filter or option from iterate() itself", () => {
    expect(() => iterate(site.client, "Shot", [["code", "bogus_rel" as "is", 1]], ["code"])).toThrow(SgValidationError);
    expect(() => iterate(site.freshClient().client, "Shot", [["code", "is", 1]], ["code"], { limit: -1 })).toThrow(SgValidationError);
  });
});

describe("create and update read their call options when called", () => {
  it("a signal or session UUID put into the options object after the call changes nothing, with or without an image", async () => {
    const sent = (method: string): unknown => (site.sent.filter((r) => r.method === method).at(-1)?.credentials as { sessionUuid?: string } | undefined)?.sessionUuid;
    for (const image of [undefined, png]) {
      const options: { -readonly [K in keyof CallOptions]: CallOptions[K] } = { sessionUuid: "uuid-given" };
      const made = create(site.client, "Shot", { code: "ro_options", ...(image ? { image } : {}) }, [], options);
      options.signal = AbortSignal.abort();
      options.sessionUuid = "uuid-later";
      const shot = await made;
      expect(sent("create")).toBe("uuid-given");
      const again: typeof options = { sessionUuid: "uuid-given" };
      const updated = update(site.client, "Shot", shot.id, { description: "ro options", ...(image ? { image } : {}) }, again);
      again.signal = AbortSignal.abort();
      again.sessionUuid = "uuid-later";
      await expect(updated).resolves.toMatchObject({ id: shot.id, description: "ro options" });
      expect(sent("update")).toBe("uuid-given");
    }
  });
});

describe("upload, uploadThumbnail and uploadFilmstripThumbnail read their call options when called", () => {
  it("a signal put into the options object after the call, while the file is checked, changes nothing", async () => {
    const shot = await site.api.create("Shot", { code: "ro_upload_options", project: p1 });
    const calls = [
      (o: object) => upload(site.client, "Shot", shot.id, png, o),
      (o: object) => uploadThumbnail(site.client, "Shot", shot.id, png, o),
      (o: object) => uploadFilmstripThumbnail(site.client, "Shot", shot.id, png, o),
    ];
    for (const call of calls) {
      const options: { signal?: AbortSignal } = {};
      const sent = call(options);
      options.signal = AbortSignal.abort();
      await expect(sent).resolves.toBeTypeOf("number");
    }
  });
});
