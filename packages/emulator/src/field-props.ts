import { didYouMean, meantName } from './did-you-mean.js';
import { badInput, excerpt } from './errors.js';

/** Keys of a field definition that a property sets (rpc-protocol §2.6); `data_type` and `entity_type` are fixed. */
export const FIELD_KEYS: readonly string[] = ['name', 'description', 'editable', 'mandatory', 'unique', 'visible'];

/** Keys of a field definition's `properties`, which a property list sends flat (rpc-protocol §2.6). */
const PROPERTIES_KEYS: readonly string[] = ['default_value', 'summary_default', 'valid_types', 'valid_values'];

/** Keys of a field definition that no property sets: a field keeps its data type and entity type. */
const FIXED_KEYS: readonly string[] = ['data_type', 'entity_type'];

/** What a field's properties are checked against. */
export interface FieldPropsContext {
  /** `Shot.sg_x`, or how the new field is named, for the messages. */
  label: string;
  /** The field's data type. */
  dataType: string;
  /** Whether it is a built-in (not `sg_`) field. */
  builtIn: boolean;
  /** Whether the properties are set for one project (`schema_field_update` with `project`). */
  projectScoped: boolean;
  /** Whether a name is an entity type of the site. */
  hasType: (type: string) => boolean;
  /** Names the field's `properties` already hold (`open_in_new_window` of a shipped url field); none for a new field. */
  held?: readonly string[];
}

/**
 * Refuses a property name that is neither a key of a field definition the protocol lists, nor one of its
 * `properties` the protocol lists or the field already holds: a misspelt name (`descripton`) would be stored as a new
 * property while the one meant stays as it was.
 */
function checkPropertyNames(props: Record<string, unknown>, ctx: FieldPropsContext): void {
  const known = [...new Set([...FIELD_KEYS, ...PROPERTIES_KEYS, ...(ctx.held ?? [])])];
  for (const name of Object.keys(props)) {
    if (known.includes(name)) continue;
    if (FIXED_KEYS.includes(name)) throw badInput(`${ctx.label}: ${excerpt(name)} is not a property to set: a field's data type and entity type are the 'data_type' and 'type' it is created with`);
    const meant = meantName(name, known, (k) => [k]);
    throw badInput(`${ctx.label}: unknown property ${excerpt(name)}${meant === undefined ? ` (a property is one of ${known.join(', ')})` : didYouMean(meant)}`);
  }
}

/**
 * Checks the properties `schema_field_create` and `schema_field_update` set, before anything changes, so that
 * neither accepts what the other refuses: each name is one the protocol lists or the field holds, `valid_types` is
 * a list of entity types (not empty on a link field), `valid_values` a list of strings, and a project-scoped
 * `visible` is for custom fields only (rpc-protocol §2.6: a built-in field's per-project `visible` reads
 * `editable: false`).
 */
export function checkFieldProps(props: Record<string, unknown>, ctx: FieldPropsContext): void {
  const { label } = ctx;
  checkPropertyNames(props, ctx);
  if ('valid_types' in props) {
    const types = props['valid_types'];
    if (!Array.isArray(types)) throw badInput(`${label}: 'valid_types' must be a list of entity types, got ${excerpt(types)}`);
    for (const t of types) if (typeof t !== 'string' || !ctx.hasType(t)) throw badInput(`${label}: 'valid_types' has ${excerpt(t)}, which is not an entity type`);
    if (types.length === 0 && (ctx.dataType === 'entity' || ctx.dataType === 'multi_entity')) throw badInput(`${label}: a ${ctx.dataType} field needs a non-empty 'valid_types'`);
  }
  if ('valid_values' in props) {
    const values = props['valid_values'];
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw badInput(`${label}: 'valid_values' must be a list of strings, got ${excerpt(values)}`);
  }
  if ('visible' in props && ctx.projectScoped && ctx.builtIn) {
    throw badInput(`${label} is a built-in field: its visible can be set per project for custom fields only`);
  }
}
