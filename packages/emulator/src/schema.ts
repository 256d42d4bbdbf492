import { readFileSync } from 'node:fs';
import { badInput, excerpt } from './errors.js';
import { checkFieldProps, FIELD_KEYS } from './field-props.js';

/** One `{value, editable}` pair of the schema. */
export interface SchemaProperty {
  value: unknown;
  editable: boolean;
}

/** A field definition as `schema_field_read` returns it. */
export interface FieldDef {
  data_type: SchemaProperty;
  description: SchemaProperty;
  editable: SchemaProperty;
  entity_type: SchemaProperty;
  mandatory: SchemaProperty;
  name: SchemaProperty;
  properties: Record<string, SchemaProperty>;
  unique: SchemaProperty;
  visible?: SchemaProperty;
  [key: string]: unknown;
}

type FieldMap = Record<string, FieldDef>;
type EntityDefs = Record<string, { name: SchemaProperty; visible?: SchemaProperty }>;

/** Serialised form of the schema, as persisted with `--data`. */
export interface SchemaSnapshot {
  fields: Record<string, FieldMap>;
  entities: EntityDefs;
  retired: Record<string, string[]>;
  projectVisibility: Record<string, Record<string, boolean>>;
}

let rawSchemaText: string | undefined;
let rawEntityText: string | undefined;

function loadRaw(): { fields: Record<string, FieldMap>; entities: EntityDefs } {
  rawSchemaText ??= readFileSync(new URL('../data/schema_read.json', import.meta.url), 'utf8');
  rawEntityText ??= readFileSync(new URL('../data/schema_entity_read.json', import.meta.url), 'utf8');
  return { fields: JSON.parse(rawSchemaText) as Record<string, FieldMap>, entities: JSON.parse(rawEntityText) as EntityDefs };
}

/** Data types `schema_field_create` accepts. */
const CREATABLE_TYPES = new Set([
  'text', 'number', 'float', 'checkbox', 'date', 'date_time', 'list', 'status_list', 'entity', 'multi_entity',
  'url', 'percent', 'duration', 'currency', 'timecode', 'color', 'serializable', 'footage', 'tag_list',
]);

function prop(value: unknown, editable: boolean): SchemaProperty {
  return { value, editable };
}

/** Derives a field code from a display name: `"Shot Complexity"` → `sg_shot_complexity`. */
export function deriveFieldCode(displayName: string): string {
  const snake = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `sg_${snake || 'field'}`;
}

/** The site schema: entity types, their fields, and the changes `schema_field_*` made. */
export class Schema {
  private fields: Record<string, FieldMap>;
  private entities: EntityDefs;
  private retired: Record<string, string[]>;
  private projectVisibility: Record<string, Record<string, boolean>>;
  /** Incremented by every `schema_field_create/update/delete`; cached query results compare it. */
  revision = 0;

  constructor(snapshot?: SchemaSnapshot) {
    if (snapshot) {
      this.fields = snapshot.fields;
      this.entities = snapshot.entities;
      this.retired = snapshot.retired;
      this.projectVisibility = snapshot.projectVisibility;
      return;
    }
    const raw = loadRaw();
    this.fields = raw.fields;
    this.entities = raw.entities;
    this.retired = {};
    this.projectVisibility = {};
    this.addBuiltIns();
  }

  /** Fields the real site has that the shipped schema lacks, and which the emulator needs. */
  private addBuiltIns(): void {
    const human = this.fields['HumanUser'];
    if (human && !human['can_impersonate_this_user']) {
      human['can_impersonate_this_user'] = this.makeField('HumanUser', 'can_impersonate_this_user', 'checkbox', 'Can Be Impersonated', { default_value: true }, false);
    }
  }

  private makeField(type: string, code: string, dataType: string, displayName: string, props: Record<string, unknown>, editable = true): FieldDef {
    const properties: Record<string, SchemaProperty> = {
      default_value: prop(props['default_value'] ?? null, true),
      summary_default: prop(props['summary_default'] ?? 'none', true),
    };
    for (const [k, v] of Object.entries(props)) {
      if (k !== 'default_value' && k !== 'summary_default') properties[k] = prop(v, true);
    }
    return {
      data_type: prop(dataType, false),
      description: prop('', true),
      editable: prop(editable, false),
      entity_type: prop(type, false),
      mandatory: prop(false, false),
      name: prop(displayName, true),
      properties,
      unique: prop(false, false),
      visible: prop(true, false),
    };
  }

  /** Serialisable copy of the schema state. */
  snapshot(): SchemaSnapshot {
    return { fields: this.fields, entities: this.entities, retired: this.retired, projectVisibility: this.projectVisibility };
  }

  /** All entity type names. */
  entityTypes(): string[] {
    return Object.keys(this.fields);
  }

  /** Whether `type` is an entity type of the site. */
  hasType(type: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.fields, type);
  }

  /** Throws a bad-input fault unless `type` is an entity type. */
  requireType(type: unknown): string {
    if (typeof type !== 'string' || !this.hasType(type)) {
      throw badInput(`Entity type ${excerpt(type)} is not a valid entity type`);
    }
    return type;
  }

  /** The field definition, or undefined. */
  field(type: string, field: string): FieldDef | undefined {
    const map = this.fields[type];
    return map && Object.prototype.hasOwnProperty.call(map, field) ? map[field] : undefined;
  }

  /** The field definition; throws a bad-input fault when the field does not exist. */
  requireField(type: string, field: string): FieldDef {
    const def = this.field(type, field);
    if (!def) throw badInput(`${type}.${excerpt(field, field)} doesn't exist`);
    return def;
  }

  /** The data type of a field (throws when it does not exist). */
  dataType(type: string, field: string): string {
    return this.requireField(type, field).data_type.value as string;
  }

  /** Field names of a type. */
  fieldNames(type: string): string[] {
    return Object.keys(this.fields[type] ?? {});
  }

  /** `valid_types` of an entity or multi-entity field. */
  validTypes(type: string, field: string): string[] {
    const v = this.field(type, field)?.properties['valid_types']?.value;
    return Array.isArray(v) ? (v as string[]) : [];
  }

  /** `valid_values` of a list or status-list field. */
  validValues(type: string, field: string): string[] {
    const v = this.field(type, field)?.properties['valid_values']?.value;
    return Array.isArray(v) ? (v as string[]) : [];
  }

  /** Schema default value of a field. */
  defaultValue(type: string, field: string): unknown {
    return this.field(type, field)?.properties['default_value']?.value ?? null;
  }

  private withVisibility(type: string, name: string, def: FieldDef, projectId: number | undefined): FieldDef {
    let visible = def.visible?.value ?? true;
    if (projectId !== undefined) {
      const override = this.projectVisibility[String(projectId)]?.[`${type}.${name}`];
      if (override !== undefined) visible = override;
    }
    return { ...def, visible: prop(visible, projectId !== undefined && name.startsWith('sg_')) };
  }

  /** `schema_read` reply. */
  read(projectId?: number): Record<string, Record<string, FieldDef>> {
    const out: Record<string, Record<string, FieldDef>> = {};
    for (const type of Object.keys(this.fields)) out[type] = this.fieldRead(type, undefined, projectId);
    return out;
  }

  /** `schema_entity_read` reply. */
  entityRead(): Record<string, { name: SchemaProperty; visible: SchemaProperty }> {
    const out: Record<string, { name: SchemaProperty; visible: SchemaProperty }> = {};
    for (const type of Object.keys(this.fields)) {
      const def = this.entities[type];
      out[type] = { name: def?.name ?? prop(type, false), visible: def?.visible ?? prop(true, false) };
    }
    return out;
  }

  /** `schema_field_read` reply. */
  fieldRead(type: string, field?: string, projectId?: number): Record<string, FieldDef> {
    this.requireType(type);
    const map = this.fields[type] ?? {};
    const out: Record<string, FieldDef> = {};
    if (field !== undefined) {
      out[field] = this.withVisibility(type, field, this.requireField(type, field), projectId);
      return out;
    }
    for (const [name, def] of Object.entries(map)) out[name] = this.withVisibility(type, name, def, projectId);
    return out;
  }

  /**
   * `schema_field_create`: adds a custom field and returns its code. `check(code)` runs once the field is in place
   * (e.g. on its default value); when it throws, the field is taken out again.
   */
  createField(type: string, dataType: string, props: Record<string, unknown>, check?: (code: string) => void): string {
    this.requireType(type);
    if (!CREATABLE_TYPES.has(dataType)) throw badInput(`Unsupported data type for a new field: ${excerpt(dataType)}`);
    const displayName = props['name'];
    if (typeof displayName !== 'string' || displayName.trim() === '') throw badInput("schema_field_create requires the 'name' property");
    if ((dataType === 'entity' || dataType === 'multi_entity') && !('valid_types' in props)) throw badInput(`A new ${dataType} field needs a non-empty 'valid_types' property`);
    checkFieldProps(props, { label: `The new ${type} ${dataType} field ${excerpt(displayName)}`, dataType, builtIn: false, projectScoped: false, hasType: (t) => this.hasType(t) });
    // A live field with the code gets a suffix; a deleted one keeps its code, so the site refuses it (rpc-protocol.md §2.6).
    const base = deriveFieldCode(displayName);
    const retired = this.retired[type] ?? [];
    // A name with no Latin letter or digit (`難易度`, `샷 상태`) derives the fallback `sg_field`: a deleted field holding
    // it, or a suffix of it, was another name, and no display name could avoid it, so its code is passed over instead.
    const anyName = !/[a-z0-9]/i.test(displayName.normalize('NFKD'));
    let code = base;
    for (let n = 1; this.field(type, code) !== undefined || (anyName && retired.includes(code)); n++) code = `${base}_${n}`;
    if (retired.includes(code)) {
      throw badInput(`schema_field_create: ${type} has a deleted field '${code}' (display name ${excerpt(displayName)}); its code stays taken, choose another display name`);
    }
    const rest: Record<string, unknown> = { ...props };
    delete rest['name'];
    const def = this.makeField(type, code, dataType, displayName, {});
    this.applyProps(def, rest);
    // `visible` reads `editable: false` without a project (rpc-protocol §2.6), as schema_field_update sets it.
    if ('visible' in props) def.visible = prop(Boolean(props['visible']), false);
    const map = this.fields[type];
    if (map) map[code] = def;
    try {
      check?.(code);
    } catch (e) {
      if (map) delete map[code];
      throw e;
    }
    this.revision++;
    return code;
  }

  /** Sets the properties, each where `schema_field_read` shows it; `visible` is set apart (per project or not). */
  private applyProps(def: FieldDef, props: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(props)) {
      if (k === 'visible') continue;
      if (FIELD_KEYS.includes(k)) {
        const cur = def[k] as SchemaProperty | undefined;
        def[k] = prop(v, cur?.editable ?? true);
      } else {
        def.properties[k] = prop(v, def.properties[k]?.editable ?? true);
      }
    }
  }

  /**
   * `schema_field_update`: changes properties; with a project, only `visible` is per project. `check()` runs once
   * the properties are applied; when it throws, the field is put back as it was.
   */
  updateField(type: string, field: string, props: Record<string, unknown>, projectId?: number, check?: () => void): void {
    const def = this.requireField(type, field);
    if ('data_type' in props || 'entity_type' in props) throw badInput(`The data type and entity type of ${type}.${field} cannot be changed`);
    checkFieldProps(props, { label: `${type}.${field}`, dataType: def.data_type.value as string, builtIn: !field.startsWith('sg_'), projectScoped: projectId !== undefined, hasType: (t) => this.hasType(t), held: Object.keys(def.properties) });
    const before = structuredClone(def);
    this.applyProps(def, props);
    try {
      check?.();
    } catch (e) {
      for (const k of Object.keys(def)) delete def[k];
      Object.assign(def, before);
      throw e;
    }
    this.revision++;
    if ('visible' in props) this.setVisible(type, field, Boolean(props['visible']), projectId);
  }

  private setVisible(type: string, field: string, visible: boolean, projectId: number | undefined): void {
    const def = this.requireField(type, field);
    if (projectId !== undefined) {
      const key = String(projectId);
      this.projectVisibility[key] ??= {};
      const pv = this.projectVisibility[key];
      if (pv) pv[`${type}.${field}`] = visible;
    } else {
      def.visible = prop(visible, false);
    }
  }

  /** `schema_field_delete`: retires a custom field (built-in fields cannot be deleted). */
  deleteField(type: string, field: string): void {
    this.requireField(type, field);
    if (!field.startsWith('sg_')) throw badInput(`${type}.${field} is a built-in field and cannot be deleted`);
    const map = this.fields[type];
    if (map) delete map[field];
    (this.retired[type] ??= []).push(field);
    this.revision++;
  }

  /** Display name of an entity type (`schema_entity_read` name). */
  typeDisplayName(type: string): string {
    const v = this.entities[type]?.name.value;
    return typeof v === 'string' ? v : type;
  }
}
