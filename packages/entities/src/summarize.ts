/**
 * `summarize` (Python `summarize`, RPC `summarize`).
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { ARCHIVED_PROJECTS_GATE, callOptions, contextOf, type EntityTarget } from "./context.js";
import { toWireFilters, type FilterOperator, type FiltersInput } from "./filters.js";
import type { EntityTypeName, LooseSchema, SiteSchema } from "./schema-types.js";
import { finishRecords } from "./records.js";
import { checkBoolean, checkEntityType, checkFieldPath, checkObject, checkOneOf, checkOptions, fail, isPlainObject } from "./validate.js";

/** Summary types (`summary_fields[].type`). */
export type SummaryType =
  | "record_count" | "count" | "sum" | "maximum" | "minimum" | "average" | "earliest" | "latest" | "percentage"
  | "status_percentage" | "status_list" | "checked" | "unchecked";

/** Grouping types (`grouping[].type`). */
export type GroupingType =
  | "exact" | "tens" | "hundreds" | "thousands" | "tensofthousands" | "hundredsofthousands" | "millions" | "day" | "week"
  | "month" | "quarter" | "year" | "clustered_date" | "oneday" | "fivedays" | "entitytype" | "firstletter";

/** One summary: `{ field: "id", type: "count" }`. */
export interface SummaryField {
  /** The field to summarise. */
  readonly field: string;
  /** How to summarise it. */
  readonly type: SummaryType;
}

/** One grouping level: `{ field: "sg_status_list", type: "exact", direction: "asc" }`. */
export interface Grouping {
  /** The field to group by. */
  readonly field: string;
  /** How to group it. */
  readonly type: GroupingType;
  /** Group order (default `asc`). */
  readonly direction?: "asc" | "desc" | undefined;
}

/** Options of `summarize`, plus call options. */
export interface SummarizeOptions extends CallOptions {
  /** How the top-level filters combine (`filter_operator`). */
  readonly filterOperator?: FilterOperator | undefined;
  /** Grouping levels, outermost first (`grouping`). */
  readonly grouping?: readonly Grouping[] | undefined;
  /** `false` leaves out archived projects (`include_archived_projects`; needs a site of version 5.3.14 or newer). */
  readonly includeArchivedProjects?: boolean | undefined;
}

/** One group of a summary. */
export interface SummaryGroup {
  /** The group's display name. */
  readonly group_name: string;
  /** The group's value (an entity link when grouping by an entity field). */
  readonly group_value: unknown;
  /** The summaries within the group, by field. */
  readonly summaries: { readonly [field: string]: unknown };
  /** Nested groups, with several grouping levels. */
  readonly groups?: readonly SummaryGroup[];
}

/** What `summarize` returns. */
export interface SummarizeResult {
  /** The summaries over every matching record, by field. */
  readonly summaries: { readonly [field: string]: unknown };
  /** The groups (`[]` without grouping). */
  readonly groups: readonly SummaryGroup[];
}

/** Summary types accepted. */
export const SUMMARY_TYPES: readonly SummaryType[] = ["record_count", "count", "sum", "maximum", "minimum", "average", "earliest", "latest", "percentage", "status_percentage", "status_list", "checked", "unchecked"];
/** Grouping types accepted. */
export const GROUPING_TYPES: readonly GroupingType[] = ["exact", "tens", "hundreds", "thousands", "tensofthousands", "hundredsofthousands", "millions", "day", "week", "month", "quarter", "year", "clustered_date", "oneday", "fivedays", "entitytype", "firstletter"];

/**
 * Summaries over matching records, optionally grouped (Python `summarize`, RPC `summarize`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param filters - as for `find`.
 * @param summaryFields - e.g. `[{ field: "id", type: "count" }]`.
 * @param options - `filterOperator`, `grouping`, `includeArchivedProjects` and call options.
 */
export function summarize<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters: FiltersInput,
  summaryFields: readonly SummaryField[],
  options?: SummarizeOptions,
): Promise<SummarizeResult>;
export async function summarize(target: unknown, entityType: unknown, filters: unknown, summaryFields: unknown, rawOptions?: unknown): Promise<SummarizeResult> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const options = checkOptions(rawOptions, ["options"], ["filterOperator", "grouping", "includeArchivedProjects"]);
  const wireFilters = toWireFilters(filters, options["filterOperator"], ["filters"], ctx.trim, ["options", "filterOperator"]);
  if (!Array.isArray(summaryFields) || summaryFields.length === 0) fail(["summaryFields"], "a non-empty array of { field, type } summaries", summaryFields);
  const seen = new Set<string>();
  const summaries = summaryFields.map((s, i) => {
    const o = checkObject(s, ["summaryFields", i], "a summary { field, type }");
    const field = checkFieldPath(o["field"], ["summaryFields", i, "field"]);
    const kind = checkOneOf(o["type"], SUMMARY_TYPES, ["summaryFields", i, "type"]);
    if (seen.has(field)) fail(["summaryFields", i, "field"], "one summary per field", `a second summary of '${field}'`);
    seen.add(field);
    return { field, type: kind };
  });
  const payload: Record<string, unknown> = { type, summaries, filters: wireFilters };
  if (options["grouping"] !== undefined && options["grouping"] !== null) {
    const g = options["grouping"];
    if (!Array.isArray(g)) fail(["options", "grouping"], "an array of { field, type, direction } groupings", g);
    payload["grouping"] = g.map((item, i) => {
      const o = checkObject(item, ["options", "grouping", i], "a grouping { field, type, direction }");
      const direction = o["direction"] === undefined ? "asc" : checkOneOf(o["direction"], ["asc", "desc"] as const, ["options", "grouping", i, "direction"]);
      return { field: checkFieldPath(o["field"], ["options", "grouping", i, "field"]), type: checkOneOf(o["type"], GROUPING_TYPES, ["options", "grouping", i, "type"]), direction };
    });
  }
  const call = callOptions(ctx, options);
  if (options["includeArchivedProjects"] !== undefined && !checkBoolean(options["includeArchivedProjects"], ["options", "includeArchivedProjects"])) {
    await ctx.requireVersion(...ARCHIVED_PROJECTS_GATE, call);
    payload["include_archived_projects"] = false;
  }
  const result = await ctx.call<SummarizeResult>("summarize", payload, call);
  const out = { summaries: result?.summaries ?? {}, groups: result?.groups ?? [] };
  // Datetime summaries (earliest, latest, …) of date_time fields are decoded as find decodes records: a
  // summaries object is keyed by field like a record. The tree is flattened, decoded in one pass, then refilled.
  const nodes: { summaries: unknown }[] = [];
  const visit = (node: { summaries: unknown; groups?: unknown }): void => {
    nodes.push(node);
    if (Array.isArray(node.groups)) for (const group of node.groups) if (isPlainObject(group)) visit(group as { summaries: unknown });
  };
  visit(out);
  const decoded = await finishRecords(ctx, type, nodes.map((node) => node.summaries), call);
  nodes.forEach((node, i) => (node.summaries = decoded[i]));
  return out;
}
