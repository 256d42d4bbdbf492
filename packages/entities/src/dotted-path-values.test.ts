/**
 * A value read through a link (`entity.Shot.id`) is `null` when the link is empty or points to an entity of another
 * type (a Task whose `entity` is an Asset): the site sends `null` for it, and so does the emulator. The types say so,
 * whatever the field's own type (an `id`, a checkbox, a list), in every result: `find`, `findOne`, `create`'s
 * `returnFields`, `batch`. Filter operands are the field's own values (`null` is a value of its own there). This file
 * is type-checked (`tsc -p tsconfig.json`): the `expectTypeOf` lines and the `@ts-expect-error` lines are assertions.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { filterBuilder, type EntityApi, type EntityLink, type ValueAt } from "./index.js";
import { sgFieldTypes, type SgSchema } from "./test-support/sg-schema.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let sg: EntityApi<SgSchema>;
beforeAll(async () => {
  site = await startSite();
  sg = site.apiWith<SgSchema>({ fieldTypes: sgFieldTypes });
});
afterAll(async () => {
  await site.close();
});

const throughLinks = ["project.Project.archived", "entity.Shot.id", "entity.Shot.type", "entity.Shot.tag_list", "entity.Shot.assets", "entity.Shot.sg_sequence.Sequence.id"] as const;

describe("values read through a link", () => {
  it("are typed `| null`, whatever the field's own type", () => {
    expectTypeOf<ValueAt<SgSchema, "Task", "entity.Shot.id", "date">>().toEqualTypeOf<number | null>();
    expectTypeOf<ValueAt<SgSchema, "Task", "entity.Shot.type", "date">>().toEqualTypeOf<"Shot" | null>();
    expectTypeOf<ValueAt<SgSchema, "Task", "project.Project.archived", "date">>().toEqualTypeOf<boolean | null>();
    expectTypeOf<ValueAt<SgSchema, "Task", "entity.Shot.tag_list", "date">>().toEqualTypeOf<string[] | null>();
    expectTypeOf<ValueAt<SgSchema, "Task", "entity.Shot.assets", "date">>().toEqualTypeOf<EntityLink<"Asset">[] | null>();
    expectTypeOf<ValueAt<SgSchema, "Task", "entity.Shot.created_at", "date">>().toEqualTypeOf<Date | null>();
    expectTypeOf<ValueAt<SgSchema, "Task", "entity.Shot.sg_sequence.Sequence.id", "date">>().toEqualTypeOf<number | null>();
    // The fields of the entity itself keep their own types.
    expectTypeOf<ValueAt<SgSchema, "Task", "id", "date">>().toEqualTypeOf<number>();
    expectTypeOf<ValueAt<SgSchema, "Project", "archived", "date">>().toEqualTypeOf<boolean>();
  });

  it("filter operands through a link are the field's values, without null", () => {
    const f = filterBuilder<SgSchema, "Task">();
    f.is("entity.Shot.id", 1);
    f.in("entity.Shot.tag_list", ["a"]);
    f.is("project.Project.archived", false);
    f.is("entity.Shot.id", null); // null: an empty field (or no Shot), as a value of its own
    // @ts-expect-error — a number field through a link still takes numbers only
    f.is("entity.Shot.id", "1");
    // @ts-expect-error — less_than takes no null
    f.lessThan("entity.Shot.id", null);
    expect(f.is("entity.Shot.id", 1)).toEqual(["entity.Shot.id", "is", 1]);
  });

  it("are null, as typed, for an empty link and a link to another type, in every result", async () => {
    const [asset] = await sg.find("Asset", [], ["code"], { limit: 1 });
    const onAsset = await sg.create("Task", { content: "dotted_on_asset", entity: asset! }, throughLinks);
    const unlinked = await sg.create("Task", { content: "dotted_unlinked" }, throughLinks);
    for (const task of [onAsset, unlinked]) {
      expectTypeOf(task["entity.Shot.id"]).toEqualTypeOf<number | null>();
      expectTypeOf(task["project.Project.archived"]).toEqualTypeOf<boolean | null>();
      expectTypeOf(task["entity.Shot.assets"]).toEqualTypeOf<EntityLink<"Asset">[] | null>();
      // @ts-expect-error — possibly null: the compiler asks for a check before the list is used (the crash it spares)
      const count = (): number => task["entity.Shot.tag_list"].length;
      expect(count).toThrow(TypeError);
      expect(task).toMatchObject({ "project.Project.archived": null, "entity.Shot.id": null, "entity.Shot.type": null, "entity.Shot.tag_list": null, "entity.Shot.assets": null, "entity.Shot.sg_sequence.Sequence.id": null });
    }

    const found = await sg.find("Task", [["id", "in", [onAsset.id, unlinked.id]]], ["entity.Shot.id", "entity.Shot.type"]);
    expectTypeOf(found[0]!["entity.Shot.id"]).toEqualTypeOf<number | null>();
    expectTypeOf(found[0]!["entity.Shot.type"]).toEqualTypeOf<"Shot" | null>();
    expect(found.map((t) => [t["entity.Shot.id"], t["entity.Shot.type"]])).toEqual([[null, null], [null, null]]);

    const one = await sg.findOne("Task", [["id", "is", onAsset.id]], ["entity.Asset.id", "entity.Shot.id"]);
    expectTypeOf(one!["entity.Asset.id"]).toEqualTypeOf<number | null>();
    expect(one).toMatchObject({ "entity.Asset.id": asset!.id, "entity.Shot.id": null });

    const [batched] = await sg.batch([{ request_type: "create", entity_type: "Task", data: { content: "dotted_batch", entity: asset! }, return_fields: ["entity.Shot.tag_list"] }] as const);
    expectTypeOf(batched["entity.Shot.tag_list"]).toEqualTypeOf<string[] | null>();
    expect(batched["entity.Shot.tag_list"]).toBeNull();
  });
});
