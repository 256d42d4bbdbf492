/**
 * The site schema type: the compile-time description of a ShotGrid site that makes `find("Shot", …,
 * ["code"])` return typed records. `sg typegen` emits exactly this shape; it can also be written by hand.
 *
 * ```ts
 * type MySite = {
 *   Shot: {
 *     code: { type: "text"; value: string | null };
 *     sg_status_list: { type: "status_list"; value: "wtg" | "ip" | "fin" | null };
 *     sg_sequence: { type: "entity"; value: EntityLink<"Sequence"> | null };
 *     assets: { type: "multi_entity"; value: EntityLink<"Asset">[] };
 *     created_at: { type: "date_time"; value: string | null };
 *   };
 *   Sequence: { code: { type: "text"; value: string | null } };
 * };
 * ```
 *
 * Rules: entity type name → field name → `{ type, value }`, where `type` is the field's `data_type` and
 * `value` the value as it travels on the wire (so `date_time` is `string | null`; the API turns it into a
 * `Date` when dates are decoded). Status and list fields use string-literal unions, links use
 * {@link EntityLink} with a union of target types. Emit a `type` alias, not an `interface` (an interface has
 * no implicit index signature and would not satisfy {@link SiteSchema}).
 *
 * @packageDocumentation
 */
import type { DateMode, EntityRef } from "@sg/core";

/** Every `data_type` a ShotGrid field can have (open-ended: newer sites add more). */
export type FieldDataType =
  | "addressing" | "calculated" | "checkbox" | "color" | "currency" | "date" | "date_time" | "duration" | "entity"
  | "entity_type" | "float" | "footage" | "image" | "list" | "multi_entity" | "number" | "password" | "percent"
  | "pivot_column" | "serializable" | "status_list" | "summary" | "tag_list" | "text" | "timecode" | "url" | "uuid"
  | (string & {});

/** A link to an entity of one of the types `T` (the shape of `entity` and `multi_entity` values). */
export type EntityLink<T extends string = string> = EntityRef<T>;

/** One field of a schema type: its `data_type` and its value type as read from the wire. */
export interface FieldSchema {
  /** The field's `data_type`, e.g. `"text"`, `"entity"`, `"date_time"`. */
  readonly type: FieldDataType;
  /** The value as read from the wire (`date_time` as `string | null`, links as {@link EntityLink}). */
  readonly value: unknown;
}

/** The fields of one entity type, by field name. */
export type EntitySchema = { readonly [field: string]: FieldSchema };

/** A whole site: entity type name → field name → {@link FieldSchema}. */
export type SiteSchema = { readonly [entityType: string]: EntitySchema };

/** The schema used when none is given: any entity type, any field, values `unknown`. */
export type LooseSchema = { readonly [entityType: string]: { readonly [field: string]: { readonly type: FieldDataType; readonly value: unknown } } };

/** Whether `S` is the loose schema (any string is an entity type). */
export type IsLoose<S extends SiteSchema> = string extends keyof S ? true : false;

/** The entity type names of a schema (`string` in loose mode). */
export type EntityTypeName<S extends SiteSchema> = keyof S & string;

/** The plain field names of an entity type. */
export type FieldName<S extends SiteSchema, E extends EntityTypeName<S>> = keyof S[E] & string;

/**
 * A field path usable in `fields`, filters and `order`: a field name, or a dotted path through links such as
 * `sg_sequence.Sequence.code` (checked as far as it can be in the type system).
 */
export type FieldPath<S extends SiteSchema, E extends EntityTypeName<S>> =
  IsLoose<S> extends true ? string : FieldName<S, E> | `${FieldName<S, E>}.${EntityTypeName<S>}.${string}`;

/** The value of a field as handed to the caller: `date_time` becomes `Date` unless dates are strings. */
export type OutputValue<F, D extends DateMode> = F extends { readonly type: infer T; readonly value: infer V }
  ? T extends "date_time"
    ? D extends "string"
      ? V
      : Exclude<V, string> | Date
    : V
  : unknown;

/** The value at a (possibly dotted) path of an entity type. */
export type ValueAt<S extends SiteSchema, E extends string, P extends string, D extends DateMode> = P extends keyof S[E]
  ? OutputValue<S[E][P], D>
  : P extends `${string}.${infer T}.${infer Rest}`
    ? T extends keyof S
      ? ValueAt<S, T & string, Rest, D>
      : unknown
    : unknown;

/** A record of the loose mode: `type`, `id` and any other key with an `unknown` value. */
export type LooseRecord = { readonly type: string; readonly id: number; readonly [field: string]: unknown };

/** Flattens an intersection for readable hovers. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A record of entity type `E` holding the requested fields `F` plus `type` and `id`. */
export type EntityRecord<S extends SiteSchema, E extends EntityTypeName<S>, F extends string = never, D extends DateMode = "date"> =
  IsLoose<S> extends true
    ? LooseRecord
    : Simplify<{ readonly type: E; readonly id: number } & { readonly [K in Exclude<F, "type" | "id">]: ValueAt<S, E, K, D> }>;

/** The value a caller may write to a field: dates as `Date` or wire strings, links as {@link EntityLink}, images as file paths. */
export type InputValue<F> = F extends { readonly type: infer T; readonly value: infer V }
  ? T extends "date_time"
    ? V | Date
    : T extends "image"
      ? string | null
      : V
  : unknown;

/** The data of a `create` or `update`: any subset of the entity's fields. */
export type EntityData<S extends SiteSchema, E extends EntityTypeName<S>> =
  IsLoose<S> extends true ? { readonly [field: string]: unknown } : { readonly [K in FieldName<S, E>]?: InputValue<S[E][K]> };

/**
 * The data argument of a `create` or `update` whose keys `T` are inferred: {@link EntityData}, with a key that
 * is not a field of `E` refused (inference alone would let it through next to real fields).
 */
export type WrittenData<S extends SiteSchema, E extends EntityTypeName<S>, T> = T & { readonly [K in Exclude<keyof T, FieldName<S, E>>]: never };

/** A record returned by `find` & co.: `type`, `id` and the requested fields `F`. */
export type FoundRecord<S extends SiteSchema, E extends EntityTypeName<S>, F extends readonly string[], D extends DateMode> = EntityRecord<S, E, F[number], D>;
