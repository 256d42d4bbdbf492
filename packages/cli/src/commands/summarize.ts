import type { EntityApi, Grouping, LooseSchema, SummarizeResult, SummaryField, SummaryGroup } from "@sg/entities";
import type { CommandContext } from "../command-context.js";
import { readFilterArgs, type FilterArgs } from "../filter-args.js";
import type { OutputRecord } from "../format/index.js";
import { shortListArg } from "../json-arg.js";
import { UsageError } from "../exit-codes.js";

/**
 * How many records match (a `record_count` summary): what `sg count` prints and the total of `sg find --all`'s
 * progress bar.
 *
 * @param api - the entity API of the connection.
 * @param entityType - e.g. `Shot`.
 * @param filterArgs - the filters and `--filter-operator`.
 */
export async function recordCount(api: EntityApi<LooseSchema, "string">, entityType: string, filterArgs: FilterArgs): Promise<number> {
  const result = await api.summarize(entityType, filterArgs.filters, [{ field: "id", type: "record_count" }], filterArgs.options);
  return Number(result.summaries["id"] ?? 0);
}

/** `sg count <Entity> [filters-json]`. */
export async function countCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", filtersText] = ctx.args.positionals;
  const filterArgs = await readFilterArgs(ctx, filtersText);
  const { api } = await ctx.connect();
  const count = await recordCount(api, entityType, filterArgs);
  if (ctx.format === "table") {
    ctx.io.stdout.write(`${count}\n`);
    return 0;
  }
  const writer = ctx.writer({ single: true, columns: ["entity_type", "count"] });
  await writer.row({ entity_type: entityType, count });
  await writer.end();
  return 0;
}

/** The summaries of `fields`, in their order (a field the site left out is `null`). */
function pick(summaries: SummarizeResult["summaries"], fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, summaries[f] ?? null]));
}

/**
 * The rows of a grouped summary: the totals (`level` 0, `group` `[]`), then each group depth first, its `level` its
 * depth (1 for the outermost grouping), its `group` the names of the groups it is in (outermost first) and its own,
 * `group_value` its value as the site sends it. The level tells the totals from a group whose value is empty
 * (null, no name), which `table` and `csv` would otherwise print alike.
 */
function* groupRows(result: SummarizeResult, fields: readonly string[]): Generator<OutputRecord> {
  yield { level: 0, group: [], group_value: null, ...pick(result.summaries, fields) };
  function* walk(groups: readonly SummaryGroup[], path: readonly string[]): Generator<OutputRecord> {
    for (const g of groups) {
      const group = [...path, g.group_name === null || g.group_name === undefined ? "" : String(g.group_name)];
      yield { level: group.length, group, group_value: g.group_value ?? null, ...pick(g.summaries, fields) };
      if (g.groups) yield* walk(g.groups, group);
    }
  }
  yield* walk(result.groups, []);
}

/** Each `--grouping` given, in order: one as it is; several, their levels one after another (each must be a list). */
async function groupingArg(texts: readonly string[], ctx: CommandContext): Promise<readonly Grouping[]> {
  const lists: unknown[] = [];
  for (const text of texts) lists.push(await shortListArg(text, "grouping", ["field", "type", "direction"], 2, ctx));
  if (lists.length > 1 && !lists.every(Array.isArray)) throw new UsageError("--grouping given more than once must be a list of levels each time", "Example: --grouping sg_status_list:exact --grouping '[{\"field\": \"code\", \"type\": \"exact\"}]'");
  return (lists.length > 1 ? lists.flat() : lists[0]) as readonly Grouping[];
}

/** `sg summarize <Entity> <summaries> [filters-json] [--grouping …] [--filter-operator all|any]`. */
export async function summarizeCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", summariesText = "", filtersText] = ctx.args.positionals;
  const summaries = (await shortListArg(summariesText, "summaries", ["field", "type"], 2, ctx)) as readonly SummaryField[];
  const filterArgs = await readFilterArgs(ctx, filtersText);
  const groupingTexts = ctx.args.values["grouping"] as readonly string[] | undefined;
  const grouping = groupingTexts && (await groupingArg(groupingTexts, ctx));
  const { api } = await ctx.connect();
  const result = await api.summarize(entityType, filterArgs.filters, summaries, { ...filterArgs.options, ...(grouping ? { grouping } : {}) });
  // summarize() resolved, so `summaries` was a valid list of { field, type }.
  const fields = summaries.map((s) => s.field);
  if (!grouping) {
    const writer = ctx.writer({ single: true, columns: fields });
    await writer.row(pick(result.summaries, fields));
    await writer.end();
    return 0;
  }
  const writer = ctx.writer({ columns: ["level", "group", "group_value", ...fields] });
  for (const row of groupRows(result, fields)) await writer.row(row);
  await writer.end();
  return 0;
}
