import type { CommandContext } from "../command-context.js";
import { listArg, parseId, readJsonArg } from "../json-arg.js";
import { UsageError } from "../exit-codes.js";
import type { OutputRecord } from "../format/index.js";

async function single(ctx: CommandContext, record: OutputRecord): Promise<number> {
  const writer = ctx.writer({ single: true });
  await writer.row(record);
  await writer.end();
  return 0;
}

/** `sg create <Entity> <data-json> [--fields a,b]`. */
export async function createCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", dataText = ""] = ctx.args.positionals;
  const data = (await readJsonArg(dataText, "data", "object", ctx)) as Record<string, unknown>;
  const fields = listArg("fields", ctx.args.values["fields"] as readonly string[] | undefined);
  const { api } = await ctx.connect();
  ctx.writing();
  const record = await api.create(entityType, data as never, fields);
  ctx.applied(`${entityType} ${(record as { id?: unknown }).id} was created`);
  return single(ctx, record as OutputRecord);
}

/**
 * `--mode assets=add,shots=remove` (each `--mode` given, in order) as `multiEntityUpdateModes`, refused in the
 * option's own terms when an item is not `field=add|remove|set` or a field is given two modes; that each field is
 * in the data is `@sg/entities`' check, made before anything is sent.
 */
function modesArg(texts: readonly string[] | undefined): Record<string, string> | undefined {
  if (texts === undefined) return undefined;
  const modes: Record<string, string> = {};
  for (const item of texts.flatMap((text) => text.split(","))) {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(item);
    if (!match?.[1] || !match[2]) throw new UsageError(`--mode expects field=add|remove|set items separated by commas, got '${item.trim()}'`, "Example: --mode assets=add,shots=remove");
    if (!["add", "remove", "set"].includes(match[2])) throw new UsageError(`--mode ${match[1]}=${match[2]}: the mode must be add, remove or set`, "Example: --mode assets=add,shots=remove");
    const before = modes[match[1]];
    if (before !== undefined && before !== match[2]) throw new UsageError(`--mode gives ${match[1]} two modes: ${before} and ${match[2]}`, "Give each field one mode.");
    modes[match[1]] = match[2];
  }
  return modes;
}

/** `sg update <Entity> <id> <data-json> [--mode field=add|remove|set,…]`. */
export async function updateCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", idText = "", dataText = ""] = ctx.args.positionals;
  const id = parseId(idText);
  const data = (await readJsonArg(dataText, "data", "object", ctx)) as Record<string, unknown>;
  const multiEntityUpdateModes = modesArg(ctx.args.values["mode"] as readonly string[] | undefined);
  const { api } = await ctx.connect();
  ctx.writing();
  const record = await api.update(entityType, id, data as never, multiEntityUpdateModes ? ({ multiEntityUpdateModes } as never) : undefined);
  ctx.applied(`${entityType} ${id} was updated`);
  return single(ctx, record as OutputRecord);
}

/** `sg delete <Entity> <id>` (retire) and `sg revive <Entity> <id>`. */
export async function retireCommand(ctx: CommandContext, action: "delete" | "revive"): Promise<number> {
  const [entityType = "", idText = ""] = ctx.args.positionals;
  const id = parseId(idText);
  const { api } = await ctx.connect();
  ctx.writing();
  const changed = action === "delete" ? await api.delete(entityType, id) : await api.revive(entityType, id);
  if (changed) ctx.applied(`${entityType} ${id} was ${action === "delete" ? "retired" : "revived"}`);
  return single(ctx, { type: entityType, id, [action === "delete" ? "deleted" : "revived"]: changed });
}
