/**
 * Field values on their way out: `Date` → wire datetime, values without a faithful JSON form refused (NaN, a bigint,
 * a Map, …), entity-dict trimming for `update` (§3.5), and the `fields: [{field_name, value}]` list every write sends.
 *
 * @packageDocumentation
 */
import { encodeWireValues, isEntityRef, trimEntityRef } from "@sg/core";
import { checkWrittenDate } from "./date-checks.js";
import { PREFIX, type Path } from "./validate.js";

/** `{field_name, value}` as `create`, `update` and `batch` send it. */
export interface WireField {
  field_name: string;
  value: unknown;
  multi_entity_update_mode?: "set" | "add" | "remove";
}

/**
 * Encode one value: Dates (from any realm) become wire datetimes. What JSON would not send as it is — an invalid
 * Date, NaN or an infinite number, `undefined` or a hole as a list's item (all sent as `null`), a bigint
 * (`JSON.stringify` throws), a function or symbol (dropped), a built-in such as a Map, Set or typed array, a stream or
 * an instance with no field of its own (sent without what it holds), a list or object inside itself — is refused with
 * the path, at any depth (core's `encodeWireValues`). An app's own class instance goes out as its own fields, as
 * `JSON.stringify` sends it.
 */
export function encodeValue(value: unknown, path: Path): unknown {
  return encodeWireValues(value, path, PREFIX);
}

/** Trim an entity dict, or the entity dicts of a list (one level deep), to their link keys. */
export function trimValue(value: unknown): unknown {
  if (isEntityRef(value)) return trimEntityRef(value);
  if (Array.isArray(value)) return value.map((v) => (isEntityRef(v) ? trimEntityRef(v) : v));
  return value;
}

/**
 * The `fields` list of a write. With `types`, the field types of the entity type known now, a `date` or `date_time`
 * value that is no real day or time, or a `Date` for a `date` field, is refused with its path.
 */
export function wireFields(data: Readonly<Record<string, unknown>>, path: Path, trim: boolean, types?: ReadonlyMap<string, string>): WireField[] {
  return Object.entries(data).map(([field_name, raw]) => {
    const value = encodeValue(raw, [...path, field_name]);
    if (types) checkWrittenDate(types.get(field_name), raw, value, [...path, field_name]);
    return { field_name, value: trim ? trimValue(value) : value };
  });
}
