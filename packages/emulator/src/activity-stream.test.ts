import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const project = { type: 'Project', id: 1 };
const shot1 = { type: 'Shot', id: 1 };
const admin = { user_login: 'admin', user_password: 'admin-pass-1' };
const stream = (type: string, id: number, more: Record<string, unknown> = {}): Promise<any> =>
  t.call('activity_stream', t.script, { type, id, max_id: null, min_id: null, limit: null, entity_fields: {}, ...more });
const create = async (type: string, fields: Record<string, unknown>, auth: Record<string, unknown> = t.script): Promise<{ type: string; id: number }> => {
  const row = await t.call('create', auth, { type, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value })), return_fields: ['id'] });
  return { type, id: row.id as number };
};

describe('activity_stream', () => {
  it("shows a Project the creation of a Version in it, by a user given with image and status", async () => {
    const version = await create('Version', { code: 'stream_v001', project, entity: shot1 }, admin);
    const s = await stream('Project', 1);
    expect(s.updates).toHaveLength(1);
    const [u] = s.updates;
    expect(u).toMatchObject({
      update_type: 'create',
      meta: { type: 'new_entity', entity_type: 'Version', entity_id: version.id },
      primary_entity: { type: 'Version', id: version.id, name: 'stream_v001', status: 'rev' },
      read: false,
    });
    expect(u.created_by).toEqual({ type: 'HumanUser', id: 1, name: expect.any(String), status: 'act', image: null });
    expect(u.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect([s.earliest_update_id, s.latest_update_id]).toEqual([u.id, u.id]);
  });

  it("shows a Shot what links to it: its Versions, its Notes and their replies, newest first", async () => {
    const version = await create('Version', { code: 'linked_v001', project, entity: shot1 });
    await create('Version', { code: 'other_shot_v001', project, entity: { type: 'Shot', id: 2 } });
    const note = await create('Note', { subject: 'on shot 1', content: 'x', project, note_links: [shot1] });
    const reply = await create('Reply', { entity: note, content: 'done' });
    await t.call('update', t.script, { type: 'Version', id: version.id, fields: [{ field_name: 'description', value: 'only on the Version stream' }] });
    await t.call('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'description', value: 'own change' }] });

    const s = await stream('Shot', 1);
    expect(s.updates.map((u: any) => [u.update_type, u.primary_entity.type, u.primary_entity.id])).toEqual([
      ['update', 'Shot', 1],
      ['create_reply', 'Note', note.id],
      ['create', 'Note', note.id],
      ['create', 'Version', version.id],
    ]);
    expect(s.updates[0].meta).toMatchObject({ type: 'attribute_change', attribute_name: 'description', new_value: 'own change' });
    expect(s.updates[1].meta).toMatchObject({ type: 'new_entity', entity_type: 'Reply', entity_id: reply.id });
    const ids = s.updates.map((u: any) => u.id);
    expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);

    const p = await stream('Project', 1);
    expect(p.updates.map((u: any) => u.update_type)).toEqual(['update', 'update', 'create_reply', 'create', 'create', 'create']);
  });

  it('pages with limit, max_id and min_id, both ends included', async () => {
    for (const code of ['a', 'b', 'c', 'd']) await create('Version', { code, project, entity: shot1 });
    const all = (await stream('Shot', 1)).updates.map((u: any) => u.id);
    expect(all).toHaveLength(4);
    const page1 = await stream('Shot', 1, { limit: 2 });
    expect(page1.updates.map((u: any) => u.id)).toEqual(all.slice(0, 2));
    const page2 = await stream('Shot', 1, { limit: 2, max_id: page1.earliest_update_id - 1 });
    expect(page2.updates.map((u: any) => u.id)).toEqual(all.slice(2));
    const topUp = await stream('Shot', 1, { min_id: all[1] });
    expect(topUp.updates.map((u: any) => u.id)).toEqual(all.slice(0, 2));
    expect(await stream('Shot', 1, { min_id: all[0] + 1 })).toMatchObject({ updates: [], earliest_update_id: null, latest_update_id: null });
  });

  it('adds the entity_fields of each primary entity type', async () => {
    await create('Version', { code: 'fields_v001', project, entity: shot1, description: 'desc' });
    await t.call('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'description', value: 'shot desc' }] });
    const s = await stream('Shot', 1, { entity_fields: { Version: ['description'], Shot: ['description'] } });
    expect(s.updates.map((u: any) => u.primary_entity)).toEqual([
      { type: 'Shot', id: 1, name: expect.any(String), status: expect.anything(), description: 'shot desc' },
      { type: 'Version', id: expect.any(Number), name: 'fields_v001', status: 'rev', description: 'desc' },
    ]);
  });
});

describe('note_thread_contents users', () => {
  it('gives created_by and a Reply user their status and valid', async () => {
    const note = await create('Note', { subject: 's', content: 'c', project }, admin);
    await create('Reply', { entity: note, content: 'r', user: { type: 'HumanUser', id: 1 } }, admin);
    const thread = await t.call('note_thread_contents', t.script, { note_id: note.id });
    expect(thread[0].created_by).toEqual({ type: 'HumanUser', id: 1, name: expect.any(String), status: 'act', valid: 'valid' });
    expect(thread[1].user).toEqual({ type: 'HumanUser', id: 1, name: expect.any(String), status: 'act', valid: 'valid', image: null });
  });
});
