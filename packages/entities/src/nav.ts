/**
 * The navigation hierarchy (rpc-protocol §2.7): `navExpand` (RPC `nav_expand`), `navSearchString` and
 * `navSearchEntity` (both RPC `nav_search`), the Python client's `nav_expand`, `nav_search_string` and
 * `nav_search_entity`.
 *
 * The site marks these RPCs experimental and documents neither their answers nor `seed_entity_field`, so the
 * answers are returned as the site sent them, typed `unknown`, and a seed entity field is passed through as
 * given (its dates in wire form). The payloads are the Python client's, nulls included, with one difference:
 * `navSearchEntity` sends the entity as `{ type, id }`, where Python sends the dict it was given.
 *
 * They only read, and `@sg/core` counts `nav_expand` and `nav_search` as reads (a reset after sending is
 * retried, as for `find`) unless the call's own options or the context's `defaults` set a `kind`.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode, EntityRef } from "@sg/core";
import type { EntityFields } from "./activity.js";
import { callOptions, contextOf, type Context, type EntityTarget } from "./context.js";
import type { PlainObject, SiteSchema } from "./schema-types.js";
import { checkEntityFields, checkEntityRef, checkObject, checkOptions, checkString } from "./validate.js";
import { encodeValue } from "./write-values.js";

/**
 * The `seed_entity_field` of the navigation RPCs. Its keys are not documented (the Python client types it as a
 * dict), so it is checked to be a plain object and sent as given, except that a `Date` in it becomes a wire
 * datetime (`YYYY-MM-DDTHH:MM:SSZ`), as the Python client does for its whole payload, and a NaN or infinite
 * number in it is refused (JSON would send it as `null`). Typed with an index signature (for hovers) and as a
 * {@link PlainObject} (one declared as an `interface`, which has no implicit index signature; a list, a function, a
 * `Date`, a `Map` and the other built-ins it names stay compile errors).
 */
export type NavSeedEntityField = { readonly [key: string]: unknown } | PlainObject;

/** Options of `navSearchString` and `navSearchEntity`, plus call options. */
export interface NavSearchOptions extends CallOptions {
  /** Sent as `seed_entity_field` (a `Date` in it as a wire datetime); `null` is sent when it is omitted or `null`. */
  readonly seedEntityField?: NavSeedEntityField | null | undefined;
}

/** Options of `navExpand`, plus call options. */
export interface NavExpandOptions extends NavSearchOptions {
  /** Extra fields per entity type, sent as `entity_fields`; `null` is sent when it is omitted or `null`. */
  readonly entityFields?: EntityFields | null | undefined;
}

const PATH_EXPECTED = "a navigation path such as '/Project/65' (a non-empty string)";

/** `seed_entity_field`: a plain object with its dates as wire datetimes, or `null` when absent. */
function seedOf(options: Record<string, unknown>): NavSeedEntityField | null {
  const seed = options["seedEntityField"];
  if (seed === undefined || seed === null) return null;
  const path = ["options", "seedEntityField"];
  return encodeValue(checkObject(seed, path, "a plain object (the site's seed entity field), or null"), path) as NavSeedEntityField;
}

/**
 * Expand the navigation hierarchy at a path (Python `nav_expand`, experimental on the site).
 *
 * Sends `nav_expand` with `{ path, seed_entity_field, entity_fields }`; the two optional keys are always
 * present, `null` when not given. Sent as a read (retried after a reset, like `find`) unless `kind` is set.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param path - the hierarchy path, e.g. `"/Project/65"`.
 * @param options - `seedEntityField`, `entityFields` and call options.
 * @returns the site's answer, unchanged (its shape is not documented).
 * @throws SgValidationError before anything is sent when an argument is malformed.
 */
export function navExpand(target: EntityTarget<SiteSchema, DateMode>, path: string, options?: NavExpandOptions): Promise<unknown>;
export async function navExpand(target: unknown, path: unknown, rawOptions?: unknown): Promise<unknown> {
  const ctx = contextOf(target);
  const navPath = checkString(path, ["path"], PATH_EXPECTED);
  const options = checkOptions(rawOptions, ["options"], ["seedEntityField", "entityFields"]);
  const fields = options["entityFields"];
  const payload = {
    path: navPath,
    seed_entity_field: seedOf(options),
    entity_fields: fields === undefined || fields === null ? null : checkEntityFields(fields, ["options", "entityFields"]),
  };
  return ctx.call<unknown>("nav_expand", payload, callOptions(ctx, options));
}

/**
 * Search the navigation hierarchy below a path for a text (Python `nav_search_string`, experimental on the
 * site).
 *
 * Sends `nav_search` with `{ root_path, seed_entity_field, search_criteria: { search_string } }`;
 * `seed_entity_field` is `null` when not given. Sent as a read (retried after a reset, like `find`) unless `kind` is set.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param rootPath - where to search from, e.g. `"/Project/65"`.
 * @param searchString - the text to search for (non-empty).
 * @param options - `seedEntityField` and call options.
 * @returns the site's answer, unchanged (its shape is not documented).
 * @throws SgValidationError before anything is sent when an argument is malformed.
 */
export function navSearchString(target: EntityTarget<SiteSchema, DateMode>, rootPath: string, searchString: string, options?: NavSearchOptions): Promise<unknown>;
export async function navSearchString(target: unknown, rootPath: unknown, searchString: unknown, rawOptions?: unknown): Promise<unknown> {
  const ctx = contextOf(target);
  const root = checkString(rootPath, ["rootPath"], PATH_EXPECTED);
  const text = checkString(searchString, ["searchString"], "a non-empty search string");
  return navSearch(ctx, root, { search_string: text }, rawOptions);
}

/**
 * Search the navigation hierarchy below a path for an entity (Python `nav_search_entity`, experimental on the
 * site).
 *
 * Sends `nav_search` with `{ root_path, seed_entity_field, search_criteria: { entity } }`, where `entity` is
 * cut to `{ type, id }`; `seed_entity_field` is `null` when not given. Sent as a read (retried after a reset, like `find`) unless `kind` is set.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param rootPath - where to search from, e.g. `"/Project/65"`.
 * @param entity - the entity to find, a link `{ type, id }` (other keys are not sent).
 * @param options - `seedEntityField` and call options.
 * @returns the site's answer, unchanged (its shape is not documented).
 * @throws SgValidationError before anything is sent when an argument is malformed.
 */
export function navSearchEntity(target: EntityTarget<SiteSchema, DateMode>, rootPath: string, entity: EntityRef, options?: NavSearchOptions): Promise<unknown>;
export async function navSearchEntity(target: unknown, rootPath: unknown, entity: unknown, rawOptions?: unknown): Promise<unknown> {
  const ctx = contextOf(target);
  const root = checkString(rootPath, ["rootPath"], PATH_EXPECTED);
  return navSearch(ctx, root, { entity: checkEntityRef(entity, ["entity"]) }, rawOptions);
}

async function navSearch(ctx: Context, rootPath: string, criteria: Readonly<Record<string, unknown>>, rawOptions: unknown): Promise<unknown> {
  const options = checkOptions(rawOptions, ["options"], ["seedEntityField"]);
  const payload = { root_path: rootPath, seed_entity_field: seedOf(options), search_criteria: criteria };
  return ctx.call<unknown>("nav_search", payload, callOptions(ctx, options));
}
