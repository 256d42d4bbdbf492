// Calls a script ported from the Python client makes, checked to send what it sends and return what it returns.
import { describe, expect, it } from "vitest";
import { demoProject, useSite } from "./test-support/suite.js";

const site = useSite();

describe("limit: 0 is sent as the Python client sends it", () => {
  it("textSearch sends max_results: 0 and gets the site's matches", async () => {
    const result = await site().api.textSearch("SQ010", { Shot: [] }, { limit: 0 });
    expect(site().payloads("query_display_name_cache").at(-1)).toMatchObject({ text: "SQ010", max_results: 0 });
    expect(result.matches.length).toBeGreaterThan(0);
  });

  it("activityStreamRead sends limit: 0 and gets the site's updates", async () => {
    const shot = await site().api.create("Shot", { code: "parity_limit_0", project: demoProject(site()) });
    const stream = await site().api.activityStreamRead("Shot", shot.id, { limit: 0 });
    expect(site().payloads("activity_stream").at(-1)).toEqual({ type: "Shot", id: shot.id, max_id: null, min_id: null, limit: 0, entity_fields: {} });
    expect(stream.entity_id).toBe(shot.id);
    expect(stream.updates.length).toBeGreaterThan(0);
  });
});
