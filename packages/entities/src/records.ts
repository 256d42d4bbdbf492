/**
 * Post-processing of records returned by the site: the protocol's string unescaping and local-path
 * selection (§1.8), and datetime decoding restricted to fields whose `data_type` is `date_time` (§1.7).
 *
 * @packageDocumentation
 */
import { decodeDateTimeFields, isWireDateTime, type CallOptions } from "@sg/core";
import type { Context } from "./context.js";
import { isPlainObject } from "./validate.js";

/** This platform's `local_path_*` key; `undefined` where there is no `process` (browsers) or an unknown OS. */
function platformPathKey(): string | undefined {
  const platform = typeof process === "object" && process !== null ? process.platform : undefined;
  return platform === "darwin" ? "local_path_mac" : platform === "win32" ? "local_path_windows" : platform === "linux" ? "local_path_linux" : undefined;
}

let pathKey: string | undefined | null = null;
/** {@link platformPathKey}, worked out once (the platform does not change while running). */
export function localPathKey(): string | undefined {
  if (pathKey === null) pathKey = platformPathKey();
  return pathKey;
}

/**
 * Undo the site's `&lt;` sanitising of top-level strings and point `local_path`/`url` of local file links at
 * this platform's path (`local_path_<platform>`, possibly null), as the Python client does. Returns the same object
 * when nothing changed.
 */
export function parseRecord<T>(record: T): T {
  if (!isPlainObject(record)) return record;
  const localKey = localPathKey();
  let out: Record<string, unknown> | undefined;
  for (const key in record) {
    const value = record[key];
    if (typeof value === "string") {
      if (value.includes("&lt;")) (out ??= { ...record })[key] = value.replaceAll("&lt;", "<");
    } else if (localKey && isPlainObject(value) && value["link_type"] === "local" && localKey in value) {
      // As Python: the key's presence decides. Its value may be null (the link's LocalStorage has no path for this
      // OS); then `local_path` is null too and `url` is `file://`, never another OS's path.
      const path = value[localKey];
      (out ??= { ...record })[key] = { ...value, local_path: path, url: `file://${path ?? ""}` };
    }
  }
  return (out ?? record) as T;
}

/** Where a (possibly dotted) field lives: `sg_sequence.Sequence.created_at` → `["Sequence", "created_at"]`. */
export function fieldOwner(entityType: string, path: string): [string, string] {
  if (!path.includes(".")) return [entityType, path];
  const parts = path.split(".");
  return [parts[parts.length - 2] as string, parts[parts.length - 1] as string];
}

/**
 * Parse a page of records (by `parse`: another one leaves them as the site sent them) and decode its datetime fields. The schema is consulted only when some value looks
 * like a wire datetime, and only fields whose `data_type` is `date_time` are decoded — a text field that
 * happens to hold `2024-01-01T00:00:00Z` stays a string.
 */
export function finishRecords<T>(ctx: Context, entityType: string, records: readonly T[], options?: CallOptions, parse: (record: T) => T = parseRecord): T[] | Promise<T[]> {
  const parsed = records.map(parse);
  if (ctx.dates === "string") return parsed;
  let candidates: Set<string> | undefined;
  for (const record of parsed) {
    if (!isPlainObject(record)) continue;
    for (const key in record) {
      if (!candidates?.has(key) && isWireDateTime(record[key])) (candidates ??= new Set()).add(key);
    }
  }
  // No value looks like a datetime (most reads): done, without a schema lookup or a tick.
  if (candidates === undefined) return parsed;
  return decodeDates(ctx, entityType, parsed, candidates, options);
}

async function decodeDates<T>(ctx: Context, entityType: string, parsed: T[], candidates: ReadonlySet<string>, options: CallOptions | undefined): Promise<T[]> {
  const dateTimeKeys = new Set<string>();
  const owners = [...candidates].map((key) => [key, ...fieldOwner(entityType, key)] as const);
  const types = await Promise.all(
    [...new Set(owners.map(([, type]) => type))].map(async (type) => [type, await ctx.fieldTypes(type, options, owners.filter((o) => o[1] === type).map((o) => o[2]))] as const),
  );
  const byType = new Map(types);
  for (const [key, type, field] of owners) {
    if (byType.get(type)?.get(field) === "date_time") dateTimeKeys.add(key);
  }
  if (dateTimeKeys.size === 0) return parsed;
  const isDateTime = (key: string): boolean => dateTimeKeys.has(key);
  return parsed.map((r) => (isPlainObject(r) ? (decodeDateTimeFields(r, isDateTime) as T) : r));
}

/** {@link finishRecords} for one record. */
export async function finishRecord<T>(ctx: Context, entityType: string, record: T, options?: CallOptions): Promise<T> {
  const [out] = await finishRecords(ctx, entityType, [record], options);
  return out as T;
}
