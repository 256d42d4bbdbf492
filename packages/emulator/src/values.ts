import { withArticle } from './articles.js';
import { badInput, excerpt } from './errors.js';
import type { Schema } from './schema.js';
import { isLink, type LinkRef, type Store } from './store.js';
import { utcDay } from './utc-day.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The one wire form of a datetime (rpc-protocol §1.7): 20 characters, UTC, no fraction of a second. */
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** How faults name the wire datetime form. */
export const WIRE_DATETIME = "'YYYY-MM-DDTHH:MM:SSZ' (20 characters, UTC, no milliseconds)";
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** The ranges of rpc-protocol §1.8: currency ±9999999999999.99, float ±999999999.999999. */
const DECIMAL_LIMITS: Readonly<Record<string, { max: number; shown: string }>> = {
  currency: { max: 9999999999999.99, shown: '±9999999999999.99' },
  float: { max: 999999999.999999, shown: '±999999999.999999' },
};
/** Footage `FF-ff` (feet and frames, rpc-protocol §1.8). */
const FOOTAGE_RE = /^\d+-\d+$/;
/** A color `R,G,B` (rpc-protocol §1.8); each part is checked to be 0–255. */
const RGB_RE = /^(\d{1,3}),(\d{1,3}),(\d{1,3})$/;

/** Whether `value` is one of the color forms of rpc-protocol §1.8: `"R,G,B"` (0–255 each) or `"pipeline_step"`. */
function isColor(value: string): boolean {
  if (value === 'pipeline_step') return true;
  const m = RGB_RE.exec(value);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/** Parses a wire date `YYYY-MM-DD` into epoch ms (UTC midnight), or undefined. */
export function parseDate(value: string): number | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const ms = utcDay(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(ms).toISOString().slice(0, 10);
  return check === value ? ms : undefined;
}

/**
 * Parses a wire datetime `YYYY-MM-DDTHH:MM:SSZ` into epoch ms, or undefined for any other form (a space for the `T`,
 * milliseconds, an offset or no zone: a site takes the wire form only, rpc-protocol §1.7). A day or hour that is not
 * on the calendar (`2026-02-30`, `T24:00:00`) is refused rather than rolled over into the next month or day.
 */
export function parseDateTime(value: string): number | undefined {
  if (!DATETIME_RE.test(value) || parseDate(value.slice(0, 10)) === undefined || Number(value.slice(11, 13)) > 23) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Why `day`, of the form `YYYY-MM-DD`, is not on the calendar (the days its month has, or that it is no month); undefined when it is. */
function offCalendarDay(day: string): string | undefined {
  if (parseDate(day) !== undefined) return undefined;
  const month = Number(day.slice(5, 7));
  const range = month < 1 || month > 12 ? 'months run 01 to 12' : `${day.slice(0, 7)} has ${new Date(utcDay(Number(day.slice(0, 4)), month, 0)).getUTCDate()} days`;
  return `is not a calendar day (${range})`;
}

/**
 * Why `value`, which has the wire form of `kind` (`YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SSZ` for a datetime),
 * is not on the calendar: `'2026-02-30' is not a calendar day (2026-02 has 28 days)`, or for a datetime its day or
 * its time of day (`24:00:00`, `23:59:60`). Undefined when it is on the calendar or does not have that form. A fault
 * for such a value says this rather than ask for the form it already has.
 */
export function offCalendar(value: string, kind: 'date' | 'date_time'): string | undefined {
  if (kind === 'date') {
    const why = DATE_RE.test(value) ? offCalendarDay(value) : undefined;
    return why === undefined ? undefined : `'${value}' ${why}`;
  }
  if (!DATETIME_RE.test(value) || parseDateTime(value) !== undefined) return undefined;
  const day = value.slice(0, 10);
  const dayWhy = offCalendarDay(day);
  return `'${value}' is not on the calendar: ${dayWhy === undefined ? `${value.slice(11, 19)} is not a time of day (00:00:00 to 23:59:59)` : `${day} ${dayWhy}`}`;
}

/** The wire datetime itself when `value` is one (and on the calendar), else undefined. */
export function canonicalDateTime(value: string): string | undefined {
  const ms = parseDateTime(value);
  return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 19) + 'Z';
}

function fieldLabel(type: string, field: string): string {
  return `${type}.${field}`;
}

function expectLink(schema: Schema, store: Store, type: string, field: string, value: unknown): LinkRef {
  if (!isLink(value) && !(typeof value === 'object' && value !== null && 'type' in value && 'id' in value)) {
    throw badInput(`${fieldLabel(type, field)} expects an entity hash with 'type' and 'id', got ${excerpt(value)}`);
  }
  const v = value as { type: unknown; id: unknown };
  if (typeof v.type !== 'string' || typeof v.id !== 'number' || !Number.isInteger(v.id)) {
    throw badInput(`${fieldLabel(type, field)} expects an entity hash with a string 'type' and an integer 'id', got ${excerpt(value)}`);
  }
  const valid = schema.validTypes(type, field);
  if (valid.length > 0 && !valid.includes(v.type)) {
    throw badInput(`${fieldLabel(type, field)} does not accept entities of type ${excerpt(v.type, v.type)} (valid types: ${valid.join(', ')})`);
  }
  if (!store.getLive(v.type, v.id)) throw badInput(`${fieldLabel(type, field)}: ${excerpt(v.type, v.type)} with id ${v.id} does not exist`);
  return { type: v.type, id: v.id };
}

/** Validates and converts a value written to `type.field` into its stored form; throws a bad-input fault. */
export function coerceValue(schema: Schema, store: Store, type: string, field: string, value: unknown): unknown {
  const dataType = schema.dataType(type, field);
  const label = fieldLabel(type, field);
  const wrong = (expected: string): never => {
    // A password field's value is a secret (HumanUser.password_proxy is the login passphrase): name its kind only.
    const got = dataType === 'password' ? (Array.isArray(value) ? 'an array' : value === undefined ? 'nothing' : withArticle(typeof value)) : excerpt(value);
    throw badInput(`${label} (${dataType}) expects ${expected}, got ${got}`);
  };
  const offCalendarFault = (why: string): never => {
    throw badInput(`${label} (${dataType}): ${why}`);
  };
  if (value === undefined) wrong('a value');
  switch (dataType) {
    case 'text':
    case 'uuid':
      if (value === null) return null;
      return typeof value === 'string' ? value : wrong('a string or null');
    case 'footage':
      if (value === null) return null;
      return typeof value === 'string' && FOOTAGE_RE.test(value) ? value : wrong("a footage string 'FF-ff' (feet and frames, e.g. '12-04') or null");
    case 'color':
      if (value === null) return null;
      return typeof value === 'string' && isColor(value) ? value : wrong("a color string 'R,G,B' (each 0-255, e.g. '255,0,0'), 'pipeline_step' or null");
    case 'password':
      return value === null || typeof value === 'string' ? value : wrong('a string or null');
    case 'entity_type':
      if (value === null) return null;
      if (typeof value !== 'string') return wrong('an entity type name or null');
      if (!schema.hasType(value)) throw badInput(`${label}: ${value} is not a valid entity type`);
      return value;
    case 'number':
    case 'duration':
    case 'percent':
    case 'timecode':
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrong('an integer or null');
      if (value < INT32_MIN || value > INT32_MAX) throw badInput(`${label}: ${value} is out of the 32-bit integer range (${INT32_MIN} to ${INT32_MAX})`);
      return value;
    case 'float':
    case 'currency': {
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrong('a number or null');
      const limit = DECIMAL_LIMITS[dataType] as { max: number; shown: string };
      if (Math.abs(value) > limit.max) throw badInput(`${label}: ${value} is out of the ${dataType} range ${limit.shown}`);
      return value;
    }
    case 'checkbox':
      return typeof value === 'boolean' ? value : wrong('true or false');
    case 'date': {
      if (value === null) return null;
      if (typeof value !== 'string' || parseDate(value) === undefined) {
        const why = typeof value === 'string' ? offCalendar(value, 'date') : undefined;
        return why === undefined ? wrong("a date string 'YYYY-MM-DD' or null") : offCalendarFault(why);
      }
      if (value < '1970-01-01') throw badInput(`${label}: dates before 1970 are not supported`);
      return value;
    }
    case 'date_time': {
      if (value === null) return null;
      const canon = typeof value === 'string' ? canonicalDateTime(value) : undefined;
      if (canon === undefined) {
        const why = typeof value === 'string' ? offCalendar(value, 'date_time') : undefined;
        return why === undefined ? wrong(`a datetime string ${WIRE_DATETIME} or null`) : offCalendarFault(why);
      }
      if (canon < '1970') throw badInput(`${label}: datetimes before 1970 are not supported`);
      return canon;
    }
    case 'list':
    case 'status_list': {
      if (value === null) return null;
      if (typeof value !== 'string') return wrong('a string or null');
      const valid = schema.validValues(type, field);
      if (valid.length > 0 && !valid.includes(value)) {
        throw badInput(`${label}: '${excerpt(value, value)}' is not a valid value (valid values: ${valid.join(', ')})`);
      }
      return value;
    }
    case 'entity':
      if (value === null) return null;
      return expectLink(schema, store, type, field, value);
    case 'multi_entity': {
      if (value === null) return [];
      if (!Array.isArray(value)) return wrong('a list of entity hashes');
      // A repeated link is kept once; a Set of `type#id` keeps a 50,000-link list linear, where a scan per link was not.
      const out: LinkRef[] = [];
      const seen = new Set<string>();
      for (const item of value) {
        const link = expectLink(schema, store, type, field, item);
        const key = `${link.type}#${link.id}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(link);
        }
      }
      return out;
    }
    case 'tag_list':
      if (value === null) return [];
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return wrong('a list of strings');
      return [...(value as string[])];
    case 'serializable':
      if (value === null) return null;
      return typeof value === 'object' ? value : wrong('an object or null');
    case 'url':
      return coerceUrl(store, label, value);
    case 'image':
      // Read-only but for clearing (rpc-protocol §1.8, §2.5): a thumbnail is uploaded, never written as a URL.
      if (value === null) return null;
      throw badInput(`${label} (image) is read-only: only null (clear the thumbnail) may be written; upload a thumbnail through /upload/publish_thumbnail, got ${excerpt(value)}`);
    default:
      throw badInput(`${label}: fields of type ${dataType} cannot be written`);
  }
}

function coerceUrl(store: Store, label: string, value: unknown): unknown {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badInput(`${label} (url) expects a file/link hash or null, got ${excerpt(value)}`);
  const v = value as Record<string, unknown>;
  if (typeof v['local_path'] === 'string' || v['local_storage'] !== undefined) {
    return localLink(store, label, v);
  }
  // `{type: 'Attachment', id}` with no link_type is an upload's link read back and trimmed; one saying `link_type: 'web'`
  // is a new web link (its url and name), whatever Attachment it came from.
  if (v['link_type'] === 'upload' || (v['type'] === 'Attachment' && v['link_type'] === undefined)) return attachmentLink(store, label, v);
  if (typeof v['url'] === 'string') {
    return { content_type: typeof v['content_type'] === 'string' ? v['content_type'] : null, link_type: 'web', name: typeof v['name'] === 'string' ? v['name'] : v['url'], url: v['url'] };
  }
  throw badInput(`${label} (url) expects {url, name} for a web link or {local_path} / {local_storage, relative_path} for a local file`);
}

/**
 * `{type: 'Attachment', id}` (as `update` trims a link read back, without `link_type`) or `{link_type: 'upload', id}`:
 * a link to that existing Attachment, stored with the link's own keys only (its name and content type are the
 * Attachment's); a missing one is refused as a link to a missing record is.
 */
function attachmentLink(store: Store, label: string, v: Record<string, unknown>): Record<string, unknown> {
  const id = v['id'];
  if (typeof id !== 'number' || !Number.isInteger(id) || (v['type'] ?? 'Attachment') !== 'Attachment') {
    throw badInput(`${label} (url) expects an uploaded file as {type: 'Attachment', id: <integer>}, got ${excerpt(v)}`);
  }
  const att = store.getLive('Attachment', id);
  if (!att) throw badInput(`${label}: Attachment with id ${id} does not exist`);
  const file = att.f['this_file'] as Record<string, unknown> | null | undefined;
  // A web or local file Attachment: its own link.
  if (file && typeof file === 'object' && file['link_type'] !== 'upload') return { ...file };
  return { type: 'Attachment', id, name: file?.['name'] ?? att.f['display_name'] ?? null, content_type: file?.['content_type'] ?? null, link_type: 'upload' };
}

function localLink(store: Store, label: string, v: Record<string, unknown>): Record<string, unknown> {
  const storages = store.all('LocalStorage').filter((r) => !r.retired);
  let storage = undefined as (typeof storages)[number] | undefined;
  let relative: string | undefined;
  if (typeof v['local_path'] === 'string') {
    const path = v['local_path'].replace(/\\/g, '/');
    // The best match (rpc-protocol §1.8): the longest root the path is in, whole segments only (`/mnt/proj` is not
    // a root of `/mnt/projects2/…`), of any platform; of equal roots, the first storage's.
    let longest = 0;
    for (const s of storages) {
      for (const key of ['linux_path', 'mac_path', 'windows_path']) {
        const root = typeof s.f[key] === 'string' ? (s.f[key] as string).replace(/\\/g, '/').replace(/\/$/, '') : '';
        if (root.length > longest && (path === root || path.startsWith(root + '/'))) {
          longest = root.length;
          storage = s;
          relative = path.slice(root.length + 1);
        }
      }
    }
    if (!storage) throw badInput(`${label}: no LocalStorage matches the path '${String(v['local_path'])}'`);
  } else {
    const ls = v['local_storage'] as Record<string, unknown> | null;
    storage = storages.find((s) => (ls && typeof ls['id'] === 'number' && s.id === ls['id']) || (ls && typeof ls['name'] === 'string' && s.f['code'] === ls['name']));
    if (!storage) throw badInput(`${label}: unknown LocalStorage ${excerpt(ls)}`);
    if (typeof v['relative_path'] !== 'string') throw badInput(`${label}: 'relative_path' is required with 'local_storage'`);
    relative = v['relative_path'];
    // Forward slashes only (rpc-protocol §1.8): a backslash would be kept in every platform's path as a character.
    if (relative.includes('\\')) {
      throw badInput(`${label}: relative_path ${excerpt(relative)} contains a backslash; relative paths use forward slashes only: write ${excerpt(relative.replace(/\\/g, '/'))}`);
    }
  }
  const join = (root: unknown, sep: string): string | null => (typeof root === 'string' && root ? root.replace(/[\\/]$/, '') + sep + (relative ?? '').split('/').join(sep) : null);
  const linux = join(storage.f['linux_path'], '/');
  const mac = join(storage.f['mac_path'], '/');
  const win = join(storage.f['windows_path'], '\\');
  const name = typeof v['name'] === 'string' ? v['name'] : (relative ?? '').split('/').pop() ?? '';
  return {
    content_type: typeof v['content_type'] === 'string' ? v['content_type'] : null,
    link_type: 'local',
    name,
    local_path: linux ?? mac ?? win,
    local_path_linux: linux,
    local_path_mac: mac,
    local_path_windows: win,
    local_storage: { type: 'LocalStorage', id: storage.id, name: storage.f['code'] ?? null },
    relative_path: relative ?? null,
    url: `file://${linux ?? mac ?? win ?? ''}`,
  };
}
