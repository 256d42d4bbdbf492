/**
 * `sg typegen`: turn a site's `schema_read` answer into TypeScript types that `@sg/entities` accepts as its
 * schema type parameter. Pure and deterministic: the same schema always gives the same bytes.
 *
 * @packageDocumentation
 */

/** One `{ value, editable }` pair of a `schema_read` answer. */
export interface SchemaProperty {
  /** The property's value: a data type name, a display name, a list of valid types, … */
  readonly value?: unknown;
  /** Whether the property can be changed on the site. */
  readonly editable?: boolean;
}

/** One field of a `schema_read` answer (rpc-protocol.md §2.6). */
export interface RawFieldSchema {
  /** The field's data type, e.g. `text`, `entity`, `status_list`. */
  readonly data_type?: SchemaProperty;
  /** The display name. */
  readonly name?: SchemaProperty;
  /** The description shown in the site's field settings. */
  readonly description?: SchemaProperty;
  /** Whether the field can be written. */
  readonly editable?: SchemaProperty;
  /** Whether the field must be set on create. */
  readonly mandatory?: SchemaProperty;
  /** Type-specific properties: `valid_types`, `valid_values`, `default_value`, … */
  readonly properties?: Readonly<Record<string, SchemaProperty | undefined>>;
  /** Any other property the site sends (`unique`, `visible`, …). */
  readonly [key: string]: unknown;
}

/** A `schema_read` answer: `{ EntityType: { field: RawFieldSchema } }`. */
export type RawSiteSchema = Readonly<Record<string, Readonly<Record<string, RawFieldSchema>>>>;

/** A `schema_entity_read` answer: `{ EntityType: { name: { value } } }`, used for display names in comments. */
export type RawEntitySchema = Readonly<Record<string, { readonly name?: SchemaProperty; readonly [key: string]: unknown }>>;

/** Options of {@link generateSchemaTypes}. */
export interface GenerateSchemaTypesOptions {
  /** `schema_entity_read`, for the entity display names in TSDoc comments. */
  readonly entities?: RawEntitySchema;
  /**
   * Name of the exported schema type. Default `SgSchema`. An ASCII identifier, not a reserved word, and not a name
   * the module gives another type (`ShotFields`, `SgEntityType`, `SgUrlValue`, `EntityLink`).
   */
  readonly typeName?: string;
  /** Include pivot columns (`step_0` …) typed `unknown`. Default false: they are not real stored fields. */
  readonly includePivotColumns?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * UTF-16 code unit order (what `<` compares), independent of the machine's locale. It is code-point order but for
 * characters above U+FFFF, which sort before U+E000–U+FFFF.
 */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A key of an object literal (a value): `__proto__` computed, since `__proto__: …` or `"__proto__": …` sets the prototype. */
function ownKey(name: string): string {
  return name === "__proto__" ? '["__proto__"]' : key(name);
}

/** The words a type alias cannot be named (reserved words, the built-in type names tsc refuses, and the type operators). */
const RESERVED = new Set(
  ("as await break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with any bigint boolean implements interface let never " +
    "number object package private protected public static string symbol undefined unknown yield keyof readonly unique infer intrinsic").split(" "),
);

/**
 * The entity types of `schema` that {@link generateSchemaTypes} leaves out, sorted: those whose names are not ASCII
 * identifiers (letters, digits, `_` and `$`, not starting with a digit), which could not name their `…Fields` type.
 */
export function skippedEntityTypes(schema: RawSiteSchema): string[] {
  return Object.keys(schema).filter((t) => !IDENTIFIER.test(t)).sort(byCodePoint);
}

/** `typeName`, checked: an identifier that names no other type of the module. */
function checkedTypeName(typeName: string, entityTypes: readonly string[]): string {
  const bad = (why: string): TypeError => new TypeError(`@sg/cli generateSchemaTypes: options.typeName ${JSON.stringify(typeName)} ${why}`);
  if (typeof typeName !== "string" || !IDENTIFIER.test(typeName) || RESERVED.has(typeName)) {
    throw bad("is not a name a type can have: expected an ASCII identifier (letters, digits, _ and $, not starting with a digit) that is not a reserved word");
  }
  const taken = typeName.endsWith("Fields") && entityTypes.includes(typeName.slice(0, -6));
  if (taken || ["EntityLink", "SgUrlValue", "SgEntityType"].includes(typeName)) {
    throw bad(`is a name the module already gives ${taken ? `to the fields of entity type ${typeName.slice(0, -6)}` : "another type"}: choose another name`);
  }
  return typeName;
}

/**
 * Text made safe inside a one-line TSDoc comment: a star and slash cannot end it, and `@` (as U+FF20 `＠`, which reads
 * the same in a hover) cannot start a tag, so a display name such as `Old @deprecated` or `Reviewer @john` stays text.
 */
function comment(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/@/g, "\uFF20").replace(/\s+/g, " ").trim();
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out = new Set<string>();
  for (const v of value) if (typeof v === "string") out.add(v);
  return [...out].sort(byCodePoint);
}

function union(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(" | ");
}

function linkType(targets: readonly string[]): string {
  return targets.length ? `EntityLink<${union(targets)}>` : "EntityLink";
}

/** The TypeScript type of one field's value as it travels on the wire (the `value` of `@sg/entities`' FieldSchema). */
export function fieldValueType(field: RawFieldSchema, fieldName = ""): string {
  const dataType = String(field.data_type?.value ?? "");
  const props = field.properties ?? {};
  if (fieldName === "id") return "number";
  switch (dataType) {
    case "checkbox":
      return "boolean";
    case "number":
    case "float":
    case "currency":
    case "duration":
    case "percent":
    case "timecode":
      return "number | null";
    case "date":
    case "date_time":
      return "string | null";
    case "status_list":
    case "list": {
      const values = stringList(props["valid_values"]?.value);
      return values.length ? `${union(values)} | null` : "string | null";
    }
    case "entity":
      return `${linkType(stringList(props["valid_types"]?.value))} | null`;
    case "multi_entity":
      return `${linkType(stringList(props["valid_types"]?.value))}[]`;
    case "addressing":
      return `${linkType(["Group", "HumanUser"])}[]`;
    case "tag_list":
      return "string[]";
    case "url":
      return "SgUrlValue | null";
    case "serializable":
      // A dict or a list: sites hold both (Task.splits is a list of dicts).
      return "{ readonly [key: string]: unknown } | readonly unknown[] | null";
    case "image":
    case "text":
    case "color":
    case "footage":
    case "password":
    case "uuid":
    case "entity_type":
    case "calculated":
      return "string | null";
    default:
      return "unknown";
  }
}

const PRELUDE = `/** The value of a file/link (\`url\`) field. */
export type SgUrlValue = {
  readonly link_type?: "local" | "upload" | "url" | "web";
  readonly name?: string | null;
  readonly url?: string | null;
  readonly content_type?: string | null;
  readonly [key: string]: unknown;
};
`;

/**
 * Generate the TypeScript source for a site schema, in the `SiteSchema` shape of `@sg/entities`: entity type
 * name → field name → `{ type: <data_type>; value: <wire value type> }`, plus `editable: false` on a field the
 * site marks read-only (so that `@sg/entities` leaves it out of create/update data). Status and list fields are string
 * unions of their valid values, entity fields links to their valid types. One `type` alias per entity
 * (`ShotFields`, …), the site type (`typeName`, default `SgSchema`), and `SgEntityType`. Entity types and fields are sorted by UTF-16
 * code unit and nothing variable (time, URL) is written, so an unchanged site always gives byte-identical output.
 *
 * @param schema - the answer of `schema_read`.
 * Entity types whose names are not ASCII identifiers are left out ({@link skippedEntityTypes} names them).
 *
 * @param options - entity display names, the exported type name.
 * @throws TypeError when `schema` is not an object, or `options.typeName` cannot name the type (naming the option).
 * @returns the source text of a `.ts` module (importing `EntityLink` from `@sg/entities` when a field holds links).
 */
export function generateSchemaTypes(schema: RawSiteSchema, options: GenerateSchemaTypesOptions = {}): string {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new TypeError("generateSchemaTypes: expected the object returned by schema_read");
  }
  const entityTypes = Object.keys(schema).filter((t) => IDENTIFIER.test(t)).sort(byCodePoint);
  const typeName = checkedTypeName(options.typeName ?? "SgSchema", entityTypes);
  const lines: string[] = [];
  lines.push("// Generated by `sg typegen` from the site's schema. Do not edit: run `sg typegen` again after a schema change.");
  lines.push("/* eslint-disable */");
  // Only where a field holds links: an unused import fails noUnusedLocals.
  const linked = entityTypes.some((type) => Object.entries(schema[type] ?? {}).some(([name, f]) => fieldValueType(f ?? {}, name).startsWith("EntityLink")));
  if (linked) lines.push('import type { EntityLink } from "@sg/entities";', "");
  lines.push(PRELUDE);
  for (const type of entityTypes) {
    const fields = schema[type] ?? {};
    const display = options.entities?.[type]?.name?.value;
    lines.push(`/** ${comment(typeof display === "string" && display !== type ? `${type} ("${display}")` : type)} */`);
    lines.push(`export type ${type}Fields = {`);
    const names = Object.keys(fields).sort(byCodePoint);
    if (!names.includes("id")) names.unshift("id");
    for (const name of names) {
      const field = fields[name] ?? {};
      const dataType = String(field.data_type?.value ?? (name === "id" ? "number" : "unknown"));
      if (dataType === "pivot_column" && !options.includePivotColumns) continue;
      const label = field.name?.value;
      const doc = [typeof label === "string" && label ? label : name, `(${dataType})`];
      // Sites say cached_display_name is editable, yet refuse to set it ("cannot be set"), as they refuse id and type.
      const readOnly = field.editable?.value === false || name === "cached_display_name";
      if (readOnly) doc.push("read-only");
      lines.push(`  /** ${comment(doc.join(" "))} */`);
      // `editable: false` is what @sg/entities reads to leave the field out of create/update data.
      lines.push(`  readonly ${key(name)}: { readonly type: ${JSON.stringify(dataType)}; readonly value: ${fieldValueType(field, name)}${readOnly ? "; readonly editable: false" : ""} };`);
    }
    lines.push("};");
    lines.push("");
  }
  lines.push(`/** Every entity type of the site with its fields: \`entityApi<${typeName}>(client)\`. */`);
  lines.push(`export type ${typeName} = {`);
  for (const type of entityTypes) lines.push(`  readonly ${type}: ${type}Fields;`);
  lines.push("};");
  lines.push("");
  lines.push("/** The name of an entity type of the site. */");
  lines.push(`export type SgEntityType = keyof ${typeName};`);
  lines.push("");
  lines.push(`/** The date and date_time fields of every entity type: \`entityApi<${typeName}>(client, { fieldTypes: sgFieldTypes })\`. */`);
  lines.push("export const sgFieldTypes: { readonly [entityType: string]: { readonly [field: string]: string } } = {");
  for (const type of entityTypes) {
    const fields = schema[type] ?? {};
    const dated = Object.keys(fields)
      .sort(byCodePoint)
      .flatMap((name) => {
        const dataType = fields[name]?.data_type?.value;
        return dataType === "date_time" || dataType === "date" ? [`${ownKey(name)}: ${JSON.stringify(dataType)}`] : [];
      });
    lines.push(`  ${ownKey(type)}: {${dated.length ? ` ${dated.join(", ")} ` : ""}},`);
  }
  lines.push("};");
  lines.push("");
  return lines.join("\n");
}
