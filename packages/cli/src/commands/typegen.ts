import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { CommandContext } from "../command-context.js";
import { UsageError } from "../exit-codes.js";
import { outputFile } from "./files.js";
import { checkSchemaRead } from "../schema-file-shape.js";
import { generateSchemaTypes, type RawEntitySchema, type RawSiteSchema } from "../typegen.js";

/** `sg typegen [--out file.ts|-] [--schema-file schema_read.json]` (a file saved by `sg schema --all --format json`). */
export async function typegenCommand(ctx: CommandContext): Promise<number> {
  const out = outputFile(ctx);
  const schemaFile = ctx.args.values["schema-file"] as string | undefined;
  let schema: RawSiteSchema;
  let entities: RawEntitySchema | undefined;
  if (schemaFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(resolve(ctx.io.cwd, schemaFile), "utf8"));
    } catch (error) {
      throw new UsageError(`cannot read ${schemaFile}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    // Anything but schema_read's answer would give types of nothing (every field `unknown`) and exit 0.
    schema = checkSchemaRead(parsed, schemaFile);
  } else {
    const { api } = await ctx.connect();
    schema = (await api.schemaRead()) as RawSiteSchema;
    entities = (await api.schemaEntityRead()) as RawEntitySchema;
  }
  const source = generateSchemaTypes(schema, entities ? { entities } : {});
  if (out) {
    const path = resolve(ctx.io.cwd, out);
    // `--out src/sg-schema.ts` in a project that has no src/ yet: make the folders, as a generator is expected to.
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, source);
    ctx.note(`wrote ${Object.keys(schema).length} entity types to ${path}`);
  } else {
    ctx.io.stdout.write(source);
  }
  return 0;
}
