/**
 * The error of the `schema_field_read` that a read makes on its own, to learn which fields are datetimes, as the
 * caller of that read sees it.
 *
 * @packageDocumentation
 */
import { SgError } from "@sg/core";
import { PREFIX } from "./validate.js";

/**
 * `error`, from reading the field types of `entityType`, restated for the caller of a `find` (or any method that
 * decodes dates), who never asked for that read: the message says where it came from and how to do without it
 * (the `fieldTypes` option, or `dates: "string"`). It is an error of the same class with the same details — `code`,
 * `errorCode`, `status`, `maybeSent`, … — so that retry logic and exit codes see what they would have, and
 * `error` is its `cause`. An error that is not an `SgError` is returned as it is.
 */
export function fieldTypesError(error: unknown, entityType: string): unknown {
  if (!(error instanceof SgError)) return error;
  const reason = `${PREFIX}: reading the field types of ${entityType} to decode its dates (schema_field_read) failed: ${error.reason}`;
  const hint = `To read no schema, give the fieldTypes option (sg typegen writes it) to entityApi or entityContext; to take datetimes as wire strings, dates: "string".${error.hint ? ` ${error.hint}` : ""}`;
  // A real error of the class (not built by its constructor, whose arguments differ by class), with the details copied.
  const out: SgError = Object.assign(Reflect.construct(Error, [`${reason}\nHint: ${hint}`, { cause: error }], error.constructor), error, { reason, hint });
  // Its stack (where a person reads the message) from here, under its own name; where V8 is not, it keeps what it has.
  Error.captureStackTrace?.(out, fieldTypesError);
  return out;
}
