/**
 * `summarize` (Python `summarize`, RPC `summarize`).
 *
 * @packageDocumentation
 */
import { isEntityRef, trimEntityRef, type CallOptions, type DateMode, type EntityRef } from "@sg/core";
import { ARCHIVED_PROJECTS_GATE, callOptions, contextOf, type EntityTarget } from "./context.js";
import type { FiltersFor } from "./checked-filters.js";
import { toWireFilters, type FilterOperator, type FiltersInput } from "./filters.js";
import type { CheckedPath, EntityTypeName, FilterPath, IsLoose, LooseSchema, PathProblem, SiteSchema, ValueAt } from "./schema-types.js";
import { finishRecords } from "./records.js";
import { encodeValue } from "./write-values.js";
import { filterDateCheck } from "./date-checks.js";
import { callExpecting } from "./reply.js";
import { checkBoolean, checkEntityType, checkFieldPath, checkObject, checkOneOf, checkOptions, fail, isPlainObject } from "./validate.js";

/** Summary types (`summary_fields[].type`). */
export type SummaryType =
  | "record_count" | "count" | "sum" | "maximum" | "minimum" | "average" | "earliest" | "latest" | "percentage"
  | "status_percentage" | "status_list" | "checked" | "unchecked";

/** Grouping types (`grouping[].type`). */
export type GroupingType =
  | "exact" | "tens" | "hundreds" | "thousands" | "tensofthousands" | "hundredsofthousands" | "millions" | "day" | "week"
  | "month" | "quarter" | "year" | "clustered_date" | "oneday" | "fivedays" | "entitytype" | "firstletter";

/**
 * One summary: `{ field: "id", type: "count" }`, or with a `value`: `{ field: "sg_status_list", type:
 * "status_percentage", value: "ip" }` (`P`: the paths accepted, `T`: the summary types).
 */
export interface SummaryField<P extends string = string, T extends SummaryType = SummaryType> {
  /** The field to summarise. */
  readonly field: P;
  /** How to summarise it. */
  readonly type: T;
  /**
   * What to count the share of, for the two types that take one: `status_percentage` gives the share of records
   * whose status is `value` (without it, `fin`); `percentage` the share whose field equals `value` (without it,
   * of records with a value; a checkbox counts checked records either way). A string, a finite number, a boolean,
   * `null` (the share of records without a value), a `Date` (sent as a wire datetime) or an entity link (the share
   * linking to it; trimmed to its link keys as filters trim it); `summarize` refuses it on any other type. Where the
   * field's data type is known, a `date` or `date_time` value is checked as a filter operand is (an impossible day,
   * a `Date` for a `date` field).
   */
  readonly value?: string | number | boolean | Date | EntityRef | null | undefined;
}

/** One grouping level: `{ field: "sg_status_list", type: "exact", direction: "asc" }` (`P`: the paths accepted). */
export interface Grouping<P extends string = string> {
  /** The field to group by. */
  readonly field: P;
  /** How to group it. */
  readonly type: GroupingType;
  /** Group order (default `asc`). */
  readonly direction?: "asc" | "desc" | undefined;
}

/** Options of `summarize`, plus call options (`P`: the grouping paths accepted). */
export interface SummarizeOptions<P extends string = string> extends CallOptions {
  /** How the top-level filters combine (`filter_operator`). `null`: not given, as Python's `None`. */
  readonly filterOperator?: FilterOperator | null | undefined;
  /** Grouping levels, outermost first (`grouping`). */
  readonly grouping?: readonly Grouping<P>[] | undefined;
  /** `false` leaves out archived projects (`include_archived_projects`; needs a site of version 5.3.14 or newer). */
  readonly includeArchivedProjects?: boolean | undefined;
}

/** The summaries of a result when the summary fields are not known at compile time: by field, `unknown`. */
export type UntypedSummaries = { readonly [field: string]: unknown };

/** One group of a summary (`M`: its summaries, {@link Summaries} of the summary fields). */
export interface SummaryGroup<M = UntypedSummaries> {
  /** The group's display name. */
  readonly group_name: string;
  /** The group's value (an entity link when grouping by an entity field). */
  readonly group_value: unknown;
  /** The summaries within the group, by field. */
  readonly summaries: M;
  /** Nested groups, with several grouping levels. */
  readonly groups?: readonly SummaryGroup<M>[];
}

/** What `summarize` returns (`M`: the summaries, {@link Summaries} of the summary fields). */
export interface SummarizeResult<M = UntypedSummaries> {
  /** The summaries over every matching record, by field. */
  readonly summaries: M;
  /** The groups (`[]` without grouping). */
  readonly groups: readonly SummaryGroup<M>[];
}

/**
 * The value of summary `T` of path `P` of `E`, as `summarize` hands it over (what the emulator computes, rpc-protocol
 * §2.4): counts, sums, percentages and checked counts are numbers; an average is `null` when no record has a value;
 * `maximum`, `minimum`, `earliest` and `latest` are a value of the field, or `null` when none has one, with
 * `date_time` values decoded as `find` decodes them (`Date` unless dates are strings); `status_list` counts records
 * by status (`""` for none).
 */
export type SummaryValue<S extends SiteSchema, E extends string, P extends string, T extends SummaryType, D extends DateMode> =
  T extends "record_count" | "count" | "sum" | "percentage" | "status_percentage" | "checked" | "unchecked"
    ? number
    : T extends "average"
      ? number | null
      : T extends "maximum" | "minimum" | "earliest" | "latest"
        ? ValueAt<S, E, P, D> | null
        : T extends "status_list"
          ? { readonly [status: string]: number }
          : unknown;

/**
 * The summaries of a result for the summary fields `Q`: each requested field with its {@link SummaryValue} when
 * `Q` is a literal list and the field one literal ({@link KnownField}), other keys `unknown` (a summaries object holds
 * only the requested fields).
 */
export type Summaries<S extends SiteSchema, E extends string, Q extends readonly SummaryField[], D extends DateMode> = number extends Q["length"]
  ? UntypedSummaries
  : { readonly [K in Q[number] as KnownField<K["field"]>]: SummaryValue<S, E, K["field"], K["type"], D> } & UntypedSummaries;

/** `true` when `T` is a union of several types. Exported so that a library's emitted declarations can name it. */
export type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** The problems of the paths of a literal list of summaries or groupings `Q`, as a union of messages (`never`: none). */
type ItemListProblem<S extends SiteSchema, E extends string, Q extends readonly { readonly field: string }[]> = {
  [I in keyof Q]: string extends Q[I]["field"] ? never : PathProblem<S, E, Q[I]["field"], "filters">;
}[number];

/**
 * The type of a `summaryFields` argument, or of a `grouping` option, whose items `Q` are inferred: a literal list is
 * checked item by item, its `field` with {@link CheckedPath} (as in filters: through multi-entity links too), so a
 * bad field is named by one message; a `field` typed `string` (known at run time) and a list whose items are not
 * known (`SummaryField[]`) are accepted as they are.
 */
export type CheckedFieldItems<S extends SiteSchema, E extends string, Q extends readonly { readonly field: string }[]> = IsLoose<S> extends true
  ? Q
  : number extends Q["length"]
    ? Q
    : [ItemListProblem<S, E, Q>] extends [never]
      ? Q
      : NoInfer<{ readonly [I in keyof Q]: string extends Q[I]["field"] ? Q[I] : Omit<Q[I], "field"> & { readonly field: CheckedPath<S, E, Q[I]["field"], "filters"> } }>;

/**
 * The field `P` of a summary when it is known at compile time, one string literal (`"sg_cut_in"`); `never` for a
 * `string`, a pattern (`` `sg_${string}` ``) or a union, whose value is chosen at run time: it may be any field, so it
 * is not counted as one a later summary repeats. Exported so that a library's emitted declarations can name it.
 */
export type KnownField<P extends string> = {} extends { [K in P]: unknown } ? never : [IsUnion<P>] extends [false] ? P : never;

/**
 * The fields of a literal list of summaries `Q` that a summary before has already (`never`: none; `Seen`: the known
 * fields so far, {@link KnownField}). A field is a repeat when whatever it is at run time was seen: a `string` never is.
 */
type RepeatedField<Q extends readonly unknown[], Seen extends string = never> = Q extends readonly [infer H, ...infer R]
  ? H extends { readonly field: infer P extends string }
    ? ([P] extends [Seen] ? P : never) | RepeatedField<R, Seen | KnownField<P>>
    : RepeatedField<R, Seen>
  : never;

/** A literal list of summaries `Q` with the `field` of each summary of a field that has one already replaced by a message. */
type OnePerField<Q extends readonly unknown[], Seen extends string = never> = Q extends readonly [infer H, ...infer R]
  ? H extends { readonly field: infer P extends string }
    ? [P] extends [Seen]
      ? readonly [Omit<H, "field"> & { readonly field: `✗ ${P} has a summary already: one summary per field` }, ...OnePerField<R, Seen>]
      : readonly [H, ...OnePerField<R, Seen | KnownField<P>>]
    : readonly [H, ...OnePerField<R, Seen>]
  : readonly [];

/**
 * The type of a `summaryFields` argument `Q` (`Checked`: what it must be otherwise): a literal list holding two summaries
 * of one field is refused, naming the field (the site answers one summary per field), since `summarize` refuses it
 * before sending. Fields whose names are known only at run time (`string`, a union) are not compared: they stay accepted.
 */
export type OneSummaryPerField<Q extends readonly unknown[], Checked = Q> = [RepeatedField<Q>] extends [never] ? Checked : NoInfer<OnePerField<Q>>;

/** What a summary's `value` must be, as a refusal says it. */
const SUMMARY_VALUE = "a string, a finite number, a boolean, null, a Date or an entity link { type, id }";

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
 * @param summaryFields - e.g. `[{ field: "id", type: "count" }]`; a `value` for `percentage` and `status_percentage`.
 * @param options - `filterOperator`, `grouping`, `includeArchivedProjects` and call options.
 */
export function summarize<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const Q extends readonly SummaryField<FilterPath<S, E>>[] = readonly SummaryField<FilterPath<S, E>>[], const L extends FiltersInput = FiltersInput>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters: FiltersFor<S, E, L>,
  summaryFields: OneSummaryPerField<Q>,
  options?: SummarizeOptions<FilterPath<S, E>>,
): Promise<SummarizeResult<Summaries<S, E, Q, D>>>;
/** The same with literal lists checked item by item (deep paths too), or a list built at run time: a bad field is named by one message. */
export function summarize<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const Q extends readonly SummaryField[] = readonly SummaryField[], const G extends readonly Grouping[] = readonly Grouping[], const L extends FiltersInput = FiltersInput>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters: FiltersFor<S, E, L>,
  summaryFields: OneSummaryPerField<Q, CheckedFieldItems<S, E, Q>>,
  options?: SummarizeOptions & { readonly grouping?: CheckedFieldItems<S, E, G> | undefined },
): Promise<SummarizeResult<Summaries<S, E, Q, D>>>;
export async function summarize(target: unknown, entityType: unknown, filters: unknown, summaryFields: unknown, rawOptions?: unknown): Promise<SummarizeResult> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const options = checkOptions(rawOptions, ["options"], ["filterOperator", "grouping", "includeArchivedProjects"]);
  const dateCheck = filterDateCheck(ctx, type);
  const wireFilters = toWireFilters(filters, options["filterOperator"], ["filters"], ctx.trim, ["options", "filterOperator"], dateCheck);
  if (!Array.isArray(summaryFields) || summaryFields.length === 0) fail(["summaryFields"], "a non-empty array of { field, type } summaries", summaryFields);
  const seen = new Set<string>();
  const summaries = Array.from(summaryFields, (s, i) => {
    const path = ["summaryFields", i];
    // Any key but these is refused rather than left out of the request (a `values`, a misspelt `value`).
    const o = checkOptions(checkObject(s, path, "a summary { field, type }"), path, [], ["field", "type", "value"]);
    const field = checkFieldPath(o["field"], [...path, "field"]);
    const kind = checkOneOf(o["type"], SUMMARY_TYPES, [...path, "type"]);
    if (seen.has(field)) fail([...path, "field"], "one summary per field", `a second summary of '${field}'`);
    seen.add(field);
    const value = o["value"];
    if (value === undefined) return { field, type: kind };
    // Only `percentage` and `status_percentage` count the share of a value.
    if (!kind.endsWith("percentage")) fail([...path, "value"], "no value: only 'percentage' and 'status_percentage' take one", value);
    // Encoded as a written value is (a Date becomes a wire datetime; NaN, an invalid Date refused), a link trimmed as
    // filters trim it; what is left must be a value a field can equal: an object or a list is no summary value.
    const wire = Array.isArray(value) ? value : encodeValue(ctx.trim ? trimEntityRef(value) : value, [...path, "value"]);
    // Checked as a filter operand is, by what is sent, where the field's type is known: an impossible day, a Date for a
    // date field.
    dateCheck?.(field, value, [...path, "value"], wire);
    if (wire !== null && typeof wire === "object" && !isEntityRef(wire)) fail([...path, "value"], SUMMARY_VALUE, value);
    return { field, type: kind, value: wire };
  });
  const payload: Record<string, unknown> = { type, summaries, filters: wireFilters };
  if (options["grouping"] !== undefined && options["grouping"] !== null) {
    const g = options["grouping"];
    if (!Array.isArray(g)) fail(["options", "grouping"], "an array of { field, type, direction } groupings", g);
    payload["grouping"] = Array.from(g, (item, i) => {
      // As for summaries, any other key is refused rather than left out of the request (a misspelt `direction`).
      const o = checkOptions(checkObject(item, ["options", "grouping", i], "a grouping { field, type, direction }"), ["options", "grouping", i], [], ["field", "type", "direction"]);
      const direction = o["direction"] === undefined ? "asc" : checkOneOf(o["direction"], ["asc", "desc"] as const, ["options", "grouping", i, "direction"]);
      return { field: checkFieldPath(o["field"], ["options", "grouping", i, "field"]), type: checkOneOf(o["type"], GROUPING_TYPES, ["options", "grouping", i, "type"]), direction };
    });
  }
  const call = callOptions(ctx, options);
  if (options["includeArchivedProjects"] !== undefined && !checkBoolean(options["includeArchivedProjects"], ["options", "includeArchivedProjects"])) {
    await ctx.requireVersion(...ARCHIVED_PROJECTS_GATE, call);
    payload["include_archived_projects"] = false;
  }
  // As for a read: an object without summaries or groups has none, anything else is not the site's answer.
  const result = await callExpecting<Partial<SummarizeResult>>(ctx, "summarize", payload, call, "an object");
  const out = { summaries: result.summaries ?? {}, groups: result.groups ?? [] };
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
