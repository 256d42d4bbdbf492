/**
 * Activity stream and note threads (rpc-protocol §2.7): `activityStreamRead` (RPC `activity_stream`) and
 * `noteThreadRead` (RPC `note_thread_contents`). Their `created_at` values are in the site's own
 * `YYYY-MM-DD HH:MM:SS UTC` form and are returned as they are; the entity fields asked for with `entityFields` are
 * decoded as `find` decodes them (`date_time` fields as `Date`s unless `dates: "string"`).
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { callOptions, contextOf, type Context, type EntityTarget } from "./context.js";
import type { EntityTypeName, IsLoose, LooseSchema, SiteSchema, WhereSchemaOpen } from "./schema-types.js";
import { finishRecords, parseRecord } from "./records.js";
import { callExpecting } from "./reply.js";
import { checkEntityFields, checkEntityType, checkId, checkInt, checkOptions, isPlainObject } from "./validate.js";

/**
 * Extra fields to return per entity type, e.g. `{ Note: ["tasks"], Reply: ["user"] }`. With a schema `S`, each key
 * must be one of its entity types (a misspelt one, which the site would ignore, is a compile error); any key where
 * the schema is loose or a type parameter.
 */
export type EntityFields<S extends SiteSchema = LooseSchema> =
  | (IsLoose<S> extends true ? { readonly [entityType: string]: readonly string[] } : { readonly [E in EntityTypeName<S>]?: readonly string[] })
  | WhereSchemaOpen<S, { readonly [entityType: string]: readonly string[] }>;

/**
 * Options of `activityStreamRead`, plus call options (`S`: the site schema, which types `entityFields`' keys). A type
 * alias, not an interface, so that it is compared member by member: options typed with the plain
 * `ActivityStreamOptions` are taken where `ActivityStreamOptions<S>` is asked for (an interface is compared by its
 * type argument, and `LooseSchema` is no site's schema).
 */
export type ActivityStreamOptions<S extends SiteSchema = LooseSchema> = CallOptions & {
  /** Extra fields per entity type (`entity_fields`). `null` is Python's default `None`: the same as leaving it out. */
  readonly entityFields?: EntityFields<S> | null | undefined;
  /** Only updates with an id ≥ this (`min_id`). `null` is Python's default `None`: the same as leaving it out, sent as `min_id: null`. */
  readonly minId?: number | null | undefined;
  /** Only updates with an id ≤ this (`max_id`). `null` is Python's default `None`: the same as leaving it out, sent as `max_id: null`. */
  readonly maxId?: number | null | undefined;
  /**
   * At most this many updates (`limit`; 0 is sent as it is, as Python sends it; default: the site's). `null` is
   * Python's default `None`: the same as leaving it out, sent as `limit: null`.
   */
  readonly limit?: number | null | undefined;
};

/**
 * Options of `noteThreadRead`, plus call options (`S`: the site schema, which types `entityFields`' keys). A type
 * alias, as {@link ActivityStreamOptions} is, so that options typed with the plain `NoteThreadOptions` are taken where
 * `NoteThreadOptions<S>` is asked for.
 */
export type NoteThreadOptions<S extends SiteSchema = LooseSchema> = CallOptions & {
  /** Extra fields per entity type (`entity_fields`). `null` is Python's default `None`: the same as leaving it out. */
  readonly entityFields?: EntityFields<S> | null | undefined;
};

/** What `activityStreamRead` returns. */
export interface ActivityStream {
  /** The entity type asked for. */
  readonly entity_type: string;
  /** The entity id asked for. */
  readonly entity_id: number;
  /** Lowest update id in the stream. */
  readonly earliest_update_id: number | null;
  /** Highest update id in the stream. */
  readonly latest_update_id: number | null;
  /** The updates, newest first. */
  readonly updates: readonly { readonly [key: string]: unknown }[];
  /** Anything else the site sends. */
  readonly [key: string]: unknown;
}

/**
 * An entity's activity stream, newest first (Python `activity_stream_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param entityId - the entity's id.
 * @param options - `entityFields`, `minId`, `maxId`, `limit` and call options.
 */
export function activityStreamRead<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, entityId: number, options?: ActivityStreamOptions<S>): Promise<ActivityStream>;
export async function activityStreamRead(target: unknown, entityType: unknown, entityId: unknown, rawOptions?: unknown): Promise<ActivityStream> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  const options = checkOptions(rawOptions, ["options"], ["entityFields", "minId", "maxId", "limit"]);
  // null is Python's default None for each of these options, read as "not given": the ids and the limit go out
  // as null, as Python sends them, and entity_fields as {} (Python's `entity_fields or {}`). A limit of 0 is sent
  // as it is, as the Python client sends it: the site decides what it means.
  const payload = {
    type,
    id,
    max_id: options["maxId"] == null ? null : checkInt(options["maxId"], ["options", "maxId"], 0),
    min_id: options["minId"] == null ? null : checkInt(options["minId"], ["options", "minId"], 0),
    limit: options["limit"] == null ? null : checkInt(options["limit"], ["options", "limit"]),
    entity_fields: entityFieldsOf(options),
  };
  const call: CallOptions = callOptions(ctx, options);
  await ctx.requireVersion("activityStreamRead", [6, 2, 0], call);
  // As Python: the reply object itself is parsed, so the updates (a list) come back as the site sent them, but for the
  // dates of each `primary_entity`, a record of its own type: its `date_time` fields are decoded as find decodes them.
  const result = parseRecord(await callExpecting<ActivityStream>(ctx, "activity_stream", payload, call, "an object"));
  const updates = result.updates ?? [];
  if (!Array.isArray(updates)) return { ...result, updates };
  const primaries = await decodeByType(ctx, updates.map((u) => (isPlainObject(u) ? u["primary_entity"] : undefined)), call);
  return { ...result, updates: updates.map((u, i) => (isPlainObject(u) && primaries[i] !== u["primary_entity"] ? { ...u, primary_entity: primaries[i] } : u)) };
}

/**
 * A note with its replies and attachments (Python `note_thread_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param noteId - the Note's id.
 * @param options - `entityFields` and call options.
 */
export function noteThreadRead<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, noteId: number, options?: NoteThreadOptions<S>): Promise<{ readonly type: string; readonly id: number; readonly [field: string]: unknown }[]>;
export async function noteThreadRead(target: unknown, noteId: unknown, rawOptions?: unknown): Promise<{ readonly type: string; readonly id: number; readonly [field: string]: unknown }[]> {
  const ctx = contextOf(target);
  const id = checkId(noteId, ["noteId"]);
  const options = checkOptions(rawOptions, ["options"], ["entityFields"]);
  const payload = { note_id: id, entity_fields: entityFieldsOf(options) };
  const call = callOptions(ctx, options);
  await ctx.requireVersion("noteThreadRead", [6, 2, 0], call);
  // Each item is parsed as a record (as Python does), and its dates decoded by its own type.
  return decodeByType(ctx, (await callExpecting<{ type: string; id: number }[]>(ctx, "note_thread_contents", payload, call, "a list")).map(parseRecord), call);
}

/**
 * Records of several entity types (a thread's Note, Replies and Attachments; a stream's primary entities), each with
 * its `date_time` fields decoded as `find` decodes those of a record of its own `type`, in their order. What is not a
 * record with a `type` is left as it is.
 */
async function decodeByType<T>(ctx: Context, records: readonly T[], call: CallOptions): Promise<T[]> {
  const out = [...records];
  const byType = new Map<string, number[]>();
  out.forEach((r, i) => {
    const type = isPlainObject(r) ? r["type"] : undefined;
    if (typeof type === "string") byType.set(type, [...(byType.get(type) ?? []), i]);
  });
  // Each type's field types are read at once, as find reads those of its dotted paths' types.
  await Promise.all([...byType].map(async ([type, at]) => {
    const decoded = await finishRecords(ctx, type, at.map((i) => out[i] as T), call, (r) => r);
    at.forEach((i, k) => (out[i] = decoded[k] as T));
  }));
  return out;
}

/** The `entityFields` option as `entity_fields`: `{}` when it is left out or `null` (Python's `entity_fields or {}`). */
function entityFieldsOf(options: Readonly<Record<string, unknown>>): Record<string, string[]> {
  return options["entityFields"] == null ? {} : checkEntityFields(options["entityFields"], ["options", "entityFields"]);
}
