import type { CompiledPath } from './entity-format.js';
import { badInput } from './errors.js';

/**
 * Which summary and grouping types `summarize` accepts on which field data types. The protocol lists the type
 * names but not where they apply; the emulator refuses (fault 103) every pairing whose answer would not mean
 * anything (a sum of text, the first letter of a link list, a month of a status), instead of inventing a value.
 */

const NUMERIC = ['number', 'float', 'percent', 'duration', 'currency', 'timecode'];
const DATES = ['date', 'date_time'];
/** Data types whose values are hashes or hidden, so no group can be named after them. */
const NOT_GROUPABLE = new Set(['image', 'password', 'serializable', 'url', 'pivot_column']);

const SUMMARY_FIELD_TYPES: Record<string, readonly string[] | 'any'> = {
  record_count: 'any',
  count: 'any',
  percentage: 'any',
  sum: NUMERIC,
  average: NUMERIC,
  maximum: [...NUMERIC, ...DATES, 'text'],
  minimum: [...NUMERIC, ...DATES, 'text'],
  earliest: DATES,
  latest: DATES,
  checked: ['checkbox'],
  unchecked: ['checkbox'],
  status_percentage: ['status_list'],
  status_list: ['status_list'],
};

/** The number groupings and the size of their buckets. */
export const BUCKETS: Readonly<Record<string, number>> = { tens: 10, hundreds: 100, thousands: 1000, tensofthousands: 10_000, hundredsofthousands: 100_000, millions: 1_000_000 };
/** The date groupings. */
export const DATE_GROUPS: ReadonlySet<string> = new Set(['day', 'week', 'month', 'quarter', 'year', 'clustered_date', 'oneday', 'fivedays']);

const GROUPING_FIELD_TYPES: Record<string, readonly string[] | 'groupable'> = {
  exact: 'groupable',
  ...Object.fromEntries(Object.keys(BUCKETS).map((t) => [t, NUMERIC])),
  ...Object.fromEntries([...DATE_GROUPS].map((t) => [t, DATES])),
  entitytype: ['entity', 'entity_type'],
  firstletter: ['text', 'list', 'status_list', 'entity', 'entity_type'],
};

/** Whether `type` is a summary type the protocol names (the keys of the table above are all of them). */
export function isSummaryType(type: unknown): boolean {
  return typeof type === 'string' && Object.hasOwn(SUMMARY_FIELD_TYPES, type);
}

/** Whether `type` is a grouping type the protocol names. */
export function isGroupingType(type: unknown): boolean {
  return typeof type === 'string' && Object.hasOwn(GROUPING_FIELD_TYPES, type);
}

/** The data type a path yields per row: a path through a multi-entity link yields a list, like a multi-entity field. */
function rowDataType(path: CompiledPath): string {
  return path.multi ? 'multi_entity' : path.dataType;
}

function refuse(kind: 'summary' | 'grouping', type: string, path: CompiledPath, ownerType: string): never {
  const through = path.multi && path.dataType !== 'multi_entity' ? ` (reached through a multi-entity link)` : '';
  throw badInput(`summarize: ${kind} '${type}' is not supported on the ${path.dataType} field ${ownerType}.${path.path}${through}`);
}

/** Throws a bad-input fault when summary `type` (one {@link isSummaryType} accepts) means nothing on the field `path` of `entityType`. */
export function checkSummaryField(type: string, path: CompiledPath, entityType: string): void {
  const allowed = SUMMARY_FIELD_TYPES[type]!;
  if (allowed === 'any') return;
  if (!allowed.includes(rowDataType(path))) refuse('summary', type, path, entityType);
}

/** Throws a bad-input fault when grouping `type` (one {@link isGroupingType} accepts) means nothing on the field `path` of `entityType`. */
export function checkGroupingField(type: string, path: CompiledPath, entityType: string): void {
  const allowed = GROUPING_FIELD_TYPES[type]!;
  const dataType = rowDataType(path);
  const ok = allowed === 'groupable' ? !NOT_GROUPABLE.has(path.dataType) : allowed.includes(dataType);
  if (!ok) refuse('grouping', type, path, entityType);
}
