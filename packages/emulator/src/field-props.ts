import { badInput, excerpt } from './errors.js';

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
}

/**
 * Checks the properties `schema_field_create` and `schema_field_update` set, before anything changes, so that
 * neither accepts what the other refuses: `valid_types` is a list of entity types (not empty on a link field),
 * `valid_values` a list of strings, and a project-scoped `visible` is for custom fields only (rpc-protocol §2.6: a
 * built-in field's per-project `visible` reads `editable: false`).
 */
export function checkFieldProps(props: Record<string, unknown>, ctx: FieldPropsContext): void {
  const { label } = ctx;
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
