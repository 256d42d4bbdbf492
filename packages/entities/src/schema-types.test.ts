/**
 * The site schema type, by example. This file is type-checked (`tsc -p tsconfig.json` includes tests): the
 * `expectTypeOf` lines and the `@ts-expect-error` lines are the real assertions; the runtime part checks the
 * same calls against the emulator.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { DateMode, Filter } from "@sg/core";
import { create, downloadAttachment, entityApi, entityContext, filterBuilder, update, type DownloadOptions, type EntityApi, type EntityApiOptions, type EntityData, type EntityLink, type EntityRecord, type EntityTypeName, type FieldPath, type SiteSchema, type Simplify } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

/** A small hand-written schema, in exactly the shape `sg typegen` emits. */
type DemoSite = {
  Shot: {
    id: { type: "number"; value: number };
    code: { type: "text"; value: string | null };
    description: { type: "text"; value: string | null };
    sg_status_list: { type: "status_list"; value: "wtg" | "rdy" | "ip" | "hld" | "fin" | "cbb" | "omt" | null };
    sg_sequence: { type: "entity"; value: EntityLink<"Sequence"> | null };
    assets: { type: "multi_entity"; value: EntityLink<"Asset">[] };
    sg_cut_in: { type: "number"; value: number | null };
    created_at: { type: "date_time"; value: string | null };
    project: { type: "entity"; value: EntityLink<"Project"> | null };
    image: { type: "image"; value: string | null };
    cached_display_name: { type: "text"; value: string | null };
  };
  Sequence: {
    code: { type: "text"; value: string | null };
    created_at: { type: "date_time"; value: string | null };
    project: { type: "entity"; value: EntityLink<"Project"> | null };
  };
  Asset: {
    code: { type: "text"; value: string | null };
    sg_asset_type: { type: "list"; value: "Character" | "Prop" | "Environment" | null };
  };
  Project: {
    name: { type: "text"; value: string | null };
  };
};

// The example satisfies the constraint.
expectTypeOf<DemoSite>().toExtend<SiteSchema>();

/**
 * Compile-only: valid code that compiled before the schema types were reworked (4c87e8f) and must keep compiling;
 * each call failed to compile before it was fixed.
 */
async function stillCompiles(api: EntityApi<DemoSite>, extra: boolean): Promise<void> {
  // 1. A field list passed through a generic helper.
  async function shotFields<const F extends readonly FieldPath<DemoSite, "Shot">[]>(fields: F) {
    await api.findOne("Shot", [], fields);
    await api.create("Shot", { code: "x" }, fields);
    return api.find("Shot", [], fields);
  }
  const rows = await shotFields(["code", "sg_sequence.Sequence.code"]);
  expectTypeOf(rows[0]!["sg_sequence.Sequence.code"]).toEqualTypeOf<string | null>();
  async function anyFields<E extends EntityTypeName<DemoSite>, const F extends readonly FieldPath<DemoSite, E>[]>(type: E, fields: F) {
    return api.find(type, [], fields);
  }
  void anyFields;
  // 2. A union of literal lists.
  const fields = extra ? (["code", "description"] as const) : (["code"] as const);
  const union = await api.find("Shot", [], fields);
  expectTypeOf(union[0]!.code).toEqualTypeOf<string | null>();
  expectTypeOf(union[0]!.description).toEqualTypeOf<string | null | undefined>();
  // 3. A helper generic in its date mode.
  const makeApi = <D extends DateMode>(options: EntityApiOptions<D>) => entityApi<DemoSite, D>(api.client, options);
  const makeContext = <D extends DateMode>(options?: EntityApiOptions<D>) => entityContext<DemoSite, D>(api.client, options);
  void makeApi;
  void makeContext;
  // @ts-expect-error — string dates still need dates: "string"
  entityApi<DemoSite, "string">(api.client, {});
  // 4. Download options that may be undefined.
  const passOn = (opts?: DownloadOptions) => downloadAttachment(api, 1, opts);
  expectTypeOf(passOn).returns.toEqualTypeOf<Promise<Uint8Array | string>>();
  // 5. type and id with a generic entity type; a field all the types of the constraint have.
  const byType = <E extends EntityTypeName<DemoSite>>(type: E) => api.find(type, [], ["type", "id"]);
  const codes = <E extends "Shot" | "Sequence" | "Asset">(type: E) => api.find(type, [], ["code"]);
  void byType;
  void codes;
  // @ts-expect-error — not every type has description
  await ((type: "Shot" | "Asset") => api.find(type, [], ["description"]))("Shot");
  // 6. update and create with a generic entity type: literal data every type can write, EntityData passed on (as batch).
  async function touch<E extends "Shot" | "Asset">(type: E, data: EntityData<DemoSite, E, "update">) {
    await api.update(type, 1, { code: "x" });
    await api.update(type, 1, data);
    await api.create(type, { code: "x" });
    await api.batch([{ request_type: "update", entity_type: type, entity_id: 1, data }]);
    await update(entityContext<DemoSite>(api.client), type, 1, data);
    await create(api, type, { code: "x" }, ["code"]);
    // @ts-expect-error — Asset has no sg_cut_in
    await api.update(type, 1, { code: "x", sg_cut_in: 1 });
  }
  void touch;
  // 7. A helper generic in the schema: its literal filters and data are taken unchecked, as in the loose mode.
  async function byCode<S extends SiteSchema, E extends EntityTypeName<S>>(site: EntityApi<S>, type: E, id: number) {
    await site.update(type, id, { code: "x" });
    return site.findOne(type, [["id", "is", id], ["code", "is", "x"]], ["id"]);
  }
  void byCode;
}
void stillCompiles;

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe("typed records from a site schema", () => {
  it("find returns records typed with the requested fields plus type and id", async () => {
    const sg = site.apiWith<DemoSite>();
    const shots = await sg.find("Shot", [["sg_status_list", "is", "ip"]], ["code", "sg_status_list", "sg_sequence", "created_at"]);
    const shot = shots[0]!;
    expectTypeOf(shot.type).toEqualTypeOf<"Shot">();
    expectTypeOf(shot.id).toEqualTypeOf<number>();
    expectTypeOf(shot.code).toEqualTypeOf<string | null>();
    expectTypeOf(shot.sg_status_list).toEqualTypeOf<"wtg" | "rdy" | "ip" | "hld" | "fin" | "cbb" | "omt" | null>();
    expectTypeOf(shot.sg_sequence).toEqualTypeOf<EntityLink<"Sequence"> | null>();
    expectTypeOf(shot.created_at).toEqualTypeOf<Date | null>();
    // @ts-expect-error — not requested, so not on the record
    void shot.description;
    expect(shot).toMatchObject({ type: "Shot", sg_status_list: "ip" });
    expect(shot.created_at).toBeInstanceOf(Date);
  });

  it("types dotted paths through the linked entity type, and dates as strings on request", async () => {
    const sg = site.apiWith<DemoSite, "string">({ dates: "string" });
    const shot = (await sg.findOne("Shot", [], ["sg_sequence.Sequence.code", "sg_sequence.Sequence.created_at", "created_at"]))!;
    expectTypeOf(shot["sg_sequence.Sequence.code"]).toEqualTypeOf<string | null>();
    expectTypeOf(shot["sg_sequence.Sequence.created_at"]).toEqualTypeOf<string | null>();
    expectTypeOf(shot.created_at).toEqualTypeOf<string | null>();
    expect(typeof shot.created_at).toBe("string");
  });

  it("rejects unknown entity types and fields at compile time", async () => {
    const sg = site.apiWith<DemoSite>();
    // @ts-expect-error — no such entity type in the schema
    await sg.find("Shoot", []).catch(() => undefined);
    // @ts-expect-error — no such field on Shot
    await sg.find("Shot", [], ["cod"]).catch(() => undefined);
    // @ts-expect-error — wrong value type for a field
    await sg.create("Shot", { code: 42 }).catch(() => undefined);
    expect(true).toBe(true);
  });

  it("types create and update data", async () => {
    const sg = site.apiWith<DemoSite>();
    const project = site.emulator.card.projects[0] as EntityLink<"Project">;
    const created = await sg.create("Shot", { code: "typed_1", project, sg_status_list: "wtg", created_at: new Date() }, ["sg_cut_in"]);
    expectTypeOf(created.code).toEqualTypeOf<string | null>();
    expectTypeOf(created.sg_cut_in).toEqualTypeOf<number | null>();
    expectTypeOf(created.created_at).toEqualTypeOf<Date | null>();
    // @ts-expect-error — neither written nor requested, so not on the record (it is absent at run time)
    void created.description;
    expect("description" in created).toBe(false);
    const updated = await sg.update("Shot", created.id, { sg_status_list: "ip" });
    expectTypeOf(updated.sg_status_list).toEqualTypeOf<DemoSite["Shot"]["sg_status_list"]["value"]>();
    expect(updated.sg_status_list).toBe("ip");
    // @ts-expect-error — not written, so not on the record
    void updated.code;
    expect("code" in updated).toBe(false);
    // @ts-expect-error — a key that is not a field of Shot is refused next to real fields too
    await sg.update("Shot", created.id, { code: "typed_2", cod: "x" }).catch(() => undefined);
    // @ts-expect-error — likewise for create
    await sg.create("Shot", { code: "typed_3", sg_status_lst: "ip" }).catch(() => undefined);
    // A site refuses to set cached_display_name, though its schema calls it editable (and a schema may not say).
    // @ts-expect-error — so it is not writable, as id and type are not
    await expect(sg.update("Shot", created.id, { cached_display_name: "x" })).rejects.toThrow("Shot.cached_display_name cannot be set");
    // @ts-expect-error — nor on create
    await expect(sg.create("Shot", { code: "typed_4", cached_display_name: "x" })).rejects.toThrow("Shot.cached_display_name cannot be set");
    const assets = await sg.find("Asset", [], [], { limit: 1 });
    const linked = await sg.update("Shot", created.id, { assets, sg_sequence: null }, { multiEntityUpdateModes: { assets: "add" } });
    expectTypeOf(linked.assets).toEqualTypeOf<EntityLink<"Asset">[]>();
  });

  it("offers a typed filter builder", async () => {
    const f = filterBuilder<DemoSite, "Shot">();
    const sg = site.apiWith<DemoSite>();
    const shots = await sg.find("Shot", [f.in("sg_status_list", ["ip", "fin"]), f.greaterThan("sg_cut_in", 0)], ["code"]);
    expect(shots.length).toBeGreaterThan(0);
    // @ts-expect-error — not a status of the union
    f.is("sg_status_list", "done");
    // @ts-expect-error — no such field
    f.is("nope", 1);
    f.is("sg_sequence", { type: "Sequence", id: 1 });
    f.is("assets", { type: "Asset", id: 1 });
    f.between("created_at", new Date(0), "2030-01-01T00:00:00Z");
  });

  it("checks list-syntax filters against the schema; what compiles, the site takes", async () => {
    const sg = site.apiWith<DemoSite>();
    const shots = await sg.find(
      "Shot",
      [
        ["sg_sequence.Sequence.code", "is", "SQ010"], // one hop through an entity link
        ["assets.Asset.sg_asset_type", "is", "Prop"], // one hop through a multi-entity link
        ["sg_status_list", "in", ["ip", "wtg"]], // `in` with a list of statuses
        ["sg_cut_in", "between", 1000, 1002], // `between`, low and high
        ["sg_cut_in", "between", [null, 1001]], // `between` as [low, high], an open end
        { filter_operator: "any", filters: [["code", "ends_with", "0010"], ["code", "ends_with", "0030"], { filter_operator: "all", filters: [["id", "is", -1]] }] },
      ],
      ["code"],
    );
    expect(shots.map((s) => s.code).sort()).toEqual(["SQ010_0010", "SQ010_0030"]);
    // A list built at run time is accepted as it is (not checked).
    const built: Filter[] = [["sg_status_list", "is", "fin"]];
    expect((await sg.find("Shot", built, ["code"])).map((s) => s.code)).toEqual(["SQ010_0020"]);
    // @ts-expect-error — "cdoe" is not a field of Shot
    await sg.find("Shot", [["cdoe", "is", "SQ010_0010"]]).catch(() => undefined);
    // @ts-expect-error — nor of Sequence, through the link
    await sg.find("Shot", [["sg_sequence.Sequence.cdoe", "is", "SQ010"]]).catch(() => undefined);
    // @ts-expect-error — nor of Asset, through the multi-entity link
    await sg.find("Shot", [["assets.Asset.sg_asset_typ", "is", "Prop"]]).catch(() => undefined);
    // @ts-expect-error — "done" is not a status of the list
    await sg.find("Shot", [["sg_status_list", "in", ["ip", "done"]]]).catch(() => undefined);
    // @ts-expect-error — between takes numbers on a number field
    await sg.find("Shot", [["sg_cut_in", "between", "a", "z"]]).catch(() => undefined);
    // @ts-expect-error — a group nested in a group is checked too
    await sg.find("Shot", [{ filter_operator: "any", filters: [["code", "is", "x"], { filter_operator: "all", filters: [["sg_cut_ni", "is", 1]] }] }]).catch(() => undefined);
    // @ts-expect-error — a relation the site does not know
    await sg.find("Shot", [["code", "equals", "x"]]).catch(() => undefined);
  });

  it("takes paths of more than one hop in the builder and in order, checked hop by hop", async () => {
    const sg = site.apiWith<DemoSite>();
    const f = filterBuilder<DemoSite, "Shot">();
    const [project] = await sg.find("Project", [], ["name"], { limit: 1 });
    const shots = await sg.find("Shot", [f.is("sg_sequence.Sequence.project.Project.name", project!.name)], ["code"], {
      order: ["-sg_sequence.Sequence.project.Project.name", { field_name: "sg_sequence.Sequence.code", direction: "desc" }, "code"],
    });
    expect(shots.map((s) => s.code)).toEqual(["SQ020_0010", "SQ020_0020", "SQ020_0030", "SQ010_0010", "SQ010_0020", "SQ010_0030"]);
    f.in("sg_sequence.Sequence.project.Project.name", ["a", null]);
    f.inLast("sg_sequence.Sequence.created_at", 2, "DAY");
    // @ts-expect-error — nme is not a field of Project (second hop)
    f.is("sg_sequence.Sequence.project.Project.nme", "x");
    // @ts-expect-error — the operand is typed through the hops too
    f.is("sg_sequence.Sequence.project.Project.name", 5);
    // @ts-expect-error — a builder method without a typed operand checks the path as well
    f.startsWith("sg_sequence.Sequence.projcet.Project.name", "x");
    // @ts-expect-error — an order key of more hops is checked hop by hop
    await sg.find("Shot", [], ["code"], { order: ["-sg_sequence.Sequence.project.Project.nme"] }).catch(() => undefined);
    // @ts-expect-error — in the { field_name } form too
    await sg.find("Shot", [], ["code"], { order: [{ field_name: "sg_sequence.Sequence.cdoe", direction: "desc" }] }).catch(() => undefined);
  });

  it("is loose without a schema: any type, any field, unknown values", async () => {
    const shots = await site.api.find("Shot", [], ["code"]);
    expectTypeOf(shots[0]!).toEqualTypeOf<EntityRecord<import("./index.js").LooseSchema, string>>();
    expectTypeOf(shots[0]!.code).toEqualTypeOf<unknown>();
    expectTypeOf(shots[0]!.id).toEqualTypeOf<number>();
  });
});

// The exported `Simplify` is a helper users write into their own generic code: a value of a generic `T` must still be
// one of `Simplify<T>` (a conditional form, which TypeScript leaves unresolved while `T` is generic, refused this).
function flat<T extends object>(x: T): Simplify<T> {
  return x;
}
function tagged<T extends { id: number }>(x: T): Simplify<T & { seen: true }> {
  return { ...x, seen: true };
}

describe("Simplify in a user's generic code", () => {
  it("takes a value of its generic type as it is, and flattens an intersection", () => {
    const shot = tagged(flat({ type: "Shot", id: 7 }));
    expectTypeOf(shot).toEqualTypeOf<{ type: string; id: number; seen: true }>();
    expect(shot).toEqual({ type: "Shot", id: 7, seen: true });
  });
});
