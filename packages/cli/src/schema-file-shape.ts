/**
 * Telling a saved `schema_read` answer (what `sg typegen --schema-file` needs) from the other schema answers a
 * person may have saved by mistake, and saying which one it is.
 *
 * @packageDocumentation
 */
import { UsageError } from "./exit-codes.js";
import type { RawSiteSchema } from "./typegen.js";

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field schema of `schema_read` / `schema_field_read`: its `data_type` is `{ value: "<type>" }`. */
function isFieldSchema(value: unknown): boolean {
  return isObject(value) && isObject(value["data_type"]) && typeof value["data_type"]["value"] === "string";
}

/** What a JSON value holds instead of a `schema_read` answer, in words. */
function describeOther(value: unknown): string {
  if (Array.isArray(value)) return "a JSON list (such as the rows of `sg schema --format jsonl|csv`)";
  if (!isObject(value)) return `a JSON ${value === null ? "null" : typeof value}`;
  const entries = Object.values(value);
  if (entries.length === 0) return "an empty object";
  if ("results" in value && isObject(value["results"])) return "a whole api3 reply ({results: …}), not its results";
  if (isFieldSchema(value)) return "one field's schema (what `sg schema <Entity> <field> --format json` writes)";
  if (entries.every(isFieldSchema)) return "one entity type's fields (schema_field_read, what `sg schema <Entity> --format json` writes)";
  const entityRead = entries.every((e) => isObject(e) && isObject(e["name"]) && Object.values(e).every((p) => isObject(p) && !("data_type" in p)));
  if (entityRead) return "schema_entity_read's answer (entity types with only their name and visibility, what `sg schema --format json` writes)";
  return "an object that is not entity type → field → {data_type, …}";
}

/**
 * Check that a parsed schema file is a `schema_read` answer — entity type → field → `{ data_type: { value }, … }`,
 * every entity type with at least one such field (or none at all) — and return it typed.
 *
 * @param value - the parsed JSON.
 * @param file - the file as given, for the message.
 * @throws {@link UsageError} (exit 2) naming what the file holds instead and how to save a `schema_read` answer.
 */
export function checkSchemaRead(value: unknown, file: string): RawSiteSchema {
  const entities = isObject(value) ? Object.values(value) : [];
  // An entity type with no field at all is let through; one whose fields carry no data_type is not schema_read's.
  const ok =
    entities.some((fields) => isObject(fields) && Object.values(fields).some(isFieldSchema)) &&
    entities.every((fields) => isObject(fields) && (Object.keys(fields).length === 0 || Object.values(fields).some(isFieldSchema)));
  if (ok) return value as RawSiteSchema;
  throw new UsageError(
    `--schema-file ${file} holds ${describeOther(value)}, not schema_read's answer (entity type → field → {data_type, properties, …})`,
    "Save the whole schema with `sg schema --all --format json > schema.json`, or run `sg typegen` against the site.",
  );
}
