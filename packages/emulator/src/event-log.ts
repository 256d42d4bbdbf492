import type { Principal } from './auth-rules.js';
import { formatDateTime } from './clock.js';
import { displayName, formatValue, linkOut, type LinkOut } from './entity-format.js';
import { listChanges } from './link-refs.js';
import type { ReverseChange } from './reverse-link-changes.js';
import type { Site } from './site.js';
import { isLink, type LinkRef, type Row } from './store.js';

function userName(site: Site, ref: LinkRef): string {
  const row = site.store.get(ref.type, ref.id);
  return (row && displayName(row)) ?? `${ref.type} ${ref.id}`;
}

/** Whether writes by `principal` are logged: not when it is a script (not under sudo) with `generate_event_log_entries` off. */
function logsEvents(site: Site, principal: Principal): boolean {
  if (principal.actor.type !== 'ApiUser' || principal.sudo) return true;
  return site.store.get('ApiUser', principal.actor.id)?.f['generate_event_log_entries'] !== false;
}

/** What every entry of one write shares: who made it (name, and the real user under sudo) and when. */
interface Stamp {
  readonly userName: string;
  readonly sudoActualUser: LinkOut | undefined;
  readonly createdAt: string;
}

function stampOf(site: Site, principal: Principal): Stamp {
  return { userName: userName(site, principal.effective), sudoActualUser: principal.sudo ? linkOut(site, principal.actor) : undefined, createdAt: formatDateTime(site.now()) };
}

type Action = 'New' | 'Change' | 'Retirement' | 'Revival';
const VERBS: Record<Action, string> = { New: 'created new', Change: 'changed', Retirement: 'retired', Revival: 'revived' };

function insertEntry(site: Site, principal: Principal, stamp: Stamp, row: Row, action: Action, meta: Record<string, unknown>, attribute: string | null): Row {
  const name = displayName(row);
  const fullMeta: Record<string, unknown> = stamp.sudoActualUser ? { ...meta, sudo_actual_user: stamp.sudoActualUser } : meta;
  const project = isLink(row.f['project']) ? row.f['project'] : row.type === 'Project' ? { type: 'Project', id: row.id } : null;
  return site.store.insert('EventLogEntry', {
    event_type: `Shotgun_${row.type}_${action}`,
    description: `${stamp.userName} ${VERBS[action]} ${row.type}${name ? ` ${name}` : ''}${attribute ? ` (${attribute})` : ''}`,
    entity: { type: row.type, id: row.id },
    attribute_name: attribute,
    meta: fullMeta,
    project,
    user: principal.effective,
    session_uuid: principal.sessionUuid,
    created_at: stamp.createdAt,
  });
}

/** Writes an EventLogEntry (unless the acting script has event generation switched off) and returns it. */
export function logEvent(site: Site, principal: Principal, row: Row, action: Action, meta: Record<string, unknown>, attribute: string | null = null): Row | undefined {
  if (row.type === 'EventLogEntry' || !logsEvents(site, principal)) return undefined;
  return insertEntry(site, principal, stampOf(site, principal), row, action, meta, attribute);
}

/** The Attachment id of a thumbnail as the emulator stores it (`/thumbnail/<id>`); null for none. */
function thumbnailId(value: unknown): number | null {
  const m = typeof value === 'string' ? /^\/thumbnail\/(\d+)$/.exec(value) : null;
  return m ? Number(m[1]) : null;
}

/**
 * Logs the `Shotgun_<Type>_Change` entries of one field that a write changed in `row`, with the meta a site gives
 * (README "Events" has the sources), and returns the entry the back-references of the change point to (undefined
 * when none is logged):
 * - a multi-entity field gives the links it gained and lost in `added` and `removed`, and no `old_value`/`new_value`;
 *   a write that only reorders the list logs nothing;
 * - an image field (`image`, `filmstrip_image`) gives Attachment ids: a new thumbnail is logged twice, first with
 *   `is_transient: true` and the previous thumbnail's id as `old_value`, then ready (`is_transient: false`,
 *   `old_value` null); a cleared one once, with `is_transient: false`;
 * - any other field gives `old_value` and `new_value` as reads show them.
 */
export function logFieldChange(site: Site, principal: Principal, row: Row, field: string, before: unknown, after: unknown): Row | undefined {
  const dataType = site.schema.dataType(row.type, field);
  const change = (values: Record<string, unknown>): Row | undefined =>
    logEvent(site, principal, row, 'Change', { type: 'attribute_change', attribute_name: field, entity_type: row.type, entity_id: row.id, field_data_type: dataType, ...values }, field);
  if (dataType === 'multi_entity') {
    const { added, removed } = listChanges(before, after);
    if (added.length === 0 && removed.length === 0) return undefined;
    return change({ added: formatValue(site, dataType, added), removed: formatValue(site, dataType, removed) });
  }
  if (dataType === 'image') {
    const [was, now] = [thumbnailId(before), thumbnailId(after)];
    if (now === null) return change({ old_value: was, new_value: null, is_transient: false });
    change({ old_value: was, new_value: now, is_transient: true });
    return change({ old_value: null, new_value: now, is_transient: false });
  }
  return change({ old_value: formatValue(site, dataType, before), new_value: formatValue(site, dataType, after) });
}

/** How the entity of a Retirement or Revival entry is named in its meta, as a site's entries do. */
function retiredEntityMeta(row: Row): Record<string, unknown> {
  return { entity_type: row.type, entity_id: row.id, class_name: row.type, display_name: displayName(row), id: row.id };
}

/**
 * Logs the retirement of `row` as a site does: a `Shotgun_<Type>_Change` of `retirement_date` (null to the date),
 * then the `Shotgun_<Type>_Retirement`, both dated `YYYY-MM-DD HH:MM:SS UTC`. Their `entity` reads null while the
 * row stays retired, as that of every entry of a retired entity does (see `formatRow`).
 */
export function logRetirement(site: Site, principal: Principal, row: Row): void {
  if (row.type === 'EventLogEntry' || !logsEvents(site, principal)) return;
  const stamp = stampOf(site, principal);
  const date = `${stamp.createdAt.slice(0, 10)} ${stamp.createdAt.slice(11, 19)} UTC`;
  const changed = { type: 'attribute_change', attribute_name: 'retirement_date', entity_type: row.type, entity_id: row.id, old_value: null, new_value: date };
  insertEntry(site, principal, stamp, row, 'Change', changed, 'retirement_date');
  insertEntry(site, principal, stamp, row, 'Retirement', { type: 'entity_retirement', ...retiredEntityMeta(row), retirement_date: date }, null);
}

/** Logs the revival of `row`: one `Shotgun_<Type>_Revival`, whose meta names the entity as a site's does (no `type`). */
export function logRevival(site: Site, principal: Principal, row: Row): void {
  logEvent(site, principal, row, 'Revival', retiredEntityMeta(row));
}

/** The write a change on the other side of a pair came from: the row and field written, and the entry logged for it. */
export interface ReverseChangeSource {
  readonly row: Row;
  readonly field: string;
  /** The `Shotgun_<Type>_Change` entry of the write (or `_New` of the create); no back-reference entries without one. */
  readonly event: Row | undefined;
  /** Whether the write was the create of `row` (the entries then carry `in_create: true`). */
  readonly inCreate: boolean;
}

/**
 * Logs one `Shotgun_<Type>_Change` per row and field that a write changed on the other side of its pairs, right
 * after the write's own entry, as a site logs the back-reference of a link (README "Reverse links" has the sources).
 * The meta mixes both sides, as a site's does: `attribute_name` is the field that changed, while `entity_type`,
 * `entity_id` and `field_data_type` describe the row and field written, which `actual_attribute_changed`
 * (`Type.field`) names and `original_event_log_entry_id` points to. A list says what it gained and lost in `added`
 * and `removed`, a single link `old_value` and `new_value`.
 */
export function logReverseChanges(site: Site, principal: Principal, source: ReverseChangeSource, changes: readonly ReverseChange[]): void {
  // No entry of the write (its principal logs nothing, or it wrote an EventLogEntry): none of its other side either.
  if (!source.event || changes.length === 0) return;
  const stamp = stampOf(site, principal);
  const common = {
    entity_type: source.row.type,
    entity_id: source.row.id,
    field_data_type: site.schema.dataType(source.row.type, source.field),
    actual_attribute_changed: `${source.row.type}.${source.field}`,
    original_event_log_entry_id: source.event.id,
  };
  for (const change of changes) {
    const values = change.multi
      ? { added: formatValue(site, 'multi_entity', change.added), removed: formatValue(site, 'multi_entity', change.removed) }
      : { old_value: formatValue(site, 'entity', change.before), new_value: formatValue(site, 'entity', change.row.f[change.field]) };
    const meta = { type: 'attribute_change', attribute_name: change.field, ...common, ...values, ...(source.inCreate ? { in_create: true } : {}) };
    if (change.row.type !== 'EventLogEntry') insertEntry(site, principal, stamp, change.row, 'Change', meta, change.field);
  }
}
