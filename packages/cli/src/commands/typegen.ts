import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CommandContext } from "../command-context.js";
import { UsageError } from "../exit-codes.js";
import { generateSchemaTypes, type RawEntitySchema, type RawSiteSchema } from "../typegen.js";

/** `sg typegen [--out file.ts] [--schema-file schema_read.json]`. */
export async function typegenCommand(ctx: CommandContext): Promise<number> {
  const out = ctx.args.values["out"] as string | undefined;
  const schemaFile = ctx.args.values["schema-file"] as string | undefined;
  let schema: RawSiteSchema;
  let entities: RawEntitySchema | undefined;
  if (schemaFile) {
    try {
      schema = JSON.parse(await readFile(resolve(ctx.io.cwd, schemaFile), "utf8")) as RawSiteSchema;
    } catch (error) {
      throw new UsageError(`cannot read ${schemaFile}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  } else {
    const { api } = await ctx.connect();
    schema = (await api.schemaRead()) as RawSiteSchema;
    entities = (await api.schemaEntityRead()) as RawEntitySchema;
  }
  const source = generateSchemaTypes(schema, entities ? { entities } : {});
  if (out) {
    const path = resolve(ctx.io.cwd, out);
    await writeFile(path, source);
    ctx.note(`wrote ${Object.keys(schema).length} entity types to ${path}`);
  } else {
    ctx.io.stdout.write(source);
  }
  return 0;
}
