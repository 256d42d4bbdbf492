import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// update_project_last_accessed_by_current_user records when one user opened a project: each user reads their own
// time in Project.last_accessed_by_current_user, and recording it is no update of the Project.
let t: Harness;
beforeAll(async () => {
  t = await startHarness({ clock: '2026-01-12T09:00:00Z', clockFrozen: true });
});
afterAll(() => t.h.close());

const FIELD = 'last_accessed_by_current_user';
const as = (login: string | null): Record<string, unknown> => (login ? { ...t.script, sudo_as_login: login } : t.script);
const opened = async (login: string | null, project = 1): Promise<unknown> => {
  const r = await t.call('read', as(login), { type: 'Project', return_fields: [FIELD], filters: where(['id', 'is', project]) });
  return r.entities[0][FIELD];
};
const userId = async (login: string): Promise<number> => (await t.call('read', t.script, { type: 'HumanUser', return_fields: ['id'], filters: where(['login', 'is', login]) })).entities[0].id;

describe('Project.last_accessed_by_current_user per user', () => {
  it('gives each user their own time, null to one who never opened the project, and is no update of the Project', async () => {
    t.h.reset();
    const fields = [FIELD, 'updated_at', 'updated_by'];
    const before = await t.call('read', t.script, { type: 'Project', return_fields: fields, filters: where(['id', 'is', 1]) });
    const events = (await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['id'] })).entities.length;
    const stream = await t.call('activity_stream', t.script, { type: 'Project', id: 1, max_id: null, min_id: null, limit: null, entity_fields: {} });

    await t.call('update_project_last_accessed_by_current_user', as('coord'), { project_id: 1 });
    t.h.advanceClock(3600);
    await t.call('update_project_last_accessed_by_current_user', t.script, { project_id: 1, user_id: await userId('artist') });

    expect(await opened('coord')).toBe('2026-01-12T09:00:00Z');
    expect(await opened('artist')).toBe('2026-01-12T10:00:00Z');
    expect(await opened('admin')).toBeNull();
    expect(await opened(null)).toBeNull();
    expect(await opened('coord', 2)).toBeNull();
    const shot = await t.call('read', as('coord'), { type: 'Shot', return_fields: [`project.Project.${FIELD}`], filters: where(['id', 'is', 1]) });
    expect(shot.entities[0][`project.Project.${FIELD}`]).toBe('2026-01-12T09:00:00Z');

    expect(await t.call('read', t.script, { type: 'Project', return_fields: fields, filters: where(['id', 'is', 1]) })).toEqual(before);
    expect((await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['id'] })).entities).toHaveLength(events);
    expect(await t.call('activity_stream', t.script, { type: 'Project', id: 1, max_id: null, min_id: null, limit: null, entity_fields: {} })).toEqual(stream);
  });

  it("filters, sorts and summarizes on the reader's own times, whoever asked the same query before", async () => {
    t.h.reset();
    await t.call('update_project_last_accessed_by_current_user', as('coord'), { project_id: 2 });
    t.h.advanceClock(60);
    await t.call('update_project_last_accessed_by_current_user', as('coord'), { project_id: 1 });
    await t.call('update_project_last_accessed_by_current_user', as('artist'), { project_id: 2 });
    const query = { type: 'Project', return_fields: ['name'], filters: where([FIELD, 'is_not', null]), sorts: [{ field_name: FIELD, direction: 'desc' }] };
    const ids = async (login: string): Promise<number[]> => (await t.call('read', as(login), query)).entities.map((e: { id: number }) => e.id);
    for (let i = 0; i < 2; i++) {
      expect(await ids('coord')).toEqual([1, 2]);
      expect(await ids('artist')).toEqual([2]);
      expect(await ids('admin')).toEqual([]);
    }
    const latest = async (login: string): Promise<unknown> =>
      (await t.call('summarize', as(login), { type: 'Project', filters: where(), summaries: [{ field: FIELD, type: 'latest' }] })).summaries[FIELD];
    expect(await latest('coord')).toBe('2026-01-12T09:01:00Z');
    expect(await latest('admin')).toBeNull();
  });

  it("shows each reader their own time in activity_stream's and note_thread_contents' entity_fields", async () => {
    t.h.reset();
    await t.call('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'description', value: 'seen' }] });
    // A plain update stores one value on the row, what a user with no time of their own reads (and is the Project's
    // latest update).
    await t.call('update', t.script, { type: 'Project', id: 1, fields: [{ field_name: FIELD, value: '2020-01-01T00:00:00Z' }] });
    await t.call('update_project_last_accessed_by_current_user', as('coord'), { project_id: 1 });
    t.h.advanceClock(3600);
    await t.call('update_project_last_accessed_by_current_user', as('artist'), { project_id: 1 });
    const path = `project.Project.${FIELD}`;
    const stream = (login: string, type: string, fields: string[]): Promise<{ updates: { primary_entity: Record<string, unknown> }[] }> =>
      t.call('activity_stream', as(login), { type, id: 1, max_id: null, min_id: null, limit: 1, entity_fields: { [type]: fields } });
    const seen = async (login: string): Promise<unknown[]> => [
      (await stream(login, 'Project', [FIELD])).updates[0]!.primary_entity[FIELD],
      (await stream(login, 'Shot', [path])).updates[0]!.primary_entity[path],
      (await t.call('note_thread_contents', as(login), { note_id: 1, entity_fields: { Note: [path] } }))[0][path],
    ];
    expect(await seen('coord')).toEqual(Array(3).fill('2026-01-12T09:00:00Z'));
    expect(await seen('artist')).toEqual(Array(3).fill('2026-01-12T10:00:00Z'));
    expect(await seen('admin')).toEqual(Array(3).fill('2020-01-01T00:00:00Z'));
  });

  it('refuses a user_id that names no HumanUser, and forgets every time on reset', async () => {
    for (const user_id of [999999, 'artist']) {
      const f = await t.fault('update_project_last_accessed_by_current_user', t.script, { project_id: 1, user_id });
      expect(f).toEqual({ code: 103, message: `update_project_last_accessed: 'user_id' must be the id of a HumanUser that is not retired, got ${JSON.stringify(user_id)}` });
    }
    await t.call('update_project_last_accessed_by_current_user', as('coord'), { project_id: 1 });
    t.h.reset();
    expect(await opened('coord')).toBeNull();
  });

  it('keeps the times through a restart with --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-'));
    try {
      const file = join(dir, 'site.json');
      const a = await startHarness({ dataFile: file, clock: '2026-01-12T09:00:00Z', clockFrozen: true });
      await a.call('update_project_last_accessed_by_current_user', { ...a.script, sudo_as_login: 'coord' }, { project_id: 1 });
      await a.h.close();
      const b = await startHarness({ dataFile: file });
      const read = async (login: string): Promise<unknown> =>
        (await b.call('read', { ...b.script, sudo_as_login: login }, { type: 'Project', return_fields: [FIELD], filters: where(['id', 'is', 1]) })).entities[0][FIELD];
      expect(await read('coord')).toBe('2026-01-12T09:00:00Z');
      expect(await read('artist')).toBeNull();
      await b.h.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
