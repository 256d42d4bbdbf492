import { formatRow, linkOut } from '../entity-format.js';
import { badInput } from '../errors.js';
import { viewerOf } from '../last-accessed.js';
import type { Site } from '../site.js';
import { isLink, type LinkRef, type Row } from '../store.js';
import { payloadObject, requireInt } from './payload.js';
import { entityFieldPaths, threadTime, userRef } from './thread-format.js';
import type { MethodCall } from './types.js';

/** Updates a stream answers when the request gives no `limit` (the site's default is not documented). */
const DEFAULT_LIMIT = 25;

function sameRef(value: unknown, ref: LinkRef): boolean {
  return isLink(value) && value.type === ref.type && value.id === ref.id;
}

function holdsRef(value: unknown, ref: LinkRef): boolean {
  return Array.isArray(value) && value.some((v) => sameRef(v, ref));
}

/** What one EventLogEntry shows in a stream: its update type, the entity the update is about, and its meta. */
interface StreamItem {
  readonly updateType: string;
  readonly primary: LinkRef;
  readonly meta: unknown;
}

/**
 * How an entry reads in a stream, or undefined for an entry no stream shows: the Change entries a create logs
 * (`in_create`) and those of a back-reference (`actual_attribute_changed`; the write shows on the writer's stream).
 * A Reply's creation is a `create_reply` about its Note.
 */
function streamItem(site: Site, event: Row): StreamItem | undefined {
  const ref = event.f['entity'];
  if (!isLink(ref)) return undefined;
  const eventType = String(event.f['event_type'] ?? '');
  const meta = event.f['meta'];
  const m = meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
  if (eventType.endsWith('_New')) {
    const note = ref.type === 'Reply' ? site.store.get('Reply', ref.id)?.f['entity'] : undefined;
    if (isLink(note) && note.type === 'Note') return { updateType: 'create_reply', primary: note, meta };
    return { updateType: 'create', primary: ref, meta };
  }
  if (eventType.endsWith('_Change')) {
    if (m['in_create'] === true || m['actual_attribute_changed'] !== undefined) return undefined;
    return { updateType: 'update', primary: ref, meta };
  }
  if (eventType.endsWith('_Retirement')) return { updateType: 'delete', primary: ref, meta };
  if (eventType.endsWith('_Revival')) return { updateType: 'revive', primary: ref, meta };
  return undefined;
}

/**
 * Whether `item` belongs to the stream of `host`:
 * - a Project's stream holds every update of the entities of that project (a Reply counts in its Note's project);
 * - another entity's stream holds its own updates, plus the creation of the entities that link to it through
 *   `entity` (Versions, Tasks, published files…) or `note_links` (Notes), and the replies to those Notes.
 */
function inStream(site: Site, host: LinkRef, event: Row, item: StreamItem): boolean {
  const subject = event.f['entity'] as LinkRef;
  if (host.type === 'Project') {
    if (sameRef(event.f['project'], host)) return true;
    return item.updateType === 'create_reply' && sameRef(site.store.get(item.primary.type, item.primary.id)?.f['project'], host);
  }
  if (sameRef(subject, host)) return true;
  if (item.updateType !== 'create' && item.updateType !== 'create_reply') return false;
  if (item.updateType === 'create_reply' && sameRef(item.primary, host)) return true;
  const row = site.store.get(item.primary.type, item.primary.id);
  return !!row && (sameRef(row.f['entity'], host) || holdsRef(row.f['note_links'], host));
}

/** `activity_stream` (`activity_stream_read`): the updates about an entity and what links to it, newest first. */
export function activityStream(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('activity_stream', call.payload);
  const type = site.schema.requireType(p['type']);
  const id = requireInt('activity_stream', p, 'id');
  if (!site.store.getLive(type, id)) throw badInput(`activity_stream: ${type} with id ${id} does not exist`);
  const host: LinkRef = { type, id };
  const minId = typeof p['min_id'] === 'number' ? p['min_id'] : undefined;
  const maxId = typeof p['max_id'] === 'number' ? p['max_id'] : undefined;
  const limit = typeof p['limit'] === 'number' && p['limit'] > 0 ? p['limit'] : DEFAULT_LIMIT;
  const pathsOf = entityFieldPaths(site, 'activity_stream', p['entity_fields'], viewerOf(site, call.principal));

  // Entries are stored in id order: walk them newest first, and stop at `min_id` or once `limit` are found.
  const events = site.store.all('EventLogEntry');
  const updates: Record<string, unknown>[] = [];
  for (let i = events.length - 1; i >= 0 && updates.length < limit; i--) {
    const event = events[i] as Row;
    if (maxId !== undefined && event.id > maxId) continue;
    if (minId !== undefined && event.id < minId) break;
    const item = streamItem(site, event);
    if (!item || !inStream(site, host, event, item)) continue;
    const row = site.store.get(item.primary.type, item.primary.id);
    const primary = row
      ? { ...formatRow(site, row, pathsOf(row.type)), name: linkOut(site, row).name, status: row.f['sg_status_list'] ?? null }
      : { ...linkOut(site, item.primary), status: null };
    const user = event.f['user'];
    updates.push({
      id: event.id,
      created_at: threadTime(event.f['created_at']),
      created_by: isLink(user) ? userRef(site, user, { image: true }) : null,
      meta: item.meta ?? {},
      primary_entity: primary,
      read: false,
      update_type: item.updateType,
    });
  }
  return {
    entity_type: type,
    entity_id: id,
    earliest_update_id: updates.length ? (updates[updates.length - 1]!['id'] as number) : null,
    latest_update_id: updates.length ? (updates[0]!['id'] as number) : null,
    updates,
  };
}
