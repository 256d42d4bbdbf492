/**
 * `update` (Python `update`, RPC `update`) with per-field `multi_entity_update_mode`s. Entity dicts in values
 * are trimmed (§3.5) unless `trimEntities: false`. An `image` path is uploaded after the update; `image:
 * null` clears the thumbnail.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { callOptions, contextOf, type EntityTarget } from "./context.js";
import { finishWritten, requireImageHttp, splitImages, uploadImages } from "./create.js";
import { firstRecord } from "./reply.js";
import type { EntityData, EntityDataByType, EntityTypeName, FieldName, IsLoose, LooseSchema, SiteSchema, WhereSchemaOpen, WrittenData, WrittenRecord } from "./schema-types.js";
import { checkData, checkEntityType, checkId, checkObject, checkOneOf, checkOptions, fail } from "./validate.js";
import type { WireField } from "./write-values.js";

/** How a multi-entity field is changed: replaced (`set`, the default), added to, or removed from. */
export type MultiEntityUpdateMode = "set" | "add" | "remove";

/** `multiEntityUpdateModes` as the loose mode takes it: a mode for any field name. */
export type AnyUpdateModes = { readonly [field: string]: MultiEntityUpdateMode };

/** Options of `update`, plus call options (`M`: the modes accepted, {@link AnyUpdateModes} by default). */
export interface UpdateOptions<M = AnyUpdateModes> extends CallOptions {
  /**
   * Per multi-entity field: `set` (default), `add` or `remove` (`multi_entity_update_modes`). With a schema, only for
   * the `multi_entity` fields the data holds ({@link ModesByType}). `null`: not given, as Python's `None`.
   */
  readonly multiEntityUpdateModes?: M | null | undefined;
}

/** The `multi_entity` fields of `E`. */
type MultiEntityFieldName<S extends SiteSchema, E extends EntityTypeName<S>> = { [K in FieldName<S, E>]: S[E][K] extends { readonly type: "multi_entity" } ? K : never }[FieldName<S, E>];

/**
 * The `multiEntityUpdateModes` an `update` of data `T` takes, by entity type, to be indexed by `E`: a mode for the keys of
 * `T` that are `multi_entity` fields of the type, so that a typo or a field that is not a multi-entity link is a compile
 * error; with a type parameter `E`, the fields every type it may be has so. Any field name in the loose mode or where
 * the schema is a type parameter. At run time `update` refuses only a mode for a field that is not in the data: a mode
 * for a data field that is not `multi_entity` is sent as given, as the Python client sends it.
 */
export type ModesByType<S extends SiteSchema, T> = IsLoose<S> extends true
  ? { readonly [K in EntityTypeName<S>]: AnyUpdateModes }
  : { readonly [K in EntityTypeName<S>]: ModesFor<Extract<keyof T, MultiEntityFieldName<S, K>>> };

/** The `multiEntityUpdateModes` of an `update` of `E` with data `T`: {@link ModesByType}, or any where the schema is a type parameter. */
export type UpdateModesOf<S extends SiteSchema, E extends EntityTypeName<S>, T> = ModesByType<S, T>[E] | WhereSchemaOpen<S, AnyUpdateModes>;

/**
 * The `multiEntityUpdateModes` an `update` of `E` with data `T` takes when it is given modes `M`: modes whose keys are
 * known at compile time (written in the call, or typed by their literal) are checked with {@link UpdateModesOf}; modes
 * whose keys are known only at run time (a `string` index: {@link AnyUpdateModes}, an {@link UpdateOptions} passed on,
 * a `Record<string, MultiEntityUpdateMode>`) stay accepted as they are: `update` checks before sending only that each
 * is `set`, `add` or `remove` for a field the data holds, and sends a mode for a data field that is not `multi_entity`
 * as given, as the Python client does.
 */
export type CheckedUpdateModes<S extends SiteSchema, E extends EntityTypeName<S>, T, M> = string extends keyof M ? M : UpdateModesOf<S, E, T>;

/** Modes for the fields `F`; when there is none (the data holds no multi-entity field), a message for any key. */
type ModesFor<F> = [F] extends [never]
  ? { readonly [field: string]: "✗ the data holds no multi-entity field to give a mode for" }
  : { readonly [K in F & string]?: MultiEntityUpdateMode };

/** The accepted multi-entity update modes. */
export const MODES: readonly MultiEntityUpdateMode[] = ["set", "add", "remove"];

/**
 * Check `multiEntityUpdateModes` against the data's own fields (`toString` is none), keeping each key its own. Whether
 * a field is `multi_entity` is not checked (that takes the schema): such a mode goes out as given, as Python's does.
 */
export function checkModes(value: unknown, data: Readonly<Record<string, unknown>>, path: readonly (string | number)[]): Record<string, MultiEntityUpdateMode> {
  // null is Python's default None: no modes given.
  if (value == null) return {};
  const modes = checkObject(value, path, "an object { field: 'set' | 'add' | 'remove' }");
  return Object.fromEntries(
    Object.entries(modes).map(([field, mode]) => {
      const checked = checkOneOf(mode, MODES, [...path, field]);
      if (!Object.hasOwn(data, field)) fail([...path, field], `a field that is also in data (${Object.keys(data).join(", ") || "none"})`, field);
      return [field, checked];
    }),
  );
}

/** `fields` with the mode {@link checkModes} gave each: an own one only (`__proto__` would read `Object.prototype`). */
export function withModes(fields: WireField[], modes: Readonly<Record<string, MultiEntityUpdateMode>>): WireField[] {
  return fields.map((f) => (Object.hasOwn(modes, f.field_name) ? { ...f, multi_entity_update_mode: modes[f.field_name]! } : f));
}

/**
 * Update an entity (Python `update`); multi-entity fields can `add`/`remove` instead of `set`. An `image`
 * path is uploaded after the update; `image: null` clears the thumbnail.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param entityId - the entity's id.
 * @param data - the field values to write.
 * @param options - `multiEntityUpdateModes` and call options.
 */
export function update<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const T extends object = EntityDataByType<S>[E], const M extends AnyUpdateModes = AnyUpdateModes>(
  target: EntityTarget<S, D>,
  entityType: E,
  entityId: number,
  data: WrittenData<S, E, T>,
  options?: UpdateOptions<CheckedUpdateModes<S, E, T, M>>,
): Promise<WrittenRecord<S, E, T, readonly [], D>>;
export async function update(target: unknown, entityType: unknown, entityId: unknown, data: unknown, rawOptions?: unknown): Promise<Record<string, unknown>> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  const checked = checkData(data, ["data"], false);
  const options = checkOptions(rawOptions, ["options"], ["multiEntityUpdateModes"]);
  const modes = checkModes(options["multiEntityUpdateModes"], checked, ["options", "multiEntityUpdateModes"]);
  // Encoded (and its values checked) when the call is made, before anything is sent, the version lookup included;
  // the call options are read then too.
  const call: CallOptions = callOptions(ctx, options);
  const { fields, images } = await splitImages(checked, ["data"], true, ctx.trim, ctx.knownFieldTypes(type));
  requireImageHttp(ctx, images);
  const wire = withModes(fields, modes);
  if (images.filmstrip) await ctx.requireVersion("filmstrip_image", [3, 1, 0], call);
  let record: Record<string, unknown>;
  if (wire.length > 0) {
    const result = await ctx.call<unknown>("update", { type, id, fields: wire }, call);
    record = await finishWritten(ctx, type, firstRecord(result, "update", type, id), call, "updated");
  } else {
    record = { type, id };
  }
  return uploadImages(ctx, type, record, images, call, "updated");
}
