/**
 * Activity stream and note threads (rpc-protocol §2.7): `activityStreamRead` (RPC `activity_stream`) and
 * `noteThreadRead` (RPC `note_thread_contents`). Their `created_at` values are in the site's own
 * `YYYY-MM-DD HH:MM:SS UTC` form and are returned as they are.
 *
 * @packageDocumentation
 */
import type { CallOptions } from "@sg/core";
import { callOptions, type Context } from "./context.js";
import { parseRecord } from "./records.js";
import { checkEntityType, checkFieldList, checkId, checkInt, checkObject, checkOptions } from "./validate.js";

/** Extra fields to return per entity type, e.g. `{ Note: ["tasks"], Reply: ["user"] }`. */
export type EntityFields = { readonly [entityType: string]: readonly string[] };

/** Options of `activityStreamRead`, plus call options. */
export interface ActivityStreamOptions extends CallOptions {
  /** Extra fields per entity type (`entity_fields`). */
  readonly entityFields?: EntityFields;
  /** Only updates with an id ≥ this (`min_id`). */
  readonly minId?: number;
  /** Only updates with an id ≤ this (`max_id`). */
  readonly maxId?: number;
  /** At most this many updates (`limit`). */
  readonly limit?: number;
}

/** Options of `noteThreadRead`, plus call options. */
export interface NoteThreadOptions extends CallOptions {
  /** Extra fields per entity type (`entity_fields`). */
  readonly entityFields?: EntityFields;
}

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

function entityFields(value: unknown, path: readonly (string | number)[]): Record<string, string[]> {
  const o = checkObject(value, path, "an object { EntityType: [fields] }");
  const out: Record<string, string[]> = {};
  for (const [type, fields] of Object.entries(o)) {
    checkEntityType(type, [...path, type]);
    out[type] = checkFieldList(fields, [...path, type]);
  }
  return out;
}

/** `activity_stream`. */
export async function activityStreamRead(ctx: Context, entityType: unknown, entityId: unknown, rawOptions: unknown): Promise<ActivityStream> {
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  const options = checkOptions(rawOptions, ["options"]);
  const payload = {
    type,
    id,
    max_id: options["maxId"] === undefined ? null : checkInt(options["maxId"], ["options", "maxId"], 0),
    min_id: options["minId"] === undefined ? null : checkInt(options["minId"], ["options", "minId"], 0),
    limit: options["limit"] === undefined ? null : checkInt(options["limit"], ["options", "limit"], 1),
    entity_fields: options["entityFields"] === undefined ? {} : entityFields(options["entityFields"], ["options", "entityFields"]),
  };
  const call: CallOptions = callOptions(ctx, options);
  await ctx.requireVersion("activityStreamRead", [6, 2, 0], call);
  const result = await ctx.call<ActivityStream>("activity_stream", payload, call);
  return { ...result, updates: (result?.updates ?? []).map(parseRecord) };
}

/** `note_thread_contents`. */
export async function noteThreadRead(ctx: Context, noteId: unknown, rawOptions: unknown): Promise<{ readonly type: string; readonly id: number; readonly [field: string]: unknown }[]> {
  const id = checkId(noteId, ["noteId"]);
  const options = checkOptions(rawOptions, ["options"]);
  const payload = { note_id: id, entity_fields: options["entityFields"] === undefined ? {} : entityFields(options["entityFields"], ["options", "entityFields"]) };
  const call = callOptions(ctx, options);
  await ctx.requireVersion("noteThreadRead", [6, 2, 0], call);
  const result = await ctx.call<unknown>("note_thread_contents", payload, call);
  return (Array.isArray(result) ? result : []).map(parseRecord) as { type: string; id: number }[];
}
