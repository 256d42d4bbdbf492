import { stat } from "node:fs/promises";
import { resolveFromCwd } from "../io.js";
import type { CommandContext } from "../command-context.js";
import { UsageError } from "../exit-codes.js";
import { jsonArgSource } from "../json-arg.js";
import { outputFile } from "./files.js";
import { writeTypegenOut } from "./typegen-out.js";
import { checkSchemaRead } from "../schema-file-shape.js";
import { isStdout } from "../stdout-file.js";
import { forTerminal } from "../terminal-text.js";
import { generateSchemaTypes, skippedEntityTypes, type RawSiteSchema } from "../typegen.js";

/** How to get a file `--schema-file` reads. */
const SAVE_HINT = "Save the whole schema with `sg schema --all --format json > schema.json` (or pipe it: `sg schema --all --format json | sg typegen --schema-file -`).";

/**
 * The text of `--schema-file`: standard input for `-`, else the file (relative to the working directory), read by
 * the JSON-argument reader; `from` names it in messages (`standard input`, or the file as given).
 */
async function readSchemaFile(schemaFile: string, ctx: CommandContext): Promise<{ readonly text: string; readonly from: string }> {
  const stdin = schemaFile === "-";
  try {
    const read = await jsonArgSource(stdin ? "-" : `@${schemaFile}`, "--schema-file", { io: ctx.io, signal: ctx.signal });
    if (read.text.trim() === "") throw new UsageError(`--schema-file ${stdin ? "from standard input" : schemaFile} is empty`, SAVE_HINT);
    return { text: read.text, from: stdin ? "from standard input" : schemaFile };
  } catch (error) {
    // The reader's hint is about `@path` JSON arguments; a file that cannot be read is named as given.
    if (error instanceof UsageError && error.message.startsWith("cannot read")) {
      throw new UsageError(`cannot read --schema-file ${schemaFile}${/ \((\w+)\)$/.exec(error.message)?.[0] ?? ""}`, SAVE_HINT);
    }
    throw error;
  }
}

/** `sg typegen [--out file.ts|-] [--schema-file schema_read.json]` (a file saved by `sg schema --all --format json`). */
export async function typegenCommand(ctx: CommandContext): Promise<number> {
  const out = outputFile(ctx);
  // The module holds a value (sgFieldTypes), which a declaration file cannot: it would not compile (TS1039).
  if (out && /\.d\.[mc]?ts$/i.test(out)) {
    throw new UsageError(`--out ${out} is a declaration file (.d.ts), which cannot hold the sgFieldTypes value sg typegen writes`, `Give --out a .ts file, e.g. --out ${out.replace(/\.d\.([mc]?ts)$/i, ".$1")}.`);
  }
  const schemaFile = ctx.args.values["schema-file"] as string | undefined;
  let schema: RawSiteSchema;
  if (schemaFile) {
    // Read as every JSON argument is: `-` is standard input; the same size limit, a byte order mark skipped.
    const read = await readSchemaFile(schemaFile, ctx);
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.text);
    } catch (error) {
      throw new UsageError(`--schema-file ${read.from} is not valid JSON: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, SAVE_HINT);
    }
    // Anything but schema_read's answer would give types of nothing (every field `unknown`) and exit 0.
    schema = checkSchemaRead(parsed, read.from);
  } else {
    const { api } = await ctx.connect();
    schema = (await api.schemaRead()) as RawSiteSchema;
  }
  // schema_read only, live as from the file (which holds no entity display names), so both give the same bytes.
  const source = generateSchemaTypes(schema);
  const path = out && resolveFromCwd(ctx.io, out);
  // --out /dev/stdout (or /proc/self/fd/1) is written through stdout, as without --out: opening it again would empty
  // a file that `>>` opened, losing what the shell wrote before. A terminal keeps the device route.
  if (path && !isStdout(ctx, await stat(path).catch(() => undefined))) await writeTypegenOut(path, source);
  else ctx.io.stdout.write(source);
  const skipped = skippedEntityTypes(schema);
  if (path) ctx.note(`wrote ${Object.keys(schema).length - skipped.length} entity types to ${path}`);
  if (skipped.length) {
    const names = forTerminal(skipped.map((t) => JSON.stringify(t)).join(", "));
    ctx.note(`warning: left out ${skipped.length} entity type${skipped.length === 1 ? "" : "s"} whose name is not an ASCII identifier (no type can be named after it): ${names}`);
  }
  return 0;
}
