import { RpcFault, badInput, excerpt } from './errors.js';
import type { Schema } from './schema.js';
import type { Store } from './store.js';
import { coerceValue } from './values.js';

/** The properties a default value is checked against: it is checked again when one of them changes. */
const DEFAULT_INPUTS = ['default_value', 'valid_values', 'valid_types'];

/**
 * Refuses the `default_value` of `type.field` when a write of the field would refuse it (its data type, its
 * `valid_values`), so that a new row never gets a value the site's own writes refuse. With `changed` (the properties
 * a `schema_field_update` sets), only when one of them bears on the default: a shipped field is left as it came.
 */
export function checkDefaultValue(schema: Schema, store: Store, type: string, field: string, changed?: Record<string, unknown>): void {
  if (changed && !DEFAULT_INPUTS.some((k) => k in changed)) return;
  const value = schema.defaultValue(type, field);
  if (value === null) return;
  try {
    coerceValue(schema, store, type, field, value);
  } catch (e) {
    if (!(e instanceof RpcFault)) throw e;
    throw badInput(`${type}.${field}: default_value ${excerpt(value)} is refused: ${e.message}`);
  }
}
