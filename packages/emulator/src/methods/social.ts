import { compilePath, formatRow, linkOut } from '../entity-format.js';
import { badInput } from '../errors.js';
import { viewerOf } from '../last-accessed.js';
import type { Site } from '../site.js';
import { isLink, type LinkRef, type Row } from '../store.js';
import { optionalLink, payloadObject, requireInt } from './payload.js';
import { activityStream } from './activity-stream.js';
import { entityFieldPaths, threadTime, userOut, userRef } from './thread-format.js';
import type { MethodCall, MethodHandler } from './types.js';

function liveRow(site: Site, method: string, link: LinkRef | undefined, what: string): Row {
  if (!link) throw badInput(`${method}: '${what}' missing (expected an entity hash {type, id})`);
  site.schema.requireType(link.type);
  const row = site.store.getLive(link.type, link.id);
  if (!row) throw badInput(`${method}: ${link.type} with id ${link.id} does not exist`);
  return row;
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
  const extra = entityFieldPaths(site, 'note_thread_contents', p['entity_fields'], viewerOf(site, call.principal));
  const item = (row: Row, base: string[]): Record<string, unknown> => {
    const out = formatRow(site, row, [...base.map((f) => compilePath(site.schema, site.store, row.type, f)), ...extra(row.type)]);
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
  // The author of each item as note_thread_read's docstring shows it (with `status` and `valid`); a Reply's also
  // carries the user's `image` (the python-api tests read it there).
  const withUser = (out: Record<string, unknown>, row: Row, field: string, image: boolean): Record<string, unknown> => {
    const u = row.f[field];
    if (isLink(u)) out[field] = userRef(site, u, { image, valid: true });
    return out;
  };
  return items.map((row) => {
    if (row.type === 'Note') return withUser(item(row, ['content', 'created_by']), row, 'created_by', false);
    if (row.type === 'Reply') return withUser(item(row, ['content', 'user']), row, 'user', true);
    return withUser(item(row, ['created_by']), row, 'created_by', false);
  });
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
