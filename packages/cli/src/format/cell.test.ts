import { describe, expect, it } from "vitest";
import { cellText } from "./cell.js";
import { csvField } from "./csv.js";

// Which objects a table or CSV cell prints as a link (`Type:id`) and which as JSON.
describe("cellText: links and other objects", () => {
  it("prints a link to any entity type as Type:id, a multi-entity field's connection type (with underscores) included", () => {
    for (const type of ["Shot", "CustomEntity01", "Asset_sg_linked_shots_Connection"]) {
      expect(cellText({ type, id: 5 }, "csv")).toBe(`${type}:5`);
      expect(cellText({ type, id: 5, name: "hero" }, "table")).toBe(`hero (${type}:5)`);
    }
  });

  it("prints a dict whose type is not an entity type name (an event's meta) as JSON with all its keys", () => {
    const meta = { type: "entity_retirement", id: 2, entity_type: "Shot" };
    expect(cellText(meta, "csv")).toBe(JSON.stringify(meta));
  });
});

// What the TSDoc of cellText says of line breaks: one line in a table, kept in CSV for csvField to quote.
describe("cellText: line breaks", () => {
  it("shows a line break as ⏎ in a table and keeps it in CSV, where csvField quotes it", () => {
    expect(cellText("a\nb", "table")).toBe("a ⏎ b");
    expect(cellText("a\nb", "csv")).toBe("a\nb");
    expect(csvField(cellText("a\nb", "csv"))).toBe('"a\nb"');
  });
});
