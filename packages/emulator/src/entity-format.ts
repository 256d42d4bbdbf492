import { badInput, excerpt } from './errors.js';
import { LAST_ACCESSED, type Viewer } from './last-accessed.js';
import type { Schema } from './schema.js';
import { isLink, type LinkRef, type Row, type Store } from './store.js';

/** An entity link as the wire shows it. */
export interface LinkOut {
  type: string;
  id: number;
  name: string | null;
}

const NAME_FIELD: Record<string, string> = {
  Project: 'name',
  HumanUser: 'name',
  ApiUser: 'firstname',
  Task: 'content',
  Note: 'subject',
  Reply: 'content',
  Attachment: 'display_name',
  EventLogEntry: 'description',
  Page: 'name',
  PermissionRuleSet: 'display_name',
};

/** The display name of a row: `code` for most types, `name`/`content`/`subject` for some. */
export function displayName(row: Row): string | null {
  const preferred = NAME_FIELD[row.type];
  const candidates = preferred ? [preferred, 'code', 'name'] : ['code', 'name', 'title', 'content'];
  for (const field of candidates) {
    const v = row.f[field];
    if (typeof v === 'string' && v !== '') return v;
  }
  if (row.type === 'Attachment' && typeof row.f['filename'] === 'string') return row.f['filename'];
  return null;
}

/** Views of the site that formatting needs. */
export interface FormatContext {
  readonly schema: Schema;
  readonly store: Store;
  readonly baseUrl: string;
}

/** `{type, id}` → `{type, id, name}`. */
export function linkOut(ctx: FormatContext, ref: LinkRef): LinkOut {
  const row = ctx.store.get(ref.type, ref.id);
  return { type: ref.type, id: ref.id, name: row ? displayName(row) : null };
}

/** Formats one stored value of a given data type for the wire. */
export function formatValue(ctx: FormatContext, dataType: string, value: unknown): unknown {
  if (value === undefined) value = null;
  switch (dataType) {
    case 'entity':
      return isLink(value) ? linkOut(ctx, value) : null;
    case 'multi_entity':
      return Array.isArray(value) ? value.filter(isLink).map((v) => linkOut(ctx, v)) : [];
    case 'tag_list':
      return Array.isArray(value) ? value : [];
    case 'checkbox':
      return value === true;
    case 'password':
      return value === null || value === '' ? null : '*******';
    case 'pivot_column':
      return null;
    case 'image':
      return typeof value === 'string' && value.startsWith('/') ? ctx.baseUrl + value : value;
    case 'url':
      if (value && typeof value === 'object' && (value as Record<string, unknown>)['link_type'] === 'upload') {
        const v = value as Record<string, unknown>;
        return { ...v, url: `${ctx.baseUrl}/file_serve/attachment/${String(v['id'])}` };
      }
      return value;
    default:
      return value;
  }
}

/** A compiled field path: plain (`code`) or dotted (`sg_sequence.Sequence.code`). */
export interface CompiledPath {
  /** The path as given. */
  readonly path: string;
  /** Data type of the last field. */
  readonly dataType: string;
  /** Entity type that owns the last field. */
  readonly ownerType: string;
  /** Last field name. */
  readonly lastField: string;
  /** True when the path is a plain field of the row. */
  readonly direct: boolean;
  /** True when the path crosses a multi-entity link, so `values` may hold several items. */
  readonly multi: boolean;
  /**
   * True when the last field reads the viewer's own value (`Project.last_accessed_by_current_user`), not the row's:
   * `values` gives it, a plain read of the row's field or an index does not.
   */
  readonly perUser: boolean;
  /** The values the path reaches from a row (one for single links; zero or more through multi-entity links). */
  values(row: Row): unknown[];
}

/**
 * Compiles a path, checking every hop against the schema; throws a bad-input fault on any unknown part, on a hop
 * through a field that is not a link, and on a hop to an entity type outside the link field's `valid_types`. With a
 * `viewer`, a path ending in `Project.last_accessed_by_current_user` reads the viewer's own time.
 */
export function compilePath(schema: Schema, store: Store, type: string, path: string, viewer?: Viewer): CompiledPath {
  const parts = path.split('.');
  if (parts.length % 2 === 0) throw badInput(`Invalid field path '${excerpt(path, path)}' for ${type}: expected field.EntityType.field`);
  let owner = type;
  let multi = false;
  const hops: { field: string; target: string }[] = [];
  for (let i = 0; i < parts.length - 1; i += 2) {
    const field = parts[i] ?? '';
    const target = parts[i + 1] ?? '';
    const dt = schema.field(owner, field)?.data_type.value;
    if (dt === undefined) throw badInput(`${owner}.${excerpt(field, field)} doesn't exist (in path '${excerpt(path, path)}')`);
    if (dt !== 'entity' && dt !== 'multi_entity') throw badInput(`${owner}.${excerpt(field, field)} is not a link field (in path '${excerpt(path, path)}')`);
    if (!schema.hasType(target)) throw badInput(`Entity type '${excerpt(target, target)}' in path '${excerpt(path, path)}' is not a valid entity type`);
    // A hop to a type the link cannot hold would match no row and read null everywhere: refused, as a write of such
    // a link is (no source says what a site answers; see README "Filters"). No valid_types means any type, as for writes.
    const valid = schema.validTypes(owner, field);
    if (valid.length > 0 && !valid.includes(target)) {
      throw badInput(`${owner}.${excerpt(field, field)} cannot link to ${target}; its valid types are ${valid.join(', ')} (in path '${excerpt(path, path)}')`);
    }
    if (dt === 'multi_entity') multi = true;
    hops.push({ field, target });
    owner = target;
  }
  const lastField = parts[parts.length - 1] ?? '';
  const lastDef = lastField === 'type' || lastField === 'id' ? undefined : schema.field(owner, lastField);
  if (!lastDef && lastField !== 'type' && lastField !== 'id') throw badInput(`${owner}.${excerpt(lastField, lastField)} doesn't exist${hops.length ? ` (in path '${excerpt(path, path)}')` : ''}`);
  const dataType = lastField === 'id' ? 'number' : lastField === 'type' ? 'entity_type' : (lastDef?.data_type.value as string);
  const perUser = viewer !== undefined && owner === 'Project' && lastField === LAST_ACCESSED;
  const read = viewer && perUser
    ? (row: Row): unknown => viewer.lastAccessed.read(viewer.reader, row)
    : (row: Row): unknown => (lastField === 'id' ? row.id : lastField === 'type' ? row.type : row.f[lastField]);
  if (hops.length === 0) {
    return { path, dataType, ownerType: owner, lastField, direct: true, multi: false, perUser, values: (row) => [read(row)] };
  }
  const values = (row: Row): unknown[] => {
    let current: Row[] = [row];
    for (const hop of hops) {
      const next: Row[] = [];
      for (const r of current) {
        const v = r.f[hop.field];
        const links = Array.isArray(v) ? v : v ? [v] : [];
        for (const l of links) {
          if (isLink(l) && l.type === hop.target) {
            const target = store.get(l.type, l.id);
            if (target && !target.retired) next.push(target);
          }
        }
      }
      current = next;
      if (current.length === 0) break;
    }
    return current.map(read);
  };
  return { path, dataType, ownerType: owner, lastField, direct: false, multi, perUser, values };
}

/**
 * Whether `path` of `row` is the `entity` of an EventLogEntry that links to a retired entity, which a site reads as
 * null until the entity is revived (README "Events"). Filters still see the link the entry was written with.
 */
function readsAsRetired(ctx: FormatContext, row: Row, path: CompiledPath): boolean {
  if (row.type !== 'EventLogEntry' || path.lastField !== 'entity' || !path.direct) return false;
  const link = row.f['entity'];
  return isLink(link) && ctx.store.get(link.type, link.id)?.retired === true;
}

/** Formats a row with the requested fields (plus `type` and `id`). */
export function formatRow(ctx: FormatContext, row: Row, paths: readonly CompiledPath[]): Record<string, unknown> {
  const out: Record<string, unknown> = { type: row.type, id: row.id };
  for (const p of paths) {
    if (p.path === 'type' || p.path === 'id') continue;
    if (p.direct) {
      out[p.path] = readsAsRetired(ctx, row, p) ? null : formatValue(ctx, p.dataType, p.perUser ? p.values(row)[0] : row.f[p.lastField]);
    } else {
      const vals = p.values(row);
      // A single hop that reaches no row (a null link, or one to a retired entity) reads null, whatever the field's
      // type: not a never-written checkbox's `false` or an empty list's `[]`, which only a row reached can hold.
      out[p.path] = p.multi ? vals.map((v) => formatValue(ctx, p.dataType, v)) : vals.length ? formatValue(ctx, p.dataType, vals[0]) : null;
    }
  }
  return out;
}
