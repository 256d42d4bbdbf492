import { compilePath, displayName } from './entity-format.js';
import { badInput, excerpt, headOf } from './errors.js';
import type { Schema } from './schema.js';
import { isLink, type LinkRef, type Row, type Store } from './store.js';
import type { Viewer } from './last-accessed.js';
import { canonicalDateTime, offCalendar, parseDate, WIRE_DATETIME } from './values.js';
import { utcDay } from './utc-day.js';

/** What the filter engine reads. */
export interface FilterContext {
  readonly schema: Schema;
  readonly store: Store;
  /** Emulator-clock time in epoch ms, for relative-date operators. */
  readonly now: number;
  /** When given, compiling records here what the result depends on besides the rows of the filtered type. */
  readonly usage?: FilterUsage;
  /** Whose per-user fields filters read (see `compilePath`). */
  readonly viewer?: Viewer;
}

/** What a compiled filter reads besides the rows of its own entity type (for caching its result). */
export interface FilterUsage {
  /** A relative-date operator (`in_last`, `in_calendar_day`, …) made the result depend on the emulator clock. */
  clock: boolean;
  /** A dotted path or a `name_*` operator made the result depend on rows of other entity types. */
  crossType: boolean;
  /** A per-user field (`last_accessed_by_current_user`) made the result depend on who reads it. */
  perUser: boolean;
}

/** A compiled filter tree. */
export interface CompiledFilter {
  /** Whether a row passes. */
  test(row: Row): boolean;
  /** A superset of the matching rows found through an index, when the tree allows one; else undefined. */
  candidates(): Row[] | undefined;
}

type Match = (value: unknown) => boolean;

const TEXT_OPS = ['is', 'is_not', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in'];
const NUMBER_OPS = ['is', 'is_not', 'less_than', 'greater_than', 'between', 'not_between', 'in', 'not_in'];
const DATE_OPS = [
  'is', 'is_not', 'greater_than', 'less_than', 'in_last', 'not_in_last', 'in_next', 'not_in_next',
  'in_calendar_day', 'in_calendar_week', 'in_calendar_month', 'in_calendar_year', 'between', 'not_between', 'in', 'not_in',
];

/** Valid relations per data type (rpc-protocol.md §3.3, plus `in`/`not_in` where a live site accepts them). */
export const OPERATORS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  text: TEXT_OPS,
  color: ['is', 'is_not', 'in', 'not_in'],
  uuid: ['is', 'is_not', 'in', 'not_in'],
  entity_type: ['is', 'is_not', 'in', 'not_in'],
  footage: TEXT_OPS,
  checkbox: ['is', 'is_not'],
  number: NUMBER_OPS,
  currency: NUMBER_OPS,
  duration: NUMBER_OPS,
  float: NUMBER_OPS,
  percent: NUMBER_OPS,
  timecode: NUMBER_OPS,
  date: DATE_OPS,
  date_time: DATE_OPS,
  entity: ['is', 'is_not', 'type_is', 'type_is_not', 'name_contains', 'name_not_contains', 'name_starts_with', 'name_ends_with', 'name_is', 'in', 'not_in'],
  multi_entity: ['is', 'is_not', 'type_is', 'type_is_not', 'name_contains', 'name_not_contains', 'name_starts_with', 'name_ends_with', 'name_is', 'in', 'not_in'],
  tag_list: ['is', 'is_not', 'name_contains', 'name_not_contains', 'name_id'],
  image: ['is', 'is_not'],
  list: ['is', 'is_not', 'in', 'not_in'],
  status_list: ['is', 'is_not', 'in', 'not_in'],
};

const NEGATIVE = new Set(['is_not', 'not_in', 'not_contains', 'name_not_contains', 'type_is_not', 'not_between', 'not_in_last', 'not_in_next']);
const INDEXABLE = new Set(['number', 'text', 'list', 'status_list', 'entity', 'multi_entity', 'entity_type', 'color', 'uuid']);

function lc(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : v === null || v === undefined ? '' : String(v);
}

const WIRE_FORM = "the wire form {logical_operator: 'and'|'or', conditions: [{path, relation, values: [...]}, ...]} (rpc-protocol §3.4)";

interface Condition {
  path: string;
  relation: string;
  values: unknown[];
}

const isHash = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuses what is not a wire filter node, naming the caller-side form it looks like. */
function notWire(node: unknown, where: string): never {
  const shown = JSON.stringify(node) ?? String(node);
  const looks = Array.isArray(node)
    ? 'the client-side list form ([path, relation, value] lists), which the client translates before sending'
    : isHash(node) && ('filter_operator' in node || 'filters' in node)
      ? 'the client-side {filter_operator, filters} group, which the client translates before sending'
      : isHash(node) && 'path' in node
        ? 'a bare condition, which belongs in the conditions of a group'
        : 'no filter node';
  throw badInput(`Invalid filters: ${where} is ${looks}; a site takes ${WIRE_FORM} only, got ${shown.length > 300 ? `${headOf(shown, 300)}…` : shown}`);
}

/** Compiles a wire filter tree `{logical_operator, conditions}` (rpc-protocol §3.4); any other form is a 103 fault. */
export function compileFilters(ctx: FilterContext, type: string, filters: unknown): CompiledFilter {
  if (filters === undefined || filters === null) return { test: () => true, candidates: () => undefined };
  if (!isHash(filters) || !('logical_operator' in filters || 'conditions' in filters)) notWire(filters, 'the top level');
  return compileNode(ctx, type, filters);
}

function compileNode(ctx: FilterContext, type: string, node: unknown): CompiledFilter {
  if (!isHash(node)) notWire(node, 'a condition');
  if (!('logical_operator' in node) && !('conditions' in node)) {
    if (!('path' in node)) notWire(node, 'a condition');
    if (typeof node['path'] !== 'string' || typeof node['relation'] !== 'string') throw badInput(`A condition needs a string 'path' and 'relation', got ${excerpt(node)}`);
    if (!Array.isArray(node['values'])) throw badInput(`Condition 'values' must be a list (a single value goes in a list of one), got ${excerpt(node)}`);
    return compileCondition(ctx, type, { path: node['path'], relation: node['relation'], values: node['values'] });
  }
  const op = node['logical_operator'];
  if (op !== 'and' && op !== 'or') {
    throw badInput(`Invalid filters: a group's logical_operator must be 'and' or 'or' (the client maps 'all'/'any'), got ${op === undefined ? 'none' : excerpt(op)} in ${excerpt(node)}`);
  }
  const items = node['conditions'];
  if (!Array.isArray(items)) throw badInput(`Invalid filters, expected a list of conditions, got ${excerpt(items)}`);
  const children = items.map((item) => compileNode(ctx, type, item));
  if (op === 'and') {
    return {
      test: (row) => children.every((c) => c.test(row)),
      candidates: () => {
        let best: Row[] | undefined;
        for (const c of children) {
          const rows = c.candidates();
          if (rows && (!best || rows.length < best.length)) best = rows;
        }
        return best;
      },
    };
  }
  // An empty group is no restriction whatever its operator (README, Filters): the Python client sends `[]` with
  // filter_operator "any" and expects every row, where `some` over no children would match none.
  if (children.length === 0) return { test: () => true, candidates: () => undefined };
  return { test: (row) => children.some((c) => c.test(row)), candidates: () => undefined };
}

function one(cond: Condition): unknown {
  if (cond.values.length !== 1) throw badInput(`The '${cond.relation}' relation on '${cond.path}' takes exactly one value, got ${excerpt(cond.values)}`);
  return cond.values[0];
}

function compileCondition(ctx: FilterContext, type: string, cond: Condition): CompiledFilter {
  const path = compilePath(ctx.schema, ctx.store, type, cond.path, ctx.viewer);
  const dt = path.dataType;
  const allowed = OPERATORS_BY_TYPE[dt];
  if (!allowed) throw badInput(`Filtering on ${dt} fields is not supported (${path.ownerType}.${path.lastField})`);
  if (!allowed.includes(cond.relation)) {
    if (!Object.values(OPERATORS_BY_TYPE).some((ops) => ops.includes(cond.relation))) throw badInput(`Unknown filter relation '${excerpt(cond.relation, cond.relation)}'`);
    throw badInput(`The '${cond.relation}' operator is not supported on the ${dt} field ${path.ownerType}.${path.lastField}`);
  }
  const match = buildMatch(ctx, dt, cond);
  if (ctx.usage && (!path.direct || cond.relation.startsWith('name_'))) ctx.usage.crossType = true;
  if (ctx.usage && path.perUser) ctx.usage.perUser = true;
  const negative = NEGATIVE.has(cond.relation);
  const test = path.direct && !path.perUser
    ? (row: Row): boolean => match(path.lastField === 'id' ? row.id : path.lastField === 'type' ? row.type : row.f[path.lastField])
    : (row: Row): boolean => {
        const vals = path.values(row);
        if (vals.length === 0) return match(null);
        return negative ? vals.every(match) : vals.some(match);
      };
  const candidates = (): Row[] | undefined => {
    // `type` is not stored in the row's fields, so no index holds it (and every row of the table has it anyway).
    if (!path.direct || path.perUser || path.lastField === 'type' || !INDEXABLE.has(dt)) return undefined;
    if (cond.relation !== 'is' && cond.relation !== 'in') return undefined;
    const vals = cond.relation === 'is' ? [cond.values[0]] : cond.values;
    if (vals.length === 0 || vals.some((v) => v === null || v === undefined || (typeof v === 'object' && !isLink(v)))) return undefined;
    return ctx.store.lookup(type, path.lastField, vals.map((v) => (isLink(v) ? { type: v.type, id: v.id } : v)));
  };
  return { test, candidates };
}

/**
 * The test an `is` condition with `value` applies to one value of a `dataType` field at `path`, so that other
 * methods (summarize's `percentage` and `status_percentage`) compare values as filters do: text and statuses
 * case-insensitively, links by type and id. Undefined for a data type filters refuse. A value `is` refuses is a
 * 103 fault, as in a filter.
 */
export function isMatcher(ctx: FilterContext, dataType: string, path: string, value: unknown): ((x: unknown) => boolean) | undefined {
  if (!OPERATORS_BY_TYPE[dataType]?.includes('is')) return undefined;
  return buildMatch(ctx, dataType, { path, relation: 'is', values: [value] });
}

function expectLinkValue(cond: Condition, v: unknown): LinkRef | null {
  if (v === null) return null;
  if (isLink(v)) return v;
  throw badInput(`The '${cond.relation}' relation on '${cond.path}' expects an entity hash {type, id} or null, got ${excerpt(v)}`);
}

function linkName(ctx: FilterContext, link: unknown): string {
  if (!isLink(link)) return '';
  const row = ctx.store.get(link.type, link.id);
  return row ? lc(displayName(row)) : '';
}

function buildMatch(ctx: FilterContext, dt: string, cond: Condition): Match {
  const rel = cond.relation;
  switch (dt) {
    case 'entity':
      return entityMatch(ctx, cond);
    case 'multi_entity':
      return multiEntityMatch(ctx, cond);
    case 'tag_list':
      return tagMatch(cond);
    case 'checkbox': {
      const v = one(cond);
      if (typeof v !== 'boolean' && v !== null) throw badInput(`'${cond.path}' is a checkbox: filter with true or false`);
      const want = v === true;
      return rel === 'is' ? (x) => (x === true) === want : (x) => (x === true) !== want;
    }
    case 'image': {
      const v = one(cond);
      if (v !== null) throw badInput(`Image fields can only be filtered with 'is'/'is_not' null ('${cond.path}')`);
      return rel === 'is' ? (x) => x === null || x === undefined : (x) => x !== null && x !== undefined;
    }
    case 'date':
    case 'date_time':
      return dateMatch(ctx, dt, cond);
    default:
      break;
  }
  if (OPERATORS_BY_TYPE[dt] === NUMBER_OPS) return numberMatch(cond);
  return textMatch(cond);
}

function textMatch(cond: Condition): Match {
  const rel = cond.relation;
  const eq = (v: unknown): Match => {
    if (v !== null && typeof v !== 'string') throw badInput(`'${cond.path}' expects a string value, got ${excerpt(v)}`);
    if (v === null) return (x) => x === null || x === undefined || x === '';
    const want = v.toLowerCase();
    return (x) => typeof x === 'string' && x.toLowerCase() === want;
  };
  switch (rel) {
    case 'is':
      return eq(one(cond));
    case 'is_not': {
      const m = eq(one(cond));
      return (x) => !m(x);
    }
    case 'in':
    case 'not_in': {
      const ms = cond.values.map(eq);
      return rel === 'in' ? (x) => ms.some((m) => m(x)) : (x) => !ms.some((m) => m(x));
    }
    default: {
      const v = one(cond);
      if (v !== null && typeof v !== 'string') throw badInput(`'${cond.path}' ${rel} expects a string, got ${excerpt(v)}`);
      const s = lc(v);
      if (rel === 'contains') return (x) => lc(x).includes(s);
      if (rel === 'not_contains') return (x) => !lc(x).includes(s);
      if (rel === 'starts_with') return (x) => lc(x).startsWith(s);
      return (x) => lc(x).endsWith(s);
    }
  }
}

function numberMatch(cond: Condition): Match {
  const rel = cond.relation;
  const num = (v: unknown): number | null => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badInput(`'${cond.path}' expects a number, got ${excerpt(v)}`);
    return v;
  };
  switch (rel) {
    case 'is': {
      const v = num(one(cond));
      return v === null ? (x) => x === null || x === undefined : (x) => x === v;
    }
    case 'is_not': {
      const v = num(one(cond));
      return v === null ? (x) => x !== null && x !== undefined : (x) => x !== v;
    }
    case 'less_than': {
      const v = num(one(cond));
      return (x) => typeof x === 'number' && v !== null && x < v;
    }
    case 'greater_than': {
      const v = num(one(cond));
      return (x) => typeof x === 'number' && v !== null && x > v;
    }
    case 'between':
    case 'not_between': {
      if (cond.values.length !== 2) throw badInput(`'${rel}' on '${cond.path}' takes [low, high], got ${excerpt(cond.values)}`);
      const lo = num(cond.values[0]);
      const hi = num(cond.values[1]);
      const inside = (x: unknown): boolean => typeof x === 'number' && (lo === null || x >= lo) && (hi === null || x <= hi);
      return rel === 'between' ? inside : (x) => typeof x === 'number' && !inside(x);
    }
    default: {
      const set = new Set(cond.values.map(num));
      return rel === 'in' ? (x) => set.has((x ?? null) as number | null) : (x) => !set.has((x ?? null) as number | null);
    }
  }
}

const UNITS = new Set(['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR']);

/** Epoch ms of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the years a wire date or datetime can hold. */
const FIRST_WIRE_MS = -62_167_219_200_000;
const LAST_WIRE_MS = 253_402_300_799_999;

/**
 * `ms` when it is a time JavaScript dates can hold, else -Infinity or Infinity in the direction (`sign`) the date
 * arithmetic went: a count or offset far beyond the calendar still bounds a range, as "before" or "after" every
 * value a field can hold.
 */
function saturate(ms: number, sign: number): number {
  if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) return ms;
  return sign < 0 ? -Infinity : Infinity;
}

function shift(ms: number, n: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case 'HOUR':
      return saturate(ms + n * 3600_000, n);
    case 'DAY':
      return saturate(ms + n * 86_400_000, n);
    case 'WEEK':
      return saturate(ms + n * 7 * 86_400_000, n);
    default:
      return saturate(addMonths(d, unit === 'MONTH' ? n : n * 12), n);
  }
}

/**
 * Epoch ms of `d` moved by `months` calendar months, its day cut to the target month's last day: 31 March less one
 * month is 28 (or 29) February, not 3 March, and 29 February less a year is 28 February. NaN beyond the calendar.
 */
function addMonths(d: Date, months: number): number {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  // Day 0 of the month after the target is the target's last day (setUTCFullYear keeps years 0-99 as they are).
  const last = new Date(0);
  last.setUTCFullYear(y, m + 1, 0);
  const out = new Date(d.getTime());
  out.setUTCFullYear(y, m, Math.min(d.getUTCDate(), last.getUTCDate()));
  return out.getTime();
}

function calendarRange(now: number, unit: string, offset: number): [number, number] {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const at = (ms: number): number => saturate(ms, offset);
  switch (unit) {
    case 'day': {
      const start = at(utcDay(y, m, day + offset));
      return [start, start + 86_400_000 - 1];
    }
    case 'week': {
      const monday = day - ((d.getUTCDay() + 6) % 7);
      const start = at(utcDay(y, m, monday + 7 * offset));
      return [start, start + 7 * 86_400_000 - 1];
    }
    case 'month':
      return [at(utcDay(y, m + offset, 1)), at(utcDay(y, m + offset + 1, 1)) - 1];
    default:
      return [at(utcDay(y + offset, 0, 1)), at(utcDay(y + offset + 1, 0, 1)) - 1];
  }
}

function dateMatch(ctx: FilterContext, dt: string, cond: Condition): Match {
  const rel = cond.relation;
  const isDate = dt === 'date';
  const norm = (v: unknown): string | null => {
    if (v === null) return null;
    if (typeof v === 'string') {
      if (isDate && parseDate(v) !== undefined) return v;
      const c = canonicalDateTime(v);
      // A datetime's UTC day need not be the day meant (a local midnight east of UTC is the day before in UTC), and
      // a write of it to a date field is refused: a filter refuses it too rather than match another day.
      if (c !== undefined && isDate) {
        throw badInput(`'${cond.path}' is a date field: send the day as 'YYYY-MM-DD' (e.g. encodeDate(d) from @sg/core), not the datetime ${excerpt(v)}, whose UTC day may not be the day meant`);
      }
      if (c !== undefined) return c;
      if (!isDate && parseDate(v) !== undefined) return `${v}T00:00:00Z`;
      // A value of a form the field takes whose day or time is not on the calendar: say that, not the form.
      const why = isDate ? offCalendar(v, 'date') : (offCalendar(v, 'date_time') ?? offCalendar(v, 'date'));
      if (why !== undefined) throw badInput(`'${cond.path}': ${why}`);
    }
    throw badInput(`'${cond.path}' expects a ${isDate ? "date 'YYYY-MM-DD'" : `datetime ${WIRE_DATETIME}`}, got ${excerpt(v)}`);
  };
  // A bound outside the four-digit years sorts before ('') or after ('\uffff') every stored value.
  const fmt = (ms: number): string => {
    if (!(ms >= FIRST_WIRE_MS)) return '';
    if (!(ms <= LAST_WIRE_MS)) return '\uffff';
    const iso = new Date(ms).toISOString();
    return isDate ? iso.slice(0, 10) : iso.slice(0, 19) + 'Z';
  };
  const range = (lo: string | null, hi: string | null, negate: boolean): Match => {
    const inside = (x: unknown): boolean => typeof x === 'string' && (lo === null || x >= lo) && (hi === null || x <= hi);
    return negate ? (x) => typeof x === 'string' && !inside(x) : inside;
  };
  switch (rel) {
    case 'is': {
      const v = norm(one(cond));
      return v === null ? (x) => x === null || x === undefined : (x) => x === v;
    }
    case 'is_not': {
      const v = norm(one(cond));
      return v === null ? (x) => x !== null && x !== undefined : (x) => x !== v;
    }
    case 'less_than': {
      const v = norm(one(cond));
      return (x) => typeof x === 'string' && v !== null && x < v;
    }
    case 'greater_than': {
      const v = norm(one(cond));
      return (x) => typeof x === 'string' && v !== null && x > v;
    }
    case 'between':
    case 'not_between':
      if (cond.values.length !== 2) throw badInput(`'${rel}' on '${cond.path}' takes [low, high], got ${excerpt(cond.values)}`);
      return range(norm(cond.values[0]), norm(cond.values[1]), rel === 'not_between');
    case 'in':
    case 'not_in': {
      const set = new Set(cond.values.map(norm));
      return rel === 'in' ? (x) => set.has((x ?? null) as string | null) : (x) => !set.has((x ?? null) as string | null);
    }
    case 'in_last':
    case 'not_in_last':
    case 'in_next':
    case 'not_in_next': {
      if (ctx.usage) ctx.usage.clock = true;
      const [n, unit] = cond.values;
      if (typeof n !== 'number' || !Number.isInteger(n) || typeof unit !== 'string' || !UNITS.has(unit.toUpperCase())) {
        throw badInput(`'${rel}' on '${cond.path}' takes [count, 'HOUR'|'DAY'|'WEEK'|'MONTH'|'YEAR'], got ${excerpt(cond.values)}`);
      }
      const now = ctx.now;
      const past = rel.endsWith('last');
      const other = shift(now, past ? -n : n, unit.toUpperCase());
      const lo = fmt(past ? other : now);
      const hi = fmt(past ? now : other);
      return range(lo, hi, rel.startsWith('not_'));
    }
    default: {
      if (ctx.usage) ctx.usage.clock = true;
      const offset = one(cond);
      if (typeof offset !== 'number' || !Number.isInteger(offset)) throw badInput(`'${rel}' on '${cond.path}' takes an integer offset, got ${excerpt(offset)}`);
      const [lo, hi] = calendarRange(ctx.now, rel.slice('in_calendar_'.length), offset);
      return range(fmt(lo), fmt(hi), false);
    }
  }
}

function nameMatcher(ctx: FilterContext, cond: Condition): (link: unknown) => boolean {
  const v = one(cond);
  if (typeof v !== 'string') throw badInput(`'${cond.relation}' on '${cond.path}' expects a string, got ${excerpt(v)}`);
  const s = v.toLowerCase();
  switch (cond.relation) {
    case 'name_contains':
    case 'name_not_contains':
      return (l) => linkName(ctx, l).includes(s);
    case 'name_starts_with':
      return (l) => linkName(ctx, l).startsWith(s);
    case 'name_ends_with':
      return (l) => linkName(ctx, l).endsWith(s);
    default:
      return (l) => isLink(l) && linkName(ctx, l) === s;
  }
}

function typeArg(ctx: FilterContext, cond: Condition): string | null {
  const v = one(cond);
  if (v === null) return null;
  if (typeof v !== 'string' || !ctx.schema.hasType(v)) throw badInput(`'${cond.relation}' on '${cond.path}' expects an entity type name, got ${excerpt(v)}`);
  return v;
}

const sameLink = (a: unknown, b: LinkRef): boolean => isLink(a) && a.type === b.type && a.id === b.id;

function entityMatch(ctx: FilterContext, cond: Condition): Match {
  switch (cond.relation) {
    case 'is':
    case 'is_not': {
      const v = expectLinkValue(cond, one(cond));
      const m: Match = v === null ? (x) => !isLink(x) : (x) => sameLink(x, v);
      return cond.relation === 'is' ? m : (x) => !m(x);
    }
    case 'in':
    case 'not_in': {
      const vs = cond.values.map((v) => expectLinkValue(cond, v));
      const m: Match = (x) => vs.some((v) => (v === null ? !isLink(x) : sameLink(x, v)));
      return cond.relation === 'in' ? m : (x) => !m(x);
    }
    case 'type_is':
    case 'type_is_not': {
      const t = typeArg(ctx, cond);
      const m: Match = (x) => (t === null ? !isLink(x) : isLink(x) && x.type === t);
      return cond.relation === 'type_is' ? m : (x) => !m(x);
    }
    default: {
      const m = nameMatcher(ctx, cond);
      return cond.relation === 'name_not_contains' ? (x) => !m(x) : m;
    }
  }
}

function multiEntityMatch(ctx: FilterContext, cond: Condition): Match {
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  switch (cond.relation) {
    case 'is':
    case 'is_not': {
      const v = expectLinkValue(cond, one(cond));
      const m: Match = v === null ? (x) => list(x).length === 0 : (x) => list(x).some((l) => sameLink(l, v));
      return cond.relation === 'is' ? m : (x) => !m(x);
    }
    case 'in':
    case 'not_in': {
      const vs = cond.values.map((v) => expectLinkValue(cond, v));
      const m: Match = (x) => vs.some((v) => (v === null ? list(x).length === 0 : list(x).some((l) => sameLink(l, v))));
      return cond.relation === 'in' ? m : (x) => !m(x);
    }
    case 'type_is':
    case 'type_is_not': {
      const t = typeArg(ctx, cond);
      const m: Match = (x) => (t === null ? list(x).length === 0 : list(x).some((l) => isLink(l) && l.type === t));
      return cond.relation === 'type_is' ? m : (x) => !m(x);
    }
    default: {
      const nm = nameMatcher(ctx, cond);
      const m: Match = (x) => list(x).some(nm);
      return cond.relation === 'name_not_contains' ? (x) => !m(x) : m;
    }
  }
}

function tagMatch(cond: Condition): Match {
  const tags = (x: unknown): string[] => (Array.isArray(x) ? (x as unknown[]).map(lc) : []);
  const str = (v: unknown): string | null => {
    if (v === null) return null;
    if (typeof v === 'string') return v.toLowerCase();
    if (isLink(v)) return String((v as LinkRef & { name?: unknown }).name ?? v.id).toLowerCase();
    throw badInput(`'${cond.path}' expects a tag name, got ${excerpt(v)}`);
  };
  switch (cond.relation) {
    case 'is':
    case 'name_id':
    case 'is_not': {
      const v = str(one(cond));
      const m: Match = v === null ? (x) => tags(x).length === 0 : (x) => tags(x).includes(v);
      return cond.relation === 'is_not' ? (x) => !m(x) : m;
    }
    default: {
      const v = str(one(cond)) ?? '';
      const m: Match = (x) => tags(x).some((t) => t.includes(v));
      return cond.relation === 'name_not_contains' ? (x) => !m(x) : m;
    }
  }
}
