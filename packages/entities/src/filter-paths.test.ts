/**
 * Filter paths are held to the rule of `fields` and sort keys: a malformed link path (`sg_sequence.Sequence`, a hop
 * without its field) is refused before anything is sent, naming where it is in the filters, in the words of the
 * field-list error; well-formed deep paths still reach the site and filter there.
 */
import { SgValidationError } from "@sg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityApi, f, type EntityApi } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
  await site.api.info(); // cached: nothing below has a reason to talk to the site before its checks
});
afterAll(async () => {
  await site.close();
});

const BAD = "sg_sequence.Sequence";
const count = { field: "id", type: "count" } as const;

/** The error `call` rejects with (or throws), and how many requests reached the emulator and left the client meanwhile. */
async function refusal(call: () => unknown): Promise<{ error: SgValidationError; received: number; sent: number }> {
  const before = site.emulator.requests().length;
  const sentBefore = site.sent.length;
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SgValidationError);
  return { error: error as SgValidationError, received: site.emulator.requests().length - before, sent: site.sent.length - sentBefore };
}

type Call = (api: EntityApi) => unknown;

// [description, call, the path named]. Typed loosely: a JavaScript caller, a list built at run time or a CLI argument.
const cases: [string, Call, (string | number)[]][] = [
  ["find, third condition (the quick path's shape)", (a) => a.find("Shot", [["code", "is", "x"], ["id", "greater_than", 0], [BAD, "is", null]]), ["filters", 2, 0]],
  ["find with options (the full planner)", (a) => a.find("Shot", [[BAD, "is", null]], ["code"], { limit: 2 }), ["filters", 0, 0]],
  ["find, a link path of two parts", (a) => a.find("Task", [["entity.code", "is", "x"]]), ["filters", 0, 0]],
  ["find, a second hop without its field", (a) => a.find("Task", [["entity.Shot.sg_sequence.Sequence", "is", null]]), ["filters", 0, 0]],
  ["find, in a nested group", (a) => a.find("Shot", [["code", "is", "x"], { filter_operator: "any", filters: [["id", "is", 1], [BAD, "is", null]] }]), ["filters", 1, "filters", 1, 0]],
  ["find, two groups deep", (a) => a.find("Shot", [{ filter_operator: "any", filters: [{ filter_operator: "all", filters: [[BAD, "is", null]] }] }]), ["filters", 0, "filters", 0, "filters", 0, 0]],
  ["find, a single group", (a) => a.find("Shot", { filter_operator: "any", filters: [["code", "is", "a"], [BAD, "is", null]] }), ["filters", "filters", 1, 0]],
  ["find, a wire tree", (a) => a.find("Shot", { logical_operator: "and", conditions: [{ path: BAD, relation: "is", values: [null] }] }), ["filters", "conditions", 0, 0]],
  ["find, a builder condition", (a) => a.find("Shot", [f.any(f.is("code", "x"), f.is(BAD as never, null))]), ["filters", 0, "filters", 1, 0]],
  ["find with additionalFilterPresets", (a) => a.find("Version", [[BAD, "is", null]], ["code"], { additionalFilterPresets: [{ preset_name: "LATEST", latest_by: "ENTITIES_CREATED_AT" }] }), ["filters", 0, 0]],
  ["findOne", (a) => a.findOne("Shot", [["code", "is", "x"], [BAD, "is", null]]), ["filters", 1, 0]],
  ["iterate", (a) => a.iterate("Shot", [[BAD, "is", null]]).next(), ["filters", 0, 0]],
  ["summarize (and the CLI's count)", (a) => a.summarize("Shot", [[BAD, "is", null]], [count]), ["filters", 0, 0]],
  ["summarize, in a nested group", (a) => a.summarize("Shot", [{ filter_operator: "any", filters: [[BAD, "is", null]] }], [count], { grouping: [{ field: "sg_status_list", type: "exact" }] }), ["filters", 0, "filters", 0, 0]],
  ["textSearch", (a) => a.textSearch("shot", { Shot: [["code", "is", "x"], [BAD, "is", null]] }), ["entityTypes", "Shot", 1, 0]],
];

describe("a malformed filter path is refused before anything is sent", () => {
  it.each(cases)("%s", async (_name, call, path) => {
    const { error, received, sent } = await refusal(() => call(site.api));
    expect(error.path).toEqual(path);
    expect(error.message.startsWith("@sg/entities: ")).toBe(true);
    expect(received).toBe(0);
    expect(sent).toBe(0);
  });

  it("says what was expected in the words of the fields and order errors", async () => {
    const inFilters = (await refusal(() => site.api.find("Shot", [[BAD, "is", null]]))).error;
    const inFields = (await refusal(() => site.api.find("Shot", [], [BAD]))).error;
    const inOrder = (await refusal(() => site.api.find("Shot", [], [], { order: [{ field_name: BAD, direction: "asc" }] as never }))).error;
    expect(inFilters.message).toBe(`@sg/entities: filters[0][0]: expected a field name such as 'code' or a dotted link path such as 'sg_sequence.Sequence.code', got string "${BAD}"`);
    expect(inFilters.expected).toBe(inFields.expected);
    expect(inFilters.expected).toBe(inOrder.expected);
  });

  it("sends nothing at all from a client that has not yet asked the site for its info", async () => {
    const { client, sent } = site.freshClient();
    const before = site.emulator.requests().length;
    await expect(entityApi(client).find("Shot", [["code", "is", "x"], [BAD, "is", null]], ["code"], { limit: 1 })).rejects.toThrow("filters[1][0]");
    expect(sent).toEqual([]);
    expect(site.emulator.requests().length).toBe(before);
  });
});

describe("well-formed deep filter paths still reach the site", () => {
  it("two hops: Tasks of the Shots of sequence SQ010", async () => {
    const path = "entity.Shot.sg_sequence.Sequence.code";
    const tasks = await site.api.find("Task", [[path, "is", "SQ010"]], [path]);
    const all = await site.api.find("Task", [], [path]);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.length).toBeLessThan(all.length);
    expect(tasks.map((t) => t[path])).toEqual(tasks.map(() => "SQ010"));
  });

  it("through a multi-entity link, in a nested group, a wire tree, findOne and summarize", async () => {
    const asset = await site.api.findOne("Asset", [], ["code"]);
    const code = String(asset?.["code"]);
    const shots = await site.api.find("Shot", [{ filter_operator: "any", filters: [["assets.Asset.code", "is", code]] }], ["assets"]);
    expect(shots.length).toBeGreaterThan(0);
    for (const shot of shots) expect(shot["assets"]).toContainEqual(expect.objectContaining({ type: "Asset", id: asset?.id }));
    const wire = await site.api.find("Shot", { logical_operator: "and", conditions: [{ path: "assets.Asset.code", relation: "is", values: [code] }] });
    expect(wire.map((s) => s.id)).toEqual(shots.map((s) => s.id));
    expect((await site.api.findOne("Task", [["entity.Shot.sg_sequence.Sequence.code", "is", "SQ010"]]))?.type).toBe("Task");
    const summary = await site.api.summarize("Task", [["entity.Shot.sg_sequence.Sequence.code", "is", "SQ010"]], [count]);
    expect(summary.summaries["id"]).toBe((await site.api.find("Task", [["entity.Shot.sg_sequence.Sequence.code", "is", "SQ010"]])).length);
  });

  it("ids and types at the end of a path (sg_task.Task.step.Step.id-like forms)", async () => {
    const tasks = await site.api.find("Task", [["entity.Shot.sg_sequence.Sequence.id", "greater_than", 0], ["entity.Shot.sg_sequence.Sequence.type", "is", "Sequence"]]);
    expect(tasks.length).toBeGreaterThan(0);
  });
});
