/**
 * The schema types against a schema of real size: the emulator's 77 entity types as `sg typegen` writes them
 * (test-support/sg-schema.ts, kept in step with typegen by a test of @sg/cli). This file is type-checked
 * (`tsc -p tsconfig.json`): the `expectTypeOf` lines and the `@ts-expect-error` lines are the assertions. How
 * long the compiler takes on such calls is measured by `npm run bench:types`, not asserted here.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { DateMode, Filter } from "@sg/core";
import { activityStreamRead, batch, create, downloadAttachment, entityApi, entityContext, filterBuilder, find, findOne, noteThreadRead, summarize, update, type BatchCreate, type BatchRequest, type BatchResult, type DownloadOptions, type Grouping, type SummaryField, type EntityApi, type EntityApiOptions, type EntityData, type EntityLink, type EntityTypeName, type FieldPath, type FoundRecord, type OrderItem, type SiteSchema, type TextSearchTypes, type UpdateOptions, type ActivityStreamOptions, type NoteThreadOptions } from "./index.js";
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

/** Compile-only: never called (the calls would need data the demo fixtures may not hold). */
async function compileOnly(api: EntityApi<SgSchema>): Promise<void> {
  // 1. A typo in returnFields is one error naming the entity and the field (it used to take minutes and GBs).
  // @ts-expect-error — "cdoe" is not a field of Shot
  await api.create("Shot", { code: "x" }, ["cdoe"]);
  // @ts-expect-error — likewise in find
  await api.find("Shot", [], ["code", "cdoe"]);

  // 3. Dotted paths are checked hop by hop.
  // @ts-expect-error — cdoe is not a field of Sequence
  await api.find("Shot", [], ["sg_sequence.Sequence.cdoe"]);
  // @ts-expect-error — code is not an entity link
  await api.find("Shot", [], ["code.Sequence.code"]);
  // @ts-expect-error — sg_sequence of Shot does not link to Shot
  await api.find("Shot", [], ["sg_sequence.Shot.code"]);
  // @ts-expect-error — a second hop is checked too
  await api.find("Shot", [], ["sg_sequence.Sequence.project.Project.nme"]);
  const deep = await api.findOne("Shot", [], ["sg_sequence.Sequence.project.Project.name"]);
  expectTypeOf(deep!["sg_sequence.Sequence.project.Project.name"]).toEqualTypeOf<string | null>();

  // 4. No values through a multi-entity link in fields; filters may go through it.
  // @ts-expect-error — assets of Shot is a multi-entity link
  await api.find("Shot", [], ["assets.Asset.code"]);
  const f = filterBuilder<SgSchema, "Shot">();
  f.is("assets.Asset.code", "chair");
  // @ts-expect-error — and in order
  await api.find("Shot", [], ["code"], { order: ["assets.Asset.code"] });

  // 2. Data typed EntityData: the written fields may be missing from the record.
  const data: EntityData<SgSchema, "Shot"> = { code: "x" };
  const c = await api.create("Shot", data);
  expectTypeOf(c.code).toEqualTypeOf<string | null | undefined>();
  // @ts-expect-error — tasks may not be there
  void c.tasks.length;
  const u = await api.update("Shot", 1, data);
  // @ts-expect-error — sites refuse to set cached_display_name (the generated schema marks it editable: false)
  await api.update("Shot", 1, { cached_display_name: "x" });
  expectTypeOf(u.code).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(u.id).toEqualTypeOf<number>();

  // 6. id, type and fields the site marks read-only are not data.
  // @ts-expect-error — id is not writable
  await api.create("Shot", { code: "x", id: 5 });
  // @ts-expect-error — nor is created_at (editable: false in the generated schema)
  await api.update("Shot", 1, { created_at: new Date() });
  // …though a create may set created_at and created_by: a site lets imported records keep their history
  await api.create("Shot", { code: "x", created_at: new Date(), created_by: { type: "HumanUser", id: 1 } });
  // @ts-expect-error — other read-only fields stay refused on create
  await api.create("Shot", { code: "x", updated_at: new Date() });
  // Data whose only key is not writable is refused by the same message naming the key (write-data-messages.test.ts
  // checks the wording), not by the compiler's generic "does not exist in type" one.
  // @ts-expect-error — "id is not a writable field of Shot"
  await api.update("Shot", 1, { id: 3 });
  // @ts-expect-error — "cdoe is not a writable field of Shot"
  await api.update("Shot", 1, { cdoe: "x" });
  // @ts-expect-error — "open_notes_count is not a writable field of Shot"
  await api.update("Shot", 1, { open_notes_count: "3" });
  // @ts-expect-error — "created_by is not a writable field of Shot"
  await api.update("Shot", 1, { created_by: { type: "HumanUser", id: 1 } });
  // @ts-expect-error — "sibling_tasks is not a writable field of Task"
  await api.update("Task", 1, { sibling_tasks: [] });
  // @ts-expect-error — "cdoe is not a writable field of Shot"
  await api.create("Shot", { cdoe: "x" });
  // @ts-expect-error — the standalone functions alike
  await update(api, "Shot", 1, { created_at: new Date() });
  // @ts-expect-error — "cdoe is not a writable field of Shot"
  await create(api, "Shot", { cdoe: "x" });
  // A single writable key is still data, and values are still typed.
  expectTypeOf((await api.update("Shot", 1, { sg_status_list: "ip" })).sg_status_list).toEqualTypeOf<"cbb" | "fin" | "hld" | "ip" | "omt" | "rdy" | "wtg" | null>();
  // @ts-expect-error — not a status of Shot
  await api.update("Shot", 1, { sg_status_list: "nope" });
  // @ts-expect-error — EntityData has no id either
  const withId: EntityData<SgSchema, "Shot"> = { id: 5 };
  void withId;

  // 5. The date mode of the type argument must be the one of the options.
  // @ts-expect-error — "string" dates without dates: "string"
  entityApi<SgSchema, "string">(site.client, { fieldTypes: sgFieldTypes });
  // @ts-expect-error — nor without options
  entityContext<SgSchema, "string">(site.client);
  const strings = entityApi<SgSchema, "string">(site.client, { dates: "string", fieldTypes: sgFieldTypes });
  const s = await strings.findOne("Shot", [], ["created_at"]);
  expectTypeOf(s!.created_at).toEqualTypeOf<string | null>();

  // 7. summarize: summary fields and grouping fields are paths of the entity type, checked item by item.
  // @ts-expect-error — "cdoe" is not a field of Shot
  await api.summarize("Shot", [], [{ field: "cdoe", type: "count" }]);
  // @ts-expect-error — nor next to a good one, nor through a link
  await api.summarize("Shot", [], [{ field: "id", type: "count" }, { field: "sg_sequence.Sequence.cdoe", type: "count" }]);
  // @ts-expect-error — a grouping field is checked too
  await api.summarize("Shot", [], [{ field: "id", type: "count" }], { grouping: [{ field: "sg_stauts_list", type: "exact" }] });
  // @ts-expect-error — and in the standalone function
  await summarize(entityContext<SgSchema>(api.client), "Shot", [], [{ field: "cdoe", type: "count" }]);
  // 8. batch: each request of a literal list is checked against the schema.
  // @ts-expect-error — "Shto" is not an entity type
  await api.batch([{ request_type: "delete", entity_type: "Shto", entity_id: 1 }]);
  // @ts-expect-error — "cdoe" is not a field of Shot (data)
  await api.batch([{ request_type: "create", entity_type: "Shot", data: { cdoe: "x" } }]);
  // @ts-expect-error — an update may not set created_at
  await api.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { created_at: new Date() } }]);
  // @ts-expect-error — nor a value of the wrong type
  await api.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { sg_cut_in: "ten" } }]);
  // @ts-expect-error — "cdoe" is not a field of Shot (return_fields)
  await api.batch([{ request_type: "create", entity_type: "Shot", data: { code: "x" }, return_fields: ["cdoe"] }]);
  // @ts-expect-error — the standalone function checks too
  await batch(entityContext<SgSchema>(api.client), [{ request_type: "create", entity_type: "Shot", data: { cdoe: "x" } }]);
  const widerData = { code: "x", cdoe: 1 };
  // @ts-expect-error — a data variable of a wider type is refused, as create refuses it
  await api.batch([{ request_type: "create", entity_type: "Shot", data: widerData }]);
  async function batchEither<E extends "Shot" | "Asset">(type: E) {
    // @ts-expect-error — with a generic entity type, data holds what every type can write (Asset has no sg_cut_in)
    await api.batch([{ request_type: "update", entity_type: type, entity_id: 1, data: { code: "x", sg_cut_in: 1 } }]);
  }
  void batchEither;
  const sd = await strings.summarize("Shot", [], [{ field: "created_at", type: "latest" }, { field: "updated_at", type: "maximum" }]);
  expectTypeOf(sd.summaries.created_at).toEqualTypeOf<string | null>();
  expectTypeOf(sd.summaries.updated_at).toEqualTypeOf<string | null>();


  // Data written `as const` holds read-only lists: accepted in create, update and batch.
  const constData = { code: "x", tag_list: ["a"], assets: [{ type: "Asset", id: 2 }] } as const;
  await api.create("Shot", constData);
  await api.update("Shot", 1, constData);
  await api.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { assets: [{ type: "Asset", id: 2 }] }, multi_entity_update_modes: { assets: "add" } }] as const);

  // A summary field chosen at run time: which key comes back is unknown, so neither is claimed.
  const pickField = (): "code" | "description" => "code";
  const picked = await api.summarize("Shot", [], [{ field: pickField(), type: "count" }]);
  expectTypeOf(picked.summaries.description).toEqualTypeOf<unknown>();
  const fixed = await api.summarize("Shot", [], [{ field: "code", type: "count" }]);
  expectTypeOf(fixed.summaries.code).toEqualTypeOf<number>();

  // 9. List-syntax filters: each condition of a literal list is checked — the path hop by hop, the relation, the operands.
  // @ts-expect-error — "cdoe" is not a field of Shot
  await api.find("Shot", [["cdoe", "is", "x"]]);
  // @ts-expect-error — a deep path is checked hop by hop (nme is not a field of Project)
  await api.find("Shot", [["sg_sequence.Sequence.project.Project.nme", "is", "x"]]);
  // @ts-expect-error — sg_sequence of Shot does not link to Asset
  await api.find("Shot", [["sg_sequence.Asset.code", "is", "x"]]);
  // @ts-expect-error — through a multi-entity link too (cdoe is not a field of Asset)
  await api.find("Shot", [["assets.Asset.cdoe", "is", "x"]]);
  // @ts-expect-error — findOne checks them
  await api.findOne("Shot", [["cdoe", "is", "x"]]);
  // @ts-expect-error — iterate too
  for await (const row of api.iterate("Shot", [["cdoe", "is", "x"]])) void row;
  // @ts-expect-error — summarize too
  await api.summarize("Shot", [["cdoe", "is", "x"]], [{ field: "id", type: "count" }]);
  // @ts-expect-error — and the standalone functions
  await find(entityContext<SgSchema>(api.client), "Shot", [["cdoe", "is", "x"]]);
  // @ts-expect-error — a single group is checked
  await api.find("Shot", { filter_operator: "any", filters: [["cdoe", "is", "x"]] });
  // @ts-expect-error — a group nested in a group in a list is checked
  await api.find("Shot", [["code", "is", "x"], { filter_operator: "any", filters: [{ filter_operator: "all", filters: [["sg_status_list", "is", "ip"], ["sg_cut_ni", "is", 1]] }] }]);
  // @ts-expect-error — a relation the site does not know
  await api.find("Shot", [["code", "equals", "x"]]);
  // @ts-expect-error — an operand of the wrong type (a status that is not in the list)
  await api.find("Shot", [["sg_status_list", "is", "done"]]);
  // @ts-expect-error — a link to a type the field does not link to
  await api.find("Shot", [["project", "is", { type: "Shot", id: 1 }]]);
  // @ts-expect-error — type_is takes an entity type of the site
  await api.find("Shot", [["sg_sequence", "type_is", "Sequense"]]);
  // @ts-expect-error — in_last takes a count and a unit
  await api.find("Shot", [["created_at", "in_last", 2, "DAYS"]]);
  const constFilters = [["sg_cut_in", "between", "a", "z"]] as const;
  // @ts-expect-error — a variable `as const` is checked like a literal
  await api.find("Shot", constFilters);
  // @ts-expect-error — textSearch checks each type's filters
  await api.textSearch("shot", { Shot: [["cdoe", "is", "x"]] });
  // @ts-expect-error — and its keys, next to a good one (refused before the filters were checked; kept so they do not lose it)
  await api.textSearch("shot", { Shot: [], Shto: [] });
  // @ts-expect-error — with a generic entity type, a condition must hold for every type it may be (Asset has no sg_cut_in)
  await (<E extends "Shot" | "Asset">(type: E) => api.find(type, [["sg_cut_in", "is", 1]]))("Shot");

  // 10. Paths of more hops in the builder and in order are checked hop by hop.
  // @ts-expect-error — nme is not a field of Project
  f.is("sg_sequence.Sequence.project.Project.nme", "x");
  // @ts-expect-error — sg_sequence of Shot does not link to Asset
  f.in("sg_sequence.Asset.project.Project.name", ["x"]);
  // @ts-expect-error — in order too
  await api.find("Shot", [], ["code"], { order: ["sg_sequence.Sequence.project.Project.nme"] });
  // @ts-expect-error — and in findOne's order
  await api.findOne("Shot", [], ["code"], { order: [{ column: "sg_sequence.Sequence.project.Project.nme" }] });
  // @ts-expect-error — still no sorting through a multi-entity link, one hop or more
  await api.find("Shot", [], ["code"], { order: ["sg_sequence.Sequence.shots.Shot.code"] });

  // 11. Literal data in a helper generic in the entity type holds what every type it may be can write; concrete
  // data stays checked as before, a variable of a wider type included.
  async function writeEither<E extends "Shot" | "Asset">(type: E) {
    // @ts-expect-error — Asset has no sg_cut_in
    await api.update(type, 1, { code: "x", sg_cut_in: 1 });
    // @ts-expect-error — nor does create take it
    await api.create(type, { code: "x", sg_cut_in: 1 });
    // @ts-expect-error — "cdoe" is a field of neither
    await update(entityContext<SgSchema>(api.client), type, 1, { cdoe: "x" });
    // @ts-expect-error — a value neither takes
    await api.update(type, 1, { code: 5 });
    // @ts-expect-error — an update may not set created_at, whatever the type
    await api.update(type, 1, { created_at: new Date() });
  }
  void writeEither;
  // @ts-expect-error — "cdoe" is not a field of Shot
  await api.update("Shot", 1, { code: "x", cdoe: "x" });
  const wider = { code: "x", cdoe: 1 };
  // @ts-expect-error — nor in a variable of a wider type
  await api.update("Shot", 1, wider);
  // @ts-expect-error — which create refuses too
  await create(api, "Shot", wider);

  // 12. A helper generic in the schema itself takes what the loose mode takes, and refuses what it refuses.
  async function anySite<S extends SiteSchema, E extends EntityTypeName<S>>(site: EntityApi<S>, type: E) {
    // @ts-expect-error — a condition's path is a string
    await site.findOne(type, [[1, "is", 1]]);
    // @ts-expect-error — a group has filters
    await site.find(type, { filter_operator: "any" });
    // @ts-expect-error — a batch request key no request takes
    await site.batch([{ request_type: "create", entity_type: type, data: {}, retrun_fields: ["id"] }]);
    // @ts-expect-error — textSearch takes filters per type
    await site.textSearch("shot", { Shot: "code" });
  }
  void anySite;

  // 8. Checks outside data and field lists: links, field names, update modes, summaries.
  // Links and field names are typed by the schema too; the loose API stays loose.
  // @ts-expect-error — "Shto" is not an entity type
  await api.follow({ type: "HumanUser", id: 1 }, { type: "Shto", id: 1 });
  // @ts-expect-error — nor for unfollow
  await api.unfollow({ type: "HumanUser", id: 1 }, { type: "Shto", id: 1 });
  // @ts-expect-error — nor for followers
  await api.followers({ type: "Shto", id: 1 });
  const followersOfShot = await api.followers({ type: "Shot", id: 1 });
  await api.unfollow(followersOfShot[0]!, { type: "Shot", id: 1 });
  // @ts-expect-error — "✗ cdoe is not a field of Shot"
  await api.schemaFieldRead("Shot", "cdoe");
  await api.schemaFieldRead("Shot", "code");
  await api.schemaFieldRead("Shot", String(Date.now()));
  // @ts-expect-error — "✗ sg_uploaded_moive is not a url or image field of Version"
  await api.upload("Version", 1, "m.mov", { fieldName: "sg_uploaded_moive" });
  // @ts-expect-error — "✗ code is not a url or image field of Version"
  await api.upload("Version", 1, "m.mov", { fieldName: "code" });
  await api.upload("Version", 1, "m.mov", { fieldName: "sg_uploaded_movie" });
  await api.upload("Version", 1, "m.png", { fieldName: "image" });
  // A thumbnail is not tagged (upload refuses a tagList into a thumbnail field); a file field takes tags.
  // @ts-expect-error — no tagList into image
  await api.upload("Version", 1, "m.png", { fieldName: "image", tagList: "review" });
  // @ts-expect-error — nor into filmstrip_image
  await api.upload("Version", 1, "m.png", { fieldName: "filmstrip_image", tagList: ["review"] });
  await api.upload("Version", 1, "m.png", { fieldName: "image", tagList: null });
  await api.upload("Version", 1, "m.mov", { fieldName: "sg_uploaded_movie", tagList: ["review"] });
  await api.upload("Version", 1, "m.mov", { tagList: "review" });
  // entityFields' keys are the schema's entity types: a misspelt one, which the site ignores, is refused.
  // @ts-expect-error — Reply_ is not an entity type
  await api.noteThreadRead(1, { entityFields: { Reply_: ["content"] } });
  // @ts-expect-error — nor is shot (entity types are capitalised)
  await api.activityStreamRead("Shot", 1, { entityFields: { shot: ["code"] } });
  // @ts-expect-error — likewise through the function
  await noteThreadRead(api, 1, { entityFields: { note: ["subject"] } });
  await api.noteThreadRead(1, { entityFields: { Note: ["subject"], Reply: ["content"] } });
  await api.activityStreamRead("Shot", 1, { entityFields: { Shot: ["code"], Version: ["code", "sg_status_list"] } });
  await activityStreamRead(api, "Shot", 1, { entityFields: null });
  const loose = entityApi(api.client);
  await loose.follow({ type: "HumanUser", id: 1 }, { type: "Shto", id: 1 });
  await loose.schemaFieldRead("Shot", "cdoe");
  await loose.upload("Version", 1, "m.mov", { fieldName: "sg_uploaded_moive" });
  await loose.noteThreadRead(1, { entityFields: { Reply_: ["content"] } });
  await noteThreadRead(api.client, 1, { entityFields: { anyType: ["x"] } });
  // @ts-expect-error — loose too: a literal thumbnail field takes no tagList
  await loose.upload("Version", 1, "m.png", { fieldName: "image", tagList: "review" });
  async function linksAnySite<S extends SiteSchema, E extends EntityTypeName<S>>(site: EntityApi<S>, type: E, user: EntityLink) {
    await site.follow(user, { type, id: 1 });
    await site.schemaFieldRead(type, "anything");
    await site.upload(type, 1, "m.mov", { fieldName: "anything" });
    await site.noteThreadRead(1, { entityFields: { Note: ["subject"] } });
    await site.activityStreamRead(type, 1, { entityFields: { [type]: ["code"] } });
  }
  void linksAnySite;
  // Options typed with the plain option types (any key, as before the keys were typed) are still taken: by a typed
  // api, by a typed option type, and by a helper generic in the schema that passes them on.
  const plainStream: ActivityStreamOptions = { entityFields: { Note: ["subject"] }, limit: 10 };
  const plainThread: NoteThreadOptions = { entityFields: { Note: ["subject"] } };
  await api.activityStreamRead("Shot", 1, plainStream);
  await api.noteThreadRead(1, plainThread);
  await noteThreadRead(api, 1, plainThread);
  const typedStream: ActivityStreamOptions<SgSchema> = plainStream;
  const typedThread: NoteThreadOptions<SgSchema> = plainThread;
  void typedStream, typedThread;
  async function passesOn<S extends SiteSchema>(site: EntityApi<S>, type: EntityTypeName<S>, stream: ActivityStreamOptions, thread: NoteThreadOptions) {
    await site.activityStreamRead(type, 1, stream);
    await site.noteThreadRead(1, thread);
    await activityStreamRead(site, type, 1, stream);
  }
  void passesOn;
  // The typed option types still check the keys they are given.
  // @ts-expect-error — Note_ is not an entity type
  const misspeltStream: ActivityStreamOptions<SgSchema> = { entityFields: { Note_: ["subject"] } };
  // @ts-expect-error — nor is reply
  const misspeltThread: NoteThreadOptions<SgSchema> = { entityFields: { reply: ["content"] } };
  void misspeltStream, misspeltThread;
  // A mode only for a multi-entity field the data holds.
  // @ts-expect-error — asets is not a multi-entity field of the data
  await api.update("Shot", 1, { assets: [] }, { multiEntityUpdateModes: { asets: "add" } });
  // @ts-expect-error — code is not a multi-entity field
  await api.update("Shot", 1, { code: "x", assets: [] }, { multiEntityUpdateModes: { code: "add" } });
  // @ts-expect-error — the data holds no multi-entity field
  await api.update("Shot", 1, { code: "x" }, { multiEntityUpdateModes: { assets: "add" } });
  await api.update("Shot", 1, { assets: [], tasks: [] }, { multiEntityUpdateModes: { assets: "add", tasks: "remove" } });
  await entityApi(api.client).update("Shot", 1, { assets: [] }, { multiEntityUpdateModes: { asets: "add" } });
  async function modesAnySite<S extends SiteSchema, E extends EntityTypeName<S>>(site: EntityApi<S>, type: E, data: EntityData<S, E>) {
    await site.update(type, 1, data, { multiEntityUpdateModes: { assets: "add" } });
  }
  void modesAnySite;
  // @ts-expect-error — "✗ sg_cut_in has a summary already: one summary per field"
  await api.summarize("Shot", [], [{ field: "sg_cut_in", type: "maximum" }, { field: "sg_cut_in", type: "average" }]);
  // @ts-expect-error — likewise after a summary the first signature does not take (a two-hop path)
  await api.summarize("Shot", [], [{ field: "sg_cut_in", type: "sum" }, { field: "sg_sequence.Sequence.project.Project.name", type: "count" }, { field: "sg_cut_in", type: "average" }]);
  // @ts-expect-error — likewise without a schema (summarize refuses it before sending)
  await entityApi(api.client).summarize("Shot", [], [{ field: "sg_cut_in", type: "maximum" }, { field: "sg_cut_in", type: "average" }]);
  async function repeatAfterLiterals(either: "sg_cut_in" | "code") {
    // @ts-expect-error — every field the union may be has a summary already
    await api.summarize("Shot", [], [{ field: "sg_cut_in", type: "sum" }, { field: "code", type: "count" }, { field: either, type: "count" }]);
  }
  void repeatAfterLiterals;
  // A modes object written in the call is still checked beside UpdateOptions passed on.
  // @ts-expect-error — asets is not a multi-entity field of the data
  await api.update("Shot", 1, { assets: [] }, { timeoutMs: 1, multiEntityUpdateModes: { asets: "add" } });
  // @ts-expect-error — nor in a variable typed by its literal
  await api.update("Shot", 1, { code: "x" }, { multiEntityUpdateModes: { assets: "add" } as const });
}

/** A url field value declared as an interface (no implicit index signature, unlike `sg typegen`'s `SgUrlValue`). */
interface MovieLink {
  url: string;
  name: string;
  link_type: "web";
}
/** A serializable dict declared as an interface. */
interface SplitInfo {
  start: string;
  end: string;
}
interface BadUrl {
  url: number;
}

/** Compile-only: url and serializable values declared as interfaces are written; what is wrong is still refused. */
async function interfaceValues(api: EntityApi<SgSchema>, movie: MovieLink, info: SplitInfo, badUrl: BadUrl): Promise<void> {
  await api.update("Version", 1, { sg_uploaded_movie: movie });
  await api.create("Task", { content: "x", splits: info });
  await update(api, "Version", 1, { sg_uploaded_movie: movie, sg_uploaded_movie_mp4: null });
  await api.batch([{ request_type: "update", entity_type: "Version", entity_id: 1, data: { sg_uploaded_movie: movie } }]);
  // An object literal with other keys still goes through the index signature.
  await api.update("Version", 1, { sg_uploaded_movie: { url: "https://x", link_type: "web", size: 3 } });
  // @ts-expect-error — a url that is not a string
  await api.update("Version", 1, { sg_uploaded_movie: badUrl });
  // @ts-expect-error — nor in a literal
  await api.update("Version", 1, { sg_uploaded_movie: { url: 5 } });
  // @ts-expect-error — a link_type no url field has
  await api.update("Version", 1, { sg_uploaded_movie: { url: "https://x", link_type: "ftp" } });
  // @ts-expect-error — a string is no url field value
  await api.update("Version", 1, { sg_uploaded_movie: "https://x" });
  // @ts-expect-error — a string is no serializable value
  await api.create("Task", { content: "x", splits: "start=1" });
  // @ts-expect-error — a list is no url field value
  await api.update("Version", 1, { sg_uploaded_movie: [movie] });
  // @ts-expect-error — an interface-typed value in a text field
  await api.update("Version", 1, { code: movie });
}
void interfaceValues;

/** A url field value and a serializable dict declared as interfaces whose keys are all optional. */
interface OptionalMovieLink {
  url?: string;
  name?: string;
}
interface OptionalSplitInfo {
  start?: string;
  note?: string;
}

/**
 * Compile-only: a built-in object is no url field value nor serializable dict, though an object without a `length`
 * whose keys are all optional (a value declared as an interface) is taken.
 */
async function builtInValues(api: EntityApi<SgSchema>, movie: OptionalMovieLink, info: OptionalSplitInfo, bytes: Uint8Array, blob: Blob): Promise<void> {
  await api.update("CustomEntity01", 1, { sg_path: movie });
  await api.update("Task", 1, { splits: info });
  // @ts-expect-error — a Date is no url field value
  await api.update("CustomEntity01", 1, { sg_path: new Date() });
  // @ts-expect-error — nor a Map
  await api.update("CustomEntity01", 1, { sg_path: new Map() });
  // @ts-expect-error — nor a Set
  await api.update("CustomEntity01", 1, { sg_path: new Set() });
  // @ts-expect-error — nor a promise
  await api.update("CustomEntity01", 1, { sg_path: Promise.resolve(1) });
  // @ts-expect-error — nor a RegExp
  await api.update("CustomEntity01", 1, { sg_path: /re/ });
  // @ts-expect-error — nor a Uint8Array
  await api.update("CustomEntity01", 1, { sg_path: bytes });
  // @ts-expect-error — nor an ArrayBuffer
  await api.update("CustomEntity01", 1, { sg_path: new ArrayBuffer(1) });
  // @ts-expect-error — nor a Blob
  await api.update("CustomEntity01", 1, { sg_path: blob });
  // @ts-expect-error — nor in a create
  await api.create("CustomEntity01", { sg_path: new Date() });
  // @ts-expect-error — nor in a batch
  await api.batch([{ request_type: "update", entity_type: "CustomEntity01", entity_id: 1, data: { sg_path: new Map() } }]);
  // @ts-expect-error — nor in the standalone update
  await update(api, "CustomEntity01", 1, { sg_path: /re/ });
  // @ts-expect-error — a Date is no serializable dict
  await api.update("Task", 1, { splits: new Date() });
  // @ts-expect-error — nor a Map, in a create
  await api.create("Task", { content: "x", splits: new Map() });
  // @ts-expect-error — nor a Set, in a batch
  await api.batch([{ request_type: "create", entity_type: "Task", data: { splits: new Set() } }]);
  // @ts-expect-error — nor a promise, in the standalone create
  await create(api, "Task", { content: "x", splits: Promise.resolve(1) });
  // @ts-expect-error — nor a RegExp, nor in a batch update
  await api.batch([{ request_type: "update", entity_type: "Task", entity_id: 1, data: { splits: /re/ } }]);
  // @ts-expect-error — nor a Uint8Array
  await update(api, "Task", 1, { splits: bytes });
  // @ts-expect-error — nor an ArrayBuffer
  await api.create("Task", { splits: new ArrayBuffer(1), content: "x" });
  // @ts-expect-error — nor a Blob
  await api.update("Task", 1, { content: "x", splits: blob });
}
void builtInValues;

/**
 * Compile-only: valid code that compiled before the schema types were reworked (4c87e8f) and must keep compiling
 * (regressions a reviewer found; each call here failed to compile before it was fixed).
 */
async function stillCompiles(api: EntityApi<SgSchema>, extra: boolean): Promise<void> {
  // 1. A field list passed through a generic helper: find, findOne, iterate, create, and the standalone functions.
  async function shotFields<const F extends readonly FieldPath<SgSchema, "Shot">[]>(fields: F) {
    const rows = await api.find("Shot", [], fields);
    await api.findOne("Shot", [], fields);
    for await (const row of api.iterate("Shot", [], fields)) void row;
    await api.create("Shot", { code: "x" }, fields);
    await find(entityContext<SgSchema>(api.client), "Shot", [], fields);
    return rows;
  }
  const viaHelper = await shotFields(["code", "sg_sequence.Sequence.code"]);
  expectTypeOf(viaHelper[0]!.code).toEqualTypeOf<string | null>();
  async function anyFields<E extends EntityTypeName<SgSchema>, const F extends readonly FieldPath<SgSchema, E>[]>(type: E, fields: F) {
    return api.find(type, [], fields);
  }
  const anyRows = await anyFields("Asset", ["code"]);
  expectTypeOf(anyRows[0]!.type).toEqualTypeOf<"Asset">();

  // 2. A union of literal lists.
  const fields = extra ? (["code", "description"] as const) : (["code"] as const);
  const union = await api.find("Shot", [], fields);
  expectTypeOf(union[0]!.code).toEqualTypeOf<string | null>();
  // description is read only with the longer list: optional, not always there.
  expectTypeOf(union[0]!.description).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(union[0]!).toEqualTypeOf<{ readonly type: "Shot"; readonly id: number; readonly code: string | null; readonly description?: string | null }>();
  const dated = extra ? (["code", "created_at"] as const) : (["code"] as const);
  const one = await api.findOne("Shot", [], dated);
  expectTypeOf(one!.created_at).toEqualTypeOf<Date | null | undefined>();
  for await (const row of api.iterate("Shot", [], dated)) expectTypeOf(row.created_at).toEqualTypeOf<Date | null | undefined>();
  expectTypeOf((await find(entityContext<SgSchema>(api.client), "Shot", [], fields))[0]!.description).toEqualTypeOf<string | null | undefined>();
  const created = await api.create("Shot", { code: "x" }, fields);
  expectTypeOf(created.code).toEqualTypeOf<string | null>();
  expectTypeOf(created.description).toEqualTypeOf<string | null | undefined>();
  // A field written is there whichever list was used.
  const written = await api.create("Shot", { code: "x", description: "d" }, fields);
  expectTypeOf(written.description).toEqualTypeOf<string | null>();
  const [batched] = await api.batch([{ request_type: "create", entity_type: "Shot", data: { code: "x" }, return_fields: dated }]);
  expectTypeOf(batched.code).toEqualTypeOf<string | null>();
  expectTypeOf(batched.created_at).toEqualTypeOf<Date | null | undefined>();
  // FoundRecord's date mode defaults to the API's ("date").
  expectTypeOf<FoundRecord<SgSchema, "Shot", readonly ["created_at"]>>().toEqualTypeOf<FoundRecord<SgSchema, "Shot", readonly ["created_at"], "date">>();
  expectTypeOf<FoundRecord<SgSchema, "Shot", readonly ["created_at"]>["created_at"]>().toEqualTypeOf<Date | null>();

  // 3. A helper generic in its date mode, with options required or optional.
  function makeApi<D extends DateMode>(options: EntityApiOptions<D>) {
    return entityApi<SgSchema, D>(api.client, options);
  }
  function makeContext<D extends DateMode>(options?: EntityApiOptions<D>) {
    return entityContext<SgSchema, D>(api.client, options);
  }
  expectTypeOf(makeApi({ dates: "string" })).toEqualTypeOf<EntityApi<SgSchema, "string">>();
  void makeContext;

  // 4. Download options that may be undefined as a whole.
  const passOn = (opts?: DownloadOptions) => downloadAttachment(api, 1, opts);
  expectTypeOf(passOn).returns.toEqualTypeOf<Promise<Uint8Array | string>>();
  expectTypeOf(api.downloadAttachment(1, undefined as DownloadOptions | undefined)).toEqualTypeOf<Promise<Uint8Array | string>>();

  // 5. type and id with a generic entity type; a field every type of the constraint has.
  async function byType<E extends EntityTypeName<SgSchema>>(type: E) {
    const rows = await api.find(type, [], ["id", "type"]);
    expectTypeOf(rows[0]!.id).toEqualTypeOf<number>();
    return rows;
  }
  async function codes<E extends "Shot" | "Asset">(type: E) {
    return api.find(type, [], ["code"]);
  }
  void byType;
  void codes;

  // 6. summarize: lists built at run time, helpers generic in the entity type or the list, loose mode, `as const`.
  const built: SummaryField[] = [{ field: "code", type: "count" }];
  const viaBuilt = await api.summarize("Shot", [], built, { grouping: [] as Grouping[] });
  expectTypeOf(viaBuilt.summaries).toEqualTypeOf<{ readonly [field: string]: unknown }>();
  await api.summarize("Shot", [], built as readonly SummaryField[]);
  async function countAny<E extends EntityTypeName<SgSchema>>(type: E, summaries: readonly SummaryField[]) {
    await api.summarize(type, [], summaries);
    const r = await api.summarize(type, [], [{ field: "id", type: "count" }], { grouping: [{ field: "id", type: "exact" }] });
    expectTypeOf(r.summaries.id).toEqualTypeOf<number>();
    return r;
  }
  void countAny;
  async function shotSummaries<const Q extends readonly SummaryField<FieldPath<SgSchema, "Shot">>[]>(q: Q) {
    return api.summarize("Shot", [], q);
  }
  expectTypeOf((await shotSummaries([{ field: "sg_cut_in", type: "sum" }])).summaries.sg_cut_in).toEqualTypeOf<number>();
  const asConst = [{ field: "sg_status_list", type: "status_list" }] as const;
  expectTypeOf((await api.summarize("Shot", [], asConst)).summaries.sg_status_list).toEqualTypeOf<{ readonly [status: string]: number }>();
  const loose = entityApi(api.client);
  const looseResult = await loose.summarize("Anything", [], [{ field: "whatever.Thing.x", type: "maximum" }, { field: "n", type: "count" }], { grouping: [{ field: "g", type: "exact" }] });
  expectTypeOf(looseResult.summaries.n).toEqualTypeOf<number>();
  expectTypeOf(looseResult.summaries["whatever.Thing.x"]).toEqualTypeOf<unknown>();
  // Deep paths and paths through multi-entity links are accepted, as the site takes them.
  await api.summarize("Shot", [], [{ field: "sg_sequence.Sequence.project.Project.name", type: "count" }, { field: "assets.Asset.code", type: "count" }], {
    grouping: [{ field: "sg_sequence.Sequence.project.Project.name", type: "exact", direction: "desc" }],
  });

  // 7. batch: lists built at run time, requests typed BatchCreate, generic helpers, loose mode, `as const`.
  const requests: BatchRequest[] = [{ request_type: "create", entity_type: "Shot", data: { anything: 1 } }];
  expectTypeOf(await api.batch(requests)).toEqualTypeOf<BatchResult[]>();
  const typedCreate: BatchCreate = { request_type: "create", entity_type: "Shot", data: { code: "x" }, return_fields: ["code"] };
  const [fromTyped] = await api.batch([typedCreate, { request_type: "delete", entity_type: "Shot", entity_id: 1 }]);
  expectTypeOf(fromTyped).toEqualTypeOf<Exclude<BatchResult, boolean>>();
  const rows: readonly Record<string, unknown>[] = [{ code: "x" }];
  await api.batch([{ request_type: "create", entity_type: "Shot", data: rows[0]!, return_fields: [] as string[] }]);
  async function retire<E extends EntityTypeName<SgSchema>>(type: E, id: number) {
    const [done] = await api.batch([{ request_type: "delete", entity_type: type, entity_id: id }]);
    expectTypeOf(done).toEqualTypeOf<boolean>();
    await api.batch([{ request_type: "create", entity_type: type, data: {} }]);
  }
  void retire;
  async function codeBoth<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E, "create">) {
    return api.batch([{ request_type: "create", entity_type: type, data: { code: "x" } }, { request_type: "create", entity_type: type, data }]);
  }
  void codeBoth;
  const constList = [{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { code: "y" } }] as const;
  const [updated] = await api.batch(constList);
  expectTypeOf(updated.code).toEqualTypeOf<string | null>();
  const looseApi = entityApi(api.client);
  const [l1, l2] = await looseApi.batch([{ request_type: "create", entity_type: "Whatever", data: { x: 1 } }, { request_type: "delete", entity_type: "Whatever", entity_id: 2 }]);
  expectTypeOf(l1.id).toEqualTypeOf<number>();
  expectTypeOf(l2).toEqualTypeOf<boolean>();
  await batch(api.client, [{ request_type: "create", entity_type: "Whatever", data: { x: 1 } }]);

  // 8. List-syntax filters: literal lists of every form, lists built at run time, the builder's conditions, generic
  // entity types, explicit type arguments, wire trees and the loose mode.
  await api.find("Shot", [
    ["code", "is", "x"],
    ["sg_sequence.Sequence.project.Project.name", "is", "x"],
    ["assets.Asset.sg_asset_type", "in", ["Prop", null]],
    ["id", "in", 1, 2, 3],
    ["sg_cut_in", "between", 1, null],
    ["sg_cut_in", "not_between", [1, 5]],
    ["created_at", "greater_than", new Date()],
    ["created_at", "between", "2020-01-01T00:00:00Z", null],
    ["created_at", "in_last", 2, "DAY"],
    ["created_at", "in_calendar_month", -1],
    ["sg_sequence", "is", { type: "Sequence", id: 1 }],
    ["sg_sequence", "type_is", "Sequence"],
    ["sg_sequence", "name_contains", "SQ"],
    ["assets", "is", null],
    ["type", "is", "Shot"],
    { filter_operator: "any", filters: [["code", "starts_with", "SQ"], { filter_operator: "all", filters: [["description", "contains", "x"]] }] },
  ]);
  const runtime: Filter[] = [["code", "is", "x"]];
  await api.find("Shot", runtime, ["code"]);
  await api.summarize("Shot", runtime, [{ field: "id", type: "count" }]);
  await api.textSearch("shot", { Shot: runtime, Asset: [["code", "contains", "x"]] });
  const fb = filterBuilder<SgSchema, "Shot">();
  await api.find("Shot", [fb.is("code", "x"), ["sg_status_list", "is", "ip"], fb.any(fb.is("code", "y"))]);
  await api.find("Shot", fb.any(fb.is("code", "x")));
  const constFilterList = [["code", "is", "x"], ["sg_cut_in", "greater_than", 1]] as const;
  await api.find("Shot", constFilterList);
  await api.find("Shot", { logical_operator: "and", conditions: [{ path: "code", relation: "is", values: ["x"] }] });
  async function byCode<E extends "Shot" | "Asset">(type: E, code: string) {
    await api.summarize(type, [["code", "is", code]], [{ field: "id", type: "count" }]);
    return api.find(type, [["code", "is", code]], ["code"]);
  }
  async function byId<E extends EntityTypeName<SgSchema>>(type: E, id: number, more: Filter[]) {
    await api.find(type, more, ["id"]);
    return api.findOne(type, [["id", "is", id]]);
  }
  void byCode;
  void byId;
  await api.find<"Shot", readonly ["code"]>("Shot", [["code", "is", "x"]], ["code"]);
  await find<SgSchema, "date", "Shot", readonly ["code"]>(entityContext<SgSchema>(api.client), "Shot", [["code", "is", "x"]], ["code"]);
  await looseApi.find("Anything", [["whatever.Thing.x", "some_relation", 1]]);
  await looseApi.textSearch("shot", { Anything: [["x", "is", 1]] });

  // 9. Paths of more hops in the builder and in order; one-hop order lists built at run time; generic entity types.
  await api.find("Shot", [fb.is("sg_sequence.Sequence.project.Project.name", "x"), fb.between("sg_sequence.Sequence.project.Project.created_at", new Date(), null)], ["code"], {
    order: ["-sg_sequence.Sequence.project.Project.name", { field_name: "sg_sequence.Sequence.project.Project.created_at", direction: "desc" }, "code"],
    limit: 10,
  });
  await api.findOne("Shot", [], ["code"], { order: ["sg_sequence.Sequence.project.Project.name"] });
  for await (const row of api.iterate("Shot", [], ["code"], { order: ["sg_sequence.Sequence.project.Project.name"], concurrency: 2 })) void row;
  await find(entityContext<SgSchema>(api.client), "Shot", [], ["code"], { order: ["sg_sequence.Sequence.project.Project.name"] });
  const sortKeys: OrderItem<SgSchema, "Shot">[] = ["code", "-sg_sequence.Sequence.code"];
  await api.find("Shot", [], ["code"], { order: sortKeys });
  async function sorted<E extends "Shot" | "Asset">(type: E) {
    return api.find(type, [], ["code"], { order: ["-code", "id"] });
  }
  void sorted;
  await looseApi.find("Anything", [], ["x"], { order: ["a.B.c.D.e"] });

  // 10. Writes in a helper generic in the entity type: literal data every type can write (as batch takes it), data
  // typed EntityData passed on, in the methods, the standalone functions and through a context.
  async function writeBoth<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E, "update">, created: EntityData<SgSchema, E, "create">) {
    await api.update(type, 1, { code: "x" });
    const updated = await api.update(type, 1, data);
    const id: number = updated.id;
    void id;
    await api.create(type, { code: "x", description: null });
    await api.create(type, created, ["code"]);
    await api.batch([{ request_type: "update", entity_type: type, entity_id: 1, data }]);
    const ctx = entityContext<SgSchema>(api.client);
    await update(ctx, type, 1, { code: "x" });
    await update(ctx, type, 1, data);
    await create(ctx, type, { code: "x", created_at: new Date() });
    await create(api, type, created);
  }
  void writeBoth;
  async function writeAny<S extends SiteSchema, E extends EntityTypeName<S>>(site: EntityApi<S>, type: E, data: EntityData<S, E>, created: EntityData<S, E, "create">) {
    await site.update(type, 1, data);
    await site.create(type, created);
  }
  void writeAny;

  // 11. A helper generic in the schema itself (`S` a type parameter): nothing says what the paths of E are, so its
  // literal filters, data and requests are taken unchecked, as in the loose mode, like its field lists and order keys
  // — in find, findOne, iterate, summarize, textSearch, create, update, batch and the standalone functions.
  async function anySiteHelper<S extends SiteSchema, E extends EntityTypeName<S>>(site: EntityApi<S>, type: E, id: number, ids: number[], types: TextSearchTypes<S>) {
    await site.findOne(type, [["id", "is", id]], ["id"]);
    await site.find(type, [["id", "in", ids], { filter_operator: "any", filters: [["code", "is", "x"], ["project.Project.name", "starts_with", "p"]] }], ["id", "code"], { order: ["-id", "code"], limit: 5 });
    for await (const row of site.iterate(type, [["sg_status_list", "is", "ip"]], ["id"])) void row;
    await site.summarize(type, [["id", "is_not", id]], [{ field: "id", type: "count" }], { grouping: [{ field: "code", type: "exact" }] });
    await site.textSearch("shot", types);
    await site.textSearch("shot", { [type]: [["code", "contains", "x"]] });
    await site.update(type, id, { code: "x" });
    await site.create(type, { code: "x" }, ["code"]);
    await site.batch([{ request_type: "update", entity_type: type, entity_id: id, data: { code: "y" } }, { request_type: "delete", entity_type: type, entity_id: id }]);
    await find(site, type, [["id", "is", id]], ["id"]);
    await findOne(site, type, [["id", "not_in", ids]]);
    await batch(site, [{ request_type: "create", entity_type: type, data: { code: "x" } }]);
  }
  void anySiteHelper;
  async function searchEither<E extends "Shot" | "Asset">(type: E, filters: Filter[]) {
    // With a known schema too, an object whose keys are not known at compile time is taken as it is, like a list
    // built at run time.
    return api.textSearch("shot", { [type]: filters });
  }
  void searchEither;

  // 12. Summary fields and update modes known only at run time (a reviewer's repros): two summaries whose `field` is a
  // `string` or a union are not the same field for sure, and an `UpdateOptions` passed on holds modes whose keys are
  // not known, with or without a schema, through the methods and the standalone functions.
  async function runtimeSummaries(sumField: string, maxField: string, a: "sg_cut_in" | "code", b: "sg_cut_in" | "code") {
    await looseApi.summarize("Shot", [], [{ field: sumField, type: "sum" }, { field: maxField, type: "maximum" }]);
    await looseApi.summarize("Shot", [], [{ field: a, type: "count" }, { field: b, type: "count" }]);
    await looseApi.summarize("Shot", [], [{ field: "sg_cut_in", type: "sum" }, { field: sumField, type: "maximum" }]);
    await api.summarize("Shot", [], [{ field: sumField, type: "sum" }, { field: maxField, type: "maximum" }]);
    await api.summarize("Shot", [], [{ field: a, type: "count" }, { field: b, type: "count" }]);
    await api.summarize("Shot", [], [{ field: "sg_cut_in", type: "sum" }, { field: a, type: "maximum" }, { field: b, type: "minimum" }]);
    await api.summarize("Shot", [], [{ field: a, type: "count" }, { field: "sg_sequence.Sequence.project.Project.name", type: "count" }, { field: b, type: "count" }]);
    await summarize(entityContext<SgSchema>(api.client), "Shot", [], [{ field: a, type: "count" }, { field: b, type: "count" }]);
    const r = await summarize(entityContext(api.client), "Shot", [], [{ field: sumField, type: "sum" }, { field: maxField, type: "maximum" }]);
    // Which keys come back is known only at run time: none is claimed.
    expectTypeOf(r.summaries["anything"]).toEqualTypeOf<unknown>();
    const t = await api.summarize("Shot", [], [{ field: sumField, type: "count" }, { field: "sg_cut_in", type: "count" }]);
    expectTypeOf(t.summaries["anything"]).toEqualTypeOf<unknown>();
    expectTypeOf(t.summaries.sg_cut_in).toEqualTypeOf<number>();
  }
  void runtimeSummaries;
  const defaults: UpdateOptions = { timeoutMs: 10_000 };
  await api.update("Shot", 1, { code: "x" }, defaults);
  await api.update("Shot", 1, { code: "x" }, { ...defaults });
  await api.update("Shot", 1, { code: "x", assets: [] }, defaults);
  await looseApi.update("Shot", 1, { code: "x" }, defaults);
  await update(entityContext<SgSchema>(api.client), "Shot", 1, { code: "x" }, defaults);
  async function setStatus(id: number, options?: UpdateOptions) {
    return api.update("Shot", id, { sg_status_list: "ip" }, options);
  }
  void setStatus;
  async function updatePassing<E extends EntityTypeName<SgSchema>>(type: E, id: number, data: EntityData<SgSchema, E>, options?: UpdateOptions) {
    return api.update(type, id, data, options);
  }
  void updatePassing;
  async function addByName(field: string) {
    const modes: Record<string, "add"> = { [field]: "add" };
    await api.update("Shot", 1, { code: "x" }, { multiEntityUpdateModes: modes });
  }
  void addByName;

  // The literal checks stay: one message naming the field, deep paths hop by hop.
  // @ts-expect-error — "cdoe" is not a field of Shot
  await api.find("Shot", [], ["cdoe"]);
  // @ts-expect-error — nor in a union of lists
  await api.find("Shot", [], extra ? (["code"] as const) : (["cdoe"] as const));
  // @ts-expect-error — a helper's list is still a list of FieldPath<S, E>
  await api.find("Shot", [], [] as readonly string[]);
}

describe("schema types on the emulator's 77-type schema (sg typegen output)", () => {
  it("type a non-literal field list: type and id known, plain fields optional, dotted paths unknown", async () => {
    const fields: FieldPath<SgSchema, "Shot">[] = ["code", "sg_sequence.Sequence.code"];
    const rows = await sg.find("Shot", [], fields, { limit: 1 });
    const row = rows[0]!;
    expectTypeOf(row.type).toEqualTypeOf<"Shot">();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.code).toEqualTypeOf<string | null | undefined>();
    expectTypeOf(row["sg_sequence.Sequence.code"]).toEqualTypeOf<unknown>();
    // @ts-expect-error — not a field of Shot at all
    void row.cdoe;
    expect(row).toHaveProperty("code");
    // A string[] is refused: the elements could be anything.
    const loose: string[] = ["code"];
    // @ts-expect-error — type it FieldPath<SgSchema, "Shot">[]
    await sg.find("Shot", [], loose, { limit: 1 });
  });

  it("types summarize's results by summary type, as the emulator computes them (rpc-protocol §2.4)", async () => {
    const project = site.emulator.card.projects[0] as EntityLink<"Project">;
    const summaryFields = [
      { field: "id", type: "record_count" },
      { field: "code", type: "count" },
      { field: "sg_cut_in", type: "sum" },
      { field: "sg_cut_out", type: "average" },
      { field: "sg_cut_duration", type: "maximum" },
      { field: "sg_working_duration", type: "minimum" },
      { field: "created_at", type: "earliest" },
      { field: "updated_at", type: "latest" },
      { field: "description", type: "percentage" },
      { field: "sg_status_list", type: "status_list" },
      { field: "sg_sequence.Sequence.code", type: "count" },
    ] as const;
    const r = await sg.summarize("Shot", [["project", "is", { type: "Project", id: project.id }]], summaryFields, { grouping: [{ field: "sg_status_list", type: "exact" }] });
    const m = r.summaries;
    expectTypeOf(m.id).toEqualTypeOf<number>();
    expectTypeOf(m.code).toEqualTypeOf<number>();
    expectTypeOf(m.sg_cut_in).toEqualTypeOf<number>();
    expectTypeOf(m.sg_cut_out).toEqualTypeOf<number | null>();
    expectTypeOf(m.sg_cut_duration).toEqualTypeOf<number | null>();
    expectTypeOf(m.sg_working_duration).toEqualTypeOf<number | null>();
    expectTypeOf(m.created_at).toEqualTypeOf<Date | null>();
    expectTypeOf(m.updated_at).toEqualTypeOf<Date | null>();
    expectTypeOf(m.description).toEqualTypeOf<number>();
    expectTypeOf(m.sg_status_list).toEqualTypeOf<{ readonly [status: string]: number }>();
    expectTypeOf(m["sg_sequence.Sequence.code"]).toEqualTypeOf<number>();
    expectTypeOf(r.groups[0]!.summaries.created_at).toEqualTypeOf<Date | null>();
    for (const key of ["id", "code", "sg_cut_in", "description", "sg_sequence.Sequence.code"] as const) expect(typeof m[key]).toBe("number");
    for (const key of ["sg_cut_out", "sg_cut_duration", "sg_working_duration"] as const) expect(m[key] === null || typeof m[key] === "number").toBe(true);
    expect(m.created_at).toBeInstanceOf(Date);
    expect(m.updated_at).toBeInstanceOf(Date);
    expect(Object.values(m.sg_status_list).every((n) => typeof n === "number")).toBe(true);
    expect(r.groups.length).toBeGreaterThan(0);
    expect(r.groups[0]!.summaries.created_at).toBeInstanceOf(Date);
    // No value: an average, a maximum and a latest are null; counts and sums are numbers.
    const none = await sg.summarize("Shot", [["id", "is", -1]], [{ field: "sg_cut_out", type: "average" }, { field: "sg_cut_in", type: "maximum" }, { field: "updated_at", type: "latest" }, { field: "sg_cut_duration", type: "sum" }, { field: "id", type: "record_count" }, { field: "sg_status_list", type: "status_percentage" }]);
    expect(none.summaries).toEqual({ sg_cut_out: null, sg_cut_in: null, updated_at: null, sg_cut_duration: 0, id: 0, sg_status_list: 0 });
  });

  it("types batch results as a tuple matched to a literal list of requests", async () => {
    const project = site.emulator.card.projects[0] as EntityLink<"Project">;
    const [made, changed, gone] = await sg.batch([
      { request_type: "create", entity_type: "Shot", data: { code: "batch_1", project }, return_fields: ["created_at", "sg_sequence.Sequence.code"] },
      { request_type: "update", entity_type: "Shot", entity_id: 1, data: { description: "batched" } },
      { request_type: "delete", entity_type: "Asset", entity_id: 1 },
    ]);
    expectTypeOf(made.type).toEqualTypeOf<"Shot">();
    expectTypeOf(made.code).toEqualTypeOf<string | null>();
    expectTypeOf(made.created_at).toEqualTypeOf<Date | null>();
    expectTypeOf(made["sg_sequence.Sequence.code"]).toEqualTypeOf<string | null>();
    expectTypeOf(changed.description).toEqualTypeOf<string | null>();
    expectTypeOf(gone).toEqualTypeOf<boolean>();
    expect(made).toMatchObject({ type: "Shot", code: "batch_1" });
    expect(made.created_at).toBeInstanceOf(Date);
    expect("sg_sequence.Sequence.code" in made).toBe(true);
    expect(changed).toMatchObject({ type: "Shot", id: 1, description: "batched" });
    expect(typeof gone).toBe("boolean");
  });

  it("types a link's name as possibly null: the site sends null for an entity whose display field is empty", async () => {
    const project = { type: "Project" as const, id: site.emulator.card.projects[0]!.id };
    const seq = await sg.create("Sequence", { project });
    const shot = await sg.create("Shot", { project, code: "name null", sg_sequence: { type: "Sequence", id: seq.id } });
    const link = (await sg.findOne("Shot", [["id", "is", shot.id]], ["sg_sequence"]))?.sg_sequence;
    expectTypeOf(link!.name).toEqualTypeOf<string | null | undefined>();
    expect(link).toEqual({ type: "Sequence", id: seq.id, name: null });
  });

  it("accepts type and id in fields (7), and types a one-hop path through a link", async () => {
    const rows = await sg.find("Shot", [], ["id", "type", "sg_sequence.Sequence.code"], { limit: 1 });
    expectTypeOf(rows[0]!.type).toEqualTypeOf<"Shot">();
    expectTypeOf(rows[0]!.id).toEqualTypeOf<number>();
    expectTypeOf(rows[0]!["sg_sequence.Sequence.code"]).toEqualTypeOf<string | null>();
    expect(rows[0]).toMatchObject({ type: "Shot" });
  });

  it("lets a create set created_at and created_by, as the site does for imports", async () => {
    const made = await sg.create("Shot", { code: "imported-010", project: { type: "Project", id: 1 }, created_at: new Date("2020-01-02T03:04:05Z"), created_by: { type: "HumanUser", id: 1 } }, ["created_at", "created_by"]);
    expect(made.created_at).toEqual(new Date("2020-01-02T03:04:05Z"));
    expect(made.created_by).toMatchObject({ type: "HumanUser", id: 1 });
  });

  it("types a serializable field as a dict or a list, as sites hold both (Task.splits is a list)", async () => {
    const project = site.emulator.card.projects[0] as EntityLink<"Project">;
    const splits = [{ start: "2026-01-05", end: "2026-01-07" }] as const;
    const task = await sg.create("Task", { content: "gen_splits", project, splits }, ["splits"]);
    const read = await sg.findOne("Task", [["id", "is", task.id]], ["splits", "sg_status_list"]);
    expect(read?.splits).toEqual(splits);
    expectTypeOf(read!.splits).toEqualTypeOf<{ readonly [key: string]: unknown } | readonly unknown[] | null>();
  });

  it("writes a url value and a serializable dict declared as interfaces", async () => {
    const project = site.emulator.card.projects[0] as EntityLink<"Project">;
    const info: SplitInfo = { start: "2026-01-05", end: "2026-01-07" };
    const task = await sg.create("Task", { content: "interface-splits", project, splits: info }, ["splits"]);
    expect(task.splits).toEqual(info);
    const movie: MovieLink = { url: "https://example.com/m.mov", name: "m.mov", link_type: "web" };
    const version = await sg.create("Version", { code: "interface-movie", project, sg_uploaded_movie: movie }, ["sg_uploaded_movie"]);
    expect(version.sg_uploaded_movie).toMatchObject({ url: movie.url, name: movie.name });
  });

  it("returns only the written fields of a create with data typed EntityData (2)", async () => {
    const project = site.emulator.card.projects[0] as EntityLink<"Project">;
    const data: EntityData<SgSchema, "Shot"> = { code: "gen_1", project };
    const created = await sg.create("Shot", data);
    expect("tasks" in created).toBe(false);
    expectTypeOf(created.tasks).toEqualTypeOf<EntityLink<"Task">[] | undefined>();
    void compileOnly;
    void stillCompiles;
  });
});
