/**
 * A filter operand that is an object with a `toJSON` (a `Temporal.PlainDate`, a dayjs or luxon date, an app's link
 * class) is taken as what its `toJSON` returns, called once, as a write takes it, against the emulator. Before, core
 * refused it as "an entity link" whatever its `toJSON` gave.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject, refusalOn } from "./test-support/suite.js";

let site: TestSite;
let project: { type: "Project"; id: number };
let shot: number;
let field: string;
beforeAll(async () => {
  site = await startSite();
  project = demoProject(site);
  field = await site.api.schemaFieldCreate("Shot", "date", "Date");
  shot = (await site.api.create("Shot", { code: "tj_010", project, [field]: "2026-03-04" })).id;
  await site.api.create("Shot", { code: "tj_020", project, [field]: "2026-03-05" });
});
afterAll(async () => {
  await site.close();
});

/** A day as `Temporal.PlainDate` gives it by `toJSON()`; `calls` counts the calls. */
const plainDate = (day: string): { calls: number; toJSON(): string } => {
  const date = { calls: 0, toJSON: () => (date.calls++, day) };
  return date;
};

/** An app's link class: what it sends is what its toJSON gives. */
class ShotRef {
  constructor(private readonly shotId: number) {}
  toJSON(): unknown {
    return { type: "Shot", id: this.shotId };
  }
}

describe("a filter operand with a toJSON", () => {
  it("a date object finds the row of the day its toJSON gives", async () => {
    expect(field).toBe("sg_date");
    const day = plainDate("2026-03-04");
    const found = await site.api.find("Shot", [["sg_date", "is", day], ["project", "is", project]], ["code"]);
    expect(found.map((r) => r.id)).toEqual([shot]);
    expect(day.calls).toBe(1);
  });

  it("a link class finds the rows its link names, in is and in", async () => {
    const note = await site.api.create("Note", { project, subject: "tj", note_links: [{ type: "Shot", id: shot }] });
    expect((await site.api.find("Note", [["note_links", "is", new ShotRef(shot)]], ["id"])).map((r) => r.id)).toEqual([note.id]);
    expect((await site.api.find("Note", [["note_links", "in", [new ShotRef(shot)]]], ["id"])).map((r) => r.id)).toEqual([note.id]);
  });

  it("with the field's type known, its toJSON still runs once, and an impossible day from it is refused before sending", async () => {
    const api = site.apiWith({ fieldTypes: { Shot: { sg_date: "date" } } });
    const day = plainDate("2026-03-04");
    expect((await api.find("Shot", [["sg_date", "is", day], ["project", "is", project]], ["code"])).map((r) => r.id)).toEqual([shot]);
    expect(day.calls).toBe(1);
    const impossible = plainDate("2026-02-30");
    const error = await refusalOn(site, () => api.find("Shot", [["sg_date", "is", impossible]], ["id"]));
    expect(error).toMatchObject({ path: ["filters", 0, 2], expected: "a real calendar day in YYYY-MM-DD format" });
    expect(impossible.calls).toBe(1);
    const instant = plainDate("2026-03-04T11:00:00.000Z");
    expect((await refusalOn(site, () => api.find("Shot", [["sg_date", "is", instant]], ["id"]))).message).toContain("encodeDate(d)");
    expect(instant.calls).toBe(1);
  });
});
