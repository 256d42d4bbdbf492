import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const artist = { type: 'HumanUser', id: 2 };
const shot1 = { type: 'Shot', id: 1 };

describe('summarize', () => {
  it('computes summaries and nested groups', async () => {
    const r = await t.call('summarize', t.script, {
      type: 'Shot',
      filters: where(['project', 'is', { type: 'Project', id: 1 }]),
      summaries: [{ field: 'id', type: 'count' }, { field: 'sg_cut_duration', type: 'sum' }, { field: 'sg_cut_in', type: 'average' }, { field: 'created_at', type: 'latest' }, { field: 'sg_status_list', type: 'status_percentage', value: 'fin' }],
      grouping: [{ field: 'sg_sequence', type: 'exact', direction: 'desc' }, { field: 'sg_status_list', type: 'exact', direction: 'asc' }],
    });
    expect(r.summaries).toMatchObject({ id: 6, sg_cut_duration: 24 * (2 + 3 + 4 + 5 + 6 + 7) + 6, sg_cut_in: 1001, sg_status_list: 17 });
    expect(r.groups.map((g: any) => g.group_name)).toEqual(['SQ020', 'SQ010']);
    expect(r.groups[0].group_value).toMatchObject({ type: 'Sequence', name: 'SQ020' });
    expect(r.groups[1].groups.map((g: any) => g.group_name)).toEqual(['fin', 'ip', 'wtg']);
    expect(r.groups[1].summaries.id).toBe(3);
  });

  it('groups numbers and dates into buckets', async () => {
    const r = await t.call('summarize', t.script, { type: 'Shot', filters: where(), summaries: [{ field: 'id', type: 'record_count' }], grouping: [{ field: 'sg_cut_duration', type: 'hundreds' }] });
    expect(r.groups.map((g: any) => [g.group_name, g.summaries.id])).toEqual([['0 - 99', 3], ['100 - 199', 3]]);
    const d = await t.call('summarize', t.script, { type: 'Task', summaries: [{ field: 'id', type: 'count' }, { field: 'milestone', type: 'unchecked' }], grouping: [{ field: 'due_date', type: 'month' }, { field: 'entity', type: 'entitytype' }] });
    expect(d.summaries.milestone).toBe(26);
    expect(d.groups.length).toBeGreaterThan(0);
    expect((await t.fault('summarize', t.script, { type: 'Shot', summaries: [{ field: 'id', type: 'bogus' }] })).code).toBe(103);
  });
});

describe('follow, notes, activity', () => {
  it('follows and unfollows', async () => {
    expect(await t.call('follow', t.script, { user: artist, entity: shot1 })).toMatchObject({ followed: true, entity: { type: 'Shot', id: 1 } });
    expect(await t.call('followers', t.script, { entity: shot1 })).toEqual([{ type: 'HumanUser', id: 2, name: 'Arti Twofactor', status: 'act', valid: 'valid' }]);
    expect(await t.call('following', t.script, { user: artist, entity_type: 'Shot' })).toEqual([{ type: 'Shot', id: 1 }]);
    expect(await t.call('following', t.script, { user: artist, project: { type: 'Project', id: 2 } })).toEqual([]);
    expect((await t.call('unfollow', t.script, { user: artist, entity: shot1 })).unfollowed).toBe(true);
    expect(await t.call('followers', t.script, { entity: shot1 })).toEqual([]);
  });

  it('reads a note thread', async () => {
    const thread = await t.call('note_thread_contents', t.script, { note_id: 1, entity_fields: { Note: ['subject'] } });
    expect(thread.map((x: any) => x.type)).toEqual(['Note', 'Reply']);
    expect(thread[0]).toMatchObject({ subject: 'Timing on SQ010_0010', content: 'The hero arrives two frames early.' });
    expect(thread[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(thread[1].user).toMatchObject({ type: 'HumanUser', id: 2 });
  });

  it('reads the activity stream newest first', async () => {
    await t.call('update', t.script, { type: 'Shot', id: 5, fields: [{ field_name: 'description', value: 'changed' }] });
    const s = await t.call('activity_stream', t.script, { type: 'Shot', id: 5, limit: 10 });
    expect(s.updates[0]).toMatchObject({ update_type: 'update', primary_entity: { type: 'Shot', id: 5 } });
    expect(s.latest_update_id).toBe(s.updates[0].id);
  });
});

describe('site settings and misc', () => {
  it('reads preferences', async () => {
    expect(await t.call('preferences_read', t.script, { prefs: ['hours_per_day', 'nope'] })).toEqual({ hours_per_day: 8 });
  });

  it('reads and updates the work schedule', async () => {
    const week = await t.call('work_schedule_read', t.script, { start_date: '2026-03-06', end_date: '2026-03-08', project: null, user: null });
    expect(week['2026-03-06']).toMatchObject({ working: true, reason: 'STUDIO_WORK_WEEK' });
    expect(week['2026-03-07'].working).toBe(false);
    const echo = await t.call('work_schedule_update', t.script, { date: '2026-03-06', working: false, description: 'Holiday', project: null, user: artist, recalculate_field: null });
    expect(echo).toMatchObject({ date: '2026-03-06', working: false, description: 'Holiday' });
    expect((await t.call('work_schedule_read', t.script, { start_date: '2026-03-06', end_date: '2026-03-06', user: artist }))['2026-03-06']).toMatchObject({ working: false, reason: 'USER_EXCEPTION' });
    expect((await t.fault('work_schedule_read', t.script, { start_date: 5, end_date: '2026-01-01' })).message).toContain('YYYY-MM-DD');
  });

  it('creates and reads user subscriptions', async () => {
    expect(await t.call('user_subscriptions_create', t.script, { users: [{ humanUserId: 2, subscription: 'Flow Production Tracking' }] })).toEqual({ status: 'success' });
    expect(await t.call('user_subscriptions_read', t.script)).toEqual([{ humanUserId: 2, subscription: 'Flow Production Tracking' }]);
  });

  it('searches display names', async () => {
    const r = await t.call('query_display_name_cache', t.script, { text: 'sq01', entity_types: { Shot: { logical_operator: 'and', conditions: [] }, Sequence: { logical_operator: 'and', conditions: [] } }, project_ids: [], max_results: null });
    expect(r.matches.map((m: any) => `${m.type}:${m.name}`).sort()).toEqual(['Sequence:SQ010', 'Shot:SQ010_0010', 'Shot:SQ010_0020', 'Shot:SQ010_0030']);
    expect((await t.fault('query_display_name_cache', t.script, { text: 'sq', entity_types: { Shot: [] } })).code).toBe(103);
  });

  it('answers text_search matches shaped like the python-api example: links name a Task or Version entity, else two blanks', async () => {
    const all = { logical_operator: 'and', conditions: [] };
    const search = async (text: string, types: string[]): Promise<Record<string, unknown>[]> =>
      (await t.call('query_display_name_cache', t.script, { text, entity_types: Object.fromEntries(types.map((type) => [type, all])), project_ids: [], max_results: null })).matches;
    const [shot, version] = await search('SQ010_0010', ['Shot', 'Version']);
    expect(Object.keys(shot!).sort()).toEqual(['id', 'image', 'links', 'name', 'project_id', 'status', 'type']);
    expect(shot).toMatchObject({ type: 'Shot', name: 'SQ010_0010', project_id: 1, links: ['', ''], status: 'ip' });
    expect(version).toMatchObject({ type: 'Version', name: 'SQ010_0010_anim_v001', links: ['Shot', 'SQ010_0010'] });
    expect((await search('hero', ['Asset']))[0]).toMatchObject({ type: 'Asset', name: 'hero', links: ['', ''] });
    expect((await search('Model', ['Task']))[0]).toMatchObject({ type: 'Task', name: 'Model', links: ['Asset', 'hero'] });
  });

  it('exports a page as CSV', async () => {
    const res = await fetch(`${t.h.url}/api3/json`, { method: 'POST', body: JSON.stringify({ method_name: 'export_page', params: [t.script, { page_id: 1, format: 'csv', layout_name: null }] }) });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toBe('Id,Shot Code,Status,Description');
    expect(csv).toContain('SQ010_0010');
    expect((await t.fault('export_page', t.script, { page_id: 1 })).message).toBe("'format' missing");
    expect((await t.fault('export_page', t.script, { format: 'csv' })).message).toBe("'page_id' missing");
    expect((await t.fault('export_page', t.script, { page_id: 99, format: 'csv' })).message).toBe('Export for Page id=99 not available');
  });

  it('refuses a page_id that is not a number with the not-available fault, not an internal error', async () => {
    for (const page_id of [{ toString: 1 }, '1', [1]]) {
      const f = await t.fault('export_page', t.script, { page_id, format: 'csv', layout_name: null });
      expect(f).toEqual({ code: 103, message: `Export for Page id=${JSON.stringify(page_id)} not available` });
    }
  });

  it('refuses a layout_name, which no page of the emulator has, with the not-available fault; null exports the page', async () => {
    for (const layout_name of ['Default', '', 3]) {
      const f = await t.fault('export_page', t.script, { page_id: 1, format: 'csv', layout_name });
      expect(f).toEqual({ code: 103, message: `Export for Page id=1 layout_name=${JSON.stringify(layout_name)} not available: the emulator models no page layouts (send layout_name null or leave it out)` });
    }
    const res = await fetch(`${t.h.url}/api3/json`, { method: 'POST', body: JSON.stringify({ method_name: 'export_page', params: [t.script, { page_id: 1, format: 'csv' }] }) });
    expect(res.headers.get('content-type')).toContain('text/csv');
  });

  it('updates the project last-accessed time', async () => {
    const r = await t.call('update_project_last_accessed_by_current_user', t.script, { project_id: 1 });
    expect(r[0]).toMatchObject({ type: 'Project', id: 1 });
    const p = await t.call('read', t.script, { type: 'Project', return_fields: ['last_accessed_by_current_user'], filters: where(['id', 'is', 1]) });
    expect(p.entities[0].last_accessed_by_current_user).toBe(r[0].last_accessed_by_current_user);
  });
});
