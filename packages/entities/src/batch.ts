/**
 * `batch` (Python `batch`, RPC `batch`): creates, updates and deletes in one transaction — all succeed or
 * none do. Requests use the Python keys (`request_type`, `entity_type`, `entity_id`, `data`, …). As in the
 * Python client, batch values are not trimmed.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { callOptions, contextOf, type EntityTarget } from "./context.js";
import type { CheckedPath, DataPassedOn, EntityDataByType, EntityTypeName, IsLoose, LooseSchema, NotWritable, SiteSchema, WhereSchemaOpen, WritableFieldName, WriteKind, WrittenRecord } from "./schema-types.js";
import { landedError } from "./create.js";
import { badWriteReply, isRecordOf } from "./reply.js";
import { checkModes, MODES, withModes, type MultiEntityUpdateMode } from "./update.js";
import { finishRecord, parseRecord } from "./records.js";
import { checkData, checkEntityType, checkFieldList, checkId, checkObject, checkOneOf, checkOptions, fail, isPlainObject } from "./validate.js";
import { wireFields } from "./write-values.js";

/** A create inside a batch. */
export interface BatchCreate {
  /** Discriminant. */
  readonly request_type: "create";
  /** The entity type. */
  readonly entity_type: string;
  /** The new entity's fields (data declared as an `interface`, which has no implicit index signature, too). */
  readonly data: { readonly [field: string]: unknown } | object;
  /** Fields to return (default `["id"]`). `null`: not given, as Python's `None`. */
  readonly return_fields?: readonly string[] | null | undefined;
}

/** An update inside a batch. */
export interface BatchUpdate {
  /** Discriminant. */
  readonly request_type: "update";
  /** The entity type. */
  readonly entity_type: string;
  /** The entity id. */
  readonly entity_id: number;
  /** The fields to change (data declared as an `interface`, which has no implicit index signature, too). */
  readonly data: { readonly [field: string]: unknown } | object;
  /** Per multi-entity field: `set`, `add` or `remove`. `null`: not given, as Python's `None`. */
  readonly multi_entity_update_modes?: { readonly [field: string]: MultiEntityUpdateMode } | null | undefined;
}

/** A delete inside a batch. */
export interface BatchDelete {
  /** Discriminant. */
  readonly request_type: "delete";
  /** The entity type. */
  readonly entity_type: string;
  /** The entity id. */
  readonly entity_id: number;
}

/** One request of a batch. */
export type BatchRequest = BatchCreate | BatchUpdate | BatchDelete;

/** One result of a batch: the record of a create/update, `true` for a delete. */
export type BatchResult = { readonly type: string; readonly id: number; readonly [field: string]: unknown } | boolean;

/** The data of a literal request `R` (`{}` when it has none). Exported so that a library's emitted declarations can name it. */
export type DataOf<R> = R extends { readonly data: infer T } ? T : {};

/** The `return_fields` of a literal request `R` (`[]` when it has none). Exported so that a library's emitted declarations can name it. */
export type ReturnFieldsOf<R> = R extends { readonly return_fields?: infer F } ? (F extends readonly string[] ? F : readonly []) : readonly [];

/**
 * The data of a request of type `E` whose keys `T` are inferred, for a write `W`: {@link EntityData}, with a key that
 * is not a writable field refused (as `create` and `update` refuse it, in a variable of a wider type too). With a type
 * parameter `E` (`E extends "Shot" | "Asset"`), the data every type it may be can write ({@link EntityDataByType},
 * {@link NotWritable}), or data typed `EntityData<S, E, W>` passed on ({@link DataPassedOn}). Data whose keys are not
 * known (`{ [field: string]: unknown }`) is left as it is.
 */
type CheckedBatchData<S extends SiteSchema, E extends EntityTypeName<S>, T, W extends WriteKind> = string extends keyof T
  ? T
  : (EntityDataByType<S, W>[E] & NotWritable<S, T, W>[E]) | DataPassedOn<S, E, T, W>;

/** The `return_fields` of a literal request: a literal list checked path by path, any other list as it is. */
type CheckedReturnFields<S extends SiteSchema, E extends string, F extends readonly string[]> = number extends F["length"]
  ? F
  : { readonly [I in keyof F]: CheckedPath<S, E, F[I] & string, "fields"> };

/** The member of {@link BatchRequest} a request `R` is, by its `request_type` (so that a misspelt key is still refused). */
type BatchMember<R> = R extends { readonly request_type: "create" }
  ? BatchCreate
  : R extends { readonly request_type: "update" }
    ? BatchUpdate
    : R extends { readonly request_type: "delete" }
      ? BatchDelete
      : BatchRequest;

/**
 * One request of a literal batch, checked against the schema: `entity_type` an entity type, `data` the
 * {@link EntityData} of that type (`create` may also set `created_at` / `created_by`), `return_fields` paths of it.
 * A request whose entity type is not a literal (`BatchCreate` built at run time) is left as it is.
 */
type CheckedBatchRequest<S extends SiteSchema, R> = R extends { readonly entity_type: infer E extends string }
  ? string extends E
    ? BatchMember<R>
    : [E] extends [EntityTypeName<S>]
      ? R extends { readonly request_type: "create" }
        ? Omit<BatchCreate, "entity_type" | "data" | "return_fields"> & {
            readonly entity_type: E;
            readonly data: CheckedBatchData<S, E, DataOf<R>, "create">;
            readonly return_fields?: CheckedReturnFields<S, E, ReturnFieldsOf<R>> | null | undefined;
          }
        : R extends { readonly request_type: "update" }
          ? Omit<BatchUpdate, "entity_type" | "data"> & { readonly entity_type: E; readonly data: CheckedBatchData<S, E, DataOf<R>, "update"> }
          : Omit<BatchMember<R>, "entity_type"> & { readonly entity_type: E }
      : Omit<BatchMember<R>, "entity_type"> & { readonly entity_type: EntityTypeName<S> }
  : BatchMember<R>;

/** A literal list of requests checked as {@link BatchRequest}s only (no schema to check them against). */
type UncheckedBatch<R extends readonly BatchRequest[]> = NoInfer<{ readonly [I in keyof R]: BatchMember<R[I]> }>;

/**
 * The type of a `batch` argument whose requests `R` are inferred: a literal list (a tuple) is checked request by
 * request ({@link CheckedBatchRequest}; without a schema, or with a schema that is a type parameter, only as
 * {@link BatchRequest}); a list built at run time (`BatchRequest[]`) is accepted as it is. The checks are `NoInfer`, so
 * that `R` is inferred from the argument alone.
 */
export type CheckedBatch<S extends SiteSchema, R extends readonly BatchRequest[]> = number extends R["length"]
  ? R
  : (IsLoose<S> extends true ? UncheckedBatch<R> : NoInfer<{ readonly [I in keyof R]: CheckedBatchRequest<S, R[I]> }>) | WhereSchemaOpen<S, UncheckedBatch<R>>;

/** The result of one literal request `R`: `boolean` for a delete, the written record for a create or update. */
export type BatchResultOf<S extends SiteSchema, R, D extends DateMode> = R extends { readonly request_type: "delete" }
  ? boolean
  : R extends { readonly request_type: "create" | "update"; readonly entity_type: infer E extends string }
    ? string extends E
      ? Exclude<BatchResult, boolean>
      : [E] extends [EntityTypeName<S>]
      ? WrittenRecord<S, E, DataOf<R>, R extends { readonly request_type: "create" } ? ReturnFieldsOf<R> : readonly [], D>
      : Exclude<BatchResult, boolean>
    : BatchResult;

/**
 * What `batch` resolves to for the requests `R`: for a literal list, a tuple with one result per request, in order
 * ({@link BatchResultOf}); for a list built at run time, `BatchResult[]`.
 */
export type BatchResults<S extends SiteSchema, R extends readonly BatchRequest[], D extends DateMode> = number extends R["length"]
  ? BatchResult[]
  : { -readonly [I in keyof R]: BatchResultOf<S, R[I], D> };

/**
 * The keys a batch request takes (the Python client's names). Python ignores a key its request's type does not
 * use (`return_fields` on an update, `data` on a delete, `entity_id` on a create) and so do we, so that batch
 * lists built by one helper for every type port unchanged; a key no request takes is refused.
 */
const REQUEST_KEYS = ["request_type", "entity_type", "entity_id", "data", "return_fields", "multi_entity_update_modes", "multi_entity_update_mode"];

/**
 * Several creates, updates and deletes in one transaction (Python `batch`): all or nothing. Every request is
 * validated before anything is sent; an empty list sends nothing. Once the site has applied the batch, a
 * failure to decode the results' dates throws `SgPartialWriteError` with the results in `records`; a
 * reply that is not one result per request, in order (a record of the request's type with a numeric id for a
 * create or update, the request's id for an update; a boolean for a delete), throws `SgProtocolError`.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param requests - Python-style requests (`request_type`, `entity_type`, `entity_id`, `data`, …).
 * @param options - call options.
 */
export function batch<S extends SiteSchema = LooseSchema, D extends DateMode = "date", const R extends readonly BatchRequest[] = readonly BatchRequest[]>(
  target: EntityTarget<S, D>,
  requests: CheckedBatch<S, R>,
  options?: CallOptions,
): Promise<BatchResults<S, R, D>>;
export async function batch(target: unknown, requests: unknown, rawOptions?: unknown): Promise<BatchResult[]> {
  const ctx = contextOf(target);
  if (!Array.isArray(requests)) fail(["requests"], "an array of batch requests", requests);
  const options = checkOptions(rawOptions, ["options"]);
  const types: string[] = [];
  const wire = Array.from(requests, (raw, i) => {
    const path = ["requests", i];
    const r = checkObject(raw, path, "a request { request_type, entity_type, … }");
    if (r["request_type"] === undefined) fail([...path, "request_type"], "'create', 'update' or 'delete'", undefined);
    const type = checkEntityType(r["entity_type"], [...path, "entity_type"]);
    types.push(type);
    // A key no request takes is refused, not ignored: `fields` for `data`, or a misspelt `return_fields`,
    // would otherwise change what the batch writes or returns without a word.
    for (const key in r) if (!REQUEST_KEYS.includes(key)) fail([...path, key], `one of ${REQUEST_KEYS.join(", ")}`, key);
    switch (r["request_type"]) {
      case "create": {
        const data = checkData(r["data"], [...path, "data"], true);
        const returnFields = r["return_fields"] == null ? [] : checkFieldList(r["return_fields"], [...path, "return_fields"]);
        return { request_type: "create", type, fields: wireFields(data, [...path, "data"], false, ctx.knownFieldTypes(type)), return_fields: returnFields.length ? returnFields : ["id"] };
      }
      case "update": {
        const id = checkId(r["entity_id"], [...path, "entity_id"]);
        const data = checkData(r["data"], [...path, "data"], false);
        const modes = checkModes(r["multi_entity_update_modes"], data, [...path, "multi_entity_update_modes"]);
        const fields = withModes(wireFields(data, [...path, "data"], false, ctx.knownFieldTypes(type)), modes);
        const out: Record<string, unknown> = { request_type: "update", type, id, fields };
        // The legacy request-level mode (§2.5), checked like the per-field ones.
        if (r["multi_entity_update_mode"] !== undefined) out["multi_entity_update_mode"] = checkOneOf(r["multi_entity_update_mode"], MODES, [...path, "multi_entity_update_mode"]);
        return out;
      }
      case "delete":
        return { request_type: "delete", type, id: checkId(r["entity_id"], [...path, "entity_id"]) };
      default:
        return fail([...path, "request_type"], "'create', 'update' or 'delete'", r["request_type"]);
    }
  });
  if (wire.length === 0) return [];
  const call = callOptions(ctx, options);
  const result = await ctx.call<unknown>("batch", wire, call);
  if (!Array.isArray(result)) throw badWriteReply("batch", "a list", result);
  // Results are matched to requests by position: a list of another length, a delete's slot holding a record
  // (or the reverse), or a record of another type (or, for an update, another id) cannot be matched, so it is
  // refused rather than handed back misaligned, and its dates never decoded with another type's schema.
  const misplaced = (item: unknown, i: number): boolean => {
    const request = wire[i] as { request_type: string; type: string; id?: number };
    if (request.request_type === "delete") return typeof item !== "boolean";
    return !isRecordOf(item, request.type, request.id);
  };
  if (result.length !== wire.length || result.some(misplaced)) {
    throw badWriteReply("batch", `one result per request in order (${wire.length}: a record of the request's type with its id for each create and update; true or false for each delete)`, result);
  }
  try {
    return (await Promise.all(result.map((item, i) => (isPlainObject(item) ? finishRecord(ctx, types[i] ?? "", item, call) : item)))) as BatchResult[];
  } catch (error) {
    // Only decoding dates can fail here, and the batch has landed: hand back its results, never a bare
    // error that invites repeating its creates.
    const records = result.map(parseRecord) as (Record<string, unknown> | boolean)[];
    throw landedError("the batch was applied", records.find(isPlainObject) as Record<string, unknown>, error, records);
  }
}
