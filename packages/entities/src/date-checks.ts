/**
 * Dates checked against a field's known data type before anything is sent: a `date` or `date_time` value written
 * as a day or a wire datetime that is no real day or time ("2026-02-30", "2026-03-29T24:00:00Z"), a date-time for a
 * `date` field, or a `Date` written to a `date` field (whose UTC date-time is not the day meant). Only where the
 * field's type is already known (the `fieldTypes` option, or field types read before): the schema is never read for
 * this. Other strings go out as before, for the site to judge. Kept small: the filter checks are on `find`'s path.
 *
 * @packageDocumentation
 */
import { isWireDate, isWireDateTime } from "@sg/core";
import type { Context } from "./context.js";
import { fieldOwner } from "./records.js";
import { fail, type Path } from "./validate.js";

/** A day, or a wire datetime: the forms whose digits can name an impossible day or time. */
const DATE_SHAPED = /^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\dZ)?$/;

/** What `value` must be for a field of `dataType`, when it is a day or wire datetime that field cannot take; else `undefined`. */
export function dateProblem(dataType: string | undefined, value: unknown): string | undefined {
  const day = dataType === "date";
  if ((day || dataType === "date_time") && typeof value === "string" && DATE_SHAPED.test(value) && !(value.length === 10 ? isWireDate(value) : !day && isWireDateTime(value))) {
    // A day is a valid operand for a date_time field too: an impossible one is named as the day it is meant to be.
    return day || value.length === 10 ? "a real calendar day in YYYY-MM-DD format" : "a real time YYYY-MM-DDTHH:MM:SSZ";
  }
  return undefined;
}

/**
 * The check of each filter operand of `entityType` (core's `checkOperand`), by the known field types of the type that
 * owns the field (the last hop's, for a dotted path); `undefined` (nothing to do) when no field types are known at all.
 * A `Date`, or an object with a `toJSON`, is judged by what core sends for it (`sent`: a `Date` in whole seconds, what
 * the `toJSON` core called once returned, a date-time in whole seconds too), and refused as a write is.
 */
export function filterDateCheck(ctx: Context, entityType: string): ((field: string, value: unknown, path: Path, sent?: unknown) => void) | undefined {
  return ctx.anyFieldTypes() ? (field, value, path, sent = value) => {
    const [owner, name] = fieldOwner(entityType, field);
    checkWrittenDate(ctx.knownFieldTypes(owner)?.get(name), value, typeof value == "object" && typeof sent == "string" ? sent.replace(/\.\d{3}Z$/, "Z") : sent, path);
  } : undefined;
}

/**
 * Refuse a write's value for a field of known data type when its `encoded` form is an impossible day or time, or a
 * date-time for a `date` field: then `raw` an object is a `Date` (or gives one by `toJSON`), named as such.
 */
export function checkWrittenDate(dataType: string | undefined, raw: unknown, encoded: unknown, path: Path): void {
  const expected = dateProblem(dataType, encoded);
  if (!expected) return;
  const instant = isWireDateTime(encoded);
  const given = typeof raw === "object" && raw !== null;
  fail(path, instant && given ? "a day 'YYYY-MM-DD' for a date field, not a Date" : expected, given ? raw : encoded, instant ? "A date field holds a day, not an instant: send encodeDate(d) from @sg/core (the local day) or encodeDate(d, \"utc\") (the UTC day)." : undefined);
}
