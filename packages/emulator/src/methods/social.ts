import { compilePath, formatRow, formatValue, linkOut } from '../entity-format.js';
import { badInput } from '../errors.js';
import type { Site } from '../site.js';
import { isLink, type LinkRef, type Row } from '../store.js';
import { optionalLink, payloadObject, requireInt } from './payload.js';
import type { MethodCall, MethodHandler } from './types.js';

function liveRow(site: Site, method: string, link: LinkRef | undefined, what: string): Row {
  if (!link) throw badInput(`${method}: '${what}' missing (expected an entity hash {type, id})`);
  site.schema.requireType(link.type);
  const row = site.store.getLive(link.type, link.id);
  if (!row) throw badInput(`${method}: ${link.type} with id ${link.id} does not exist`);
  return row;
}

function userOut(site: Site, row: Row): Record<string, unknown> {
  return { ...linkOut(site, row), status: row.f['sg_status_list'] ?? null, valid: 'valid' };
}

/** `note_thread_read` / `activity_stream_read` timestamps: `YYYY-MM-DD HH:MM:SS UTC`. */
function threadTime(value: unknown): string | null {
  return typeof value === 'string' ? `${value.slice(0, 10)} ${value.slice(11, 19)} UTC` : null;
}

function extraFields(site: Site, type: string, entityFields: unknown): ReturnType<typeof compilePath>[] {
  if (entityFields === undefined || entityFields === null) return [];
  if (typeof entityFields !== 'object' || Array.isArray(entityFields)) throw badInput("'entity_fields' must be a hash {EntityType: [fields]}");
  const list = (entityFields as Record<string, unknown>)[type];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) throw badInput(`'entity_fields.${type}' must be a list of field names`);
  return (list as string[]).map((f) => compilePath(site.schema, site.store, type, f));
}

function followKey(user: Row, entity: Row): string {
  return `${user.id}|${entity.type}|${entity.id}`;
}

function noteThread(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('note_thread_contents', call.payload);
  const noteId = requireInt('note_thread_contents', p, 'note_id');
  const note = site.store.getLive('Note', noteId);
  if (!note) throw badInput(`note_thread_contents: Note with id ${noteId} does not exist`);
  const ef = p['entity_fields'];
  const item = (row: Row, base: string[]): Record<string, unknown> => {
    const out = formatRow(site, row, [...base.map((f) => compilePath(site.schema, site.store, row.type, f)), ...extraFields(site, row.type, ef)]);
    out['created_at'] = threadTime(row.f['created_at']);
    return out;
  };
  const items: Row[] = [note];
  for (const reply of site.store.lookup('Reply', 'entity', [{ type: 'Note', id: note.id }])) if (!reply.retired) items.push(reply);
  const attachments = Array.isArray(note.f['attachments']) ? (note.f['attachments'] as unknown[]) : [];
  for (const a of attachments) {
    if (isLink(a)) {
      const row = site.store.getLive(a.type, a.id);
      if (row) items.push(row);
    }
  }
  items.sort((a, b) => String(a.f['created_at']).localeCompare(String(b.f['created_at'])) || (a === note ? -1 : b === note ? 1 : a.id - b.id));
  return items.map((row) => {
    if (row.type === 'Note') return item(row, ['content', 'created_by']);
    if (row.type === 'Reply') {
      const out = item(row, ['content', 'user']);
      const u = row.f['user'];
      if (isLink(u) && out['user'] && typeof out['user'] === 'object') (out['user'] as Record<string, unknown>)['image'] = formatValue(site, 'image', site.store.get(u.type, u.id)?.f['image'] ?? null);
      return out;
    }
    return item(row, ['created_by']);
  });
}

function activityStream(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('activity_stream', call.payload);
  const type = site.schema.requireType(p['type']);
  const id = requireInt('activity_stream', p, 'id');
  const entity = site.store.getLive(type, id);
  if (!entity) throw badInput(`activity_stream: ${type} with id ${id} does not exist`);
  const minId = typeof p['min_id'] === 'number' ? p['min_id'] : undefined;
  const maxId = typeof p['max_id'] === 'number' ? p['max_id'] : undefined;
  const limit = typeof p['limit'] === 'number' && p['limit'] > 0 ? p['limit'] : 25;
  const fields = extraFields(site, type, p['entity_fields']);
  const events = site.store.lookup('EventLogEntry', 'entity', [{ type, id }])
    .filter((e) => (minId === undefined || e.id >= minId) && (maxId === undefined || e.id <= maxId))
    .sort((a, b) => b.id - a.id)
    .slice(0, limit);
  const primary = { ...formatRow(site, entity, fields), name: linkOut(site, entity).name, status: entity.f['sg_status_list'] ?? null };
  const updateType = (e: Row): string => {
    const t = String(e.f['event_type'] ?? '');
    return t.endsWith('_New') ? 'create' : t.endsWith('_Change') ? 'update' : t.endsWith('_Retirement') ? 'delete' : t.endsWith('_Revival') ? 'revive' : 'update';
  };
  return {
    entity_type: type,
    entity_id: id,
    earliest_update_id: events.length ? (events[events.length - 1] as Row).id : null,
    latest_update_id: events.length ? (events[0] as Row).id : null,
    updates: events.map((e) => ({
      id: e.id,
      created_at: threadTime(e.f['created_at']),
      created_by: isLink(e.f['user']) ? linkOut(site, e.f['user']) : null,
      meta: e.f['meta'] ?? {},
      primary_entity: primary,
      read: false,
      update_type: updateType(e),
    })),
  };
}

/** Follow, note-thread and activity-stream methods. */
export const socialMethods: Record<string, MethodHandler> = {
  follow: ({ site, payload }) => {
    const p = payloadObject('follow', payload);
    const user = liveRow(site, 'follow', optionalLink('follow', p, 'user'), 'user');
    const entity = liveRow(site, 'follow', optionalLink('follow', p, 'entity'), 'entity');
    if (user.type !== 'HumanUser') throw badInput("follow: 'user' must be a HumanUser");
    site.follows.add(followKey(user, entity));
    return { followed: true, user: linkOut(site, user), entity: linkOut(site, entity) };
  },
  unfollow: ({ site, payload }) => {
    const p = payloadObject('unfollow', payload);
    const user = liveRow(site, 'unfollow', optionalLink('unfollow', p, 'user'), 'user');
    const entity = liveRow(site, 'unfollow', optionalLink('unfollow', p, 'entity'), 'entity');
    site.follows.delete(followKey(user, entity));
    return { unfollowed: true, user: linkOut(site, user), entity: linkOut(site, entity) };
  },
  followers: ({ site, payload }) => {
    const p = payloadObject('followers', payload);
    const entity = liveRow(site, 'followers', optionalLink('followers', p, 'entity'), 'entity');
    const out: Record<string, unknown>[] = [];
    for (const key of site.follows) {
      const [userId, type, id] = key.split('|');
      if (type === entity.type && Number(id) === entity.id) {
        const user = site.store.getLive('HumanUser', Number(userId));
        if (user) out.push(userOut(site, user));
      }
    }
    return out;
  },
  following: ({ site, payload }) => {
    const p = payloadObject('following', payload);
    const user = liveRow(site, 'following', optionalLink('following', p, 'user'), 'user');
    const project = optionalLink('following', p, 'project');
    const entityType = p['entity_type'];
    if (entityType !== undefined && entityType !== null) site.schema.requireType(entityType);
    const out: LinkRef[] = [];
    for (const key of site.follows) {
      const [userId, type, id] = key.split('|');
      if (Number(userId) !== user.id || (entityType && type !== entityType)) continue;
      const row = site.store.getLive(type ?? '', Number(id));
      if (!row) continue;
      const rp = row.f['project'];
      if (project && !(isLink(rp) && rp.id === project.id) && !(row.type === 'Project' && row.id === project.id)) continue;
      out.push({ type: row.type, id: row.id });
    }
    return out;
  },
  note_thread_contents: noteThread,
  activity_stream: activityStream,
};
