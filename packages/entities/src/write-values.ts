/**
 * Field values on their way out: `Date` → wire datetime, NaN and ±Infinity refused, entity-dict trimming for
 * `update` (§3.5), and the `fields: [{field_name, value}]` list every write sends.
 *
 * @packageDocumentation
 */
import { encodeWireValues, isEntityRef, trimEntityRef } from "@sg/core";
import { PREFIX, checkFinite, type Path } from "./validate.js";

/** `{field_name, value}` as `create`, `update` and `batch` send it. */
export interface WireField {
  field_name: string;
  value: unknown;
  multi_entity_update_mode?: "set" | "add" | "remove";
}

/**
 * Encode one value: Dates become wire datetimes. Invalid dates, and NaN or infinite numbers (which JSON would
 * send as `null`), are refused with the path, at any depth.
 */
export function encodeValue(value: unknown, path: Path): unknown {
  return encodeWireValues(checkFinite(value, path), path, PREFIX);
}

/** Trim an entity dict, or the entity dicts of a list (one level deep), to their link keys. */
export function trimValue(value: unknown): unknown {
  if (isEntityRef(value)) return trimEntityRef(value);
  if (Array.isArray(value)) return value.map((v) => (isEntityRef(v) ? trimEntityRef(v) : v));
  return value;
}

/** The `fields` list of a write. */
export function wireFields(data: Readonly<Record<string, unknown>>, path: Path, trim: boolean): WireField[] {
  return Object.entries(data).map(([field_name, raw]) => {
    const value = encodeValue(raw, [...path, field_name]);
    return { field_name, value: trim ? trimValue(value) : value };
  });
}
