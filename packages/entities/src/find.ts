/**
 * `find`, `findOne` and `iterate` (Python `find` / `find_one`, RPC `read`): options, validation, the `read`
 * payload, and the standalone functions.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode, SiteInfo, WireCondition } from "@sg/core";
import { abortErrorFrom } from "@sg/core";
import { ARCHIVED_PROJECTS_GATE, callOptions, contextOf, type Context, type EntityTarget } from "./context.js";
import type { FiltersFor } from "./checked-filters.js";
import type { CheckedOrder, OrderKey } from "./checked-order.js";
import { filterDateCheck } from "./date-checks.js";
import { toWireFilters, type FilterOperator, type FiltersInput } from "./filters.js";
import { pagingSetupFor, readPages, readSinglePage, type PagingPlan } from "./paging.js";
import { finishRecords } from "./records.js";
import type { EntityTypeName, FieldList, FieldPath, FoundRecord, LooseSchema, SiteSchema } from "./schema-types.js";
import { checkBoolean, checkEntityType, checkFieldList, checkFieldPath, checkInt, checkObject, checkOptions, checkString, fail, isEntityTypeName, isFieldPath, isPlainObject, optionOr, type Path } from "./validate.js";

/** Sort direction. */
export type SortDirection = "asc" | "desc";

/**
 * One sort key: `"code"` (ascending), `"-code"` (descending), or the Python form
 * `{ field_name: "code", direction: "desc" }` (`column` is accepted as a legacy alias of `field_name`).
 */
export type OrderItem<S extends SiteSchema = LooseSchema, E extends EntityTypeName<S> = EntityTypeName<S>> =
  | FieldPath<S, E>
  | `-${FieldPath<S, E>}`
  | { readonly field_name: FieldPath<S, E>; readonly direction?: SortDirection | undefined }
  | { readonly column: FieldPath<S, E>; readonly direction?: SortDirection | undefined };

/** One `additional_filter_presets` item, e.g. `{ preset_name: "LATEST", latest_by: "ENTITIES_CREATED_AT" }`. */
export interface FilterPreset {
  /** The preset, e.g. `LATEST` or `CUT_SHOT_VERSIONS`. */
  readonly preset_name: string;
  /** The preset's parameters, e.g. `latest_by`, `cut_id`. */
  readonly [parameter: string]: unknown;
}

/**
 * Options of `findOne` (Python `find_one` keyword arguments), plus call options. `Order` is the type of the `order`
 * list: {@link OrderItem}s (one-hop paths), or, in the signature that checks a literal list, its {@link CheckedOrder}.
 */
export interface FindOneOptions<S extends SiteSchema = LooseSchema, E extends EntityTypeName<S> = EntityTypeName<S>, Order = readonly OrderItem<S, E>[]> extends CallOptions {
  /**
   * Sort keys, applied in order (`order`). The site's default is `id` ascending. Keys without `id` are sent with `id`
   * ascending after them, so that rows equal in every key keep one order from page to page. `null`: not given, as
   * Python's `None`.
   */
  readonly order?: Order | null | undefined;
  /** How the top-level filters combine: `all` (default) or `any` (`filter_operator`). `null`: not given, as Python's `None`. */
  readonly filterOperator?: FilterOperator | null | undefined;
  /** Return only retired records instead of only active ones (`retired_only`). */
  readonly retiredOnly?: boolean | undefined;
  /** `false` leaves out records of archived projects (`include_archived_projects`, default true). */
  readonly includeArchivedProjects?: boolean | undefined;
  /**
   * Presets ANDed with the filters (`additional_filter_presets`, site ≥ 7.0). A preset declared as an `interface`
   * (which has no implicit index signature, so is no {@link FilterPreset}) is taken too. `null`: not given, as
   * Python's `None`.
   */
  readonly additionalFilterPresets?: readonly (FilterPreset | { readonly preset_name: string })[] | null | undefined;
}

/** Options of `find` and `iterate` (Python `find` keyword arguments), plus paging and call options. */
export interface FindOptions<S extends SiteSchema = LooseSchema, E extends EntityTypeName<S> = EntityTypeName<S>, Order = readonly OrderItem<S, E>[]> extends FindOneOptions<S, E, Order> {
  /** Maximum number of records; 0 (default) = all (`limit`). */
  readonly limit?: number | undefined;
  /**
   * Read only this 1-based page (`page`); 0 (default) = page through everything. A page is `limit` records when
   * `0 < limit ≤ pageSize` (and within the site's `api_max_entities_per_page`), as in Python: `{ limit: 3, page: 2 }`
   * reads records 4–6. Otherwise it is `pageSize` records.
   */
  readonly page?: number | undefined;
  /**
   * Pages fetched in parallel: a whole number from 1 to 64 (default 1), the most page requests in flight at once;
   * 65 or more is refused (`options.concurrency: expected at most 64 pages in flight`). Order is preserved.
   * `iterate` requests them ahead of the page being read.
   */
  readonly concurrency?: number | undefined;
  /**
   * Walk by id (keyset paging) instead of by page offsets: each request asks for the rows with an id above the last
   * one read (`["id", "greater_than", lastId]` added to the filters), ordered by `id` ascending. A row that exists for
   * the whole walk and matches when its turn comes is handed out exactly once, whatever the loop updates or deletes;
   * rows created meanwhile (higher ids) are handed out too. `"id"` starts at the first row; `{ afterId: n }` starts
   * after id `n` (the last id a crashed run recorded). With it, `page` and a `concurrency` above 1 are refused, and
   * `order` may only be `["id"]` (ascending). `iterate` requests a page only once the one before it is handed out,
   * and the walk ends when a request finds no row above the last id (one request more than paging by offset).
   * Default: pages by offset, as Python does.
   */
  readonly walk?: "id" | { readonly afterId: number } | undefined;
}

/** The options of `findOne`; `find` and `iterate` also take `limit`, `page`, `concurrency` and `walk`. */
const FIND_ONE_OPTIONS = ["order", "filterOperator", "retiredOnly", "includeArchivedProjects", "additionalFilterPresets"];
const FIND_OPTIONS = [...FIND_ONE_OPTIONS, "limit", "page", "concurrency", "walk"];

/** Relations whose single operand the quick path handles: any string, finite number, boolean or null. */
const QUICK_RELATIONS: ReadonlySet<unknown> = new Set(["is", "is_not", "less_than", "greater_than", "contains", "not_contains"]);

/**
 * The plan of the most common calls — no options, conditions `[field, relation, value]` with a relation of
 * {@link QUICK_RELATIONS} and a primitive value, plain field names, the site's `info` cached — built in one
 * pass, without the general validator's per-value paths and calls. That work is small, but it runs on
 * every call while caches are cold from the network round trip, which made it a measurable part of the
 * per-call overhead (see the bench). Returns `undefined` for anything else: {@link fullPlan} then
 * validates and names every bad value. For the inputs it accepts, its plan equals {@link fullPlan}'s
 * (plan.test.ts checks them side by side).
 */
export function quickPlan(ctx: Context, entityType: unknown, filters: unknown, fields: unknown, rawOptions: unknown, single: boolean): PagingPlan | undefined {
  if (rawOptions !== undefined || !Array.isArray(filters) || !Array.isArray(fields) || !isEntityTypeName(entityType)) return undefined;
  const info = ctx.infoNow();
  if (!info) return undefined;
  const conditions: WireCondition[] = [];
  // A day or time the field's known type rules out is refused as the general planner refuses it.
  const check = filterDateCheck(ctx, entityType);
  for (const condition of filters as unknown[]) {
    if (!Array.isArray(condition) || condition.length !== 3) return undefined;
    const path: unknown = condition[0];
    const relation: unknown = condition[1];
    const value: unknown = condition[2];
    if (!QUICK_RELATIONS.has(relation) || !isFieldPath(path)) return undefined;
    if (!(typeof value === "string" || typeof value === "boolean" || value === null || (typeof value === "number" && Number.isFinite(value)))) return undefined;
    check?.(path, value, ["filters", conditions.length, 2]);
    conditions.push({ path, relation: relation as string, values: [value] });
  }
  const returnFields: string[] = [];
  for (const field of fields as unknown[]) {
    if (!isFieldPath(field)) return undefined;
    returnFields.push(field);
  }
  const payload: Record<string, unknown> = {
    type: entityType,
    return_fields: returnFields.length > 0 ? returnFields : ["id"],
    filters: { logical_operator: "and", conditions },
    return_only: "active",
  };
  if (ctx.atLeastOf(info, [3, 3, 0])) payload["api_return_image_urls"] = true;
  return { payload, limit: single ? 1 : 0, page: 0, concurrency: 1, callOptions: callOptions(ctx, undefined) };
}

/**
 * Validate a `find` call and build its paging plan: {@link quickPlan} for the common shape, else
 * {@link fullPlan}. Throws before anything is sent.
 */
export function planFind(ctx: Context, entityType: unknown, filters: unknown, fields: unknown, rawOptions: unknown, single: boolean): PagingPlan | Promise<PagingPlan> {
  return quickPlan(ctx, entityType, filters, fields, rawOptions, single) ?? fullPlan(ctx, entityType, filters, fields, rawOptions, single);
}

/**
 * The general planner: validates every argument and option, naming the path of a bad value. Synchronous
 * when the site's `info` is already cached (the version gates need it), so the per-call path does not wait a
 * tick for nothing.
 */
export function fullPlan(ctx: Context, entityType: unknown, filters: unknown, fields: unknown, rawOptions: unknown, single: boolean): PagingPlan | Promise<PagingPlan> {
  const type = checkEntityType(entityType, ["entityType"]);
  const options = checkOptions(rawOptions, ["options"], single ? FIND_ONE_OPTIONS : FIND_OPTIONS);
  const wireFilters = toWireFilters(filters, options["filterOperator"], ["filters"], ctx.trim, ["options", "filterOperator"], filterDateCheck(ctx, type));
  const returnFields = fields === undefined || fields === null ? [] : checkFieldList(fields, ["fields"]);
  const limit = single ? 1 : optionOr(options, "limit", 0, (value, path) => checkInt(value, path, 0, "a whole number ≥ 0 (0 = no limit)"));
  const page = single ? 0 : optionOr(options, "page", 0, (value, path) => checkInt(value, path, 0, "a whole number ≥ 0 (0 = all pages)"));
  const concurrency = single ? 1 : optionOr(options, "concurrency", 1, (value, path) => checkInt(value, path, 1));
  if (concurrency > 64) fail(["options", "concurrency"], "at most 64 pages in flight", concurrency);
  const retiredOnly = optionOr(options, "retiredOnly", false, checkBoolean);
  const includeArchived = optionOr(options, "includeArchivedProjects", true, checkBoolean);
  const sorts = optionOr(options, "order", [], checkOrder, true);
  const presets = optionOr(options, "additionalFilterPresets", [], checkPresets, true);
  const afterId = single ? undefined : optionOr<number | undefined>(options, "walk", undefined, checkWalk);
  if (afterId !== undefined) checkWalkOptions(page, concurrency, sorts, options["order"]);
  const call = callOptions(ctx, options);
  const build = (info: SiteInfo): PagingPlan => {
    if (presets.length > 0) ctx.requireVersionOf(info, "additionalFilterPresets", [7, 0, 0]);
    if (!includeArchived) ctx.requireVersionOf(info, ...ARCHIVED_PROJECTS_GATE);
    const payload: Record<string, unknown> = {
      type,
      return_fields: returnFields.length > 0 ? returnFields : ["id"],
      filters: wireFilters,
    return_only: retiredOnly ? "retired" : "active",
    };
    if (presets.length > 0) payload["additional_filter_presets"] = presets;
    if (!includeArchived) payload["include_archived_projects"] = false;
    // `id` last: rows equal in every key given may come in any order, so one could move between pages (README "Sort order").
    if (afterId !== undefined) payload["sorts"] = [{ field_name: "id", direction: "asc" }];
    else if (sorts[0]) payload["sorts"] = sorts.some((s) => s.field_name === "id") ? sorts : [...sorts, { field_name: "id", direction: "asc" }];
    if (ctx.atLeastOf(info, [3, 3, 0])) payload["api_return_image_urls"] = true;
    return { payload, limit, page, concurrency, callOptions: call, afterId };
  };
  const known = ctx.infoNow();
  return known ? build(known) : ctx.info(call).then(build);
}

function checkOrder(value: unknown, path: Path): { field_name: string; direction: "asc" | "desc" }[] {
  if (!Array.isArray(value)) fail(path, "an array of sort keys such as ['code', '-created_at'] or [{ field_name: 'code', direction: 'asc' }]", value);
  return Array.from(value, (item, i) => {
    const itemPath = [...path, i];
    if (typeof item === "string") {
      const desc = item.startsWith("-");
      return { field_name: checkFieldPath(desc ? item.slice(1) : item, itemPath), direction: desc ? "desc" : "asc" };
    }
    const o = checkObject(item, itemPath, "a sort key: 'field', '-field' or { field_name, direction }");
    const name = o["field_name"] ?? o["column"];
    if (name === undefined) fail([...itemPath, "field_name"], "the field to sort by", undefined);
    const field = checkFieldPath(name, [...itemPath, o["field_name"] !== undefined ? "field_name" : "column"]);
    const direction = o["direction"] ?? "asc";
    if (direction !== "asc" && direction !== "desc") fail([...itemPath, "direction"], "'asc' or 'desc'", direction);
    for (const key of Object.keys(o)) {
      if (key !== "field_name" && key !== "column" && key !== "direction") fail([...itemPath, key], "only field_name (or column) and direction", key);
    }
    return { field_name: field, direction };
  });
}

/** The `walk` option: the id to start after (0 for `"id"`). */
function checkWalk(value: unknown, path: Path): number {
  if (value === "id") return 0;
  if (!isPlainObject(value)) fail(path, "'id' or { afterId: n } (walk by id, after id n)", value);
  for (const key of Object.keys(value)) if (key !== "afterId") fail([...path, key], "only afterId", key);
  return checkInt(value["afterId"], [...path, "afterId"], 0, "a whole number ≥ 0 (the last id already handled)");
}

/** Refuse the options a walk by id cannot honour: it reads no page by number, one page at a time, by `id` ascending. */
function checkWalkOptions(page: number, concurrency: number, sorts: readonly { field_name: string; direction: string }[], order: unknown): void {
  if (page !== 0) fail(["options", "page"], "no page with walk (each request starts after the last id read, not at a page)", page);
  if (concurrency > 1) fail(["options", "concurrency"], "1 (or none) with walk (each request needs the last id of the page before it)", concurrency);
  if (sorts.length > 1 || (sorts[0] && (sorts[0].field_name !== "id" || sorts[0].direction !== "asc"))) {
    fail(["options", "order"], "no order, or ['id'], with walk (it reads by id ascending)", order);
  }
}

function checkPresets(value: unknown, path: Path): Record<string, unknown>[] {
  if (!Array.isArray(value)) fail(path, "an array of presets such as [{ preset_name: 'LATEST', latest_by: 'ENTITIES_CREATED_AT' }]", value);
  return Array.from(value, (item, i) => {
    const o = checkObject(item, [...path, i], "a preset object { preset_name, … }");
    checkString(o["preset_name"], [...path, i, "preset_name"], "a preset name such as 'LATEST'");
    return { ...o };
  });
}

/** Run a planned `find` to the end and return every record, finished (unescaped, dates decoded). */
export async function runFind<T>(ctx: Context, entityType: string, plan: PagingPlan): Promise<T[]> {
  // One request (findOne, a limit within a page, a given page): no stream machinery on the hot path.
  const setup = pagingSetupFor(ctx, plan, ctx.infoNow() ?? (await ctx.info(plan.callOptions)));
  if (setup.page !== 0 && plan.afterId === undefined) return finishRecords(ctx, entityType, (await readSinglePage(ctx, plan, setup)) as T[], plan.callOptions);
  const out: T[] = [];
  for await (const page of readPages(ctx, plan)) {
    const records = await finishRecords(ctx, entityType, page as T[], plan.callOptions);
    for (const r of records) out.push(r);
  }
  return out;
}

/** Stream the records of a planned `find`, page by page. */
export async function* runIterate<T>(ctx: Context, entityType: string, planned: PagingPlan | Promise<PagingPlan>): AsyncGenerator<T, void, undefined> {
  const plan = await planned;
  // The call's signal, else the client's defaults' (an app's shutdown signal), as every call of the client goes by.
  const signal = plan.callOptions.signal ?? ctx.client.defaults?.signal;
  for await (const page of readPages(ctx, plan)) {
    const records = await finishRecords(ctx, entityType, page as T[], plan.callOptions);
    // An abort (the loop's body may abort) ends the stream at the next record, not after the records already read.
    for (const record of records) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      yield record;
    }
  }
}

/**
 * Find records (Python `find`, RPC `read`). Pages through every match (or up to `limit`) with the Python
 * paging algorithm; `concurrency` fetches pages in parallel, in order.
 *
 * ```ts
 * const shots = await find(client, "Shot", [["sg_status_list", "is", "ip"]], ["code"], { limit: 100 });
 * const typed = await find(entityContext<MySite>(client), "Shot", [], ["code", "sg_status_list"]);
 * ```
 *
 * @param target - a client (loose records, default options) or an {@link EntityContext} (its schema type and options).
 * @param entityType - e.g. `"Shot"`.
 * @param filters - Python-style filters (`[["code", "is", "sh010"]]`), a builder group, or a wire tree.
 * @param fields - fields to return besides `type` and `id` (default none → `["id"]` on the wire).
 * @param options - find options and call options.
 */
export function find<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const F extends readonly FieldPath<S, E>[] = readonly [], const L extends FiltersInput = FiltersInput>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters?: FiltersFor<S, E, L>,
  fields?: F,
  options?: FindOptions<S, E>,
): Promise<FoundRecord<S, E, F, D>[]>;
/**
 * The same with a literal list that is not all one-hop paths (`FieldPath`), checked path by path: a bad element is
 * named by one message; and a literal `order` list, checked key by key (deep paths too).
 */
export function find<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const F extends readonly string[] = readonly [], const L extends FiltersInput = FiltersInput, const O extends readonly OrderKey[] = readonly OrderItem<S, E>[]>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters?: FiltersFor<S, E, L>,
  fields?: FieldList<S, E, F>,
  options?: FindOptions<S, E, CheckedOrder<S, E, O>>,
): Promise<FoundRecord<S, E, F, D>[]>;
export async function find(target: unknown, entityType: unknown, filters?: unknown, fields?: unknown, options?: unknown): Promise<unknown[]> {
  const ctx = contextOf(target);
  const planned = planFind(ctx, entityType, filters, fields, options, false);
  return runFind(ctx, entityType as string, planned instanceof Promise ? await planned : planned);
}

/**
 * The first record matching (Python `find_one`), or `null`.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param filters - as for {@link find}.
 * @param fields - fields to return besides `type` and `id`.
 * @param options - `findOne` options and call options.
 */
export function findOne<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const F extends readonly FieldPath<S, E>[] = readonly [], const L extends FiltersInput = FiltersInput>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters?: FiltersFor<S, E, L>,
  fields?: F,
  options?: FindOneOptions<S, E>,
): Promise<FoundRecord<S, E, F, D> | null>;
/**
 * The same with a literal list that is not all one-hop paths (`FieldPath`), checked path by path: a bad element is
 * named by one message; and a literal `order` list, checked key by key (deep paths too).
 */
export function findOne<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const F extends readonly string[] = readonly [], const L extends FiltersInput = FiltersInput, const O extends readonly OrderKey[] = readonly OrderItem<S, E>[]>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters?: FiltersFor<S, E, L>,
  fields?: FieldList<S, E, F>,
  options?: FindOneOptions<S, E, CheckedOrder<S, E, O>>,
): Promise<FoundRecord<S, E, F, D> | null>;
export async function findOne(target: unknown, entityType: unknown, filters?: unknown, fields?: unknown, options?: unknown): Promise<unknown> {
  const ctx = contextOf(target);
  const planned = planFind(ctx, entityType, filters, fields, options, true);
  const [first] = await runFind(ctx, entityType as string, planned instanceof Promise ? await planned : planned);
  return first ?? null;
}

/**
 * Stream the records of a `find`, page by page, requesting pages ahead while one is read: at most `concurrency` + 1
 * pages are held, the one being read and `concurrency` requested ahead (with the default of 1, the next page is on
 * its way, often answered, while the current one is read). Break out of the loop at any time: no further page is
 * requested; the pages already requested ahead are aborted (reads, so harmless).
 * The arguments are checked and copied when `iterate` is called: a bad one throws from it, not from `next()`.
 * Pages are offsets: rows created, updated or deleted while it runs can be skipped or handed out twice. With
 * `walk: "id"` (or `walk: { afterId }`) it pages by id instead, each page requested once the one before it is read,
 * and hands out each row once whatever the loop changes (README "Changing the rows you are paging through").
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Task"`.
 * @param filters - as for {@link find}.
 * @param fields - fields to return besides `type` and `id`.
 * @param options - find options (`concurrency`, `limit`, …) and call options.
 */
export function iterate<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const F extends readonly FieldPath<S, E>[] = readonly [], const L extends FiltersInput = FiltersInput>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters?: FiltersFor<S, E, L>,
  fields?: F,
  options?: FindOptions<S, E>,
): AsyncGenerator<FoundRecord<S, E, F, D>, void, undefined>;
/**
 * The same with a literal list that is not all one-hop paths (`FieldPath`), checked path by path: a bad element is
 * named by one message; and a literal `order` list, checked key by key (deep paths too).
 */
export function iterate<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const F extends readonly string[] = readonly [], const L extends FiltersInput = FiltersInput, const O extends readonly OrderKey[] = readonly OrderItem<S, E>[]>(
  target: EntityTarget<S, D>,
  entityType: E,
  filters?: FiltersFor<S, E, L>,
  fields?: FieldList<S, E, F>,
  options?: FindOptions<S, E, CheckedOrder<S, E, O>>,
): AsyncGenerator<FoundRecord<S, E, F, D>, void, undefined>;
export function iterate(target: unknown, entityType: unknown, filters?: unknown, fields?: unknown, options?: unknown): AsyncGenerator<unknown, void, undefined> {
  const ctx = contextOf(target);
  // Checked and copied now, as find does. An info request still pending fails at the first next(), not unhandled
  // when the generator is never read.
  const planned = planFind(ctx, entityType, filters, fields, options, false);
  if (planned instanceof Promise) planned.catch(() => {});
  return runIterate(ctx, entityType as string, planned);
}
