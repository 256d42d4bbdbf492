/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`, so `{ limit: opts.limit }` compiles
 * only if the option's type allows it. Each `Unset<T>` literal names every optional key of `T` (call options
 * included). The runtime part checks against the emulator that each function sends the same RPCs and answers the
 * same with them as without them.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { CallOptions, RpcRequest } from "@sg/core";
import {
  SgPartialWriteError,
  SgTransferError,
  activityStreamRead,
  batch,
  downloadAttachment,
  entityContext,
  find,
  findOne,
  following,
  iterate,
  navExpand,
  noteThreadRead,
  schemaFieldRead,
  schemaRead,
  summarize,
  textSearch,
  update,
  upload,
  workScheduleRead,
  type ActivityStreamOptions,
  type BatchCreate,
  type BatchUpdate,
  type DownloadOptions,
  type EntityApiOptions,
  type ExportPageOptions,
  type FindOneOptions,
  type FindOptions,
  type FollowingOptions,
  type Grouping,
  type NavExpandOptions,
  type NavSearchOptions,
  type NoteThreadOptions,
  type OpenAttachmentOptions,
  type OrderItem,
  type PartialWriteErrorOptions,
  type ProjectAccessOptions,
  type SchemaReadOptions,
  type ShareThumbnailOptions,
  type SummarizeOptions,
  type TextSearchOptions,
  type TransferCallOptions,
  type TransferErrorOptions,
  type UpdateOptions,
  type UploadOptions,
  type WorkScheduleReadOptions,
  type WorkScheduleUpdateOptions,
} from "./index.js";
import { demoProject, useSite } from "./test-support/suite.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const call = { signal: undefined, timeoutMs: undefined, deadlineMs: undefined, retry: undefined, kind: undefined, sessionUuid: undefined } satisfies Unset<CallOptions>;
const { kind: _kind, ...transferCall } = call;
const findOneOptions = {
  ...call, order: undefined, filterOperator: undefined, retiredOnly: undefined, includeArchivedProjects: undefined, additionalFilterPresets: undefined,
} satisfies Unset<FindOneOptions>;
const findAll = { ...findOneOptions, limit: undefined, page: undefined, concurrency: undefined, walk: undefined } satisfies Unset<FindOptions>;
const apiOptions = { dates: undefined, trimEntities: undefined, fieldTypes: undefined, pageSize: undefined, defaults: undefined } satisfies Unset<EntityApiOptions>;
const summarizeOptions = { ...call, filterOperator: undefined, grouping: undefined, includeArchivedProjects: undefined } satisfies Unset<SummarizeOptions>;
const textSearchOptions = { ...call, projectIds: undefined, limit: undefined } satisfies Unset<TextSearchOptions>;
const schemaOptions = { ...call, project: undefined } satisfies Unset<SchemaReadOptions>;
const followingOptions = { ...call, project: undefined, entityType: undefined } satisfies Unset<FollowingOptions>;
const activityOptions = { ...call, entityFields: undefined, minId: undefined, maxId: undefined, limit: undefined } satisfies Unset<ActivityStreamOptions>;
const noteOptions = { ...call, entityFields: undefined } satisfies Unset<NoteThreadOptions>;
const navSearch = { ...call, seedEntityField: undefined } satisfies Unset<NavSearchOptions>;
const navExpandOptions = { ...navSearch, entityFields: undefined } satisfies Unset<NavExpandOptions>;
const scheduleRead = { ...call, project: undefined, user: undefined } satisfies Unset<WorkScheduleReadOptions>;
const scheduleUpdate = { ...scheduleRead, description: undefined, recalculateField: undefined } satisfies Unset<WorkScheduleUpdateOptions>;
const projectAccess = { ...call, user: undefined } satisfies Unset<ProjectAccessOptions>;
const exportOptions = { ...call, layoutName: undefined } satisfies Unset<ExportPageOptions>;
const updateOptions = { ...call, multiEntityUpdateModes: undefined } satisfies Unset<UpdateOptions>;
const uploadOptions = { ...transferCall, fieldName: undefined, displayName: undefined, tagList: undefined } satisfies Unset<UploadOptions>;
const shareOptions = { ...transferCall, thumbnailPath: undefined, sourceEntity: undefined, filmstripThumbnail: undefined } satisfies Unset<ShareThumbnailOptions>;
const openOptions = { ...transferCall, localFiles: undefined } satisfies Unset<OpenAttachmentOptions>;
const downloadOptions = { ...openOptions, filePath: undefined, maxBytes: undefined } satisfies Unset<DownloadOptions>;
const transferError = { cause: undefined, hint: undefined, method: undefined, attempts: undefined, secrets: undefined, code: undefined, status: undefined, reply: undefined, errorCode: undefined, serverMessage: undefined, maybeSent: undefined, uploaded: undefined } satisfies Unset<TransferErrorOptions>;

// The annotations are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const typed: readonly unknown[] = [
  findOneOptions satisfies FindOneOptions,
  findAll satisfies FindOptions,
  apiOptions satisfies EntityApiOptions,
  summarizeOptions satisfies SummarizeOptions,
  { field: "code", type: "exact", direction: undefined } satisfies Grouping,
  [{ field_name: "code", direction: undefined }, { column: "code", direction: undefined }] satisfies OrderItem[],
  textSearchOptions satisfies TextSearchOptions,
  schemaOptions satisfies SchemaReadOptions,
  followingOptions satisfies FollowingOptions,
  activityOptions satisfies ActivityStreamOptions,
  noteOptions satisfies NoteThreadOptions,
  navSearch satisfies NavSearchOptions,
  navExpandOptions satisfies NavExpandOptions,
  scheduleRead satisfies WorkScheduleReadOptions,
  scheduleUpdate satisfies WorkScheduleUpdateOptions,
  projectAccess satisfies ProjectAccessOptions,
  exportOptions satisfies ExportPageOptions,
  updateOptions satisfies UpdateOptions,
  uploadOptions satisfies UploadOptions,
  shareOptions satisfies ShareThumbnailOptions,
  openOptions satisfies OpenAttachmentOptions,
  downloadOptions satisfies DownloadOptions,
  transferCall satisfies TransferCallOptions,
  { request_type: "create", entity_type: "Shot", data: {}, return_fields: undefined } satisfies BatchCreate,
  { request_type: "update", entity_type: "Shot", entity_id: 1, data: {}, multi_entity_update_modes: undefined } satisfies BatchUpdate,
  transferError satisfies TransferErrorOptions,
  { record: {}, records: undefined, ...transferError } satisfies PartialWriteErrorOptions,
];
void typed;

const getSite = useSite();

/** The RPCs sent for `methods`, as the site sees them. */
const wire = (sent: readonly RpcRequest[], methods: readonly string[]): unknown[] =>
  sent.filter((r) => methods.includes(r.method)).map((r) => ({ method: r.method, kind: r.kind, payload: r.payload }));

/** Run `plain` then `unset` and expect the same RPCs for `methods` and the same outcome (through `view`). */
async function same<T>(methods: readonly string[], plain: () => Promise<T>, unset: () => Promise<T>, view: (value: unknown) => unknown = (v) => v): Promise<unknown> {
  const { sent } = getSite();
  const settle = (p: Promise<T>): Promise<unknown> => p.then(view, (e: unknown) => ({ error: e instanceof Error ? `${e.name}: ${e.message}` : e }));
  const start = sent.length;
  const a = await settle(plain());
  const middle = sent.length;
  const b = await settle(unset());
  expect(wire(sent.slice(middle), methods)).toEqual(wire(sent.slice(start, middle), methods));
  expect(wire(sent.slice(middle), methods).length, `no ${methods.join(", ")} among ${sent.slice(start).map((r) => r.method).join(", ")}`).toBeGreaterThan(0);
  expect(b).toEqual(a);
  return a;
}

describe("undefined options are the same as absent ones", () => {
  it("find, findOne, iterate and entityContext", async () => {
    const site = getSite();
    await site.api.info();
    const filters = [["sg_status_list", "is", "ip"]] as const;
    const found = await same(["read"], () => find(site.client, "Shot", [...filters], ["code", "created_at"]), () => find(site.client, "Shot", [...filters], ["code", "created_at"], findAll));
    expect((found as unknown[]).length).toBeGreaterThan(0);
    await same(["read"], () => findOne(site.client, "Shot", [], ["code"]), () => findOne(site.client, "Shot", [], ["code"], findOneOptions));
    const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
      const out: T[] = [];
      for await (const x of it) out.push(x);
      return out;
    };
    await same(["read"], () => all(iterate(site.client, "Shot", [], ["code"])), () => all(iterate(site.client, "Shot", [], ["code"], findAll)));
    await same(["read"], () => find(entityContext(site.client), "Shot", [], ["created_at"], { order: [{ field_name: "id" }] }), () => find(entityContext(site.client, apiOptions), "Shot", [], ["created_at"], { order: [{ field_name: "id", direction: undefined }] }));
    await same(["read"], () => site.apiWith().find("Version", [], ["code"], { limit: 2 }), () => site.apiWith(apiOptions).find("Version", [], ["code"], { ...findAll, limit: 2 }));
  });

  it("summarize, textSearch, the schema reads and following", async () => {
    const site = getSite();
    const api = site.api;
    const sums = [{ field: "id", type: "count" }] as const;
    await same(["summarize"], () => summarize(site.client, "Shot", [], [...sums]), () => summarize(site.client, "Shot", [], [...sums], summarizeOptions));
    const grouped = (direction?: "asc") => summarize(site.client, "Shot", [], [...sums], { grouping: [{ field: "sg_status_list", type: "exact", direction }] });
    await same(["summarize"], () => summarize(site.client, "Shot", [], [...sums], { grouping: [{ field: "sg_status_list", type: "exact" }] }), () => grouped(undefined));
    await same(["query_display_name_cache", "text_search"], () => textSearch(site.client, "sq010", { Shot: [] }), () => textSearch(site.client, "sq010", { Shot: [] }, textSearchOptions));
    await same(["schema_read"], () => schemaRead(site.client), () => schemaRead(site.client, schemaOptions));
    await same(["schema_field_read"], () => schemaFieldRead(site.client, "Shot", "code"), () => schemaFieldRead(site.client, "Shot", "code", schemaOptions));
    const user = { type: "HumanUser", id: 1 };
    await same(["following"], () => following(api, user), () => following(api, user, followingOptions));
  });

  it("activity, notes, navigation and the work schedule", async () => {
    const site = getSite();
    const shot = (await findOne(site.client, "Shot", [], []))!;
    await same(["activity_stream"], () => activityStreamRead(site.client, "Shot", shot.id), () => activityStreamRead(site.client, "Shot", shot.id, activityOptions));
    const note = (await findOne(site.client, "Note", [], []))!;
    await same(["note_thread_contents"], () => noteThreadRead(site.client, note.id), () => noteThreadRead(site.client, note.id, noteOptions));
    await same(["nav_expand"], () => navExpand(site.client, "/Project/1"), () => navExpand(site.client, "/Project/1", navExpandOptions));
    await same(["work_schedule_read"], () => workScheduleRead(site.client, "2024-01-01", "2024-01-07"), () => workScheduleRead(site.client, "2024-01-01", "2024-01-07", scheduleRead));
  });

  it("update, batch, upload and download", async () => {
    const site = getSite();
    const shot = (await findOne(site.client, "Shot", [], ["description"]))!;
    await same(["update"], () => update(site.client, "Shot", shot.id, { description: "same" }), () => update(site.client, "Shot", shot.id, { description: "same" }, updateOptions));
    const withoutIds = (value: unknown): unknown => (value as { id?: number }[]).map((r) => (typeof r === "object" ? { ...r, id: typeof r.id } : r));
    const project = demoProject(site);
    await same(
      ["batch"],
      () => batch(site.client, [{ request_type: "create", entity_type: "Shot", data: { code: "ou_batch", project } }, { request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { description: "b" } }]),
      () =>
        batch(site.client, [
          { request_type: "create", entity_type: "Shot", data: { code: "ou_batch", project }, return_fields: undefined },
          { request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { description: "b" }, multi_entity_update_modes: undefined },
        ], call),
      withoutIds,
    );
    const file = (): File => new File([new TextEncoder().encode("same bytes")], "same.txt");
    const ids: number[] = [];
    const uploaded = async (options?: UploadOptions): Promise<number> => {
      const id = await upload(site.client, "Shot", shot.id, file(), options);
      ids.push(id);
      return id;
    };
    // An upload goes over plain HTTP exchanges: the emulator's log shows the same steps.
    const steps = (from: number): unknown[] => site.emulator.requests().slice(from).map((r) => [r.httpMethod, r.path, r.method_name, r.status]);
    const start = site.emulator.requests().length;
    await uploaded();
    const middle = site.emulator.requests().length;
    await uploaded(uploadOptions);
    expect(steps(middle)).toEqual(steps(start).slice(0, middle - start));
    expect(middle - start).toBeGreaterThan(0);
    const [a, b] = await Promise.all(ids.map((id) => findOne(site.client, "Attachment", [["id", "is", id]], ["this_file", "tag_list", "attachment_links"])));
    expect({ ...b!, id: 0, this_file: undefined }).toEqual({ ...a!, id: 0, this_file: undefined });
    const download: DownloadOptions = downloadOptions;
    // Options whose filePath is known at run time only: the bytes or the path, typed as either.
    const got = await downloadAttachment(site.client, ids[1]!, download);
    expectTypeOf(got).toEqualTypeOf<Uint8Array | string>();
    // Compile-only (never called: each would download): which overload each form of options picks.
    const overloads = (maybePath: string | undefined): void => {
      expectTypeOf(downloadAttachment(site.client, 1, { filePath: maybePath })).toEqualTypeOf<Promise<Uint8Array | string>>();
      expectTypeOf(downloadAttachment(site.client, 1)).toEqualTypeOf<Promise<Uint8Array>>();
      expectTypeOf(downloadAttachment(site.client, 1, { filePath: undefined })).toEqualTypeOf<Promise<Uint8Array>>();
      expectTypeOf(downloadAttachment(site.client, 1, { filePath: "x" })).toEqualTypeOf<Promise<string>>();
      // Options that may be undefined as a whole (an optional parameter passed on): bytes or path, as with DownloadOptions.
      const passOn = (opts?: DownloadOptions) => downloadAttachment(site.client, 1, opts);
      expectTypeOf(passOn).returns.toEqualTypeOf<Promise<Uint8Array | string>>();
      const passOnApi = (opts?: DownloadOptions) => site.api.downloadAttachment(1, opts);
      expectTypeOf(passOnApi).returns.toEqualTypeOf<Promise<Uint8Array | string>>();
      expectTypeOf(site.api.downloadAttachment(1)).toEqualTypeOf<Promise<Uint8Array>>();
      expectTypeOf(site.api.downloadAttachment(1, { filePath: "x" })).toEqualTypeOf<Promise<string>>();
    };
    void overloads;
    expect(typeof got === "string" ? got : Buffer.from(got).toString()).toBe(Buffer.from(await downloadAttachment(site.client, ids[0]!)).toString());
  });

  it("the error constructors read undefined as absent", () => {
    const same = (a: Error, b: Error): void => expect({ ...a, message: a.message }).toEqual({ ...b, message: b.message });
    same(new SgTransferError("m", transferError), new SgTransferError("m"));
    same(new SgPartialWriteError("m", { record: { type: "Shot", id: 1 }, ...transferError, records: undefined }), new SgPartialWriteError("m", { record: { type: "Shot", id: 1 } }));
  });
});
