/**
 * Input checks shared by every method. Each throws an `SgValidationError` prefixed `@sg/entities` that names
 * the path of the bad value, before anything is sent.
 *
 * @packageDocumentation
 */
import { SgValidationError, checkFieldPath as checkPath, describeValue, isEntityRef, isWireDate, type EntityRef } from "@sg/core";

export { isFieldPath } from "@sg/core";

/** Prefix of every error message of this package. */
export const PREFIX = "@sg/entities";

/** What a signal option must be: another realm's or implementation's (jsdom's under Node's globals) is an AbortSignal by name only. */
export const SIGNAL = "this runtime's AbortSignal";

/** A path inside a method's arguments, e.g. `["order", 1, "direction"]`. */
export type Path = readonly (string | number)[];

/** Throw an `SgValidationError` for `path`. */
export function fail(path: Path, expected: string, received: unknown, hint?: string): never {
  throw new SgValidationError(PREFIX, { path, expected, received: describeValue(received), hint });
}

const ENTITY_TYPE = /^[A-Za-z][A-Za-z0-9_]*$/;
const WIRE_DATE = /^\d{4}-\d\d-\d\d$/;

/** Whether `value` is a well-formed entity type name (what {@link checkEntityType} accepts). */
export function isEntityTypeName(value: unknown): value is string {
  return typeof value === "string" && ENTITY_TYPE.test(value);
}

/** An entity type name such as `Shot` or `CustomEntity01`. */
export function checkEntityType(value: unknown, path: Path): string {
  if (typeof value !== "string" || !ENTITY_TYPE.test(value)) {
    fail(path, "an entity type name such as 'Shot' or 'CustomEntity01'", value);
  }
  return value;
}

/**
 * A field name or a dotted link path such as `sg_sequence.Sequence.code`: the core's rule, which its filter encoder
 * applies to filter paths too, so that `fields`, sort keys and filters refuse a path alike.
 */
export const checkFieldPath = (value: unknown, path: Path): string => checkPath(value, path, PREFIX);

/** A list of field names/paths (may be empty when `allowEmpty`). */
export function checkFieldList(value: unknown, path: Path, allowEmpty = true): string[] {
  if (!Array.isArray(value)) fail(path, "an array of field names, e.g. ['code', 'sg_status_list']", value);
  if (!allowEmpty && value.length === 0) fail(path, "at least one field name", value);
  return Array.from(value, (f, i) => checkFieldPath(f, [...path, i]));
}

/** Extra fields per entity type, `{ EntityType: [fields] }` (the `entity_fields` of activity, note threads, navigation). */
export function checkEntityFields(value: unknown, path: Path): Record<string, string[]> {
  const o = checkObject(value, path, "an object { EntityType: [fields] }");
  const out: Record<string, string[]> = {};
  for (const [type, fields] of Object.entries(o)) {
    checkEntityType(type, [...path, type]);
    out[type] = checkFieldList(fields, [...path, type]);
  }
  return out;
}

/** An entity id: a positive integer. */
export function checkId(value: unknown, path: Path): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) fail(path, "an entity id (a positive integer)", value);
  return value;
}

/** A whole number ≥ `min`. */
export function checkInt(value: unknown, path: Path, min = 0, what = `a whole number ≥ ${min}`): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) fail(path, what, value);
  return value;
}

/** A non-empty string. */
export function checkString(value: unknown, path: Path, what = "a non-empty string"): string {
  if (typeof value !== "string" || value === "") fail(path, what, value);
  return value;
}

/** CR, LF and half a surrogate pair: text a multipart form alters (a line break into CRLF, half a pair into U+FFFD). */
const FORM_ALTERED = /[\r\n]|\p{Cs}/u;

/**
 * `value`, a text an upload sends in its multipart form (a display name, a tag, a file name), refused when the form's
 * encoder would alter it: it turns LF and a lone CR into CRLF, and half a surrogate pair into U+FFFD, so the site
 * would store other text than was given.
 */
export function checkFormText(value: string, path: Path, what: string, hint?: string): string {
  return FORM_ALTERED.test(value) ? fail(path, `${what} without CR, LF or half a surrogate pair: a form field cannot carry it unchanged`, value, hint) : value;
}

/**
 * `options[name]` as `check` returns it (given the value and its path `options.<name>`), or `fallback` when it is not
 * given. With `none` (an option whose Python default is `None`), `null` is not given either, as `None` is in Python;
 * without it (a default of `False` or `0`, or an option Python does not have) `null` goes to `check`, which refuses it.
 */
export function optionOr<T>(options: Readonly<Record<string, unknown>>, name: string, fallback: T, check: (value: unknown, path: Path) => T, none?: boolean): T {
  const value = options[name];
  return value === undefined || (none && value === null) ? fallback : check(value, ["options", name]);
}

/** A boolean. */
export function checkBoolean(value: unknown, path: Path): boolean {
  if (typeof value !== "boolean") fail(path, "true or false", value);
  return value;
}

/** Whether a value is a plain object (not an array, Date, Blob, class instance or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A plain object. */
export function checkObject(value: unknown, path: Path, what = "a plain object"): Record<string, unknown> {
  if (!isPlainObject(value)) fail(path, what, value);
  return value;
}

/** The data of a create/update: a plain object whose keys are field names. */
export function checkData(value: unknown, path: Path, allowEmpty: boolean): Record<string, unknown> {
  const data = checkObject(value, path, "an object of field values, e.g. { code: 'sh010' }");
  const keys = Object.keys(data);
  if (!allowEmpty && keys.length === 0) fail(path, "at least one field value", value);
  for (const key of keys) {
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) fail([...path, key], "a field name (letters, digits, underscores)", key);
    checkDefined(data[key], [...path, key], "a value (use null to clear a field)");
  }
  return data;
}

/**
 * Anything but `undefined`, which JSON leaves out of an object: for a value that must be sent (a data field, a schema
 * property). An `undefined` list item, which JSON sends as null, is refused by `encodeValue` in the one walk of a
 * written value.
 */
export function checkDefined(value: unknown, path: Path, what: string): void {
  if (value === undefined) fail(path, what, value);
}

/**
 * An entity link `{type, id}`, as a copy of its type and id read once, now: what is sent is what was checked, even if
 * the caller reuses its object (`ref.id = next`) before the call is sent.
 */
export function checkEntityRef(value: unknown, path: Path, what = "an entity link {type, id}"): EntityRef {
  const v = value as EntityRef | null;
  const ref = v !== null && typeof v === "object" && !Array.isArray(v) ? { type: v.type, id: v.id } : v;
  if (!isEntityRef(ref)) fail(path, what, value);
  checkEntityType(ref.type, [...path, "type"]);
  checkId(ref.id, [...path, "id"]);
  return ref;
}

/** A link to an entity of type `type` only, e.g. a Project for a `project` option: another type is refused, not sent. */
export function checkLinkTo<T extends string>(value: unknown, path: Path, type: T): EntityRef<T> {
  const what = `a ${type} link {type: '${type}', id}`;
  const ref = checkEntityRef(value, path, what);
  if (ref.type !== type) fail([...path, "type"], what, ref.type);
  return ref as EntityRef<T>;
}

/** A wire date `YYYY-MM-DD` that is a real calendar day. */
export function checkWireDate(value: unknown, path: Path): string {
  if (typeof value !== "string" || !WIRE_DATE.test(value)) fail(path, "a date string in YYYY-MM-DD format", value);
  // Core's check: years 0–99 as they are (Date.UTC would take them as 1900–1999, whose Feb 29s differ).
  if (!isWireDate(value)) fail(path, "a real calendar day in YYYY-MM-DD format", value);
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], path: Path): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) fail(path, `one of ${allowed.map((a) => `'${a}'`).join(", ")}`, value);
  return value as T;
}

/** An optional AbortSignal. */
export function checkSignal(value: unknown, path: Path): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) fail(path, SIGNAL, value);
  return value;
}

/**
 * A `deadlineMs` as core takes it (a positive number of milliseconds a timer can hold), or `undefined` when it is
 * not given; checked here where this package does arithmetic with it before core sees it.
 */
export function checkDeadline(value: unknown, path: Path): number | undefined {
  if (value !== undefined && !(typeof value === "number" && value > 0 && value <= 2_147_483_647)) fail(path, "a positive number of milliseconds up to 2147483647", value);
  return value as number | undefined;
}

/** The core's call options, which every method takes next to its own. */
export const CALL_OPTION_KEYS: readonly string[] = ["signal", "timeoutMs", "deadlineMs", "retry", "kind", "sessionUuid"];

/**
 * Options objects: undefined (read as `{}`), or a plain object holding only the names in `keys` — by default
 * the method's `known` options and the call options; `entityApi`'s options pass their own list, without the
 * call options (those go in its `defaults`). An unknown key is refused rather than ignored: a misspelt option,
 * or a Python keyword argument such as `filter_operator`, `multi_entity_update_modes` or `trim_entities`, would
 * otherwise change what the call does without a word. The error lists the names taken, so the camelCase name
 * is next to the one written; it names the key, never its value.
 */
export function checkOptions(value: unknown, path: Path, known: readonly string[] = [], keys: readonly string[] = known.concat(CALL_OPTION_KEYS)): Record<string, unknown> {
  if (value === undefined) return {};
  const o = checkObject(value, path, "an options object");
  for (const key in o) if (!keys.includes(key)) fail([...path, key], `one of ${keys.join(", ")}`, key);
  return o;
}
