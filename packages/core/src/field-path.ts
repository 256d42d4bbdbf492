import { SgValidationError, describeValue } from "./errors.js";

const FIELD_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z][A-Za-z0-9_]*\.[A-Za-z_$][\w$]*)*$/;

/**
 * Whether `value` is a field name (`code`) or a dotted link path of whole hops, `link.EntityType.field`, chained to
 * any depth (`entity.Shot.sg_sequence.Sequence.code`), as `fields`, sort keys and filter paths take them
 * (rpc-protocol §2.3, §3.1).
 */
export function isFieldPath(value: unknown): value is string {
  return typeof value === "string" && FIELD_PATH.test(value);
}

/**
 * `value` when it {@link isFieldPath | is a field path}; otherwise throws an `SgValidationError` prefixed `prefix`
 * that names `path`, where the value was found.
 */
export function checkFieldPath(value: unknown, path: readonly (string | number)[], prefix: string): string {
  if (!isFieldPath(value)) {
    throw new SgValidationError(prefix, { path, expected: "a field name such as 'code' or a dotted link path such as 'sg_sequence.Sequence.code'", received: describeValue(value) });
  }
  return value;
}
