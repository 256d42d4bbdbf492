import { compilePath, displayName, formatValue, linkOut, type CompiledPath } from './entity-format.js';
import { badInput, excerpt } from './errors.js';
import { isMatcher } from './filter-engine.js';
import { viewerOf } from './last-accessed.js';
import { payloadObject } from './methods/payload.js';
import type { MethodCall } from './methods/types.js';
import { selectRows } from './read-query.js';
import type { Site } from './site.js';
import { isLink, type Row } from './store.js';
import { BUCKETS, DATE_GROUPS, checkGroupingField, checkSummaryField, isGroupingType, isSummaryType } from './summary-field-types.js';

interface SummarySpec {
  field: string;
  type: string;
  path: CompiledPath;
  value: unknown;
}

interface GroupSpec {
  path: CompiledPath;
  type: string;
  direction: 'asc' | 'desc';
}

function firstValue(spec: { path: CompiledPath }, row: Row): unknown {
  const v = spec.path.values(row);
  return spec.path.multi ? v : (v[0] ?? null);
}

/**
 * The largest (`sign` 1) or smallest (-1) of `strs` compared case-insensitively, as the emulator sorts text
 * (rpc-protocol §3.3: text comparisons on the server are case-insensitive), returned as stored; of values equal
 * but for case, the first row's, as a sort breaks ties by id.
 */
function extreme(strs: readonly string[], sign: 1 | -1): string | null {
  let best: string | null = null;
  for (const s of strs) {
    const a = s.toLowerCase();
    const b = best?.toLowerCase();
    if (b === undefined || (sign > 0 ? a > b : a < b)) best = s;
  }
  return best;
}

/** Whether a row's value equals `value` as an `is` filter on the summary's field would match it. */
function equalTo(site: Site, spec: SummarySpec, value: unknown): (v: unknown) => boolean {
  const m = isMatcher({ schema: site.schema, store: site.store, now: site.now() }, spec.path.dataType, spec.field, value) ?? ((x: unknown) => x === value);
  // Through a multi-entity link a row holds a list: it matches when one of its values does, as a filter's `is`.
  if (!spec.path.multi) return m;
  return (v) => (Array.isArray(v) && v.length > 0 ? v.some(m) : m(null));
}

function summarise(site: Site, rows: Row[], spec: SummarySpec): unknown {
  const values = rows.map((r) => firstValue(spec, r));
  const present = values.filter((v) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  const nums = present.filter((v): v is number => typeof v === 'number');
  const texts = present.filter((v): v is string => typeof v === 'string');
  const strs = [...texts].sort();
  const pct = (n: number): number => (rows.length === 0 ? 0 : Math.round((n / rows.length) * 100));
  const share = (value: unknown): number => pct(values.filter(equalTo(site, spec, value)).length);
  switch (spec.type) {
    case 'record_count':
      return rows.length;
    case 'count':
      return present.length;
    case 'sum':
      return nums.reduce((a, b) => a + b, 0);
    case 'maximum':
      return nums.length ? Math.max(...nums) : extreme(texts, 1);
    case 'minimum':
      return nums.length ? Math.min(...nums) : extreme(texts, -1);
    case 'average':
      return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null;
    case 'earliest':
      return strs[0] ?? null;
    case 'latest':
      return strs[strs.length - 1] ?? null;
    case 'checked':
      return values.filter((v) => v === true).length;
    case 'unchecked':
      return values.filter((v) => v !== true).length;
    case 'percentage':
      if (spec.path.dataType === 'checkbox') return pct(values.filter((v) => v === true).length);
      if (spec.value !== undefined) return share(spec.value);
      return pct(present.length);
    case 'status_percentage':
      return share(spec.value ?? 'fin');
    default: {
      const counts: Record<string, number> = {};
      for (const v of values) {
        const k = v === null || v === undefined ? '' : String(v);
        counts[k] = (counts[k] ?? 0) + 1;
      }
      return counts;
    }
  }
}

function summaries(site: Site, rows: Row[], specs: SummarySpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) out[s.field] = summarise(site, rows, s);
  return out;
}

function dateKey(type: string, value: string): { key: string; name: string } {
  const date = value.slice(0, 10);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  switch (type) {
    case 'year':
      return { key: String(y), name: String(y) };
    case 'quarter': {
      const q = Math.floor((m - 1) / 3) + 1;
      return { key: `${y}-Q${q}`, name: `Q${q} ${y}` };
    }
    case 'month':
      return { key: date.slice(0, 7), name: new Date(ms).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }) };
    case 'week': {
      const monday = new Date(ms - ((new Date(ms).getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
      return { key: monday, name: `Week of ${monday}` };
    }
    case 'fivedays': {
      const start = new Date(Math.floor(ms / (5 * 86_400_000)) * 5 * 86_400_000).toISOString().slice(0, 10);
      return { key: start, name: `5 days from ${start}` };
    }
    default:
      return { key: date, name: date };
  }
}

/** The key of the group of rows without a value. */
const NULL_GROUP = '∅';

/**
 * What a group sorts by: its number for number values (the bucket's low end for `tens`…`millions`), its bucket key
 * for the date groupings (`2026-04`, `2026-Q1`, a week's Monday: chronological, where the names "April 2026" or
 * "Q1 2026" would sort alphabetically), else its name, case-insensitively.
 */
function groupRank(type: string, key: string, group: { name: string; value: unknown }): number | string {
  if (typeof group.value === 'number') return group.value;
  if (DATE_GROUPS.has(type)) return key;
  return group.name.toLowerCase() || key;
}

/** Orders two group ranks ascending; the group without a value comes after every other, whatever their type. */
function compareRanks(a: number | string, b: number | string, aNull: boolean, bNull: boolean): number {
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupKey(site: Site, spec: GroupSpec, row: Row): { key: string; name: string; value: unknown } {
  // A checkbox never written reads false, and filters take it as false: it groups with the false ones.
  const v = spec.path.dataType === 'checkbox' && !spec.path.multi ? firstValue(spec, row) === true : firstValue(spec, row);
  if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return { key: NULL_GROUP, name: '', value: null };
  if (spec.type === 'entitytype') {
    const t = isLink(v) ? v.type : Array.isArray(v) && isLink(v[0]) ? v[0].type : String(v);
    return { key: t, name: t, value: t };
  }
  if (spec.type === 'firstletter') {
    const s = isLink(v) ? (displayName(site.store.get(v.type, v.id) as Row) ?? '') : String(v);
    // the whole first character, as a site takes it: an emoji is two UTF-16 units here
    const letter = (s && String.fromCodePoint(s.codePointAt(0)!)).toUpperCase();
    return { key: letter, name: letter, value: letter };
  }
  const bucket = BUCKETS[spec.type];
  if (bucket !== undefined) {
    if (typeof v !== 'number') throw badInput(`Grouping '${spec.type}' needs a number field, ${spec.path.path} is ${spec.path.dataType}`);
    const lo = Math.floor(v / bucket) * bucket;
    return { key: String(lo), name: `${lo} - ${lo + bucket - 1}`, value: lo };
  }
  if (DATE_GROUPS.has(spec.type)) {
    if (typeof v !== 'string') throw badInput(`Grouping '${spec.type}' needs a date field, ${spec.path.path} is ${spec.path.dataType}`);
    const k = dateKey(spec.type, v);
    return { key: k.key, name: k.name, value: k.key };
  }
  if (isLink(v)) {
    const out = linkOut(site, v);
    return { key: `${v.type}#${v.id}`, name: out.name ?? '', value: out };
  }
  const formatted = formatValue(site, spec.path.dataType, v);
  return { key: JSON.stringify(v), name: Array.isArray(formatted) ? formatted.map((x) => (isLink(x) ? (x as { name?: string }).name : String(x))).join(', ') : String(formatted), value: formatted };
}

function buildGroups(site: Site, rows: Row[], groupings: GroupSpec[], specs: SummarySpec[]): Record<string, unknown>[] {
  const [first, ...rest] = groupings;
  if (!first) return [];
  const buckets = new Map<string, { name: string; value: unknown; rows: Row[] }>();
  for (const row of rows) {
    const k = groupKey(site, first, row);
    let b = buckets.get(k.key);
    if (!b) {
      b = { name: k.name, value: k.value, rows: [] };
      buckets.set(k.key, b);
    }
    b.rows.push(row);
  }
  const rank = (key: string, b: { name: string; value: unknown }): number | string => groupRank(first.type, key, b);
  const sorted = [...buckets.entries()].sort(([ka, a], [kb, b]) => {
    const c = compareRanks(rank(ka, a), rank(kb, b), ka === NULL_GROUP, kb === NULL_GROUP);
    return first.direction === 'asc' ? c : -c;
  });
  return sorted.map(([, b]) => {
    const group: Record<string, unknown> = { group_name: b.name, group_value: b.value, summaries: summaries(site, b.rows, specs) };
    if (rest.length > 0) group['groups'] = buildGroups(site, b.rows, rest, specs);
    return group;
  });
}

/** `summarize`: `{summaries, groups}` over the rows a filter selects. */
export function summarizeMethod(call: MethodCall): unknown {
  const { site } = call;
  const viewer = viewerOf(site, call.principal);
  const p = payloadObject('summarize', call.payload);
  const type = site.schema.requireType(p['type']);
  const rawSummaries = p['summaries'];
  if (!Array.isArray(rawSummaries)) throw badInput("summarize: 'summaries' must be a list of {field, type}");
  const seen = new Set<string>();
  const specs: SummarySpec[] = rawSummaries.map((s) => {
    const spec = (s ?? {}) as Record<string, unknown>;
    if (typeof spec['field'] !== 'string' || typeof spec['type'] !== 'string') throw badInput(`summarize: each summary needs 'field' and 'type', got ${excerpt(s)}`);
    if (!isSummaryType(spec['type'])) throw badInput(`summarize: unknown summary type '${excerpt(spec['type'], spec['type'])}'`);
    if (seen.has(spec['field'])) throw badInput(`summarize: only one summary per field ('${spec['field']}')`);
    seen.add(spec['field']);
    const path = compilePath(site.schema, site.store, type, spec['field'], viewer);
    checkSummaryField(spec['type'], path, type);
    return { field: spec['field'], type: spec['type'], path, value: spec['value'] };
  });
  const rawGrouping = p['grouping'];
  if (rawGrouping !== undefined && rawGrouping !== null && !Array.isArray(rawGrouping)) throw badInput("summarize: 'grouping' must be a list or null");
  const groupings: GroupSpec[] = (rawGrouping ?? []).map((g: unknown) => {
    const spec = (g ?? {}) as Record<string, unknown>;
    if (typeof spec['field'] !== 'string' || typeof spec['type'] !== 'string') throw badInput(`summarize: each grouping needs 'field' and 'type', got ${excerpt(g)}`);
    if (!isGroupingType(spec['type'])) throw badInput(`summarize: unknown grouping type '${excerpt(spec['type'], spec['type'])}'`);
    const dir = spec['direction'] ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw badInput(`summarize: grouping direction must be 'asc' or 'desc'`);
    const path = compilePath(site.schema, site.store, type, spec['field'], viewer);
    checkGroupingField(spec['type'], path, type);
    return { path, type: spec['type'], direction: dir };
  });
  const rows = selectRows(site, { type, filters: p['filters'], includeArchivedProjects: p['include_archived_projects'], viewer });
  return { summaries: summaries(site, rows, specs), groups: buildGroups(site, rows, groupings, specs) };
}
