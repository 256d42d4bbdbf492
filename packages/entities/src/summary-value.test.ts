import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { startSite, type TestSite } from "./test-support/site.js";

// A summary's `value` (status_percentage, percentage) must reach the site: without it the site answers the share
// of `fin` (or of non-empty rows), a plausible number for a different question.
let site: TestSite;
let project: { type: string; id: number };
let sequence: { type: string; id: number };
beforeAll(async () => {
  site = await startSite({ fixtures: "empty", clock: "2026-01-12T09:00:00Z" });
  const created = await site.api.create("Project", { name: "Percentages" });
  project = { type: created.type, id: created.id };
  const seq = await site.api.create("Sequence", { code: "SQ1", project });
  sequence = { type: seq.type, id: seq.id };
  for (const [code, status, cut, inSequence] of [["a", "ip", 1, true], ["b", "ip", 1, true], ["c", "ip", 2, true], ["d", "fin", 3, false]] as const) {
    await site.api.create("Shot", { code, project, sg_status_list: status, sg_cut_in: cut, sg_sequence: inSequence ? sequence : null });
  }
});
afterAll(async () => {
  await site.close();
});

describe("summarize: a summary's value", () => {
  it("asks status_percentage for the share of the status given, and percentage for the share equal to the value", async () => {
    site.sent.length = 0;
    const summaries = [{ field: "sg_status_list", type: "status_percentage", value: "ip" }, { field: "sg_cut_in", type: "percentage", value: 1 }] as const;
    const result = await site.api.summarize("Shot", [["project", "is", project]], summaries);
    expect(result.summaries).toEqual({ sg_status_list: 75, sg_cut_in: 50 });
    expect(site.payloads("summarize")[0]).toMatchObject({ summaries: [...summaries] });
  });

  it("sends no value when none is given (the site's default: the share of fin)", async () => {
    site.sent.length = 0;
    const result = await site.api.summarize("Shot", [["project", "is", project]], [{ field: "sg_status_list", type: "status_percentage", value: undefined }]);
    expect(result.summaries).toEqual({ sg_status_list: 25 });
    expect(site.payloads("summarize")[0]).toMatchObject({ summaries: [{ field: "sg_status_list", type: "status_percentage" }] });
    expect((site.payloads("summarize")[0] as { summaries: object[] }).summaries[0]).not.toHaveProperty("value");
  });

  // percentage on an entity field counts the rows linking to the value (the site matches it as an `is` filter does:
  // by type and id); null counts the rows with no value, on any field.
  it("takes an entity link (trimmed to its link keys, as filters are) and null", async () => {
    site.sent.length = 0;
    const link = { ...sequence, name: "SQ1", code: "SQ1", project };
    const result = await site.api.summarize("Shot", [["project", "is", project]], [{ field: "sg_sequence", type: "percentage", value: link }, { field: "sg_cut_in", type: "percentage", value: null }]);
    expect(result.summaries).toEqual({ sg_sequence: 75, sg_cut_in: 0 });
    expect(site.payloads("summarize")[0]).toMatchObject({ summaries: [{ field: "sg_sequence", type: "percentage", value: { ...sequence, name: "SQ1" } }, { field: "sg_cut_in", type: "percentage", value: null }] });
    expect((site.payloads("summarize")[0] as { summaries: { value: object }[] }).summaries[0]!.value).not.toHaveProperty("code");
    const none = await site.api.summarize("Shot", [["project", "is", project]], [{ field: "sg_sequence", type: "percentage", value: null }]);
    expect(none.summaries).toEqual({ sg_sequence: 25 });
  });

  it("sends a Date as a wire datetime (the share of rows at that time)", async () => {
    site.sent.length = 0;
    const result = await site.api.summarize("Shot", [["project", "is", project]], [{ field: "created_at", type: "percentage", value: new Date("2026-01-12T09:00:00Z") }]);
    expect(site.payloads("summarize")[0]).toMatchObject({ summaries: [{ field: "created_at", type: "percentage", value: "2026-01-12T09:00:00Z" }] });
    expect(result.summaries).toEqual({ created_at: 100 });
  });

  const VALUE = "a string, a finite number, a boolean, null, a Date or an entity link { type, id }";
  const refused: [string, unknown, (string | number)[], string][] = [
    ["a value that is an object", { field: "sg_status_list", type: "status_percentage", value: { code: "ip" } }, ["summaryFields", 0, "value"], VALUE],
    ["a value that is a list", { field: "sg_sequence", type: "percentage", value: [{ type: "Sequence", id: 1 }, undefined] }, ["summaryFields", 0, "value"], VALUE],
    ["a value that is NaN", { field: "sg_cut_in", type: "percentage", value: Number.NaN }, ["summaryFields", 0, "value"], "a finite number"],
    ["a value that is an invalid Date", { field: "created_at", type: "percentage", value: new Date("bad") }, ["summaryFields", 0, "value"], "a valid Date"],
    ["a value on a type that takes none", { field: "sg_cut_in", type: "sum", value: 1 }, ["summaryFields", 0, "value"], "no value: only 'percentage' and 'status_percentage' take one"],
    ["an unknown key (Python has no 'values')", { field: "sg_status_list", type: "status_percentage", values: ["ip"] }, ["summaryFields", 0, "values"], "one of field, type, value"],
  ];
  it.each(refused)("refuses %s before sending, naming its path", async (_name, item, path, expected) => {
    site.sent.length = 0;
    const error = await site.api.summarize("Shot", [], [item as never]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path, expected });
    expect(site.sent).toEqual([]);
  });
});
