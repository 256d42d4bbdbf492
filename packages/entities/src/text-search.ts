/**
 * `textSearch` (Python `text_search`, RPC `query_display_name_cache`) and `exportPage` (RPC `export_page`).
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { callOptions, contextOf, type EntityTarget } from "./context.js";
import type { CheckedTextSearchTypes, TextSearchTypes } from "./checked-filters.js";
import type { LooseSchema, SiteSchema } from "./schema-types.js";
import { filterDateCheck } from "./date-checks.js";
import { toWireFilters, type FiltersInput } from "./filters.js";
import { parseRecord } from "./records.js";
import { badReply, expectReply } from "./reply.js";
import { checkEntityType, checkId, checkInt, checkObject, checkOneOf, checkOptions, checkString, fail } from "./validate.js";

/** Options of `textSearch`, plus call options. */
export interface TextSearchOptions extends CallOptions {
  /** Only these projects (`project_ids`). `null` is Python's default `None`: the same as leaving it out, sent as `project_ids: []`. */
  readonly projectIds?: readonly number[] | null | undefined;
  /**
   * At most this many matches (`limit`, sent as `max_results`; 0 is sent as it is, as Python sends it). `null`
   * is Python's default `None`: the same as leaving it out, sent as `max_results: null` (the site's default).
   */
  readonly limit?: number | null | undefined;
}

/** One text-search match. */
export interface TextSearchMatch {
  /** Entity type. */
  readonly type: string;
  /** Entity id. */
  readonly id: number;
  /** Display name. */
  readonly name: string;
  /** Anything else the site sends (`project_id`, `image`, `links`, `status`). */
  readonly [key: string]: unknown;
}

/** What `textSearch` returns. */
export interface TextSearchResult {
  /** The matches. */
  readonly matches: readonly TextSearchMatch[];
  /** The search terms the site used. */
  readonly terms: readonly string[];
}

/** Options of `exportPage`, plus call options. */
export interface ExportPageOptions extends CallOptions {
  /** Export this layout of the page (`layout_name`). */
  readonly layoutName?: string | undefined;
}

/**
 * Search display names (Python `text_search`, RPC `query_display_name_cache`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param text - at least 3 characters.
 * @param entityTypes - each entity type to search, with its filters, e.g. `{ Shot: [] }`.
 * @param options - `projectIds`, `limit` and call options.
 */
export function textSearch<S extends SiteSchema = LooseSchema, D extends DateMode = "date", const T extends TextSearchTypes<S> = TextSearchTypes<S>>(target: EntityTarget<S, D>, text: string, entityTypes: CheckedTextSearchTypes<S, T>, options?: TextSearchOptions): Promise<TextSearchResult>;
export async function textSearch(target: unknown, text: unknown, entityTypes: unknown, rawOptions?: unknown): Promise<TextSearchResult> {
  const ctx = contextOf(target);
  const query = checkString(text, ["text"], "a search text");
  // characters, as the site counts them (an emoji is one, two UTF-16 units here)
  if ([...query.trim()].length < 3) fail(["text"], "a search text of at least 3 characters", text);
  const types = checkObject(entityTypes, ["entityTypes"], "an object { EntityType: filters }, e.g. { Shot: [] }");
  if (Object.keys(types).length === 0) fail(["entityTypes"], "at least one entity type", entityTypes);
  const wireTypes: Record<string, unknown> = {};
  for (const [type, filters] of Object.entries(types)) {
    checkEntityType(type, ["entityTypes", type]);
    wireTypes[type] = toWireFilters(filters as FiltersInput, undefined, ["entityTypes", type], ctx.trim, ["entityTypes", type], filterDateCheck(ctx, type));
  }
  const options = checkOptions(rawOptions, ["options"], ["projectIds", "limit"]);
  // null is Python's default None for both options, read as "not given": project_ids goes out as [] (Python's
  // `project_ids or []`) and max_results as null, as Python sends them. A limit of 0 is sent as it is, as the
  // Python client sends it: the site decides what it means.
  let projectIds: number[] = [];
  const p = options["projectIds"];
  if (p != null) {
    if (!Array.isArray(p)) fail(["options", "projectIds"], "an array of project ids", p);
    projectIds = Array.from(p, (id, i) => checkId(id, ["options", "projectIds", i]));
  }
  const limit = options["limit"] == null ? null : checkInt(options["limit"], ["options", "limit"]);
  const call: CallOptions = callOptions(ctx, options);
  await ctx.requireVersion("textSearch", [6, 2, 0], call);
  const method = "query_display_name_cache";
  const raw = await ctx.call<unknown>(method, { text: query, entity_types: wireTypes, project_ids: projectIds, max_results: limit }, call);
  // As Python: the reply object (or the first of a list) itself is parsed, so the matches (a list) come back as
  // the site sent them.
  const result = parseRecord(expectReply<Partial<TextSearchResult>>(method, Array.isArray(raw) ? raw[0] : raw, "an object"));
  return { ...result, matches: result.matches ?? [], terms: result.terms ?? [] };
}

/**
 * Export a page marked "API Exportable" as CSV text (Python `export_page`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param pageId - the Page's id.
 * @param format - `"csv"`.
 * @param options - `layoutName` and call options.
 */
export function exportPage(target: EntityTarget<SiteSchema, DateMode>, pageId: number, format: "csv", options?: ExportPageOptions): Promise<string>;
export async function exportPage(target: unknown, pageId: unknown, format: unknown, rawOptions?: unknown): Promise<string> {
  const ctx = contextOf(target);
  const id = checkId(pageId, ["pageId"]);
  const fmt = checkOneOf(format, ["csv"] as const, ["format"]);
  const options = checkOptions(rawOptions, ["options"], ["layoutName"]);
  const layout = options["layoutName"] == null ? null : checkString(options["layoutName"], ["options", "layoutName"], "a layout name");
  // The CSV comes as text/csv, handed over as it is; an empty body (null) is an empty export, as in Python.
  const result = await ctx.call<unknown>("export_page", { format: fmt, page_id: id, layout_name: layout }, callOptions(ctx, options));
  if (result !== null && typeof result !== "string") throw badReply("export_page", "CSV text", result);
  return result ?? "";
}
