import { encodeDateTime, enterValue } from "./date-codec.js";
import { isEntityRef, trimEntityRef, type EntityRef } from "./entity-ref.js";
import { SgValidationError, describeValue, type Path } from "./errors.js";
import { checkFieldPath } from "./field-path.js";
import { isDate } from "./realm-checks.js";

/** How the conditions of a group combine. `and`/`or` are accepted as aliases of `all`/`any`. */
export type FilterOperator = "all" | "any" | "and" | "or";

/** Every relation the API knows. */
export type FilterRelation =
  | "is" | "is_not" | "less_than" | "greater_than" | "contains" | "not_contains" | "starts_with" | "ends_with"
  | "between" | "not_between" | "in" | "not_in" | "in_last" | "not_in_last" | "in_next" | "not_in_next"
  | "in_calendar_day" | "in_calendar_week" | "in_calendar_month" | "in_calendar_year"
  | "type_is" | "type_is_not" | "name_contains" | "name_not_contains" | "name_starts_with" | "name_ends_with"
  | "name_is" | "name_id";

/**
 * A value a condition may compare against. An entity link is typed twice: with an index signature, so that an object
 * literal may hold other keys (`{ type, id, name }`), and without, so that a link declared as an `interface` (which
 * has no implicit index signature) is taken too. An object with a `toJSON` (a `Temporal.PlainDate`, a dayjs or luxon
 * date, an app's link class) is taken as what its `toJSON` returns, as in a write.
 */
export type FilterValue = string | number | boolean | null | Date | { readonly type: string; readonly id: number; readonly [key: string]: unknown } | { readonly type: string; readonly id: number } | { toJSON(key: string): unknown };

/** Python-style condition: `[path, relation, value]`, `[path, "in", [a, b]]`, `[path, "in_last", 1, "DAY"]`. */
export type FilterCondition = readonly [path: string, relation: FilterRelation | (string & {}), ...values: readonly (FilterValue | readonly FilterValue[])[]];

/** A nested group: `{filter_operator: "any", filters: [...]}`. */
export interface FilterGroup {
  /** How the group's filters combine. */
  readonly filter_operator: FilterOperator;
  /** The group's conditions and sub-groups. */
  readonly filters: readonly Filter[];
}

/** A condition or a group. */
export type Filter = FilterCondition | FilterGroup;

/** A condition on the wire. */
export interface WireCondition {
  /** Field name or dotted link path. */
  path: string;
  /** The relation. */
  relation: string;
  /** The operands, unwrapped as the protocol wants. */
  values: unknown[];
}

/** A filter tree on the wire. */
export interface WireFilterGroup {
  /** `and` or `or`. */
  logical_operator: "and" | "or";
  /** Conditions and nested groups. */
  conditions: (WireCondition | WireFilterGroup)[];
}

/** Options of {@link encodeFilters}. */
export interface EncodeFiltersOptions {
  /** Operator of the top-level list (default `all`). */
  readonly operator?: FilterOperator | undefined;
  /** Path prefix used in error messages, e.g. `["filters"]`. */
  readonly path?: readonly (string | number)[] | undefined;
  /** Prefix of error messages (default `@sg/core`). */
  readonly prefix?: string | undefined;
  /** Trim entity dicts in `is`/`is_not`/`in`/`not_in` operands to their link keys (default true, like the Python client). */
  readonly trimEntities?: boolean | undefined;
  /**
   * Called with each operand of each condition, as given, once it is encoded, with the condition's field path, the
   * operand's path as written (`["filters", 0, 2]`, `["filters", "conditions", 1, "values", 0]`) and the operand as it
   * is sent (`sent`: a `Date` as a wire datetime, an object with a `toJSON` as what that returned, its `toJSON` not
   * called again): a caller that knows the field's type throws here to refuse an operand the site would refuse (an
   * impossible date).
   */
  readonly checkOperand?: ((field: string, value: unknown, path: readonly (string | number)[], sent: unknown) => void) | undefined;
}

type Arity = "one" | "two" | "list" | "relative";

const RELATIONS: Readonly<Record<FilterRelation, Arity>> = {
  is: "one", is_not: "one", less_than: "one", greater_than: "one", contains: "one", not_contains: "one",
  starts_with: "one", ends_with: "one", between: "two", not_between: "two", in: "list", not_in: "list",
  in_last: "relative", not_in_last: "relative", in_next: "relative", not_in_next: "relative",
  in_calendar_day: "one", in_calendar_week: "one", in_calendar_month: "one", in_calendar_year: "one",
  type_is: "one", type_is_not: "one", name_contains: "one", name_not_contains: "one", name_starts_with: "one",
  name_ends_with: "one", name_is: "one", name_id: "one",
};

/** The relations {@link encodeFilters} accepts. */
export const FILTER_RELATIONS: readonly FilterRelation[] = Object.freeze(Object.keys(RELATIONS) as FilterRelation[]);

const RELATIVE_UNITS = new Set(["HOUR", "DAY", "WEEK", "MONTH", "YEAR"]);
const STRING_ONLY = new Set(["starts_with", "ends_with", "name_contains", "name_not_contains", "name_starts_with", "name_ends_with", "name_is"]);
const TRIMMED = new Set(["is", "is_not", "in", "not_in"]);

/** Whether a value is already a wire filter tree (`{logical_operator, conditions}`). */
export function isWireFilterGroup(value: unknown): value is WireFilterGroup {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "logical_operator" in value && "conditions" in value;
}

/**
 * Translate Python-style filters into the wire tree, validating structure, relation and operands before
 * anything is sent. A wire tree passed in is validated and returned as a copy.
 *
 * @throws SgValidationError naming the bad element, e.g. `filters[1][2]`.
 */
export function encodeFilters(filters: readonly Filter[] | WireFilterGroup, options: EncodeFiltersOptions = {}): WireFilterGroup {
  const path = options.path ?? ["filters"];
  const ctx: Ctx = { prefix: options.prefix ?? "@sg/core", trim: options.trimEntities !== false, within: new Set(), check: options.checkOperand };
  if (isWireFilterGroup(filters)) return encodeWireGroup(filters, path, ctx);
  if (!Array.isArray(filters)) {
    throw new SgValidationError(ctx.prefix, { path, expected: "an array of filters, e.g. [[\"code\", \"is\", \"sh010\"]]", received: describeValue(filters) });
  }
  return { logical_operator: logicalOperator(options.operator ?? "all", [...path.slice(0, -1), "filter_operator"], ctx), conditions: encodeItems(filters, filters, path, ctx, (f, i) => encodeOne(f, [...path, i], ctx)) };
}

interface Ctx {
  readonly prefix: string;
  readonly trim: boolean;
  /** The groups the walk is in: one inside itself, or nested too deep, is refused. */
  readonly within: Set<unknown>;
  /** {@link EncodeFiltersOptions.checkOperand}. */
  readonly check: EncodeFiltersOptions["checkOperand"];
}

function fail(ctx: Ctx, path: Path, expected: string, received: string, hint?: string): never {
  throw new SgValidationError(ctx.prefix, { path, expected, received, hint });
}

function logicalOperator(op: unknown, path: Path, ctx: Ctx): "and" | "or" {
  if (op === "all" || op === "and") return "and";
  if (op === "any" || op === "or") return "or";
  return fail(ctx, path, "'all' or 'any' (or 'and' / 'or')", describeValue(op));
}

/** `encode` of each item of a group's `list` (a hole too, as undefined), inside the group. */
function encodeItems<T>(group: object, list: readonly unknown[], path: Path, ctx: Ctx, encode: (item: unknown, i: number) => T): T[] {
  enterValue(group, ctx.within, (expected) => fail(ctx, path, expected, describeValue(group)));
  const out = Array.from(list, encode);
  ctx.within.delete(group);
  return out;
}

function encodeOne(filter: unknown, path: Path, ctx: Ctx): WireCondition | WireFilterGroup {
  if (Array.isArray(filter)) return encodeCondition(filter, path, ctx);
  if (isWireFilterGroup(filter)) return encodeWireGroup(filter, path, ctx);
  if (filter !== null && typeof filter === "object" && "filters" in filter && "filter_operator" in filter) {
    const group = filter as { filter_operator?: unknown; filters?: unknown };
    if (!Array.isArray(group.filters)) return fail(ctx, [...path, "filters"], "an array of filters", describeValue(group.filters));
    return { logical_operator: logicalOperator(group.filter_operator, [...path, "filter_operator"], ctx), conditions: encodeItems(group, group.filters, path, ctx, (f, i) => encodeOne(f, [...path, "filters", i], ctx)) };
  }
  return fail(ctx, path, "a condition [path, relation, value] or a group {filter_operator, filters}", describeValue(filter));
}

function encodeWireGroup(group: WireFilterGroup, path: Path, ctx: Ctx): WireFilterGroup {
  const op = group.logical_operator;
  if (op !== "and" && op !== "or") fail(ctx, [...path, "logical_operator"], "'and' or 'or'", describeValue(op));
  if (!Array.isArray(group.conditions)) fail(ctx, [...path, "conditions"], "an array of conditions", describeValue(group.conditions));
  return {
    logical_operator: op,
    conditions: encodeItems(group, group.conditions, path, ctx, (c, i) => {
      const p = [...path, "conditions", i];
      if (isWireFilterGroup(c)) return encodeWireGroup(c, p, ctx);
      if (c === null || typeof c !== "object" || Array.isArray(c) || !("path" in c) || !("relation" in c)) {
        return fail(ctx, p, "a wire condition {path, relation, values}", describeValue(c));
      }
      const values = (c as WireCondition).values;
      if (!Array.isArray(values)) return fail(ctx, [...p, "values"], "an array of operands", describeValue(values));
      return encodeCondition([(c as WireCondition).path, (c as WireCondition).relation, ...values], p, ctx, true);
    }),
  };
}

function encodeCondition(condition: readonly unknown[], path: Path, ctx: Ctx, fromWire = false): WireCondition {
  const [raw, relation, ...rest] = condition;
  // The rule of `fields` and sort keys: a malformed path would otherwise go out and come back as a fault 103.
  const field = checkFieldPath(raw, [...path, 0], ctx.prefix);
  if (typeof relation !== "string" || !Object.hasOwn(RELATIONS, relation)) {
    fail(ctx, [...path, 1], "a relation such as is, is_not, in, contains, between, in_last", describeValue(relation), `Known relations: ${FILTER_RELATIONS.join(", ")}.`);
  }
  const arity = RELATIONS[relation as FilterRelation];
  // `["id", "in", [1, 2]]` is `["id", "in", 1, 2]`; a list given to a one-value relation stays one (bad) operand.
  const unwrapped = !fromWire && rest.length === 1 && Array.isArray(rest[0]) && arity !== "one";
  const values = unwrapped ? [...(rest[0] as unknown[])] : rest;
  const vpath = (i: number): Path => (fromWire ? [...path, "values", i] : unwrapped ? [...path, 2, i] : [...path, 2 + i]);

  switch (arity) {
    case "one":
      if (values.length !== 1) fail(ctx, path.concat(fromWire ? ["values"] : [2]), `exactly one operand for '${relation}'`, `${values.length} operands`);
      break;
    case "two":
      if (values.length !== 2) {
        fail(ctx, path.concat(fromWire ? ["values"] : [2]), `two operands [low, high] for '${relation}'`, `${values.length} operand${values.length === 1 ? "" : "s"}`, `Write [${JSON.stringify(field)}, "${relation}", [low, high]]; use null for an open end.`);
      }
      break;
    case "list":
      if (!fromWire && rest.length === 1 && !Array.isArray(rest[0])) {
        fail(ctx, [...path, 2], `an array of values for '${relation}'`, describeValue(rest[0]), `Write [${JSON.stringify(field)}, "${relation}", [value, ...]].`);
      }
      break;
    case "relative": {
      const [count, unit] = values;
      if (values.length !== 2 || typeof count !== "number" || !Number.isInteger(count) || typeof unit !== "string" || !RELATIVE_UNITS.has(unit)) {
        fail(ctx, path.concat(fromWire ? ["values"] : [2]), `a whole number and a unit (HOUR, DAY, WEEK, MONTH or YEAR) for '${relation}', e.g. [${JSON.stringify(field)}, "${relation}", 2, "DAY"]`, describeValue(values));
      }
      break;
    }
  }

  const encoded = values.map((v, i) => {
    const sent = encodeOperand(v, vpath(i), relation as FilterRelation, ctx);
    ctx.check?.(field, v, vpath(i), sent);
    return sent;
  });
  if (relation.startsWith("in_calendar_") && (typeof encoded[0] !== "number" || !Number.isInteger(encoded[0]))) {
    fail(ctx, vpath(0), `a whole-number offset for '${relation}' (0 = current, -1 = previous, 1 = next)`, describeValue(values[0]));
  }
  if (STRING_ONLY.has(relation) && typeof encoded[0] !== "string") fail(ctx, vpath(0), `a string for '${relation}'`, describeValue(values[0]));
  if ((relation === "type_is" || relation === "type_is_not") && encoded[0] !== null && typeof encoded[0] !== "string") {
    fail(ctx, vpath(0), "an entity type name or null", describeValue(values[0]));
  }
  const trimmed = ctx.trim && field !== "id" && TRIMMED.has(relation) ? encoded.map(trimEntityRef) : encoded;
  return { path: field, relation, values: trimmed };
}

/** An operand as it is sent; one with a `toJSON` (not a Date) as what that returns, called once, as for a write. */
function encodeOperand(value: unknown, path: Path, relation: FilterRelation, ctx: Ctx, viaToJSON?: boolean): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) fail(ctx, path, "a finite number", describeValue(value));
      return value;
    case "object":
      if (isDate(value)) return encodeDateTime(value, path, ctx.prefix);
      if (Array.isArray(value)) fail(ctx, path, `a single value for '${relation}' (not a nested array)`, describeValue(value));
      const toJSON = !viaToJSON && (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON == "function") return encodeOperand(toJSON.call(value, String(path[path.length - 1])), path, relation, ctx, true);
      // A copy, read once, now: its own keys, and type and id even from getters (a link class). What is checked is what
      // is sent, though the caller reuses its object before the call goes out.
      const link = { ...value, type: (value as EntityRef).type, id: (value as EntityRef).id };
      if (!isEntityRef(link)) {
        fail(ctx, path, "an entity link {type, id} with a string type and an integer id", describeValue(value));
      }
      // Copied through as JSON writes it (a nested `storage` too), now; refused by its path here, not by the transport
      // with none, when JSON cannot write it (a bigint, a link inside itself).
      try {
        return JSON.parse(JSON.stringify(link)) as unknown;
      } catch {
        return fail(ctx, path, "an entity link JSON can write (no bigint, nothing inside itself)", describeValue(value));
      }
    default:
      return fail(ctx, path, "a string, number, boolean, null, Date or entity link {type, id}", describeValue(value));
  }
}
