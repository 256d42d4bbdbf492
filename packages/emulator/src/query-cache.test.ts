import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntities } from './read-query.js';
import { Site } from './site.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

const shotFields = (code: string, project = 1): unknown[] => [{ field_name: 'code', value: code }, { field_name: 'project', value: { type: 'Project', id: project } }];

// The same scenarios with the read cache on (default) and off: both must give the same, always fresh, answers.
describe.each([
  ['cache on', 32],
  ['cache off', 0],
])('paged reads stay fresh (%s)', (_label, queryCacheSize) => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness({ rows: 40, queryCacheSize });
  });
  afterAll(() => t.h.close());

  const page = async (payload: Record<string, unknown>, n: number, per = 5): Promise<{ codes: string[]; count: number }> => {
    const r = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], paging: { entities_per_page: per, current_page: n }, ...payload });
    return { codes: r.entities.map((e: any) => e.code), count: r.paging_info.entity_count };
  };
  const byCode = { filters: where(['code', 'starts_with', 'R'], ['project', 'is', { type: 'Project', id: 1 }]), sorts: [{ field_name: 'code', direction: 'asc' }] };

  it('reflects a create, update, delete, revive and batch made between pages', async () => {
    const p1 = await page(byCode, 1);
    expect(p1).toEqual({ codes: ['R000001', 'R000002', 'R000003', 'R000004', 'R000005'], count: 40 });
    const created = await t.call('create', t.script, { type: 'Shot', fields: shotFields('R000000a') });
    expect(await page(byCode, 1)).toEqual({ codes: ['R000000a', 'R000001', 'R000002', 'R000003', 'R000004'], count: 41 });
    expect((await page(byCode, 2)).codes[0]).toBe('R000005');
    await t.call('update', t.script, { type: 'Shot', id: created.id, fields: [{ field_name: 'code', value: 'R9' }] });
    expect((await page(byCode, 1)).codes[0]).toBe('R000001');
    expect((await page(byCode, 9)).codes).toEqual(['R9']);
    await t.call('delete', t.script, { type: 'Shot', id: created.id });
    expect((await page(byCode, 9)).codes).toEqual([]);
    expect((await page(byCode, 8)).count).toBe(40);
    await t.call('revive', t.script, { type: 'Shot', id: created.id });
    expect((await page(byCode, 9)).codes).toEqual(['R9']);
    await t.call('batch', t.script, [
      { request_type: 'update', type: 'Shot', id: created.id, fields: [{ field_name: 'code', value: 'R000000b' }] },
      { request_type: 'delete', type: 'Shot', id: created.id },
    ]);
    expect((await page(byCode, 1)).codes[0]).toBe('R000001');
    expect((await page(byCode, 1)).count).toBe(40);
  });

  it('keeps answers unchanged after a failed (rolled back) batch, and fresh after the next write', async () => {
    const before = await page(byCode, 1);
    const f = await t.fault('batch', t.script, [
      { request_type: 'create', type: 'Shot', fields: shotFields('R0') },
      { request_type: 'update', type: 'Shot', id: 999_999, fields: [{ field_name: 'code', value: 'x' }] },
    ]);
    expect(f.code).toBe(103);
    expect(await page(byCode, 1)).toEqual(before);
    const created = await t.call('create', t.script, { type: 'Shot', fields: shotFields('R0') });
    expect((await page(byCode, 1)).codes[0]).toBe('R0');
    await t.call('delete', t.script, { type: 'Shot', id: created.id });
  });

  it('does not share entries between different filters, sorts, return_only or paging', async () => {
    const a = await page({ filters: where(['sg_cut_duration', 'greater_than', 100]), sorts: [{ field_name: 'code', direction: 'asc' }] }, 1, 100);
    const b = await page({ filters: where(['sg_cut_duration', 'greater_than', 150]), sorts: [{ field_name: 'code', direction: 'asc' }] }, 1, 100);
    const c = await page({ filters: where(['sg_cut_duration', 'greater_than', 150]), sorts: [{ field_name: 'code', direction: 'desc' }] }, 1, 100);
    const d = await page({ filters: where(['sg_cut_duration', 'greater_than', 150]), sorts: [{ field_name: 'code', direction: 'desc' }], return_only: 'retired' }, 1, 100);
    expect(a.count).toBeGreaterThan(b.count);
    expect(b.codes.every((code) => a.codes.includes(code))).toBe(true);
    expect(c.codes).toEqual([...b.codes].reverse());
    expect(d.codes.every((code) => !b.codes.includes(code))).toBe(true);
    const all = await page(byCode, 1, 100);
    const paged = [...(await page(byCode, 1, 15)).codes, ...(await page(byCode, 2, 15)).codes, ...(await page(byCode, 3, 15)).codes];
    expect(paged).toEqual(all.codes);
  });

  it('follows writes to other entity types that dotted paths, name operators and link sorts read', async () => {
    const dotted = { filters: where(['sg_sequence.Sequence.code', 'is', 'SQ010'], ['code', 'starts_with', 'R']) };
    const named = { filters: where(['sg_sequence', 'name_is', 'SQ010'], ['code', 'starts_with', 'R']) };
    const sorted = { filters: where(['code', 'in', 'R000001', 'R000002']), sorts: [{ field_name: 'sg_sequence', direction: 'asc' }] };
    expect((await page(dotted, 1)).count).toBe(20);
    expect((await page(named, 1)).count).toBe(20);
    expect((await page(sorted, 1)).codes).toEqual(['R000001', 'R000002']);
    await t.call('update', t.script, { type: 'Sequence', id: 1, fields: [{ field_name: 'code', value: 'SQ999' }] });
    expect((await page(dotted, 1)).count).toBe(0);
    expect((await page(named, 1)).count).toBe(0);
    expect((await page(sorted, 1)).codes).toEqual(['R000002', 'R000001']);
    await t.call('update', t.script, { type: 'Sequence', id: 1, fields: [{ field_name: 'code', value: 'SQ010' }] });
    expect((await page(dotted, 1)).count).toBe(20);
    expect((await page(sorted, 1)).codes).toEqual(['R000001', 'R000002']);
  });

  it('follows project archiving with include_archived_projects: false', async () => {
    const created = await t.call('create', t.script, { type: 'Shot', fields: shotFields('in_archived', 2) });
    const q = { filters: where(['code', 'is', 'in_archived']), include_archived_projects: false };
    expect((await page(q, 1)).count).toBe(0);
    await t.call('update', t.script, { type: 'Project', id: 2, fields: [{ field_name: 'archived', value: false }] });
    expect((await page(q, 1)).count).toBe(1);
    await t.call('update', t.script, { type: 'Project', id: 2, fields: [{ field_name: 'archived', value: true }] });
    expect((await page(q, 1)).count).toBe(0);
    await t.call('delete', t.script, { type: 'Shot', id: created.id });
  });

  it('follows schema changes and resets', async () => {
    const code = await t.call('schema_field_create', t.script, { type: 'Shot', data_type: 'number', properties: [{ property_name: 'name', value: 'Cache Probe' }] });
    const q = { filters: where([code, 'is', null], ['code', 'starts_with', 'R']) };
    expect((await page(q, 1)).count).toBe(40);
    await t.call('schema_field_delete', t.script, { type: 'Shot', field_name: code });
    expect((await t.fault('read', t.script, { type: 'Shot', return_fields: ['code'], ...q })).code).toBe(103);
    await t.call('create', t.script, { type: 'Shot', fields: shotFields('R_before_reset') });
    expect((await page(byCode, 1)).count).toBe(41);
    expect((await t.admin('reset', {})).status).toBe(200);
    expect((await page(byCode, 1)).count).toBe(40);
  });

  it('follows the emulator clock for relative-date filters', async () => {
    const created = await t.call('create', t.script, { type: 'Shot', fields: shotFields('clocked') });
    const inLast = { filters: where(['created_at', 'in_last', 1, 'DAY'], ['code', 'is', 'clocked']) };
    const today = { filters: where(['created_at', 'in_calendar_day', 0], ['code', 'is', 'clocked']) };
    expect((await page(inLast, 1)).count).toBe(1);
    expect((await page(today, 1)).count).toBe(1);
    t.h.advanceClock(2 * 86_400);
    expect((await page(inLast, 1)).count).toBe(0);
    expect((await page(today, 1)).count).toBe(0);
    t.h.advanceClock(-2 * 86_400);
    expect((await page(inLast, 1)).count).toBe(1);
    await t.call('delete', t.script, { type: 'Shot', id: created.id });
  });
});

describe('QueryCache', () => {
  const settings = { authMode: 'default' as const, fixtures: 'demo' as const, rows: 30, sessionIdleSeconds: 1800, pageSize: 500 };
  const read = (site: Site, payload: Record<string, unknown>): Record<string, unknown>[] => readEntities(site, { type: 'Shot', return_fields: ['code'], ...payload }).entities;

  it('answers later pages of a query from one scan, and rescans after a write', () => {
    const site = new Site(settings);
    const q = { filters: where(['code', 'starts_with', 'R']), sorts: [{ field_name: 'code', direction: 'desc' }] };
    for (let n = 1; n <= 3; n++) expect(read(site, { ...q, paging: { entities_per_page: 10, current_page: n } })).toHaveLength(10);
    expect(site.queryCache.stats).toMatchObject({ hits: 2, misses: 1, size: 1 });
    site.store.setField(site.store.get('Shot', 7)!, 'code', 'X');
    expect(read(site, { ...q, paging: { entities_per_page: 10, current_page: 3 } })).toHaveLength(9);
    expect(site.queryCache.stats).toMatchObject({ hits: 2, misses: 2 });
    // A write to another type leaves a query that reads only Shot rows cached.
    site.store.setField(site.store.get('Asset', 1)!, 'code', 'renamed');
    read(site, q);
    expect(site.queryCache.stats).toMatchObject({ hits: 3, misses: 2 });
  });

  it('never keeps relative-date queries, and drops the least recently used entry', () => {
    const site = new Site({ ...settings, queryCacheSize: 2 });
    const rel = { filters: where(['created_at', 'in_last', 1, 'DAY']) };
    read(site, rel);
    read(site, rel);
    expect(site.queryCache.stats).toMatchObject({ hits: 0, misses: 2, size: 0 });
    const q = (n: number): Record<string, unknown> => ({ filters: where(['sg_cut_duration', 'greater_than', n]) });
    read(site, q(1));
    read(site, q(2));
    read(site, q(1));
    read(site, q(3));
    expect(site.queryCache.stats.size).toBe(2);
    read(site, q(1));
    read(site, q(2));
    expect(site.queryCache.stats).toMatchObject({ hits: 2, misses: 6 });
  });
});
