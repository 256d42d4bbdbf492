import { SgValidationError } from "./errors.js";
import { isDate } from "./realm-checks.js";

const WIRE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const WIRE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How date and datetime values are handed to the caller. */
export type DateMode = "date" | "string";

/** Whether a string is a wire datetime: exactly `YYYY-MM-DDTHH:MM:SSZ` and a real instant. */
export function isWireDateTime(value: unknown): value is string {
  return typeof value === "string" && value.length === 20 && decodeDateTime(value) !== undefined;
}

/** Whether a string is a wire date: `YYYY-MM-DD` and a real calendar day. */
export function isWireDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const m = WIRE_DATE.exec(value);
  if (!m) return false;
  return utcDate(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0) !== undefined;
}

/** The instant of a UTC calendar time, or `undefined` when no such time exists (Feb 30, 24:00, …). */
function utcDate(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | undefined {
  // setUTCFullYear, unlike Date.UTC, takes years 0–99 as they are (not as 1900–1999)
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s);
  return date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59 ? undefined : date;
}

/** The year of a valid Date the wire can carry (0–9999: four digits); else an error naming `path`. */
function wireYear(value: Date, utc: boolean, path: readonly (string | number)[], prefix: string): number {
  if (!isDate(value) || Number.isNaN(value.getTime())) throw new SgValidationError(prefix, { path, expected: "a valid Date", received: "an invalid Date" });
  const y = utc ? value.getUTCFullYear() : value.getFullYear();
  if (y < 0 || y > 9999) throw new SgValidationError(prefix, { path, expected: "a Date in years 0–9999", received: `year ${y}` });
  return y;
}

/**
 * A `Date` as a wire datetime: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`. An invalid Date, or one outside
 * years 0–9999, is refused with an {@link SgValidationError} naming `path`.
 */
export function encodeDateTime(value: Date, path: readonly (string | number)[] = [], prefix = "@sg/core"): string {
  wireYear(value, true, path, prefix);
  return value.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A `Date` as a wire date (`YYYY-MM-DD`). `zone: "local"` (default) takes the calendar day where the code
 * runs, like the Python client; `"utc"` takes the UTC day. Years outside 0–9999 are refused.
 */
export function encodeDate(value: Date, zone: "local" | "utc" = "local"): string {
  const y = wireYear(value, zone === "utc", [], "@sg/core");
  const m = (zone === "utc" ? value.getUTCMonth() : value.getMonth()) + 1;
  const d = zone === "utc" ? value.getUTCDate() : value.getDate();
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Parse a wire datetime into a `Date`, or `undefined` when the string is not one. */
export function decodeDateTime(value: string): Date | undefined {
  const m = WIRE_DATETIME.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return utcDate(y, mo, d, h, mi, s);
}

/**
 * Walk an outbound payload and turn every `Date` (from any realm) into a wire datetime. Invalid dates, and dates outside
 * years 0–9999, are refused with the path of the bad value. Other values are returned as they are (plain
 * objects, null-prototype ones included, and arrays are copied).
 */
export function encodeWireValues(value: unknown, path: readonly (string | number)[] = [], prefix = "@sg/core"): unknown {
  if (isDate(value)) return encodeDateTime(value, path, prefix);
  if (Array.isArray(value)) return value.map((v, i) => encodeWireValues(v, [...path, i], prefix));
  const proto = value !== null && typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  // a null-prototype object (Object.create(null)) is a plain record too
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = encodeWireValues(v, [...path, k], prefix);
    return out;
  }
  return value;
}

/**
 * Decode the datetime fields of a record: each field for which `isDateTimeField` says yes and whose value is
 * a wire datetime becomes a `Date` (mode `"date"`) or stays a string (mode `"string"`). Unlike the Python
 * client, text fields that merely look like a datetime are left alone.
 */
export function decodeDateTimeFields<T extends Record<string, unknown>>(record: T, isDateTimeField: (field: string) => boolean, mode: DateMode = "date"): T {
  if (mode === "string") return record;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === "string" && isDateTimeField(k)) {
      const d = decodeDateTime(v);
      if (d) {
        out ??= { ...record };
        out[k] = d;
      }
    }
  }
  return (out ?? record) as T;
}
