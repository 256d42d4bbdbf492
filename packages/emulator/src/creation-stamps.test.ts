import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

const CLOCK = '2026-03-29T23:30:00Z';
let t: Harness;
beforeAll(async () => {
  t = await startHarness({ clock: CLOCK, clockFrozen: true });
});
afterAll(() => t.h.close());

const STAMPS = ['created_at', 'created_by', 'updated_at', 'updated_by'];
const shot = (code: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'Shot',
  fields: [{ field_name: 'code', value: code }, { field_name: 'project', value: { type: 'Project', id: 1 } }, ...Object.entries(extra).map(([field_name, value]) => ({ field_name, value }))],
  return_fields: STAMPS,
});
const readStamps = async (id: number): Promise<Record<string, unknown>> =>
  (await t.call('read', t.script, { type: 'Shot', return_fields: STAMPS, filters: where(['id', 'is', id]) })).entities[0];

// A null is how an import or a copy says "no value" for these: a row without a creation time or creator is missed
// by `in_last`, creation sorts and the "latest" presets, so the create stamps them as if they were not given.
describe('creation stamps written as null', () => {
  it('stamps the clock time and the caller for created_at: null and created_by: null', async () => {
    const plain = await t.call('create', t.script, shot('stamps_plain'));
    const nulls = await t.call('create', t.script, shot('stamps_null', { created_at: null, created_by: null, updated_at: null, updated_by: null }));
    for (const row of [nulls, await readStamps(nulls.id)]) {
      expect(row.created_at).toBe(CLOCK);
      expect(row.updated_at).toBe(CLOCK);
      expect(row.created_by).toEqual(plain.created_by);
      expect(row.updated_by).toEqual(plain.created_by);
    }
    expect(plain.created_by).toMatchObject({ type: 'ApiUser' });
    const recent = await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['id', 'is', nulls.id], ['created_at', 'in_last', 1, 'DAY']) });
    expect(recent.entities.map((e: { id: number }) => e.id)).toEqual([nulls.id]);
  });

  it('stamps the user a script acts for (sudo_as_login), as an unwritten created_by is', async () => {
    const s = await t.call('create', { ...t.script, sudo_as_login: 'coord' }, shot('stamps_sudo', { created_by: null }));
    expect(s.created_by).toMatchObject({ type: 'HumanUser' });
    expect(s.updated_by).toEqual(s.created_by);
  });

  it('stamps updated_at and updated_by on an update that writes them null', async () => {
    const s = await t.call('create', t.script, shot('stamps_update'));
    t.h.advanceClock(60);
    await t.call('update', { ...t.script, sudo_as_login: 'coord' }, { type: 'Shot', id: s.id, fields: [{ field_name: 'description', value: 'moved' }, { field_name: 'updated_at', value: null }, { field_name: 'updated_by', value: null }] });
    const row = await readStamps(s.id);
    expect(row.updated_at).toBe('2026-03-29T23:31:00Z');
    expect(row.updated_by).toMatchObject({ type: 'HumanUser' });
    expect(row.created_at).toBe(s.created_at);
    expect(row.created_by).toEqual(s.created_by);
  });

  it('still keeps a created_at and created_by that are given', async () => {
    const me = (await t.call('create', t.script, shot('stamps_given_ref'))).created_by;
    const coord = (await t.call('create', { ...t.script, sudo_as_login: 'coord' }, shot('stamps_coord'))).created_by;
    const s = await t.call('create', t.script, shot('stamps_given', { created_at: '2020-01-02T03:04:05Z', created_by: { type: coord.type, id: coord.id } }));
    expect(s.created_at).toBe('2020-01-02T03:04:05Z');
    expect(s.created_by).toMatchObject({ type: coord.type, id: coord.id });
    expect(s.updated_by).toEqual(me);
  });
});
