/**
 * List-syntax filters checked against a site schema: a literal list (`[["code", "is", "sh010"]]`, written in the
 * call or a variable `as const`) has each condition's path checked hop by hop, its relation checked against the
 * relations the site knows, and its operands typed like the filter builder's. Types only.
 *
 * @packageDocumentation
 */
import type { FilterRelation, FilterValue } from "@sg/core";
import type { FiltersInput } from "./filters.js";
import type { Operand, RelativeDateUnit } from "./filters-builder.js";
import type { EntityTypeName, IsLoose, LooseSchema, PathProblem, SiteSchema, WhereSchemaOpen } from "./schema-types.js";

/** Relations taking one value compared with the field (`null` matches an empty field). */
type ValueRelation = "is" | "is_not" | "less_than" | "greater_than" | "contains" | "not_contains";
/** Relations taking one text. */
type TextRelation = "starts_with" | "ends_with" | "name_contains" | "name_not_contains" | "name_starts_with" | "name_ends_with" | "name_is";
/** Relations taking a count and a unit. */
type RelativeRelation = "in_last" | "not_in_last" | "in_next" | "not_in_next";
/** Relations taking a whole-number offset. */
type CalendarRelation = "in_calendar_day" | "in_calendar_week" | "in_calendar_month" | "in_calendar_year";

/**
 * The operands relation `R` takes on path `P` of `E`, as the rest of a condition after `[path, relation]`, in each
 * form the core's filter encoder accepts (rpc-protocol §3.2): a value of the field for `is`, `less_than`, …; a text
 * for `starts_with` and the `name_*` relations; `[low, high]` (or `low, high`) for `between`; a list (or several
 * values) for `in`; a count and a unit for `in_last` & co.; an offset for `in_calendar_*`; an entity type for
 * `type_is`. Values are typed as {@link Operand} types them for the builder; `null` is accepted wherever the site
 * takes it. `name_id` is not typed.
 */
export type FilterOperands<S extends SiteSchema, E extends EntityTypeName<S>, P extends string, R extends string> = R extends ValueRelation
  ? readonly [Operand<S, E, P> | null]
  : R extends TextRelation
    ? readonly [string]
    : R extends "between" | "not_between"
      ? readonly [Operand<S, E, P> | null, Operand<S, E, P> | null] | readonly [readonly [Operand<S, E, P> | null, Operand<S, E, P> | null]]
      : R extends "in" | "not_in"
        ? readonly [readonly (Operand<S, E, P> | null)[]] | readonly [] | readonly [Operand<S, E, P> | null, Operand<S, E, P> | null, ...(Operand<S, E, P> | null)[]]
        : R extends RelativeRelation
          ? readonly [number, RelativeDateUnit] | readonly [readonly [number, RelativeDateUnit]]
          : R extends CalendarRelation
            ? readonly [number]
            : R extends "type_is" | "type_is_not"
              ? readonly [EntityTypeName<S> | null]
              : readonly (FilterValue | readonly FilterValue[])[];

/** A group as a literal gives it: `{ filter_operator, filters }` with its list known. */
type GroupOf<L extends readonly unknown[]> = { readonly filter_operator: string; readonly filters: L };

/**
 * The verdict on one element `C` of a literal filter list of `E`: `[problem, shown]`, where `problem` is what is wrong
 * as a message (`never`: nothing) and `shown` the element as the error message shows it — a bad path replaced by
 * `"✗ <problem>"`, a bad relation by `"✗ <relation> is not a filter relation"`, bad operands by the operands
 * expected, a group with its list rewritten. A condition whose path is not a literal (the builder's
 * `FilterCondition`, or one built at run time) is not checked; nor is a relation that is not a literal.
 */
type FilterVerdict<S extends SiteSchema, E extends EntityTypeName<S>, C> = C extends readonly [infer P extends string, infer R, ...infer V]
  ? string extends P
    ? [never, C]
    : [PathProblem<S, E, P, "filters">] extends [never]
      ? R extends string
        ? string extends R
          ? [never, C]
          : R extends FilterRelation
            ? V extends FilterOperands<S, E, P, R>
              ? [never, C]
              : [`the operands of ${R} on ${P}`, readonly [P, R, ...FilterOperands<S, E, P, R>]]
            : [`${R} is not a filter relation`, readonly [P, `✗ ${R} is not a filter relation`, ...V]]
        : [never, C]
      : [PathProblem<S, E, P, "filters">, readonly [`✗ ${PathProblem<S, E, P, "filters">}`, R, ...V]]
  : C extends GroupOf<infer L>
    ? [FilterListProblem<S, E, L>, { readonly [K in keyof C]: K extends "filters" ? CheckedFilterList<S, E, L> : C[K] }]
    : [never, C];

/** What is wrong with one element `C` of a literal filter list of `E`, as a message, or `never` ({@link FilterVerdict}). */
export type FilterProblem<S extends SiteSchema, E extends EntityTypeName<S>, C> = FilterVerdict<S, E, C> extends [infer Problem, unknown] ? Problem : never;

/** Element `C` of a filter list as the error message shows it ({@link FilterVerdict}). */
type FilterShown<S extends SiteSchema, E extends EntityTypeName<S>, C> = FilterVerdict<S, E, C> extends [unknown, infer Shown] ? Shown : C;

/** The problems of a literal filter list (`never`: none, or a list built at run time, which is not checked). */
type FilterListProblem<S extends SiteSchema, E extends EntityTypeName<S>, L extends readonly unknown[]> = number extends L["length"]
  ? never
  : { [I in keyof L]: FilterProblem<S, E, L[I]> }[number];

/** A literal filter list with each element as the error message shows it ({@link FilterVerdict}). */
type CheckedFilterList<S extends SiteSchema, E extends EntityTypeName<S>, L extends readonly unknown[]> = number extends L["length"]
  ? L
  : { readonly [I in keyof L]: FilterShown<S, E, L[I]> };

/** The problems of a filters argument `L`: a list's, a single group's (`never`: none, or not checked). */
export type FiltersProblem<S extends SiteSchema, E extends EntityTypeName<S>, L> = L extends readonly unknown[] ? FilterListProblem<S, E, L> : FilterProblem<S, E, L>;

/**
 * `L` checked for entity type `E`: `L` itself when nothing is wrong (so that the compiler infers `L` from the
 * argument alone), else `L` as the error message shows it ({@link FilterVerdict}).
 */
type CheckedFiltersOf<S extends SiteSchema, E extends EntityTypeName<S>, L> = [FiltersProblem<S, E, L>] extends [never]
  ? L
  : NoInfer<L extends readonly unknown[] ? CheckedFilterList<S, E, L> : FilterShown<S, E, L>>;

/**
 * The type of a `filters` argument of entity type `E`, whose value `L` is inferred: a literal list (a tuple, what
 * `const` inference gives for `[["code", "is", "sh010"]]`), or a single group, is checked condition by condition and
 * group by group — the path hop by hop (any depth, through multi-entity links too, as {@link PathProblem} checks
 * it), the relation against the relations the site knows, the operands as {@link FilterOperands} types them — so a
 * bad element is named by one message (`Type '"cdoe"' is not assignable to type '"✗ cdoe is not a field of Shot"'`).
 * A list whose length is not known (`Filter[]`, built at run time), a condition whose path is not a literal (the
 * builder's `FilterCondition`) and a wire tree `{ logical_operator, conditions }` are accepted unchecked.
 */
export type CheckedFilters<S extends SiteSchema, E extends EntityTypeName<S>, L> = IsLoose<S> extends true ? L : CheckedFiltersOf<S, E, L>;

/**
 * {@link CheckedFilters} for every entity type, to be indexed by `E`: `FiltersByType<S, L>[E]`. With a known `E` it is
 * `CheckedFilters<S, E, L>`; with a type parameter `E` (`<E extends "Shot" | "Asset">`), the compiler checks `L`
 * against every type `E` may be (a condition must hold for `Shot` and for `Asset`), where a conditional type on
 * `E` would be left unresolved and refuse every list. Used as `L & FiltersByType<S, L>[E]`, so that `L` is inferred
 * from the argument.
 */
export type FiltersByType<S extends SiteSchema, L> = IsLoose<S> extends true ? { readonly [type: string]: L } : { readonly [T in EntityTypeName<S>]: CheckedFiltersOf<S, T, L> };

/**
 * The `filters` argument where the entity type may be a type parameter (see {@link FiltersByType}), or the schema
 * itself: then nothing says what the paths of `E` are, and the filters are taken unchecked, as in the loose mode
 * ({@link WhereSchemaOpen}).
 */
export type FiltersFor<S extends SiteSchema, E extends EntityTypeName<S>, L extends FiltersInput> = CheckedFilters<S, E, L> | FiltersByType<S, L>[E] | WhereSchemaOpen<S, FiltersInput>;

/** What `textSearch` takes: each entity type to search, with its filters. */
export type TextSearchTypes<S extends SiteSchema> = { readonly [K in EntityTypeName<S>]?: FiltersInput };

/** The problems of a `textSearch` `entityTypes` object `T`: a key that is not an entity type, or bad filters. */
type TextSearchProblem<S extends SiteSchema, T> = { [K in keyof T]-?: K extends EntityTypeName<S> ? FiltersProblem<S, K, T[K]> : `${K & string} is not an entity type` }[keyof T];

/**
 * The type of `textSearch`'s `entityTypes` argument, whose value `T` is inferred: each key must be an entity type,
 * and each type's filters are checked as {@link CheckedFilters} checks them (a key that is not an entity type gets
 * the message `"✗ Shto is not an entity type"` as its value type). An object whose keys are not known at compile time
 * (`{ [type]: filters }` with a type parameter `type`, a `Record<string, Filter[]>`) is taken as it is, its filters
 * unchecked, like a list built at run time; so is every object where the schema is a type parameter
 * ({@link WhereSchemaOpen}).
 */
export type CheckedTextSearchTypes<S extends SiteSchema, T> =
  | (IsLoose<S> extends true
      ? T
      : string extends keyof T
        ? T
        : [TextSearchProblem<S, T>] extends [never]
          ? T
          : NoInfer<{ readonly [K in keyof T]: K extends EntityTypeName<S> ? CheckedFilters<S, K, T[K]> : `✗ ${K & string} is not an entity type` }>)
  | WhereSchemaOpen<S, TextSearchTypes<LooseSchema>>;
