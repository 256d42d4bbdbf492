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
import type { EntityData, EntityDataByType, EntityTypeName, LooseSchema, SiteSchema, WrittenData, WrittenRecord } from "./schema-types.js";
import { checkData, checkEntityType, checkId, checkObject, checkOneOf, checkOptions, fail } from "./validate.js";
import { wireFields } from "./write-values.js";

/** How a multi-entity field is changed: replaced (`set`, the default), added to, or removed from. */
export type MultiEntityUpdateMode = "set" | "add" | "remove";

/** Options of `update`, plus call options. */
export interface UpdateOptions extends CallOptions {
  /** Per multi-entity field: `set` (default), `add` or `remove` (`multi_entity_update_modes`). */
  readonly multiEntityUpdateModes?: { readonly [field: string]: MultiEntityUpdateMode } | undefined;
}

/** The accepted multi-entity update modes. */
export const MODES: readonly MultiEntityUpdateMode[] = ["set", "add", "remove"];

/** Check `multiEntityUpdateModes` against the data. */
export function checkModes(value: unknown, data: Readonly<Record<string, unknown>>, path: readonly (string | number)[]): Record<string, MultiEntityUpdateMode> {
  if (value === undefined) return {};
  const modes = checkObject(value, path, "an object { field: 'set' | 'add' | 'remove' }");
  const out: Record<string, MultiEntityUpdateMode> = {};
  for (const [field, mode] of Object.entries(modes)) {
    out[field] = checkOneOf(mode, MODES, [...path, field]);
    if (!(field in data)) fail([...path, field], `a field that is also in data (${Object.keys(data).join(", ") || "none"})`, field);
  }
  return out;
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
export function update<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const T extends object = EntityDataByType<S>[E]>(
  target: EntityTarget<S, D>,
  entityType: E,
  entityId: number,
  data: WrittenData<S, E, T>,
  options?: UpdateOptions,
): Promise<WrittenRecord<S, E, T, readonly [], D>>;
export async function update(target: unknown, entityType: unknown, entityId: unknown, data: unknown, rawOptions?: unknown): Promise<Record<string, unknown>> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  const checked = checkData(data, ["data"], false);
  const options = checkOptions(rawOptions, ["options"], ["multiEntityUpdateModes"]);
  const modes = checkModes(options["multiEntityUpdateModes"], checked, ["options", "multiEntityUpdateModes"]);
  const { fields, images } = await splitImages(checked, ["data"], true);
  requireImageHttp(ctx, images);
  // Encoded (and its values checked) before anything is sent, the version lookup included.
  const wire = wireFields(fields, ["data"], ctx.trim).map((f) => (modes[f.field_name] ? { ...f, multi_entity_update_mode: modes[f.field_name] } : f));
  const call: CallOptions = callOptions(ctx, options);
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
