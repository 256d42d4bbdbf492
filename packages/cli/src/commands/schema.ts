import type { CommandContext } from "../command-context.js";
import { UsageError } from "../exit-codes.js";
import type { OutputRecord } from "../format/index.js";
import type { RawFieldSchema } from "../typegen.js";

function prop(field: RawFieldSchema, name: string): unknown {
  const top = (field as Record<string, { value?: unknown } | undefined>)[name];
  if (top && typeof top === "object" && "value" in top) return top.value;
  return field.properties?.[name]?.value;
}

function fieldRow(name: string, field: RawFieldSchema): OutputRecord {
  const targets = prop(field, "valid_types");
  const values = prop(field, "valid_values");
  return {
    field: name,
    name: prop(field, "name") ?? null,
    data_type: prop(field, "data_type") ?? null,
    editable: prop(field, "editable") ?? null,
    mandatory: prop(field, "mandatory") ?? null,
    valid: Array.isArray(targets) ? targets : Array.isArray(values) ? values : null,
  };
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `sg schema --all`: every entity type's fields (`schema_read`). In `json` the site's answer as it is, the file
 * `sg typegen --schema-file` reads; in the other formats one row per field.
 */
async function wholeSchema(ctx: CommandContext): Promise<number> {
  const { api } = await ctx.connect();
  const schema = (await api.schemaRead()) as Record<string, Record<string, RawFieldSchema>>;
  if (ctx.format === "json") {
    ctx.io.stdout.write(JSON.stringify(schema, null, 2) + "\n");
    return 0;
  }
  const writer = ctx.writer({ columns: ["entity_type", "field", "name", "data_type", "editable", "mandatory", "valid"] });
  for (const type of Object.keys(schema).sort(byCodePoint)) {
    const fields = schema[type] ?? {};
    for (const name of Object.keys(fields).sort(byCodePoint)) await writer.row({ entity_type: type, ...fieldRow(name, fields[name] ?? {}) });
  }
  await writer.end();
  return 0;
}

/**
 * `sg schema` (entity types), `sg schema <Entity>` (its fields), `sg schema <Entity> <field>` (one field),
 * `sg schema --all` (every entity type's fields).
 */
export async function schemaCommand(ctx: CommandContext): Promise<number> {
  const [entityType, fieldName] = ctx.args.positionals;
  if (ctx.args.values["all"] === true) {
    if (entityType !== undefined) throw new UsageError("'sg schema --all' takes no entity type: it reads every entity type's fields", "Run `sg schema <Entity>` for one entity type, or `sg schema --all` alone.");
    return wholeSchema(ctx);
  }
  const { api } = await ctx.connect();
  if (entityType === undefined) {
    const entities = (await api.schemaEntityRead()) as Record<string, { name?: { value?: unknown } }>;
    if (ctx.format === "json") {
      ctx.io.stdout.write(JSON.stringify(entities, null, 2) + "\n");
      return 0;
    }
    const writer = ctx.writer({ columns: ["entity_type", "name"] });
    for (const type of Object.keys(entities).sort(byCodePoint)) await writer.row({ entity_type: type, name: entities[type]?.name?.value ?? null });
    await writer.end();
    return 0;
  }
  const fields = (fieldName === undefined ? await api.schemaFieldRead(entityType) : await api.schemaFieldRead(entityType, fieldName)) as Record<string, RawFieldSchema>;
  if (ctx.format === "json") {
    ctx.io.stdout.write(JSON.stringify(fieldName === undefined ? fields : (fields[fieldName] ?? fields), null, 2) + "\n");
    return 0;
  }
  if (fieldName !== undefined) {
    const field = fields[fieldName] ?? Object.values(fields)[0] ?? {};
    const row: Record<string, unknown> = { ...fieldRow(fieldName, field), entity_type: entityType };
    row["description"] = prop(field, "description") ?? null;
    row["default_value"] = prop(field, "default_value") ?? null;
    const writer = ctx.writer({ single: true });
    await writer.row(row);
    await writer.end();
    return 0;
  }
  const writer = ctx.writer({ columns: ["field", "name", "data_type", "editable", "mandatory", "valid"] });
  for (const name of Object.keys(fields).sort(byCodePoint)) await writer.row(fieldRow(name, fields[name] ?? {}));
  await writer.end();
  return 0;
}
