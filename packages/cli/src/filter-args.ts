import type { FilterOperator, FiltersInput } from "@sg/entities";
import type { CommandContext } from "./command-context.js";
import { enumOption } from "./config.js";
import { readJsonArg } from "./json-arg.js";

/** The filters of `find`, `count` and `summarize`: the `[filters-json]` argument and `--filter-operator`. */
export interface FilterArgs {
  /** The filters as given (`[]` when the argument is absent); `@sg/entities` validates them before sending. */
  readonly filters: FiltersInput;
  /** The options that carry `--filter-operator`, ready to spread into a `find` or `summarize` call. */
  readonly options: { readonly filterOperator?: FilterOperator };
}

/**
 * Read the filters argument (inline, `-` or `@path`) and `--filter-operator`.
 *
 * @param ctx - the command's context.
 * @param text - the filters argument, when given.
 */
export async function readFilterArgs(ctx: CommandContext, text: string | undefined): Promise<FilterArgs> {
  const filters = text === undefined ? [] : await readJsonArg(text, "filters", "array-or-object", ctx);
  const filterOperator = enumOption("filter-operator", ctx.args.values["filter-operator"], ["all", "any"]);
  return { filters: filters as FiltersInput, options: filterOperator ? { filterOperator } : {} };
}
