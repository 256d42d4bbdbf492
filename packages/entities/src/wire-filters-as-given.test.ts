/**
 * A filter tree given in the wire form (`{ logical_operator, conditions }`) is sent as it is, only validated, as the
 * Python client sends a dict and as the README says; list filters still have their links trimmed to type and id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe("links in filters", () => {
  it("a wire tree's are sent whole; a list filter's are trimmed to type and id", async () => {
    const [sequence] = await site.api.find("Sequence", [], ["code"], { limit: 1 });
    const link = { type: "Sequence" as const, id: sequence!.id, code: sequence!.code, extra: "kept" };
    site.sent.length = 0;
    const viaTree = await site.api.find("Shot", { logical_operator: "and", conditions: [{ path: "sg_sequence", relation: "is", values: [link] }] }, ["code"]);
    const viaList = await site.api.find("Shot", [["sg_sequence", "is", link]], ["code"]);
    const [tree, list] = site.payloads("read").slice(-2) as { filters: { conditions: { values: unknown[] }[] } }[];
    expect(tree!.filters.conditions[0]!.values).toEqual([link]);
    expect(list!.filters.conditions[0]!.values).toEqual([{ type: "Sequence", id: sequence!.id }]);
    // The site matches a link by type and id: the same rows either way.
    expect(viaTree.map((s) => s.id)).toEqual(viaList.map((s) => s.id));
    expect(viaTree.length).toBeGreaterThan(0);
  });
});
