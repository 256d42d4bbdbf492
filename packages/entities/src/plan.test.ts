import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { contextOf, type Context } from "./context.js";
import { fullPlan, quickPlan } from "./find.js";
import { startSite, type TestSite } from "./test-support/site.js";

// The quick planner must build exactly what the full planner builds for every input it accepts, and decline
// (return undefined) everything else so the full planner can validate it.
let site: TestSite;
let ctx: Context;
beforeAll(async () => {
  site = await startSite();
  ctx = contextOf(site.api);
  await site.api.info();
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  site.sent.length = 0;
});

const accepted: [string, unknown, unknown][] = [
  ["Shot", [["id", "is", 1]], ["code", "sg_status_list"]],
  ["Shot", [], []],
  ["Shot", [["code", "is", "SH010"], ["sg_status_list", "is_not", "fin"]], ["code"]],
  ["Task", [["content", "contains", "anim"], ["content", "not_contains", "x"]], ["content", "entity.Shot.code"]],
  ["Shot", [["sg_cut_in", "less_than", 1001], ["sg_cut_out", "greater_than", 1.5]], ["sg_cut_in"]],
  ["Shot", [["sg_sequence.Sequence.code", "is", "SQ010"]], ["sg_sequence"]],
  ["Shot", [["description", "is", null], ["sg_flag", "is", false], ["code", "is", ""]], ["description"]],
  ["CustomEntity01", [["code", "is", "Noël — ü"]], ["code"]],
];

describe("quickPlan builds what fullPlan builds", () => {
  it.each(accepted.flatMap(([type, filters, fields]) => [true, false].map((single) => [type, JSON.stringify(filters), fields, single] as const)))(
    "%s %s %j single=%s",
    async (type, filtersJson, fields, single) => {
      const filters: unknown = JSON.parse(filtersJson);
      const quick = quickPlan(ctx, type, filters, fields, undefined, single);
      expect(quick).toBeDefined();
      expect(quick).toEqual(await fullPlan(ctx, type, filters, fields, undefined, single));
    },
  );

  it("findOne sends the same payload through either planner", async () => {
    // `{}` as options is outside the quick path's shape, so the second call takes the full planner.
    const a = await site.api.findOne("Shot", [["code", "is", "SQ010_0010"]], ["code", "sg_status_list"]);
    const b = await site.api.findOne("Shot", [["code", "is", "SQ010_0010"]], ["code", "sg_status_list"], {});
    expect(a).not.toBeNull();
    expect(b).toEqual(a);
    const [quickPayload, fullPayload] = site.payloads("read");
    expect(quickPayload).toEqual(fullPayload);
  });
});

describe("quickPlan declines what it does not handle", () => {
  const declined: [string, unknown, unknown, unknown, unknown][] = [
    ["options given", "Shot", [], [], {}],
    ["order option", "Shot", [], [], { order: ["code"] }],
    ["filters undefined", "Shot", undefined, [], undefined],
    ["fields undefined", "Shot", [], undefined, undefined],
    ["a group", "Shot", { filter_operator: "any", filters: [] }, [], undefined],
    ["a wire tree", "Shot", { logical_operator: "and", conditions: [] }, [], undefined],
    ["a nested group in the list", "Shot", [{ filter_operator: "any", filters: [["code", "is", "a"]] }], [], undefined],
    ["in with a list", "Shot", [["id", "in", [1, 2]]], [], undefined],
    ["between", "Shot", [["id", "between", 1, 2]], [], undefined],
    ["starts_with (string-only relation)", "Shot", [["code", "starts_with", "a"]], [], undefined],
    ["in_last (four items)", "Shot", [["created_at", "in_last", 1, "DAY"]], [], undefined],
    ["an entity link value", "Shot", [["project", "is", { type: "Project", id: 1 }]], [], undefined],
    ["a Date value", "Shot", [["created_at", "greater_than", new Date(0)]], [], undefined],
    ["NaN", "Shot", [["id", "is", Number.NaN]], [], undefined],
    ["a bad field path", "Shot", [["co de", "is", "a"]], [], undefined],
    ["a bad return field", "Shot", [], ["code", 7], undefined],
    ["a bad entity type", "Sh ot", [], [], undefined],
    ["an unknown relation", "Shot", [["code", "equals", "a"]], [], undefined],
  ];
  it.each(declined)("%s", (_label, type, filters, fields, options) => {
    expect(quickPlan(ctx, type, filters, fields, options, true)).toBeUndefined();
  });

  it("bad input it declines still gets the full planner's typed error, and nothing is sent", async () => {
    await expect(site.api.findOne("Shot", [["sg_sequence..code", "is", "a"]])).rejects.toThrow(/filters\[0\]\[0\]/);
    await expect(site.api.findOne("Shot", [], ["code", 7 as unknown as string])).rejects.toThrow(/fields\[1\]/);
    await expect(site.api.find("Sh ot" as "Shot", [])).rejects.toThrow(/entityType/);
    expect(site.payloads("read")).toEqual([]);
  });

  it("waits for info on a client that has not read it yet (no cached site facts)", async () => {
    const { client, sent } = site.freshClient();
    const fresh = contextOf(client);
    expect(quickPlan(fresh, "Shot", [], [], undefined, true)).toBeUndefined();
    const planned = fullPlan(fresh, "Shot", [], [], undefined, true);
    expect(planned).toBeInstanceOf(Promise);
    await planned;
    expect(sent.map((r) => r.method)).toEqual(["info"]);
    expect(quickPlan(fresh, "Shot", [], [], undefined, true)).toBeDefined();
  });
});

describe("cached site facts follow a refresh of info", () => {
  it("infoNow() is the client's cached info: nothing while a refresh started elsewhere is pending, and no request", async () => {
    const { client, sent } = site.freshClient();
    const fresh = contextOf(client);
    expect(fresh.infoNow()).toBeUndefined();
    const first = await fresh.info();
    expect(fresh.infoNow()).toBe(first);
    const refreshing = client.info({ refresh: true });
    expect(fresh.infoNow()).toBeUndefined();
    expect(quickPlan(fresh, "Shot", [], [], undefined, true)).toBeUndefined(); // the full planner awaits the refresh
    const second = await refreshing;
    expect(fresh.infoNow()).toBe(second);
    expect(sent.map((r) => r.method)).toEqual(["info", "info"]);
  });
});
