/**
 * Filters as methods accept them: the Python list syntax, a single group, or a wire tree — translated and
 * validated by the core's `encodeFilters`, with this package's error prefix.
 *
 * @packageDocumentation
 */
import { encodeFilters, isWireFilterGroup, type Filter, type FilterGroup, type EncodeFiltersOptions, type FilterOperator, type WireFilterGroup } from "@sg/core";
import { PREFIX, fail, isPlainObject, type Path } from "./validate.js";

/**
 * What a method accepts as filters: a list of conditions and groups (`[["code", "is", "sh010"]]`), a single
 * group from the builder (`f.any(…)`), or a wire tree `{logical_operator, conditions}` sent as it is.
 */
export type FiltersInput = readonly Filter[] | FilterGroup | WireFilterGroup;

/** The `filterOperator` values accepted (`all`/`and`, `any`/`or`). */
export type { FilterOperator };

const isOperator = (op: unknown): op is FilterOperator => op === "all" || op === "any" || op === "and" || op === "or";
const OPERATORS = "'all' or 'any' (or 'and' / 'or')";

/**
 * Translate and validate filters; `path` names the argument in errors. An `operator` of `null` is not given, as
 * Python's `filter_operator=None`.
 */
export function toWireFilters(filters: unknown, operator: unknown, path: Path, trim: boolean, operatorPath: Path, checkOperand?: EncodeFiltersOptions["checkOperand"]): WireFilterGroup {
  if (filters === undefined || filters === null) filters = [];
  if (operator != null && !isOperator(operator)) fail(operatorPath, OPERATORS, operator);
  if (isWireFilterGroup(filters)) {
    if (operator != null) {
      fail(operatorPath, "no filterOperator when filters are already a wire tree {logical_operator, conditions}", operator, "Put the operator in the tree's logical_operator.");
    }
    // The wire form is sent as it is (validated only), as Python sends a dict: its links are not trimmed.
    return encodeFilters(filters, { path, prefix: PREFIX, trimEntities: false, checkOperand });
  }
  if (isPlainObject(filters) && "filter_operator" in filters && "filters" in filters) {
    if (operator != null) fail(operatorPath, "no filterOperator when filters are a single group", operator, "Put the operator in the group.");
    // Encode the group's own list so that errors name `filters.filter_operator` / `filters.filters[i]`, as
    // written, not a `filters[0]` the caller never wrote; the wire tree still wraps the group in an `and`.
    const op = filters["filter_operator"];
    const inner = filters["filters"];
    if (!isOperator(op)) fail([...path, "filter_operator"], OPERATORS, op);
    if (!Array.isArray(inner)) fail([...path, "filters"], "an array of filters", inner);
    const group = encodeFilters(inner as Filter[], { path: [...path, "filters"], prefix: PREFIX, trimEntities: trim, operator: op, checkOperand });
    return { logical_operator: "and", conditions: [group] };
  }
  if (!Array.isArray(filters)) {
    fail(path, "an array of filters such as [[\"code\", \"is\", \"sh010\"]], a group {filter_operator, filters} or a wire tree", filters);
  }
  return encodeFilters(filters as Filter[], { path, prefix: PREFIX, trimEntities: trim, operator: (operator as FilterOperator | undefined) ?? "all", checkOperand });
}
