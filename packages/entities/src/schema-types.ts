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
  /** `false` for a field the site does not let you write (`sg typegen` marks them); left out of {@link EntityData}. */
  readonly editable?: boolean;
}

/** The fields of one entity type, by field name. */
export type EntitySchema = { readonly [field: string]: FieldSchema };

/** A whole site: entity type name → field name → {@link FieldSchema}. */
export type SiteSchema = { readonly [entityType: string]: EntitySchema };

/** The schema used when none is given: any entity type, any field, values `unknown`. */
export type LooseSchema = { readonly [entityType: string]: { readonly [field: string]: { readonly type: FieldDataType; readonly value: unknown; readonly editable?: boolean } } };

/** Whether `S` is the loose schema (any string is an entity type). */
export type IsLoose<S extends SiteSchema> = string extends keyof S ? true : false;

/**
 * `T` where the schema `S` is open — a type parameter (`<S extends SiteSchema>` in a helper, whose entity types the
 * compiler does not know) or the loose schema — and `never` where its entity types are known, so that as a member of
 * a union it adds nothing there. It indexes a mapped type over `keyof S` by a key no entity type has (`" "`): once the
 * entity types are known that key is `never`, and so is the type; while `S` is a type parameter the compiler takes
 * the mapped type's value, `T`.
 */
export type WhereSchemaOpen<S extends SiteSchema, T> = { readonly [K in keyof S]: T }[keyof S & " "];

/** The entity type names of a schema (`string` in loose mode). */
export type EntityTypeName<S extends SiteSchema> = keyof S & string;

/** The plain field names of an entity type. */
export type FieldName<S extends SiteSchema, E extends EntityTypeName<S>> = keyof S[E] & string;

/** The entity types a link value can point to: `EntityLink<"A" | "B"> | null` or `EntityLink<"A">[]` → `"A" | "B"`. */
export type LinkTargets<V> = V extends readonly (infer L)[] ? LinkTargets<L> : V extends { readonly type: infer T extends string } ? T : never;

/** The `data_type`s of links a result value can be read through (`entity`), and of every link (filters). */
type LinkDataType<M extends PathUse> = M extends "fields" ? "entity" : "entity" | "multi_entity" | "addressing";

/**
 * Where a path is used: `"fields"` (returned values: `fields`, `returnFields`, `order`), which reads through
 * single-entity links only, or `"filters"`, which may also go through multi-entity links (rpc-protocol §3.1).
 */
export type PathUse = "fields" | "filters";

/** The field `K` of type `E`, whatever the key types. Exported so that a library's emitted declarations can name it. */
export type FieldOf<S extends SiteSchema, E, K> = E extends keyof S ? (K extends keyof S[E] ? S[E][K] : never) : never;

/** The link fields of `E` a path may go through for use `M`. */
export type LinkFieldName<S extends SiteSchema, E extends EntityTypeName<S>, M extends PathUse = "fields"> = {
  [K in FieldName<S, E>]: S[E][K] extends { readonly type: LinkDataType<M> } ? K : never;
}[FieldName<S, E>];

/** The one-hop paths through link `K` of `E`: `K.Target.field` for each valid target type and each of its fields. */
type OneHop<S extends SiteSchema, E extends EntityTypeName<S>, K extends FieldName<S, E>> = {
  [T in LinkTargets<S[E][K]["value"]> & EntityTypeName<S>]: `${K}.${T}.${FieldName<S, T>}`;
}[LinkTargets<S[E][K]["value"]> & EntityTypeName<S>];

/**
 * The field paths of `E` as a union you can name (for a field list built at run time, autocompletion, `order`):
 * `type`, `id`, every field, and every one-hop path `link.Type.field` where `link` is an entity field of `E`
 * whose valid types include `Type` and `field` is a field of `Type`. Multi-entity links are left out (no value
 * can be read through them). Deeper literal paths (`a.B.c.D.e`) are accepted in a literal `fields` list, checked
 * hop by hop (see {@link CheckedPath}), but are not members of this union: enumerating them would make the union
 * (and the compiler's work) grow with the square of the schema.
 */
export type FieldPath<S extends SiteSchema, E extends EntityTypeName<S>> = IsLoose<S> extends true
  ? string
  : "type" | "id" | FieldName<S, E> | { [K in LinkFieldName<S, E, "fields">]: OneHop<S, E, K> }[LinkFieldName<S, E, "fields">];

/** {@link FieldPath} for filters: also one hop through multi-entity links (`assets.Asset.code`). */
export type FilterPath<S extends SiteSchema, E extends EntityTypeName<S>> = IsLoose<S> extends true ? string : TypedFilterPath<S, E>;

/**
 * {@link FilterPath} of a schema that is not loose. Exported so that a library's emitted declarations can name it:
 * written out in full, as the default of `summarize`'s summary list, it no longer met that list's constraint for its
 * users' compiler.
 */
export type TypedFilterPath<S extends SiteSchema, E extends EntityTypeName<S>> =
  "type" | "id" | FieldName<S, E> | { [K in LinkFieldName<S, E, "filters">]: OneHop<S, E, K> }[LinkFieldName<S, E, "filters">];

/**
 * What is wrong with path `P` of `E` for use `M`, as a message, or `never` when it is valid. Walks the path one hop
 * at a time (`link.Type.rest`), so its cost grows with the length of the path, not the size of the schema.
 */
export type PathProblem<S extends SiteSchema, E extends string, P extends string, M extends PathUse = "fields"> =
  P extends "type" | "id"
    ? never
    : P extends keyof S[E] & string
    ? never
    : P extends `${infer K}.${infer T}.${infer Rest}`
      ? K extends keyof S[E] & string
        ? FieldOf<S, E, K> extends { readonly type: LinkDataType<M> }
          ? T extends LinkTargets<FieldOf<S, E, K>["value"]> & EntityTypeName<S>
            ? PathProblem<S, T, Rest, M>
            : `${K} of ${E} does not link to ${T}`
          : FieldOf<S, E, K> extends { readonly type: "multi_entity" | "addressing" }
            ? `${K} of ${E} is a multi-entity link: values cannot be read through it (filter on it instead)`
            : `${K} of ${E} is not an entity link`
        : `${K} is not a field of ${E}`
      : `${P} is not a field of ${E}`;

/**
 * A path argument checked by {@link PathProblem}: `P` itself when valid, else an error message type, so that the
 * compiler says e.g. `Type '"cdoe"' is not assignable to type '"✗ cdoe is not a field of Shot"'`.
 */
export type CheckedPath<S extends SiteSchema, E extends string, P extends string, M extends PathUse = "fields"> =
  IsLoose<S> extends true ? P : [PathProblem<S, E, P, M>] extends [never] ? P : `✗ ${PathProblem<S, E, P, M>}`;

/** The problems of the paths of a literal field list `F`, as a union of messages (`never`: none). */
type FieldListProblem<S extends SiteSchema, E extends string, F extends readonly string[]> = { [I in keyof F]: PathProblem<S, E, F[I] & string, "fields"> }[number];

/**
 * The check shared by literal lists of paths (`fields`, `order`), for a list `L` whose elements are inferred: a list
 * whose length is not known (built at run time) must be a list of `Known`; a literal list is `L` itself when
 * `Problem` (the union of its elements' problems) is `never`, else `Shown`, the list as the error message shows it.
 * The checks are `NoInfer`, so that the compiler infers `L` from the argument alone instead of reverse-inferring
 * through them.
 */
export type LiteralListCheck<S extends SiteSchema, L extends readonly unknown[], Known, Problem, Shown> = IsLoose<S> extends true
  ? L
  : number extends L["length"]
    ? L extends readonly Known[]
      ? L
      : NoInfer<readonly Known[]>
    : [Problem] extends [never]
      ? L
      : NoInfer<Shown>;

/**
 * The type of a `fields` / `returnFields` argument, whose elements `F` are inferred: a literal list (a tuple, what
 * `const` inference gives for `["code", …]`) is checked element by element with {@link CheckedPath}, so a bad
 * element is named by one message; a list whose elements are not known (`FieldPath<S, E>[]`) must be a list of
 * {@link FieldPath}s (a `string[]` is refused: type it `FieldPath<S, E>[]`). See {@link LiteralListCheck}.
 */
export type FieldList<S extends SiteSchema, E extends EntityTypeName<S>, F extends readonly string[]> = LiteralListCheck<
  S,
  F,
  FieldPath<S, E>,
  FieldListProblem<S, E, F>,
  { readonly [I in keyof F]: CheckedPath<S, E, F[I] & string, "fields"> }
>;

/** The value of a field as handed to the caller: `date_time` becomes `Date` unless dates are strings. */
export type OutputValue<F, D extends DateMode> = F extends { readonly type: infer T; readonly value: infer V }
  ? T extends "date_time"
    ? D extends "string"
      ? V
      : Exclude<V, string> | Date
    : V
  : unknown;

/**
 * The value at a (possibly dotted) path of an entity type; `unknown` for a path that is not valid. A value read
 * through a link (`link.Type.field`) may also be `null`, whatever the field's own type (`entity.Shot.id` is `number |
 * null`): the site sends `null` when the link is empty or points to an entity of another type (a Task whose `entity`
 * is an Asset). Through a multi-entity link it is the value of one linked entity (what a filter compares with; filter
 * operands leave the `null` out).
 */
export type ValueAt<S extends SiteSchema, E extends string, P extends string, D extends DateMode> = P extends keyof S[E]
  ? OutputValue<S[E][P], D>
  : P extends "type"
    ? E
    : P extends "id"
      ? number
      : P extends `${infer K}.${infer T}.${infer Rest}`
        ? T extends LinkTargets<FieldOf<S, E, K>["value"]> & EntityTypeName<S>
          ? ValueAt<S, T, Rest, D> | null
          : unknown
        : unknown;

/** A record of the loose mode: `type`, `id` and any other key with an `unknown` value. */
export type LooseRecord = { readonly type: string; readonly id: number; readonly [field: string]: unknown };

/** Flattens an intersection for readable hovers. A value of a generic `T` is one of `Simplify<T>` too. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The records' own {@link Simplify}: an intersection flattened for readable hovers, as a conditional type so that a
 * library's emitted declarations name it where `T` is generic (TypeScript 5.4's emitter writes `Simplify` out as a
 * mapped type indexed by keys that compiler cannot prove: TS2536 for the library's users). TypeScript leaves it
 * unresolved while `T` is generic, so a user's generic code flattening its own types takes `Simplify`.
 */
export type FlatRecord<T> = T extends unknown ? { [K in keyof T]: T[K] } : never;

/** A record of entity type `E` holding the requested fields `F` plus `type` and `id`. */
export type EntityRecord<S extends SiteSchema, E extends EntityTypeName<S>, F extends string = never, D extends DateMode = "date"> =
  IsLoose<S> extends true
    ? LooseRecord
    : FlatRecord<{ readonly type: E; readonly id: number } & { readonly [K in Exclude<F, "type" | "id">]: ValueAt<S, E, K, D> }>;

/**
 * A record for a field list whose elements are not known at compile time (`F` is a union such as
 * {@link FieldPath}): `type` and `id`, the plain fields among `F` as optional, dotted paths `unknown`.
 */
export type ListedRecord<S extends SiteSchema, E extends EntityTypeName<S>, F extends string, D extends DateMode = "date"> =
  IsLoose<S> extends true
    ? LooseRecord
    : FlatRecord<
        { readonly type: E; readonly id: number } & { readonly [K in Exclude<Extract<F, FieldName<S, E>>, "type" | "id">]?: ValueAt<S, E, K, D> } & {
          readonly [path: `${string}.${string}`]: unknown;
        }
      >;

/** The value a caller may write to a field: dates as `Date` or wire strings, links as {@link EntityLink}, images as file paths. */
export type InputValue<F> = F extends { readonly type: infer T; readonly value: infer V }
  ? T extends "date_time"
    ? V | Date
    : T extends "image"
      ? string | null
      : ReadonlyAccepted<V>
  : unknown;

/**
 * `V`, and for a list type its read-only form too (data written `as const` holds read-only lists); for an object type
 * with a string index signature (a `url` value or a `serializable` dict as `sg typegen` writes them), that object
 * without it too ({@link IndexFree}), so that a value declared as an `interface` (no implicit index signature) is taken.
 */
type ReadonlyAccepted<V> = V extends readonly (infer L)[] ? V | readonly L[] : string extends keyof V ? V | IndexFree<V> : V;

/**
 * `O` without its index signatures: a {@link PlainObject} (its exclusions but those `O` names itself), its known keys
 * typed as in `O`.
 */
type IndexFree<O> = object & Omit<PlainObject, keyof KnownKeys<O>> & KnownKeys<O>;

/** `O` without its index signatures: its known keys, typed as in `O`. */
type KnownKeys<O> = { [K in keyof O as string extends K ? never : number extends K ? never : K]: O[K] };

/**
 * An object that may be declared as an `interface` (which has no implicit index signature, so that
 * `{ readonly [key: string]: unknown }` refuses it) but is none of the built-ins a plain object of values is not: it has
 * no `length` (a string, a list, a typed array or a function), `getTime` (a `Date`), `then` (a promise), `size` (a
 * `Map`, a `Set` or a `Blob`), `exec` (a `RegExp`) or `byteLength` (an `ArrayBuffer`). An interface with a field
 * of one of these names is refused too: spread it (`{ ...value }`), which takes the index-signature form.
 */
export type PlainObject = object & {
  readonly length?: never;
  readonly getTime?: never;
  readonly then?: never;
  readonly size?: never;
  readonly exec?: never;
  readonly byteLength?: never;
};

/** What a write is: a `create` may also set the fields a site takes on creation only ({@link SetOnCreate}). */
export type WriteKind = "create" | "update";

/**
 * Read-only fields a site still lets a `create` set, so that imported records keep their history (the emulator
 * models the same rule); an `update` may not.
 */
export type SetOnCreate = "created_at" | "created_by";

/**
 * The fields of `E` that can be written: all but `type`, `id`, `cached_display_name` (which sites refuse to set,
 * though their schema calls it editable) and the fields marked `editable: false` (except {@link SetOnCreate} when `W`
 * is `"create"`).
 */
export type WritableFieldName<S extends SiteSchema, E extends EntityTypeName<S>, W extends WriteKind = "update"> = Exclude<
  { [K in FieldName<S, E>]: S[E][K] extends { readonly editable: false } ? (W extends "create" ? Extract<K, SetOnCreate> : never) : K }[FieldName<S, E>],
  "type" | "id" | "cached_display_name"
>;

/** The data of a `create` or `update` (`W`): any subset of the entity's writable fields ({@link WritableFieldName}). */
export type EntityData<S extends SiteSchema, E extends EntityTypeName<S>, W extends WriteKind = "update"> =
  IsLoose<S> extends true ? { readonly [field: string]: unknown } : { readonly [K in WritableFieldName<S, E, W>]?: InputValue<S[E][K]> };

/**
 * {@link EntityData} by entity type, to be indexed by `E`: `EntityDataByType<S, W>[E]`. With a known `E` it is
 * `EntityData<S, E, W>`; with a type parameter `E` (`<E extends "Shot" | "Asset">`), the compiler takes it as the data
 * every type `E` may be can write (the fields they all have, each value acceptable to each of them), where
 * `EntityData<S, E, W>` itself would be left unresolved and take no field.
 */
export type EntityDataByType<S extends SiteSchema, W extends WriteKind = "update"> = { readonly [K in EntityTypeName<S>]: EntityData<S, K, W> };

/**
 * What a `create` or `update` (`W`) of `E` may write: {@link EntityDataByType} (with a type parameter `E`, what every
 * type it may be can write), or any data where the schema is a type parameter ({@link WhereSchemaOpen}), as in the
 * loose mode.
 */
export type WritableData<S extends SiteSchema, E extends EntityTypeName<S>, W extends WriteKind = "update"> =
  | EntityDataByType<S, W>[E]
  | WhereSchemaOpen<S, { readonly [field: string]: unknown }>;

/**
 * The keys of `T` that type `K` cannot write, for each entity type `K`, each with a type no value has that names the
 * problem (`{ "cdoe is not a writable field of Shot": never }`, with {@link AnyProperties} so that an object value's
 * own properties are not what the message names), so that the compiler's message names the key and the type.
 * Indexed by a type parameter `E`, a key is refused unless every type `E` may be can write it.
 */
export type NotWritable<S extends SiteSchema, T, W extends WriteKind> = {
  readonly [K in EntityTypeName<S>]: { readonly [X in Exclude<keyof T, WritableFieldName<S, K, W>>]: { readonly [M in `${X & string} is not a writable field of ${K}`]: never } & AnyProperties };
};

/** Any properties: what lets an object value be compared with a message of {@link NotWritable} without its own properties being called unknown. */
export type AnyProperties = { readonly [property: string]: unknown };

/**
 * Data of type `T` passed on as it is, when its keys are the keys of {@link EntityData} `E` (`T` is `EntityData<S, E,
 * W>` itself, say a helper's own parameter, which {@link NotWritable} cannot look into while `E` is a type parameter);
 * `never` for data with other keys, so that it adds nothing where the keys are known.
 */
export type DataPassedOn<S extends SiteSchema, E extends EntityTypeName<S>, T, W extends WriteKind> = [keyof T] extends [keyof EntityDataByType<S, W>[E]]
  ? EntityDataByType<S, W>[E]
  : never;

/**
 * The data argument of a `create` or `update` (`W`) whose keys `T` are inferred (`T` is bound by `object` only, so
 * that data holding no writable key at all still reaches this check): {@link EntityData}, with a key that is not a
 * writable field of `E` refused by a message naming it ({@link NotWritable}). With a type parameter `E`, literal data
 * may hold the fields every type `E` may be can write, and data typed `EntityData<S, E, W>` is passed on
 * ({@link DataPassedOn}); with a schema that is a type parameter, any data is taken, as in the loose mode. `T` is
 * inferred from the data's keys alone (their values are typed `unknown` there), so that a bad value is compared with
 * the field's own type (`Type 'Date' is not assignable to type 'string'`), not with that type intersected with the
 * value's.
 */
export type WrittenData<S extends SiteSchema, E extends EntityTypeName<S>, T, W extends WriteKind = "update"> = IsLoose<S> extends true
  ? T
  : (KeysOf<T> & EntityDataByType<S, W>[E] & NotWritable<S, T, W>[E]) | DataPassedOn<S, E, T, W> | WhereSchemaOpen<S, T>;

/**
 * The keys of `T` (optional where `T`'s are), each value `unknown`: where data of type `T` is inferred, the keys it
 * holds, while its values are checked against {@link EntityData} alone.
 */
type KeysOf<T> = { readonly [K in keyof T]: unknown };

/**
 * The fields of a union of literal lists `F` that some list of it lacks (`never` for a single list): the fields
 * {@link FoundRecord} makes optional. Exported so that a library's emitted declarations can name it.
 */
export type FieldsNotInEvery<F extends readonly string[], All extends string = F[number]> = F extends unknown ? Exclude<All, F[number]> : never;

/**
 * The fields that every list of a union of literal lists `F` holds (all of them for a single list): the fields
 * {@link FoundRecord} is sure to hold. Exported so that a library's emitted declarations can name it.
 */
export type FieldsInEvery<F extends readonly string[]> = Exclude<F[number], FieldsNotInEvery<F>>;

/**
 * A record returned by `find` & co.: `type`, `id` and the requested fields `F` ({@link ListedRecord} when `F` is not a
 * literal list). `D` is the date mode, `"date"` by default as in `entityApi`. For a union of literal lists (`extra ?
 * ["code", "description"] as const : ["code"] as const`) the fields every list holds are sure to be there, the others
 * are optional (`description?: string | null`), since a record read with a shorter list lacks them.
 */
export type FoundRecord<S extends SiteSchema, E extends EntityTypeName<S>, F extends readonly string[], D extends DateMode = "date"> = number extends F["length"]
  ? ListedRecord<S, E, F[number], D>
  : [FieldsNotInEvery<F>] extends [never]
    ? EntityRecord<S, E, F[number], D>
    : IsLoose<S> extends true
      ? LooseRecord
      : FlatRecord<EntityRecord<S, E, FieldsInEvery<F>, D> & { readonly [K in Exclude<FieldsNotInEvery<F>, "type" | "id">]?: ValueAt<S, E, K, D> }>;

/**
 * The keys of `T` that are not optional (string keys only): the written fields {@link WrittenRecord} is sure to hold.
 * Exported so that a library's emitted declarations can name it (written out in full, it is an index its users'
 * compiler refuses); a conditional type rather than a mapped type indexed by its keys, so that TypeScript 5.4's emitter
 * names it too.
 */
export type RequiredKeys<T> = keyof T extends infer K ? (K extends keyof T & string ? ({} extends Pick<T, K> ? never : K) : never) : never;

/**
 * The record a `create` or `update` returns: what `returnFields` `F` asked for, plus the fields written. A
 * written key that is optional in the data's type `T` (data typed `EntityData<S, E>`, say) may not have been
 * sent, so it is optional on the record; only keys `T` is sure to hold are sure to come back. For a union of literal
 * `returnFields` lists, a field that only some of them hold is optional unless it is written (see {@link FoundRecord}).
 */
export type WrittenRecord<S extends SiteSchema, E extends EntityTypeName<S>, T, F extends readonly string[], D extends DateMode> =
  IsLoose<S> extends true
    ? LooseRecord
    : FlatRecord<
        FoundRecord<S, E, F, D> & { readonly [K in Exclude<RequiredKeys<T>, FieldsInEvery<F> | "type" | "id">]: ValueAt<S, E, K, D> } & {
          readonly [K in Exclude<keyof T & string, RequiredKeys<T> | F[number] | "type" | "id">]?: ValueAt<S, E, K, D>;
        }
      >;

/**
 * A link to an entity of type `T` as a caller holds it: `{ type, id }`, a record of that type (whatever its other fields
 * hold, e.g. a Project's `name: string | null`) or a link declared as an `interface`.
 */
export type LinkOfType<T extends string> = { readonly type: T; readonly id: number; readonly [field: string]: unknown } | { readonly type: T; readonly id: number };

/**
 * A link to an entity of type `T` of `S` (`updateProjectLastAccessed`'s Project): {@link LinkOfType}; a link of any type
 * in the loose mode, whose records' `type` is a `string` (refused when called with another type), or where the schema
 * is a type parameter.
 */
export type SchemaLinkTo<S extends SiteSchema, T extends string> = LinkOfType<T> | WhereSchemaOpen<S, LinkOfType<string>>;

/**
 * A link to an entity of `S` (`follow`, `followers`, …): `{ type, id }` whose `type` is an entity type of the schema;
 * any {@link EntityLink} in the loose mode or where the schema is a type parameter.
 */
export type SchemaEntityLink<S extends SiteSchema> = EntityLink<EntityTypeName<S>> | WhereSchemaOpen<S, EntityLink>;

/** The fields of `E` a file can be uploaded into (`upload`'s `fieldName`): the `url` (file/link) and `image` fields. */
export type FileFieldName<S extends SiteSchema, E extends EntityTypeName<S>> = {
  [K in FieldName<S, E>]: S[E][K] extends { readonly type: "url" | "image" } ? K : never;
}[FieldName<S, E>];

/**
 * A field name argument whose type `K` is inferred: a literal is `K` when it is one of `Allowed`, else `Problem` (a
 * message naming it, e.g. `"✗ cdoe is not a field of Shot"`); a name known only at run time (`string`) is taken, as
 * is any name in the loose mode or where the schema is a type parameter.
 */
export type CheckedFieldName<S extends SiteSchema, K extends string, Allowed extends string, Problem extends string> =
  | (IsLoose<S> extends true ? K : string extends K ? K : K extends Allowed ? K : NoInfer<Problem>)
  | WhereSchemaOpen<S, K>;
