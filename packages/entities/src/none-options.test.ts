/**
 * An option whose Python default is `None` takes `null` as not given (README "Porting from Python"), against the
 * emulator: the call sends what it sends without the option and answers the same. The options whose Python
 * default is `False` or `0` (or that Python does not have) still refuse `null`, naming the option.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { batch, downloadAttachment, find, findOne, iterate, shareThumbnail, summarize, update, updateProjectLastAccessed, upload } from "./index.js";
import { demoProject, useSite } from "./test-support/suite.js";

const site = useSite();
// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
let dir: string;
let png: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-none-"));
  png = join(dir, "thumb.png");
  writeFileSync(png, PNG);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const all = async <T>(records: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const r of records) out.push(r);
  return out;
};

describe("null for an option whose Python default is None is the option left out", () => {
  /** [what, RPC method, the call without the option, the call with it null]. */
  const rpcCases: [string, string, () => Promise<unknown>, () => Promise<unknown>][] = [
    ["find order", "read", () => find(site().client, "Shot", [], ["code"]), () => find(site().client, "Shot", [], ["code"], { order: null })],
    ["find filterOperator", "read", () => find(site().client, "Shot", [["code", "is", "SQ010_0010"]]), () => find(site().client, "Shot", [["code", "is", "SQ010_0010"]], [], { filterOperator: null })],
    ["find additionalFilterPresets", "read", () => find(site().client, "Shot", []), () => find(site().client, "Shot", [], undefined, { additionalFilterPresets: null })],
    ["findOne order", "read", () => findOne(site().client, "Shot", [], ["code"]), () => findOne(site().client, "Shot", [], ["code"], { order: null })],
    ["iterate order", "read", () => all(iterate(site().client, "Shot", [], ["code"])), () => all(iterate(site().client, "Shot", [], ["code"], { order: null }))],
    ["summarize filterOperator", "summarize", () => summarize(site().client, "Shot", [], [{ field: "id", type: "count" }]), () => summarize(site().client, "Shot", [], [{ field: "id", type: "count" }], { filterOperator: null })],
  ];
  it.each(rpcCases)("%s: null sends what leaving it out sends", async (_what, method, leftOut, givenNull) => {
    const plain = await leftOut();
    expect(await givenNull()).toEqual(plain);
    const [a, b] = site().payloads(method).slice(-2);
    expect(b).toEqual(a);
  });

  it("update multiEntityUpdateModes: null updates as without it", async () => {
    const shot = await site().api.create("Shot", { code: "none_modes", project: demoProject(site()) });
    await update(site().client, "Shot", shot.id, { description: "a" });
    const record = await update(site().client, "Shot", shot.id, { description: "a" }, { multiEntityUpdateModes: null });
    expect(record).toMatchObject({ type: "Shot", id: shot.id, description: "a" });
    const [a, b] = site().payloads("update").slice(-2);
    expect(b).toEqual(a);
  });

  it("batch return_fields and multi_entity_update_modes: null as without them (Python's req.get(...))", async () => {
    const project = demoProject(site());
    const [created] = await batch(site().client, [{ request_type: "create", entity_type: "Shot", data: { code: "none_batch", project }, return_fields: null }]);
    await batch(site().client, [{ request_type: "update", entity_type: "Shot", entity_id: created!.id, data: { description: "b" }, multi_entity_update_modes: null }]);
    expect(site().payloads("batch").slice(-2)).toEqual([
      [{ request_type: "create", type: "Shot", fields: expect.any(Array), return_fields: ["id"] }],
      [{ request_type: "update", type: "Shot", id: created!.id, fields: [{ field_name: "description", value: "b" }] }],
    ]);
  });

  it("updateProjectLastAccessed user: null looks the user up as without it", async () => {
    const project = demoProject(site());
    await updateProjectLastAccessed(site().client, project);
    await updateProjectLastAccessed(site().client, project, { user: null });
    const [a, b] = site().payloads("update_project_last_accessed_by_current_user").slice(-2);
    expect(b).toEqual(a);
  });

  it("upload fieldName, displayName and tagList: null uploads as without them", async () => {
    const shot = await site().api.create("Shot", { code: "none_upload", project: demoProject(site()) });
    const plain = await upload(site().client, "Shot", shot.id, png);
    const id = await upload(site().client, "Shot", shot.id, png, { fieldName: null, displayName: null, tagList: null });
    expect(Number.isInteger(id)).toBe(true);
    const fields = ["this_file", "tag_list", "attachment_links"];
    const [a, b] = await Promise.all([plain, id].map((n) => site().api.findOne("Attachment", [["id", "is", n]], fields)));
    const shown = (r: typeof a): unknown => ({ ...r, id: undefined, this_file: { ...(r?.this_file as object), id: undefined, url: undefined } });
    expect(shown(b)).toEqual(shown(a));
  });

  it("downloadAttachment filePath: null answers the bytes, as without it", async () => {
    const shot = await site().api.create("Shot", { code: "none_download", project: demoProject(site()) });
    const id = await upload(site().client, "Shot", shot.id, png);
    const bytes = await downloadAttachment(site().client, id, { filePath: null });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).equals(PNG)).toBe(true);
  });

  it("shareThumbnail: a null thumbnailPath or sourceEntity is not given", async () => {
    const project = demoProject(site());
    const [a, b] = await Promise.all(["none_share_a", "none_share_b"].map((code) => site().api.create("Shot", { code, project })));
    await site().api.uploadThumbnail("Shot", a!.id, png);
    expect(Number.isInteger(await shareThumbnail(site().client, [b!], { thumbnailPath: null, sourceEntity: a! }))).toBe(true);
    expect(Number.isInteger(await shareThumbnail(site().client, [a!, b!], { thumbnailPath: png, sourceEntity: null }))).toBe(true);
  });
});

describe("shareThumbnail's 'exactly one of' refusal says what was given", () => {
  const shot = { type: "Shot", id: 1 };
  it.each([
    ["both null", { thumbnailPath: null, sourceEntity: null }, "neither (each missing or null)"],
    ["neither", {}, "neither (each missing or null)"],
    ["both", { thumbnailPath: "/tmp/x.png", sourceEntity: shot }, "both"],
  ])("%s", async (_what, options, received) => {
    const error = await shareThumbnail(site().client, [shot], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["options"], received });
    expect((error as Error).message).toBe(`@sg/entities: options: expected exactly one of thumbnailPath and sourceEntity, got ${received}`);
  });
});

describe("null is still refused where Python's default is False or 0, or Python has no such option", () => {
  const shot = { type: "Shot" as const, id: 1 };
  const cases: [string, () => Promise<unknown>, (string | number)[]][] = [
    ["find retiredOnly", () => find(site().client, "Shot", [], [], { retiredOnly: null as never }), ["options", "retiredOnly"]],
    ["find includeArchivedProjects", () => find(site().client, "Shot", [], [], { includeArchivedProjects: null as never }), ["options", "includeArchivedProjects"]],
    ["find limit", () => find(site().client, "Shot", [], [], { limit: null as never }), ["options", "limit"]],
    ["find page", () => find(site().client, "Shot", [], [], { page: null as never }), ["options", "page"]],
    ["find concurrency", () => find(site().client, "Shot", [], [], { concurrency: null as never }), ["options", "concurrency"]],
    ["downloadAttachment localFiles", () => downloadAttachment(site().client, 1, { localFiles: null as never }), ["options", "localFiles"]],
    ["downloadAttachment maxBytes", () => downloadAttachment(site().client, 1, { maxBytes: null as never }), ["options", "maxBytes"]],
    ["shareThumbnail filmstripThumbnail", () => shareThumbnail(site().client, [shot], { sourceEntity: shot, filmstripThumbnail: null as never }), ["options", "filmstripThumbnail"]],
  ];
  it.each(cases)("%s", async (_what, run, path) => {
    await expect(run()).rejects.toMatchObject({ name: "SgValidationError", path });
  });
});
