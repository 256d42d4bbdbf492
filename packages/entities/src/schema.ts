/**
 * Schema methods (rpc-protocol §2.6): `schemaRead`, `schemaEntityRead`, `schemaFieldRead`,
 * `schemaFieldCreate`, `schemaFieldUpdate`, `schemaFieldDelete`.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode, EntityRef } from "@sg/core";
import { callOptions, contextOf, forgetFieldTypes, type Context, type EntityTarget } from "./context.js";
import type { CheckedFieldName, EntityTypeName, FieldName, LooseSchema, PlainObject, SiteSchema } from "./schema-types.js";
import { checkDefined, checkEntityType, checkFieldPath, checkLinkTo, checkObject, checkOptions, checkString, fail } from "./validate.js";
import { callExpecting } from "./reply.js";
import { encodeValue } from "./write-values.js";

/** A schema property: its value and whether it can be edited. */
export interface SchemaProperty<T = unknown> {
  /** The property's value. */
  readonly value: T;
  /** Whether it can be changed. */
  readonly editable: boolean;
}

/** A field's definition as `schema_field_read` returns it. */
export interface FieldDefinition {
  /** The field's data type, e.g. `{ value: "text", editable: false }`. */
  readonly data_type: SchemaProperty<string>;
  /** Display name. */
  readonly name?: SchemaProperty<string>;
  /** Any other property (`description`, `editable`, `entity_type`, `mandatory`, `properties`, `unique`, `visible`, …). */
  readonly [property: string]: unknown;
}

/** Fields of one entity type, by field name. */
export type FieldDefinitions = { readonly [field: string]: FieldDefinition };

/** Every entity type's fields (`schema_read`). */
export type SchemaDefinitions = { readonly [entityType: string]: FieldDefinitions };

/** Entity types with their display names (`schema_entity_read`). */
export type EntityDefinitions = { readonly [entityType: string]: { readonly name: SchemaProperty<string>; readonly visible?: SchemaProperty<boolean>; readonly [property: string]: unknown } };

/** Options of the schema reads: the project whose visibility settings apply (site ≥ 5.4.4). */
export interface SchemaReadOptions extends CallOptions {
  /** Read the schema as seen by this project (`project_entity`). */
  readonly project?: EntityRef<"Project"> | undefined;
}

/** The option of the calls that can be scoped to a project. */
const PROJECT_OPTION = ["project"];

async function projectPayload(ctx: Context, options: Record<string, unknown>, call: CallOptions): Promise<Record<string, unknown>> {
  if (options["project"] === undefined || options["project"] === null) return {};
  const project = checkLinkTo(options["project"], ["options", "project"], "Project");
  await ctx.requireVersion("project-scoped schema", [5, 4, 4], call);
  return { project };
}

/**
 * The whole schema (Python `schema_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param options - `project` and call options.
 */
export function schemaRead(target: EntityTarget<SiteSchema, DateMode>, options?: SchemaReadOptions): Promise<SchemaDefinitions>;
export async function schemaRead(target: unknown, rawOptions?: unknown): Promise<SchemaDefinitions> {
  const ctx = contextOf(target);
  const options = checkOptions(rawOptions, ["options"], PROJECT_OPTION);
  const call = callOptions(ctx, options);
  const project = await projectPayload(ctx, options, call);
  return callExpecting(ctx, "schema_read", Object.keys(project).length ? project : undefined, call, "an object");
}

/**
 * The entity types and their display names (Python `schema_entity_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param options - `project` and call options.
 */
export function schemaEntityRead(target: EntityTarget<SiteSchema, DateMode>, options?: SchemaReadOptions): Promise<EntityDefinitions>;
export async function schemaEntityRead(target: unknown, rawOptions?: unknown): Promise<EntityDefinitions> {
  const ctx = contextOf(target);
  const options = checkOptions(rawOptions, ["options"], PROJECT_OPTION);
  const call = callOptions(ctx, options);
  const project = await projectPayload(ctx, options, call);
  return callExpecting(ctx, "schema_entity_read", Object.keys(project).length ? project : undefined, call, "an object");
}

/**
 * The fields of an entity type, or one field (Python `schema_field_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param fieldName - one field, or all of them when omitted.
 * @param options - `project` and call options.
 */
export function schemaFieldRead<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const K extends string = string>(target: EntityTarget<S, D>, entityType: E, fieldName?: CheckedFieldName<S, K, FieldName<S, E>, `✗ ${K} is not a field of ${E}`>, options?: SchemaReadOptions): Promise<FieldDefinitions>;
export async function schemaFieldRead(target: unknown, entityType: unknown, fieldName?: unknown, rawOptions?: unknown): Promise<FieldDefinitions> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const field = fieldName === undefined || fieldName === null ? undefined : checkFieldPath(fieldName, ["fieldName"]);
  const options = checkOptions(rawOptions, ["options"], PROJECT_OPTION);
  const call = callOptions(ctx, options);
  const project = await projectPayload(ctx, options, call);
  return callExpecting(ctx, "schema_field_read", { type, ...(field ? { field_name: field } : {}), ...project }, call, "an object");
}

function propertyList(value: unknown, path: readonly (string | number)[], allowEmpty: boolean): { property_name: string; value: unknown }[] {
  if (value === undefined || value === null) {
    if (allowEmpty) return [];
    fail(path, "an object of properties, e.g. { description: '…' }", value);
  }
  const props = checkObject(value, path, "an object of properties, e.g. { description: '…' }");
  const list = Object.entries(props).map(([property_name, v]) => {
    const at = [...path, property_name];
    // Left out, an undefined would blank the property (a field's display name). One inside a list, which JSON sends
    // as null, is refused with its path by encodeValue (core's encodeWireValues), at any depth.
    checkDefined(v, at, "a value");
    return { property_name, value: encodeValue(v, at) };
  });
  if (!allowEmpty && list.length === 0) fail(path, "at least one property", value);
  return list;
}

/**
 * `change`, a write to the fields of `entityType`, after which the field types cached for date decoding are
 * forgotten — whether it succeeded or failed, since a failed one may have landed — so that a field it added
 * decodes by its type.
 */
function changingFields<T>(ctx: Context, entityType: string, change: Promise<T>): Promise<T> {
  return change.finally(() => forgetFieldTypes(ctx, entityType));
}

const DATA_TYPES = new Set(["checkbox", "currency", "date", "date_time", "duration", "entity", "float", "footage", "list", "multi_entity", "number", "percent", "status_list", "tag_list", "text", "timecode", "url", "calculated", "serializable", "color", "image", "addressing"]);

/**
 * Create a field; returns its internal name, e.g. `sg_complexity` (Python `schema_field_create`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param dataType - the field's data type, e.g. `"text"`.
 * @param displayName - the name shown in the site.
 * @param properties - other properties, e.g. `{ description: "…" }`: an object (one declared as an `interface` too, a {@link PlainObject}), not a list, a `Date` or a `Map`.
 * @param options - call options.
 */
export function schemaFieldCreate<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, dataType: string, displayName: string, properties?: { readonly [property: string]: unknown } | PlainObject, options?: CallOptions): Promise<string>;
export async function schemaFieldCreate(target: unknown, entityType: unknown, dataType: unknown, displayName: unknown, properties?: unknown, rawOptions?: unknown): Promise<string> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  if (typeof dataType !== "string" || !DATA_TYPES.has(dataType)) fail(["dataType"], `a field data type (${[...DATA_TYPES].join(", ")})`, dataType);
  const name = checkString(displayName, ["displayName"], "a non-empty display name");
  const props = propertyList(properties, ["properties"], true);
  const options = checkOptions(rawOptions, ["options"]);
  return changingFields(ctx, type, callExpecting(ctx, "schema_field_create", { type, data_type: dataType, properties: [{ property_name: "name", value: name }, ...props] }, callOptions(ctx, options), "a field name"));
}

/**
 * Change a field's properties (Python `schema_field_update`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param fieldName - the field's internal name.
 * @param properties - the properties to change: an object (one declared as an `interface` too, a {@link PlainObject}), not a list, a `Date` or a `Map`.
 * @param options - `project` and call options.
 */
export function schemaFieldUpdate<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, fieldName: string, properties: { readonly [property: string]: unknown } | PlainObject, options?: SchemaReadOptions): Promise<boolean>;
export async function schemaFieldUpdate(target: unknown, entityType: unknown, fieldName: unknown, properties: unknown, rawOptions?: unknown): Promise<boolean> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const field = checkFieldPath(fieldName, ["fieldName"]);
  const props = propertyList(properties, ["properties"], false);
  const options = checkOptions(rawOptions, ["options"], PROJECT_OPTION);
  const call = callOptions(ctx, options);
  const project = await projectPayload(ctx, options, call);
  return changingFields(ctx, type, callExpecting(ctx, "schema_field_update", { type, field_name: field, properties: props, ...project }, call, "true or false"));
}

/**
 * Retire a field (Python `schema_field_delete`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param fieldName - the field's internal name.
 * @param options - call options.
 */
export function schemaFieldDelete<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, fieldName: string, options?: CallOptions): Promise<boolean>;
export async function schemaFieldDelete(target: unknown, entityType: unknown, fieldName: unknown, rawOptions?: unknown): Promise<boolean> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const field = checkFieldPath(fieldName, ["fieldName"]);
  const options = checkOptions(rawOptions, ["options"]);
  return changingFields(ctx, type, callExpecting(ctx, "schema_field_delete", { type, field_name: field }, callOptions(ctx, options), "true or false"));
}
