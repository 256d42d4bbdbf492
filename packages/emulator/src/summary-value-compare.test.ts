import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
let seq: { type: string; id: number };
beforeAll(async () => {
  t = await startHarness({ fixtures: 'empty' });
  const project = { type: 'Project', id: (await t.call('create', t.script, { type: 'Project', fields: [{ field_name: 'name', value: 'Values' }] })).id };
  const make = async (type: string, fields: Record<string, unknown>): Promise<{ type: string; id: number }> => {
    const r = await t.call('create', t.script, { type, fields: Object.entries({ ...fields, project }).map(([field_name, value]) => ({ field_name, value })) });
    return { type, id: r.id };
  };
  seq = await make('Sequence', { code: 'SQ010' });
  await make('Shot', { code: 'alpha', sg_status_list: 'fin', sg_sequence: seq });
  await make('Shot', { code: 'Beta', sg_status_list: 'ip', sg_sequence: seq });
  await make('Shot', { code: 'charlie', sg_status_list: 'fin' });
  await make('Shot', { code: 'Delta', sg_status_list: 'wtg' });
});
afterAll(() => t.h.close());

const summary = async (field: string, type: string, extra: Record<string, unknown> = {}): Promise<unknown> =>
  (await t.call('summarize', t.script, { type: 'Shot', filters: where(), summaries: [{ field, type, ...extra }] })).summaries[field];

describe('summaries compare values as the emulator sorts and filters them', () => {
  // rpc-protocol §3.3: text comparisons on the server are case-insensitive; the emulator sorts text so too.
  it('takes the maximum and minimum of text case-insensitively, as stored', async () => {
    expect(await summary('code', 'maximum')).toBe('Delta');
    expect(await summary('code', 'minimum')).toBe('alpha');
    const desc = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(), sorts: [{ field_name: 'code', direction: 'desc' }] });
    expect(desc.entities[0].code).toBe(await summary('code', 'maximum'));
  });

  // rpc-protocol §2.4 (percentage, status_percentage) and §3.3 (`is` per data type): the share of rows equal to
  // `value` counts the rows an `is` filter with it selects.
  it('counts the rows an `is` filter matches for percentage and status_percentage', async () => {
    expect(await summary('sg_status_list', 'status_percentage', { value: 'FIN' })).toBe(50);
    expect(await summary('sg_status_list', 'percentage', { value: 'IP' })).toBe(25);
    expect(await summary('code', 'percentage', { value: 'ALPHA' })).toBe(25);
    expect(await summary('sg_sequence', 'percentage', { value: { type: seq.type, id: seq.id, name: 'SQ010' } })).toBe(50);
    const r = await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['sg_sequence', 'is', seq]) });
    expect(r.entities).toHaveLength(2);
  });

  it('refuses a value an `is` filter refuses, with 103', async () => {
    const f = await t.fault('summarize', t.script, { type: 'Shot', filters: where(), summaries: [{ field: 'sg_sequence', type: 'percentage', value: 'SQ010' }] });
    expect(f.code).toBe(103);
    expect(f.message).toContain('sg_sequence');
  });
});
