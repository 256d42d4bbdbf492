/**
 * Entity links and attachments declared as interfaces, in every public input position. An interface has no
 * implicit index signature, so a parameter typed `{ type; id; [key: string]: unknown }` refused them (the emulator's
 * own `SiteCardProject` is one). This file is type-checked (`tsc -p tsconfig.json` includes tests): each call in
 * the compile-only functions must compile, and each `@ts-expect-error` line must still be refused. The runtime part
 * checks that the same calls reach the site and are answered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteCardProject } from "@sg/emulator";
import { downloadAttachment, filterBuilder, find, getAttachmentDownloadUrl, navExpand, navSearchString, openAttachment, schemaFieldCreate, schemaFieldUpdate, summarize, textSearch, type EntityApi, type EntityLink } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

/** A small typed schema. */
type Site = {
  Shot: {
    code: { type: "text"; value: string | null };
    project: { type: "entity"; value: EntityLink<"Project"> | null };
    assets: { type: "multi_entity"; value: EntityLink<"Asset">[] };
    sg_link: { type: "url"; value: { readonly url?: string | null; readonly name?: string } | null };
    /** A url value whose own keys include `size`, a name a Map or a Blob has. */
    sg_file: { type: "url"; value: { readonly url?: string | null; readonly size?: number; readonly [key: string]: unknown } | null };
  };
  Asset: { code: { type: "text"; value: string | null }; project: { type: "entity"; value: EntityLink<"Project"> | null } };
  Project: { name: { type: "text"; value: string | null } };
  HumanUser: { login: { type: "text"; value: string | null } };
  Attachment: { this_file: { type: "url"; value: { readonly url?: string | null } | null } };
};

interface ProjectLink {
  type: "Project";
  id: number;
  name: string;
}
interface AssetLink {
  readonly type: "Asset";
  readonly id: number;
}
interface UserLink {
  type: "HumanUser";
  id: number;
}
interface AttachmentRef {
  type: "Attachment";
  id: number;
  url: string;
}
interface UrlFieldValue {
  url: string;
  name: string;
  link_type: "upload";
}
/** A link to a type the schema's `project` field does not point to. */
interface ShotLink {
  type: "Shot";
  id: number;
}
/** Whole data declared as an interface. */
interface ShotData {
  code: string;
  project: ProjectLink;
}
interface LatestPreset {
  preset_name: "LATEST";
  latest_by: "ENTITIES_CREATED_AT";
}
interface NoId {
  type: "Project";
  name: string;
}
interface TextId {
  type: "Project";
  id: string;
}
interface NotALink {
  name: string;
}
interface BadUrl {
  url: number;
}
/** A navigation seed entity field declared as an interface. */
interface SeedField {
  type: "Project";
  id: number;
  name: string;
}
/** Schema field properties declared as an interface. */
interface FieldProperties {
  description: string;
  visible: boolean;
}
/** `entityFields` declared as an interface. */
interface ExtraFields {
  Shot: string[];
}

/** The loose mode (no schema): interface-typed links in filters, data, follow, attachments. */
async function looseCompiles(sg: EntityApi, p: ProjectLink, a: AttachmentRef, u: UrlFieldValue, card: SiteCardProject, user: UserLink, data: ShotData, preset: LatestPreset, seed: SeedField, props: FieldProperties, fields: ExtraFields): Promise<void> {
  await sg.find("Shot", [["project", "is", p]], ["code"]);
  await sg.find("Shot", [["project", "is", card]], ["code"]);
  await sg.find("Shot", [["project", "is_not", p]], ["code"]);
  await sg.find("Shot", [["project", "in", [p, card]]], ["code"]);
  await sg.find("Shot", [["project", "in", p, card]], ["code"]);
  await sg.find("Shot", [["project", "not_in", [p]]], ["code"]);
  await sg.find("Shot", [{ filter_operator: "any", filters: [["project", "is", p], ["code", "is", "x"]] }], ["code"]);
  await sg.find("Shot", { filter_operator: "all", filters: [["project", "is", p]] }, ["code"], { order: [{ field_name: "code", direction: "asc" }] });
  await sg.findOne("Shot", [["project", "is", p]], ["code"]);
  for await (const shot of sg.iterate("Shot", [["project", "is", p]], ["code"])) void shot;
  await sg.summarize("Shot", [["project", "is", p]], [{ field: "id", type: "count" }], { grouping: [{ field: "code", type: "exact" }] });
  await sg.summarize("Shot", [["project", "in", [p]]], [{ field: "project", type: "percentage", value: p }]);
  await sg.textSearch("x", { Shot: [["project", "is", p]], Asset: [["project", "in", [card]]] });
  await find(sg, "Shot", [["project", "is", p]]);
  await summarize(sg, "Shot", [["project", "is", p]], [{ field: "id", type: "count" }]);
  await textSearch(sg, "x", { Shot: [["project", "is", p]] });
  const f = filterBuilder();
  await sg.find("Shot", [f.is("project", p), f.in("project", [p, card]), f.where("project", "is", p), f.any(f.isNot("project", p))]);
  await sg.create("Shot", { code: "x", project: p });
  await sg.update("Shot", 1, { project: card });
  await sg.batch([{ request_type: "create", entity_type: "Shot", data: { code: "x", project: p } }]);
  await sg.create("Shot", data);
  await sg.batch([
    { request_type: "create", entity_type: "Shot", data },
    { request_type: "update", entity_type: "Shot", entity_id: 1, data },
  ]);
  await sg.find("Shot", [], ["code"], { additionalFilterPresets: [preset] });
  await sg.follow(user, p);
  await sg.followers(p);
  await sg.downloadAttachment(a);
  await sg.downloadAttachment(u, { filePath: "/tmp/x" });
  await sg.openAttachment(a);
  sg.getAttachmentDownloadUrl(u);
  await downloadAttachment(sg, a);
  await openAttachment(sg, u);
  getAttachmentDownloadUrl(sg, a);
  await sg.shareThumbnail([p, card], { thumbnailPath: "/tmp/x.png" });
  await sg.navSearchEntity("/Project/1", p);
  await sg.navExpand("/Project/1", { seedEntityField: seed });
  await sg.navSearchString("/Project/1", "x", { seedEntityField: seed });
  await navExpand(sg, "/Project/1", { seedEntityField: seed, entityFields: { ...fields } });
  await sg.schemaFieldCreate("Shot", "text", "Notes", props);
  await sg.schemaFieldUpdate("Shot", "sg_notes", props);
  await schemaFieldCreate(sg, "Shot", "text", "Notes", props);
  await schemaFieldUpdate(sg, "Shot", "sg_notes", props);
  // `entityFields` checks its values (lists of field names), which no type can do for an interface: spread it.
  await sg.activityStreamRead("Shot", 1, { entityFields: { ...fields } });
  await sg.noteThreadRead(1, { entityFields: { ...fields } });
  await sg.updateProjectLastAccessed(card);
  // An object literal with extra keys still passes (the index-signature member takes them).
  await sg.find("Shot", [["project", "is", { type: "Project", id: 1, name: "x", code: "y" }]]);
  await sg.downloadAttachment({ url: "https://x", name: "x", content_type: "text/plain" });
}
void looseCompiles;

/** What must still be refused in the loose mode. */
async function looseRefuses(sg: EntityApi, noId: NoId, textId: TextId, notALink: NotALink, badUrl: BadUrl, fields: ExtraFields): Promise<void> {
  // @ts-expect-error — a link without an id
  await sg.find("Shot", [["project", "is", noId]]);
  // @ts-expect-error — an id that is not a number
  await sg.find("Shot", [["project", "in", [textId]]]);
  // @ts-expect-error — not a link at all
  await sg.summarize("Shot", [["project", "is", notALink]], [{ field: "id", type: "count" }]);
  // @ts-expect-error — nor in the builder
  filterBuilder().is("project", noId);
  // @ts-expect-error — an object literal without an id
  await sg.find("Shot", [["project", "is", { type: "Project" }]]);
  // @ts-expect-error — a url that is not a string
  await sg.downloadAttachment(badUrl);
  // @ts-expect-error — nothing an attachment has
  await sg.downloadAttachment(notALink);
  // @ts-expect-error — a url of a literal that is not a string
  await sg.openAttachment({ url: 5 });
  // @ts-expect-error — batch data that is not an object
  await sg.batch([{ request_type: "create", entity_type: "Shot", data: "code=x" }]);
  // @ts-expect-error — a preset without its name
  await sg.find("Shot", [], [], { additionalFilterPresets: [{ latest_by: "ENTITIES_CREATED_AT" }] });
  // @ts-expect-error — a seed entity field that is not an object
  await sg.navExpand("/Project/1", { seedEntityField: "Project" });
  // @ts-expect-error — nor a list
  await sg.navSearchString("/Project/1", "x", { seedEntityField: [p(1)] });
  // @ts-expect-error — nor a function
  await navSearchString(sg, "/Project/1", "x", { seedEntityField: () => 1 });
  // @ts-expect-error — properties that are not an object
  await sg.schemaFieldCreate("Shot", "text", "Notes", "description");
  // @ts-expect-error — nor a list
  await sg.schemaFieldUpdate("Shot", "sg_notes", [{ property_name: "description", value: "x" }]);
  // @ts-expect-error — nor in the standalone function
  await schemaFieldUpdate(sg, "Shot", "sg_notes", ["description"]);
  // @ts-expect-error — entityFields: a field name where a list of them goes
  await sg.navExpand("/Project/1", { entityFields: { Shot: "code" } });
  // @ts-expect-error — an interface-typed entityFields is refused (its values cannot be checked): spread it
  await sg.activityStreamRead("Shot", 1, { entityFields: fields });
}
void looseRefuses;

/** Schema field properties and a seed entity field declared as interfaces whose keys are all optional. */
interface OptionalProperties {
  description?: string;
  visible?: boolean;
}
interface OptionalSeed {
  type?: "Project";
  id?: number;
}

/**
 * Compile-only: a built-in object is no schema field properties nor seed entity field, though an interface whose keys
 * are all optional is taken.
 */
async function builtInsRefused(sg: EntityApi, props: OptionalProperties, seed: OptionalSeed, bytes: Uint8Array, blob: Blob): Promise<void> {
  await sg.schemaFieldCreate("Shot", "text", "Notes", props);
  await schemaFieldUpdate(sg, "Shot", "sg_notes", props);
  await sg.navExpand("/Project/1", { seedEntityField: seed });
  // @ts-expect-error — a Date is no properties object
  await sg.schemaFieldCreate("Shot", "text", "Notes", new Date());
  // @ts-expect-error — nor a Map
  await sg.schemaFieldUpdate("Shot", "sg_notes", new Map());
  // @ts-expect-error — nor a Set
  await schemaFieldCreate(sg, "Shot", "text", "Notes", new Set());
  // @ts-expect-error — nor a promise
  await schemaFieldUpdate(sg, "Shot", "sg_notes", Promise.resolve(1));
  // @ts-expect-error — nor a RegExp
  await sg.schemaFieldUpdate("Shot", "sg_notes", /re/);
  // @ts-expect-error — nor a Uint8Array
  await sg.schemaFieldCreate("Shot", "text", "Notes", bytes);
  // @ts-expect-error — nor an ArrayBuffer
  await sg.schemaFieldUpdate("Shot", "sg_notes", new ArrayBuffer(1));
  // @ts-expect-error — nor a Blob
  await schemaFieldUpdate(sg, "Shot", "sg_notes", blob);
  // @ts-expect-error — a Date is no seed entity field
  await sg.navExpand("/Project/1", { seedEntityField: new Date() });
  // @ts-expect-error — nor a Map
  await sg.navSearchString("/Project/1", "x", { seedEntityField: new Map() });
  // @ts-expect-error — nor a Set
  await navExpand(sg, "/Project/1", { seedEntityField: new Set() });
  // @ts-expect-error — nor a promise
  await sg.navExpand("/Project/1", { seedEntityField: Promise.resolve(1) });
  // @ts-expect-error — nor a RegExp
  await navSearchString(sg, "/Project/1", "x", { seedEntityField: /re/ });
  // @ts-expect-error — nor a Uint8Array
  await sg.navExpand("/Project/1", { seedEntityField: bytes });
  // @ts-expect-error — nor an ArrayBuffer
  await sg.navExpand("/Project/1", { seedEntityField: new ArrayBuffer(1) });
  // @ts-expect-error — nor a Blob
  await sg.navExpand("/Project/1", { seedEntityField: blob });
}
void builtInsRefused;
/** A link, for the refusals. */
function p(id: number): ProjectLink {
  return { type: "Project", id, name: "x" };
}

/** With a typed schema: the same positions, and links of the wrong entity type still refused. */
async function typedCompiles(sg: EntityApi<Site>, p: ProjectLink, asset: AssetLink, a: AttachmentRef, card: SiteCardProject, user: UserLink, data: ShotData, preset: LatestPreset): Promise<void> {
  await sg.find("Shot", [["project", "is", p]], ["code"]);
  await sg.find("Shot", [["project", "is", card]], ["code"]);
  await sg.find("Shot", [["project", "in", [p, card]]], ["code"]);
  await sg.find("Shot", [["assets", "is", asset]], ["code"]);
  await sg.find("Shot", [["assets.Asset.project", "is", p]], ["code"]);
  await sg.find("Shot", [{ filter_operator: "any", filters: [["project", "is", p]] }], ["code"]);
  await sg.findOne("Shot", [["project", "is_not", p]], ["code"]);
  for await (const shot of sg.iterate("Shot", [["project", "not_in", [p]]], ["code"])) void shot;
  await sg.summarize("Shot", [["project", "is", p]], [{ field: "id", type: "count" }], { grouping: [{ field: "code", type: "exact" }] });
  await sg.textSearch("x", { Shot: [["project", "is", p]], Asset: [["project", "is", card]] });
  const f = filterBuilder<Site, "Shot">();
  await sg.find("Shot", [f.is("project", p), f.in("project", [p, card]), f.is("assets", asset), f.where("project", "is", p)]);
  await sg.create("Shot", { code: "x", project: p, assets: [asset] });
  await sg.update("Shot", 1, { project: card }, { multiEntityUpdateModes: {} });
  await sg.batch([{ request_type: "update", entity_type: "Shot", entity_id: 1, data: { project: p, assets: [asset] } }]);
  await sg.create("Shot", data);
  await sg.batch([{ request_type: "create", entity_type: "Shot", data }]);
  await sg.findOne("Shot", [["project", "is", p]], ["code"], { additionalFilterPresets: [preset] });
  await sg.follow(user, p);
  await sg.following(user);
  await sg.downloadAttachment(a);
  await sg.openAttachment(a);
}
void typedCompiles;

/** A url value declared as an interface with a key a built-in has, which the schema's url value type names too. */
interface SizedFile {
  url: string;
  size: number;
}

/**
 * Compile-only: a key the url value type names is taken even where it is one that refuses built-ins elsewhere (a
 * `Map`, whose `size` is a number, then passes as such a value: the type says no more than that).
 */
async function typedOwnKeys(sg: EntityApi<Site>, file: SizedFile): Promise<void> {
  await sg.update("Shot", 1, { sg_file: file });
  // @ts-expect-error — a Date still is no url value
  await sg.update("Shot", 1, { sg_file: new Date() });
  // @ts-expect-error — nor a RegExp
  await sg.update("Shot", 1, { sg_file: /re/ });
}
void typedOwnKeys;

/** What a typed schema must still refuse. */
async function typedRefuses(sg: EntityApi<Site>, shot: ShotLink, noId: NoId, p: ProjectLink, data: ShotData): Promise<void> {
  // @ts-expect-error — project links to Project, not Shot
  await sg.find("Shot", [["project", "is", shot]]);
  // @ts-expect-error — in a list too
  await sg.find("Shot", [["project", "in", [p, shot]]]);
  // @ts-expect-error — assets links to Asset
  await sg.summarize("Shot", [["assets", "is", p]], [{ field: "id", type: "count" }]);
  // @ts-expect-error — a link without an id
  await sg.textSearch("x", { Shot: [["project", "is", noId]] });
  // @ts-expect-error — the builder too
  filterBuilder<Site, "Shot">().is("project", shot);
  // @ts-expect-error — a wrong field name next to an interface-typed link
  await sg.find("Shot", [["projcet", "is", p]]);
  // @ts-expect-error — data: a Shot link where a Project link goes
  await sg.create("Shot", { code: "x", project: shot });
  // @ts-expect-error — interface-typed data is checked against the schema in a batch too: Project has no code
  await sg.batch([{ request_type: "create", entity_type: "Project", data }]);
}
void typedRefuses;

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe("interface-typed entity links", () => {
  it("filter a find, a summarize and a text search by the emulator's own SiteCardProject", async () => {
    const project: SiteCardProject = site.emulator.card.projects[0]!;
    const shots = await site.api.find("Shot", [["project", "is", project]], ["project"]);
    expect(shots.length).toBeGreaterThan(0);
    for (const shot of shots) expect(shot["project"]).toMatchObject({ type: "Project", id: project.id });
    const listed = await site.api.find("Shot", [["project", "in", [project]]]);
    expect(listed.map((s) => s.id)).toEqual(shots.map((s) => s.id));
    const summary = await site.api.summarize("Shot", [["project", "is", project]], [{ field: "id", type: "count" }]);
    expect(summary.summaries["id"]).toBe(shots.length);
    const typed = await site.apiWith<Site>().find("Shot", [filterBuilder<Site, "Shot">().is("project", project)]);
    expect(typed.map((s) => s.id)).toEqual(shots.map((s) => s.id));
  });
});
