/**
 * The entity API: every public method of the Python client's `Shotgun` class, typed against a site schema,
 * as one object. Each method is the standalone function of the same name (see `find.ts`, `create.ts`, …)
 * bound to the API, so importing `entityApi` bundles every function; import the functions instead to bundle
 * only what you call.
 *
 * @packageDocumentation
 */
import type { CallOptions, Client, DateMode, EntityRef, SiteInfo } from "@sg/core";
import { activityStreamRead, noteThreadRead, type ActivityStream, type ActivityStreamOptions, type NoteThreadOptions } from "./activity.js";
import { batch, type BatchRequest, type BatchResults, type CheckedBatch } from "./batch.js";
import { bindContext, createContext, getSessionToken, info, type EntityApiOptions, type EntityApiOptionsArg, type EntityContext, type InfoOptions } from "./context.js";
import { create, type CreateOptions } from "./create.js";
import { downloadAttachment, getAttachmentDownloadUrl, openAttachment, type AttachmentArg, type AttachmentStream, type DownloadOptions, type OpenAttachmentOptions } from "./downloads.js";
import type { CheckedTextSearchTypes, FiltersFor, TextSearchTypes } from "./checked-filters.js";
import type { FiltersInput } from "./filters.js";
import type { CheckedOrder, OrderKey } from "./checked-order.js";
import { find, findOne, iterate, type FindOneOptions, type FindOptions, type OrderItem } from "./find.js";
import { follow, followers, following, unfollow, type FollowingOptions } from "./follow.js";
import { navExpand, navSearchEntity, navSearchString, type NavExpandOptions, type NavSearchOptions } from "./nav.js";
import { deleteEntity, revive } from "./retire.js";
import {
  schemaEntityRead, schemaFieldCreate, schemaFieldDelete, schemaFieldRead, schemaFieldUpdate, schemaRead,
  type EntityDefinitions, type FieldDefinitions, type SchemaDefinitions, type SchemaReadOptions,
} from "./schema.js";
import type { CheckedFieldName, EntityData, EntityDataByType, EntityTypeName, FieldList, FieldName, FieldPath, FileFieldName, FilterPath, FoundRecord, LooseSchema, PlainObject, SchemaEntityLink, SchemaLinkTo, SiteSchema, WrittenData, WrittenRecord } from "./schema-types.js";
import {
  preferencesRead, updateProjectLastAccessed, userSubscriptionsCreate, userSubscriptionsRead, workScheduleRead, workScheduleUpdate,
  type ProjectAccessOptions, type UserSubscription, type WorkDay, type WorkScheduleReadOptions, type WorkScheduleUpdateOptions,
} from "./site-settings.js";
import { summarize, type CheckedFieldItems, type Grouping, type OneSummaryPerField, type SummarizeOptions, type SummarizeResult, type Summaries, type SummaryField } from "./summarize.js";
import { exportPage, textSearch, type ExportPageOptions, type TextSearchOptions, type TextSearchResult } from "./text-search.js";
import { update, type AnyUpdateModes, type CheckedUpdateModes, type UpdateOptions } from "./update.js";
import { shareThumbnail, upload, uploadFilmstripThumbnail, uploadThumbnail, type FieldUploadOptions, type ShareThumbnailOptions, type UploadOptions, type UploadSource } from "./uploads.js";
import type { TransferCallOptions } from "./transfer.js";

export type { FoundRecord } from "./schema-types.js";

/**
 * The whole api3 surface. `S` is the site schema type ({@link SiteSchema}; loose without one), `D` the date
 * mode (`"date"`: `date_time` values are `Date`; `"string"`: wire strings).
 *
 * Every method is the standalone function of the same name bound to this object (`sg.find(…)` is
 * `find(sg, …)`; `sg.delete` is `deleteEntity`), and the object is itself an {@link EntityContext}, so it can
 * be passed to the functions too.
 */
export interface EntityApi<S extends SiteSchema = LooseSchema, D extends DateMode = "date"> extends EntityContext<S, D> {
  /** The client calls go through. */
  readonly client: Client;

  /**
   * Find records (Python `find`, RPC `read`). Pages through every match (or up to `limit`) with the Python
   * paging algorithm; `concurrency` fetches pages in parallel, in order.
   *
   * @param entityType - e.g. `"Shot"`.
   * @param filters - Python-style filters (`[["code", "is", "sh010"]]`), a builder group, or a wire tree.
   * @param fields - fields to return besides `type` and `id` (default none → `["id"]` on the wire).
   */
  find<E extends EntityTypeName<S>, const F extends readonly FieldPath<S, E>[] = readonly [], const L extends FiltersInput = FiltersInput>(
    entityType: E,
    filters?: FiltersFor<S, E, L>,
    fields?: F,
    options?: FindOptions<S, E>,
  ): Promise<FoundRecord<S, E, F, D>[]>;
  /** The same with a literal list, checked path by path (deep paths too), when it is not all one-hop paths: a bad element is named by one message; `order` keys likewise. */
  find<E extends EntityTypeName<S>, const F extends readonly string[] = readonly [], const L extends FiltersInput = FiltersInput, const O extends readonly OrderKey[] = readonly OrderItem<S, E>[]>(
    entityType: E,
    filters?: FiltersFor<S, E, L>,
    fields?: FieldList<S, E, F>,
    options?: FindOptions<S, E, CheckedOrder<S, E, O>>,
  ): Promise<FoundRecord<S, E, F, D>[]>;

  /** The first record matching (Python `find_one`), or `null`. */
  findOne<E extends EntityTypeName<S>, const F extends readonly FieldPath<S, E>[] = readonly [], const L extends FiltersInput = FiltersInput>(
    entityType: E,
    filters?: FiltersFor<S, E, L>,
    fields?: F,
    options?: FindOneOptions<S, E>,
  ): Promise<FoundRecord<S, E, F, D> | null>;
  /** The same with a literal list, checked path by path (deep paths too), when it is not all one-hop paths: a bad element is named by one message; `order` keys likewise. */
  findOne<E extends EntityTypeName<S>, const F extends readonly string[] = readonly [], const L extends FiltersInput = FiltersInput, const O extends readonly OrderKey[] = readonly OrderItem<S, E>[]>(
    entityType: E,
    filters?: FiltersFor<S, E, L>,
    fields?: FieldList<S, E, F>,
    options?: FindOneOptions<S, E, CheckedOrder<S, E, O>>,
  ): Promise<FoundRecord<S, E, F, D> | null>;

  /**
   * Stream the records of a `find`, page by page, requesting pages ahead while one is read: at most
   * `concurrency` + 1 pages are held, the one being read and `concurrency` requested ahead (with the default of 1,
   * the next page is on its way, often answered, while the current one is read). Break out of the loop at any
   * time: no further page is requested; the pages already requested ahead were sent (reads, so harmless) and
   * their records are dropped. Pages are offsets: a loop that updates or deletes the rows it reads skips some; with
   * `walk: "id"` it pages by id instead and hands out each row once (README "Changing the rows you are paging through").
   */
  iterate<E extends EntityTypeName<S>, const F extends readonly FieldPath<S, E>[] = readonly [], const L extends FiltersInput = FiltersInput>(
    entityType: E,
    filters?: FiltersFor<S, E, L>,
    fields?: F,
    options?: FindOptions<S, E>,
  ): AsyncGenerator<FoundRecord<S, E, F, D>, void, undefined>;
  /** The same with a literal list, checked path by path (deep paths too), when it is not all one-hop paths: a bad element is named by one message; `order` keys likewise. */
  iterate<E extends EntityTypeName<S>, const F extends readonly string[] = readonly [], const L extends FiltersInput = FiltersInput, const O extends readonly OrderKey[] = readonly OrderItem<S, E>[]>(
    entityType: E,
    filters?: FiltersFor<S, E, L>,
    fields?: FieldList<S, E, F>,
    options?: FindOptions<S, E, CheckedOrder<S, E, O>>,
  ): AsyncGenerator<FoundRecord<S, E, F, D>, void, undefined>;

  /** Summaries over matching records, optionally grouped (Python `summarize`). */
  summarize<E extends EntityTypeName<S>, const Q extends readonly SummaryField<FilterPath<S, E>>[] = readonly SummaryField<FilterPath<S, E>>[], const L extends FiltersInput = FiltersInput>(
    entityType: E,
    filters: FiltersFor<S, E, L>,
    summaryFields: OneSummaryPerField<Q>,
    options?: SummarizeOptions<FilterPath<S, E>>,
  ): Promise<SummarizeResult<Summaries<S, E, Q, D>>>;
  /** The same with literal lists checked item by item (deep paths too), or a list built at run time: a bad field is named by one message. */
  summarize<E extends EntityTypeName<S>, const Q extends readonly SummaryField[] = readonly SummaryField[], const G extends readonly Grouping[] = readonly Grouping[], const L extends FiltersInput = FiltersInput>(
    entityType: E,
    filters: FiltersFor<S, E, L>,
    summaryFields: OneSummaryPerField<Q, CheckedFieldItems<S, E, Q>>,
    options?: SummarizeOptions & { readonly grouping?: CheckedFieldItems<S, E, G> | undefined },
  ): Promise<SummarizeResult<Summaries<S, E, Q, D>>>;

  /**
   * Create an entity (Python `create`) and return it with `returnFields`. An `image` / `filmstrip_image`
   * path is uploaded after the create; if that fails an `SgPartialWriteError` carries the created record.
   */
  create<E extends EntityTypeName<S>, const T extends object = EntityDataByType<S, "create">[E], const F extends readonly FieldPath<S, E>[] = readonly []>(
    entityType: E,
    data: WrittenData<S, E, T, "create">,
    returnFields?: F,
    options?: CreateOptions,
  ): Promise<WrittenRecord<S, E, T, F, D>>;
  /** The same with a literal list, checked path by path (deep paths too), when it is not all one-hop paths: a bad element is named by one message. */
  create<E extends EntityTypeName<S>, const T extends object = EntityDataByType<S, "create">[E], const F extends readonly string[] = readonly []>(
    entityType: E,
    data: WrittenData<S, E, T, "create">,
    returnFields?: FieldList<S, E, F>,
    options?: CreateOptions,
  ): Promise<WrittenRecord<S, E, T, F, D>>;

  /** Update an entity (Python `update`); multi-entity fields can `add`/`remove` instead of `set`. */
  update<E extends EntityTypeName<S>, const T extends object = EntityDataByType<S>[E], const M extends AnyUpdateModes = AnyUpdateModes>(
    entityType: E,
    entityId: number,
    data: WrittenData<S, E, T>,
    options?: UpdateOptions<CheckedUpdateModes<S, E, T, M>>,
  ): Promise<WrittenRecord<S, E, T, readonly [], D>>;

  /** Retire an entity (Python `delete`): true if retired now, false if it already was. */
  delete(entityType: EntityTypeName<S>, entityId: number, options?: CallOptions): Promise<boolean>;

  /** Bring a retired entity back (Python `revive`): true if revived, false if it was not retired. */
  revive(entityType: EntityTypeName<S>, entityId: number, options?: CallOptions): Promise<boolean>;

  /** Several creates, updates and deletes in one transaction (Python `batch`): all or nothing. */
  batch<const R extends readonly BatchRequest[] = readonly BatchRequest[]>(requests: CheckedBatch<S, R>, options?: CallOptions): Promise<BatchResults<S, R, D>>;

  /** Search display names (Python `text_search`); `entityTypes` maps each type to its filters. */
  textSearch<const T extends TextSearchTypes<S> = TextSearchTypes<S>>(text: string, entityTypes: CheckedTextSearchTypes<S, T>, options?: TextSearchOptions): Promise<TextSearchResult>;

  /** The whole schema (Python `schema_read`). */
  schemaRead(options?: SchemaReadOptions): Promise<SchemaDefinitions>;

  /** The entity types and their display names (Python `schema_entity_read`). */
  schemaEntityRead(options?: SchemaReadOptions): Promise<EntityDefinitions>;

  /** The fields of an entity type, or one field (Python `schema_field_read`). */
  schemaFieldRead<E extends EntityTypeName<S>, const K extends string = string>(entityType: E, fieldName?: CheckedFieldName<S, K, FieldName<S, E>, `✗ ${K} is not a field of ${E}`>, options?: SchemaReadOptions): Promise<FieldDefinitions>;

  /** Create a field; returns its internal name, e.g. `sg_complexity` (Python `schema_field_create`). */
  schemaFieldCreate(entityType: EntityTypeName<S>, dataType: string, displayName: string, properties?: { readonly [property: string]: unknown } | PlainObject, options?: CallOptions): Promise<string>;

  /** Change a field's properties (Python `schema_field_update`). */
  schemaFieldUpdate(entityType: EntityTypeName<S>, fieldName: string, properties: { readonly [property: string]: unknown } | PlainObject, options?: SchemaReadOptions): Promise<boolean>;

  /** Retire a field (Python `schema_field_delete`). */
  schemaFieldDelete(entityType: EntityTypeName<S>, fieldName: string, options?: CallOptions): Promise<boolean>;

  /** Make a user follow an entity (Python `follow`). */
  follow(user: SchemaEntityLink<S>, entity: SchemaEntityLink<S>, options?: CallOptions): Promise<{ readonly [key: string]: unknown }>;

  /** Make a user stop following an entity (Python `unfollow`). */
  unfollow(user: SchemaEntityLink<S>, entity: SchemaEntityLink<S>, options?: CallOptions): Promise<{ readonly [key: string]: unknown }>;

  /** The users following an entity (Python `followers`). */
  followers(entity: SchemaEntityLink<S>, options?: CallOptions): Promise<SchemaEntityLink<S>[]>;

  /** The entities a user follows (Python `following`). */
  following(user: SchemaEntityLink<S>, options?: FollowingOptions): Promise<SchemaEntityLink<S>[]>;

  /** An entity's activity stream, newest first (Python `activity_stream_read`). */
  activityStreamRead(entityType: EntityTypeName<S>, entityId: number, options?: ActivityStreamOptions<S>): Promise<ActivityStream>;

  /** A note with its replies and attachments (Python `note_thread_read`). */
  noteThreadRead(noteId: number, options?: NoteThreadOptions<S>): Promise<{ readonly type: string; readonly id: number; readonly [field: string]: unknown }[]>;

  /** Site preferences by name; unknown names are left out (Python `preferences_read`). */
  preferencesRead(prefs?: readonly string[], options?: CallOptions): Promise<{ readonly [name: string]: unknown }>;

  /** The work schedule of an inclusive date range, `YYYY-MM-DD` (Python `work_schedule_read`). */
  workScheduleRead(startDate: string, endDate: string, options?: WorkScheduleReadOptions): Promise<{ readonly [date: string]: WorkDay }>;

  /** Set whether a day is a working day (Python `work_schedule_update`). */
  workScheduleUpdate(date: string, working: boolean, options?: WorkScheduleUpdateOptions): Promise<{ readonly [key: string]: unknown }>;

  /** The users' subscriptions (Python `user_subscriptions_read`). */
  userSubscriptionsRead(options?: CallOptions): Promise<UserSubscription[]>;

  /** Assign subscriptions (Python `user_subscriptions_create`); true on success. */
  userSubscriptionsCreate(users: readonly UserSubscription[], options?: CallOptions): Promise<boolean>;

  /** Record that the current user opened a project (Python `update_project_last_accessed`). */
  updateProjectLastAccessed(project: SchemaLinkTo<S, "Project">, options?: ProjectAccessOptions): Promise<void>;

  /** Export a page marked "API Exportable" as CSV text (Python `export_page`). */
  exportPage(pageId: number, format: "csv", options?: ExportPageOptions): Promise<string>;

  /**
   * Expand the navigation hierarchy at a path, e.g. `"/Project/65"` (Python `nav_expand`, experimental on the
   * site): RPC `nav_expand` `{ path, seed_entity_field, entity_fields }`, absent options sent as `null`.
   * Resolves to the site's answer, unchanged.
   */
  navExpand(path: string, options?: NavExpandOptions): Promise<unknown>;

  /**
   * Search the navigation hierarchy below a path for a text (Python `nav_search_string`, experimental on the
   * site): RPC `nav_search` `{ root_path, seed_entity_field, search_criteria: { search_string } }`.
   * Resolves to the site's answer, unchanged.
   */
  navSearchString(rootPath: string, searchString: string, options?: NavSearchOptions): Promise<unknown>;

  /**
   * Search the navigation hierarchy below a path for an entity (Python `nav_search_entity`, experimental on the
   * site): RPC `nav_search` `{ root_path, seed_entity_field, search_criteria: { entity: { type, id } } }`.
   * Resolves to the site's answer, unchanged.
   */
  navSearchEntity(rootPath: string, entity: EntityRef, options?: NavSearchOptions): Promise<unknown>;

  /** Upload a file to an entity, optionally into a field; returns the Attachment id (Python `upload`). */
  upload<E extends EntityTypeName<S>, const K extends string = string>(entityType: E, entityId: number, path: UploadSource, options?: UploadOptions<CheckedFieldName<S, K, FileFieldName<S, E>, `✗ ${K} is not a url or image field of ${E}`>> & FieldUploadOptions<K>): Promise<number>;

  /** Upload an entity's thumbnail (Python `upload_thumbnail`). */
  uploadThumbnail(entityType: EntityTypeName<S>, entityId: number, path: UploadSource, options?: TransferCallOptions): Promise<number>;

  /** Upload an entity's filmstrip thumbnail (Python `upload_filmstrip_thumbnail`). */
  uploadFilmstripThumbnail(entityType: EntityTypeName<S>, entityId: number, path: UploadSource, options?: TransferCallOptions): Promise<number>;

  /** Give several entities the same thumbnail (Python `share_thumbnail`); returns the Attachment id. */
  shareThumbnail(entities: readonly EntityRef[], options: ShareThumbnailOptions): Promise<number>;

  /** Download an attachment: the bytes, or `filePath` once written (Python `download_attachment`). */
  downloadAttachment<A>(attachment: AttachmentArg<A>, options: DownloadOptions & { readonly filePath: string }): Promise<string>;
  /** Download an attachment's bytes (Python `download_attachment`). */
  downloadAttachment<A>(attachment: AttachmentArg<A>, options?: DownloadOptions & { readonly filePath?: undefined }): Promise<Uint8Array>;
  /** Download an attachment when whether there is a `filePath` is known only at run time: the path, or the bytes. */
  downloadAttachment<A>(attachment: AttachmentArg<A>, options?: DownloadOptions): Promise<Uint8Array | string>;

  /**
   * Open an attachment as a stream of its bytes, with its size, type and name when the answer tells them: to pipe
   * it on as it arrives. Read the stream to its end or cancel it (which drops the connection).
   */
  openAttachment<A>(attachment: AttachmentArg<A>, options?: OpenAttachmentOptions): Promise<AttachmentStream>;

  /** The URL an attachment downloads from, or `null` for `null` (Python `get_attachment_download_url`). */
  getAttachmentDownloadUrl<A>(attachment: AttachmentArg<A> | null): string | null;

  /**
   * A session token for the caller (Python `get_session_token`): the auth strategy's current session with session
   * credentials (never cached), else one fetched once per client with `get_session_token` and cached, which the site
   * ends after its idle time (see the standalone `getSessionToken`).
   */
  getSessionToken(options?: CallOptions): Promise<string>;

  /**
   * The site's `info`: the client's cached answer (Python `server_info`), or with `refresh: true` the site's answer
   * now, as Python's `info()` asks on every call (see the standalone `info`).
   */
  info(options?: InfoOptions): Promise<SiteInfo>;
}

/** A standalone function seen loosely: its first argument, then the method's own arguments. */
type StandaloneFunction = (target: never, ...args: never[]) => unknown;

/**
 * Create the entity API over a client: one object with every method, each the standalone function of the
 * same name bound to it.
 *
 * ```ts
 * const sg = entityApi<MySite>(createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ … }) }));
 * const shots = await sg.find("Shot", [["sg_status_list", "is", "ip"]], ["code", "sg_status_list"]);
 * ```
 *
 * @throws SgValidationError when the client or the options are malformed, or an option is unknown.
 */
export function entityApi<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(client: Client, ...options: EntityApiOptionsArg<D>): EntityApi<S, D>;
export function entityApi(client: Client, options?: EntityApiOptions<DateMode>): EntityApi<SiteSchema, DateMode> {
  const ctx = createContext(client, options);
  const methods: Record<string, StandaloneFunction> = {
    find, findOne, iterate, summarize, create, update, delete: deleteEntity, revive, batch, textSearch,
    schemaRead, schemaEntityRead, schemaFieldRead, schemaFieldCreate, schemaFieldUpdate, schemaFieldDelete,
    follow, unfollow, followers, following, activityStreamRead, noteThreadRead, preferencesRead, workScheduleRead,
    workScheduleUpdate, userSubscriptionsRead, userSubscriptionsCreate, updateProjectLastAccessed, exportPage,
    navExpand, navSearchString, navSearchEntity,
    upload, uploadThumbnail, uploadFilmstripThumbnail, shareThumbnail, downloadAttachment, openAttachment, getAttachmentDownloadUrl,
    getSessionToken, info,
  };
  const api: Record<string, unknown> = { client };
  for (const [name, fn] of Object.entries(methods)) {
    const loose = fn as unknown as (target: unknown, ...args: unknown[]) => unknown;
    api[name] = (...args: unknown[]): unknown => loose(api, ...args);
  }
  Object.freeze(api);
  bindContext(api, ctx);
  return api as unknown as EntityApi<SiteSchema, DateMode>;
}
