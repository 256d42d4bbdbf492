/**
 * `order` lists checked against a site schema: a literal list of sort keys (`["-created_at", "sg_sequence.Sequence.code"]`
 * or `{ field_name, direction }` items, written in the call or a variable `as const`) has each key's path checked hop
 * by hop, to any depth, as a literal field list's. Types only.
 *
 * @packageDocumentation
 */
import type { OrderItem, SortDirection } from "./find.js";
import type { EntityTypeName, LiteralListCheck, PathProblem, SiteSchema } from "./schema-types.js";

/** A sort key before the schema check: `"code"`, `"-code"`, `{ field_name, direction }` or `{ column, direction }`. */
export type OrderKey =
  | string
  | { readonly field_name: string; readonly direction?: SortDirection | undefined }
  | { readonly column: string; readonly direction?: SortDirection | undefined };

/** The path a sort key sorts by (`"-code"` → `"code"`). */
type KeyPath<K> = K extends `-${infer P}` ? P : K extends string ? K : K extends { readonly field_name: infer P extends string } ? P : K extends { readonly column: infer P extends string } ? P : never;

/** The problems of the keys of a literal `order` list, as a union of messages (`never`: none). */
type OrderProblem<S extends SiteSchema, E extends EntityTypeName<S>, O extends readonly unknown[]> = {
  [I in keyof O]: PathProblem<S, E, KeyPath<O[I]>, "fields">;
}[number];

/** Sort key `K` as the error message shows it: its path replaced by `"✗ <problem>"` when it has one. */
type CheckedKey<S extends SiteSchema, E extends EntityTypeName<S>, K> = [PathProblem<S, E, KeyPath<K>, "fields">] extends [never]
  ? K
  : K extends string
    ? `✗ ${PathProblem<S, E, KeyPath<K>, "fields">}`
    : { readonly [X in keyof K]: X extends "field_name" | "column" ? `✗ ${PathProblem<S, E, KeyPath<K>, "fields">}` : K[X] };

/**
 * The type of an `order` option whose keys `O` are inferred: a literal list is checked key by key, each path hop by
 * hop to any depth (as a literal field list: through single-entity links only, since a value through a multi-entity
 * link cannot be sorted by), so a bad key is named by one message (`"✗ cdoe is not a field of Shot"`); a list whose
 * keys are not known must be a list of {@link OrderItem}s (one-hop paths).
 */
export type CheckedOrder<S extends SiteSchema, E extends EntityTypeName<S>, O extends readonly OrderKey[]> = LiteralListCheck<
  S,
  O,
  OrderItem<S, E>,
  OrderProblem<S, E, O>,
  { readonly [I in keyof O]: CheckedKey<S, E, O[I]> }
>;
