/**
 * A typed builder for filters. It produces exactly the Python list syntax (`["code", "is", "sh010"]`,
 * `{filter_operator: "any", filters: […]}`), so its output can be mixed with hand-written conditions; the
 * methods validate it like any other filter before sending.
 *
 * ```ts
 * const f = filterBuilder<MySite, "Shot">();
 * await api.find("Shot", [f.is("code", "sh010"), f.any(f.is("sg_status_list", "ip"), f.inLast("updated_at", 2, "DAY"))]);
 * ```
 *
 * @packageDocumentation
 */
import type { DateMode, EntityRef, Filter, FilterCondition, FilterGroup, FilterValue } from "@sg/core";
import type { CheckedPath, EntityTypeName, FilterPath, IsLoose, LooseSchema, SiteSchema, ValueAt } from "./schema-types.js";

/** Units of the relative-date relations. */
export type RelativeDateUnit = "HOUR" | "DAY" | "WEEK" | "MONTH" | "YEAR";

type Element<V> = V extends readonly (infer I)[] ? I : V;
type Widen<V> = V extends Date ? Date | string : V extends EntityRef<infer T> ? EntityRef<T> : V;

/** The operand type of a condition on `P`: the field's value (one element for multi-value fields), without null. */
export type Operand<S extends SiteSchema, E extends EntityTypeName<S>, P extends string> = IsLoose<S> extends true
  ? FilterValue
  : unknown extends ValueAt<S, E, P, DateMode>
    ? FilterValue
    : Widen<Exclude<Element<ValueAt<S, E, P, "date">>, null | undefined>>;

/** Builds conditions and groups for entity type `E` of schema `S`. */
export interface FilterBuilder<S extends SiteSchema = LooseSchema, E extends EntityTypeName<S> = EntityTypeName<S>> {
  /** `[path, "is", value]`; `null` matches an empty field; on multi-entity fields it means "contains". */
  is<P extends FilterPath<S, E>>(path: P, value: Operand<S, E, P> | null): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  is<const P extends string>(path: CheckedPath<S, E, P, "filters">, value: Operand<S, E, P> | null): FilterCondition;
  /** `[path, "is_not", value]`. */
  isNot<P extends FilterPath<S, E>>(path: P, value: Operand<S, E, P> | null): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  isNot<const P extends string>(path: CheckedPath<S, E, P, "filters">, value: Operand<S, E, P> | null): FilterCondition;
  /** `[path, "less_than", value]`. */
  lessThan<P extends FilterPath<S, E>>(path: P, value: Operand<S, E, P>): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  lessThan<const P extends string>(path: CheckedPath<S, E, P, "filters">, value: Operand<S, E, P>): FilterCondition;
  /** `[path, "greater_than", value]`. */
  greaterThan<P extends FilterPath<S, E>>(path: P, value: Operand<S, E, P>): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  greaterThan<const P extends string>(path: CheckedPath<S, E, P, "filters">, value: Operand<S, E, P>): FilterCondition;
  /** `[path, "contains", text]`. */
  contains<P extends FilterPath<S, E>>(path: P, value: Operand<S, E, P>): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  contains<const P extends string>(path: CheckedPath<S, E, P, "filters">, value: Operand<S, E, P>): FilterCondition;
  /** `[path, "not_contains", text]`. */
  notContains<P extends FilterPath<S, E>>(path: P, value: Operand<S, E, P>): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  notContains<const P extends string>(path: CheckedPath<S, E, P, "filters">, value: Operand<S, E, P>): FilterCondition;
  /** `[path, "starts_with", text]`. */
  startsWith(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  startsWith<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** `[path, "ends_with", text]`. */
  endsWith(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  endsWith<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** `[path, "between", [low, high]]`; `null` leaves an end open. */
  between<P extends FilterPath<S, E>>(path: P, low: Operand<S, E, P> | null, high: Operand<S, E, P> | null): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  between<const P extends string>(path: CheckedPath<S, E, P, "filters">, low: Operand<S, E, P> | null, high: Operand<S, E, P> | null): FilterCondition;
  /** `[path, "not_between", [low, high]]`. */
  notBetween<P extends FilterPath<S, E>>(path: P, low: Operand<S, E, P> | null, high: Operand<S, E, P> | null): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  notBetween<const P extends string>(path: CheckedPath<S, E, P, "filters">, low: Operand<S, E, P> | null, high: Operand<S, E, P> | null): FilterCondition;
  /** `[path, "in", [values…]]`. */
  in<P extends FilterPath<S, E>>(path: P, values: readonly (Operand<S, E, P> | null)[]): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  in<const P extends string>(path: CheckedPath<S, E, P, "filters">, values: readonly (Operand<S, E, P> | null)[]): FilterCondition;
  /** `[path, "not_in", [values…]]`. */
  notIn<P extends FilterPath<S, E>>(path: P, values: readonly (Operand<S, E, P> | null)[]): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  notIn<const P extends string>(path: CheckedPath<S, E, P, "filters">, values: readonly (Operand<S, E, P> | null)[]): FilterCondition;
  /** `[path, "in_last", count, unit]`. */
  inLast(path: FilterPath<S, E>, count: number, unit: RelativeDateUnit): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  inLast<const P extends string>(path: CheckedPath<S, E, P, "filters">, count: number, unit: RelativeDateUnit): FilterCondition;
  /** `[path, "not_in_last", count, unit]`. */
  notInLast(path: FilterPath<S, E>, count: number, unit: RelativeDateUnit): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  notInLast<const P extends string>(path: CheckedPath<S, E, P, "filters">, count: number, unit: RelativeDateUnit): FilterCondition;
  /** `[path, "in_next", count, unit]`. */
  inNext(path: FilterPath<S, E>, count: number, unit: RelativeDateUnit): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  inNext<const P extends string>(path: CheckedPath<S, E, P, "filters">, count: number, unit: RelativeDateUnit): FilterCondition;
  /** `[path, "not_in_next", count, unit]`. */
  notInNext(path: FilterPath<S, E>, count: number, unit: RelativeDateUnit): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  notInNext<const P extends string>(path: CheckedPath<S, E, P, "filters">, count: number, unit: RelativeDateUnit): FilterCondition;
  /** `[path, "in_calendar_day", offset]` (0 = today, -1 = yesterday, 1 = tomorrow). */
  inCalendarDay(path: FilterPath<S, E>, offset: number): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  inCalendarDay<const P extends string>(path: CheckedPath<S, E, P, "filters">, offset: number): FilterCondition;
  /** `[path, "in_calendar_week", offset]`. */
  inCalendarWeek(path: FilterPath<S, E>, offset: number): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  inCalendarWeek<const P extends string>(path: CheckedPath<S, E, P, "filters">, offset: number): FilterCondition;
  /** `[path, "in_calendar_month", offset]`. */
  inCalendarMonth(path: FilterPath<S, E>, offset: number): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  inCalendarMonth<const P extends string>(path: CheckedPath<S, E, P, "filters">, offset: number): FilterCondition;
  /** `[path, "in_calendar_year", offset]`. */
  inCalendarYear(path: FilterPath<S, E>, offset: number): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  inCalendarYear<const P extends string>(path: CheckedPath<S, E, P, "filters">, offset: number): FilterCondition;
  /** `[path, "type_is", entityType]`; `null` matches an empty link. */
  typeIs(path: FilterPath<S, E>, entityType: EntityTypeName<S> | null): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  typeIs<const P extends string>(path: CheckedPath<S, E, P, "filters">, entityType: EntityTypeName<S> | null): FilterCondition;
  /** `[path, "type_is_not", entityType]`. */
  typeIsNot(path: FilterPath<S, E>, entityType: EntityTypeName<S> | null): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  typeIsNot<const P extends string>(path: CheckedPath<S, E, P, "filters">, entityType: EntityTypeName<S> | null): FilterCondition;
  /** `[path, "name_contains", text]` (on the linked entity's display name). */
  nameContains(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  nameContains<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** `[path, "name_not_contains", text]`. */
  nameNotContains(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  nameNotContains<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** `[path, "name_starts_with", text]`. */
  nameStartsWith(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  nameStartsWith<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** `[path, "name_ends_with", text]`. */
  nameEndsWith(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  nameEndsWith<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** `[path, "name_is", text]`. */
  nameIs(path: FilterPath<S, E>, text: string): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  nameIs<const P extends string>(path: CheckedPath<S, E, P, "filters">, text: string): FilterCondition;
  /** Any condition, written out: `[path, relation, ...values]`. */
  where(path: FilterPath<S, E>, relation: string, ...values: readonly (FilterValue | readonly FilterValue[])[]): FilterCondition;
  /** The same with a path of more hops (`sg_sequence.Sequence.project.Project.name`), checked hop by hop. */
  where<const P extends string>(path: CheckedPath<S, E, P, "filters">, relation: string, ...values: readonly (FilterValue | readonly FilterValue[])[]): FilterCondition;
  /** A group whose filters must all match (`filter_operator: "all"`). */
  all(...filters: readonly Filter[]): FilterGroup;
  /** A group where any filter may match (`filter_operator: "any"`). */
  any(...filters: readonly Filter[]): FilterGroup;
}

const cond = (path: string, relation: string, ...values: unknown[]): FilterCondition => [path, relation, ...values] as unknown as FilterCondition;

/** A filter builder, typed for entity type `E` of schema `S` (untyped without type arguments). */
export function filterBuilder<S extends SiteSchema = LooseSchema, E extends EntityTypeName<S> = EntityTypeName<S>>(): FilterBuilder<S, E> {
  return BUILDER as unknown as FilterBuilder<S, E>;
}

const BUILDER: FilterBuilder = Object.freeze({
  is: (p: string, v: unknown) => cond(p, "is", v),
  isNot: (p: string, v: unknown) => cond(p, "is_not", v),
  lessThan: (p: string, v: unknown) => cond(p, "less_than", v),
  greaterThan: (p: string, v: unknown) => cond(p, "greater_than", v),
  contains: (p: string, v: unknown) => cond(p, "contains", v),
  notContains: (p: string, v: unknown) => cond(p, "not_contains", v),
  startsWith: (p: string, v: string) => cond(p, "starts_with", v),
  endsWith: (p: string, v: string) => cond(p, "ends_with", v),
  between: (p: string, lo: unknown, hi: unknown) => cond(p, "between", [lo, hi]),
  notBetween: (p: string, lo: unknown, hi: unknown) => cond(p, "not_between", [lo, hi]),
  in: (p: string, vs: readonly unknown[]) => cond(p, "in", Array.isArray(vs) ? [...vs] : vs),
  notIn: (p: string, vs: readonly unknown[]) => cond(p, "not_in", Array.isArray(vs) ? [...vs] : vs),
  inLast: (p: string, n: number, u: RelativeDateUnit) => cond(p, "in_last", n, u),
  notInLast: (p: string, n: number, u: RelativeDateUnit) => cond(p, "not_in_last", n, u),
  inNext: (p: string, n: number, u: RelativeDateUnit) => cond(p, "in_next", n, u),
  notInNext: (p: string, n: number, u: RelativeDateUnit) => cond(p, "not_in_next", n, u),
  inCalendarDay: (p: string, o: number) => cond(p, "in_calendar_day", o),
  inCalendarWeek: (p: string, o: number) => cond(p, "in_calendar_week", o),
  inCalendarMonth: (p: string, o: number) => cond(p, "in_calendar_month", o),
  inCalendarYear: (p: string, o: number) => cond(p, "in_calendar_year", o),
  typeIs: (p: string, t: string | null) => cond(p, "type_is", t),
  typeIsNot: (p: string, t: string | null) => cond(p, "type_is_not", t),
  nameContains: (p: string, t: string) => cond(p, "name_contains", t),
  nameNotContains: (p: string, t: string) => cond(p, "name_not_contains", t),
  nameStartsWith: (p: string, t: string) => cond(p, "name_starts_with", t),
  nameEndsWith: (p: string, t: string) => cond(p, "name_ends_with", t),
  nameIs: (p: string, t: string) => cond(p, "name_is", t),
  where: (p: string, r: string, ...vs: unknown[]) => cond(p, r, ...vs),
  all: (...filters: readonly Filter[]): FilterGroup => ({ filter_operator: "all", filters: [...filters] }),
  any: (...filters: readonly Filter[]): FilterGroup => ({ filter_operator: "any", filters: [...filters] }),
});

/** The untyped builder: `f.is("code", "sh010")`, `f.any(…)`. */
export const f: FilterBuilder = BUILDER;
