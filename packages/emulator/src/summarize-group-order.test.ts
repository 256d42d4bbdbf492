import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness({ fixtures: 'empty' });
  const project = await t.call('create', t.script, { type: 'Project', fields: [{ field_name: 'name', value: 'Order' }] });
  const make = (type: string, fields: Record<string, unknown>): Promise<unknown> =>
    t.call('create', t.script, { type, fields: Object.entries({ ...fields, project: { type: 'Project', id: project.id } }).map(([field_name, value]) => ({ field_name, value })) });
  // Rows made out of order, one without a value made second, so insertion order is no sorted order.
  const shots = [['a', 5, 'zebra'], ['b', null, null], ['c', -5, 'Apple'], ['d', 0, '日本'], ['e', 100, null], ['f', -250, null]] as const;
  for (const [code, cutIn, description] of shots) await make('Shot', { code, sg_cut_in: cutIn, description });
  for (const due of ['2026-01-15', '2026-02-15', '2026-04-15', '2026-08-15', '2026-12-15', '2027-01-15', '2025-11-30']) await make('Task', { content: 'due', due_date: due });
});
afterAll(() => t.h.close());

const names = async (type: string, field: string, grouping: string, direction: 'asc' | 'desc'): Promise<string[]> => {
  const r = await t.call('summarize', t.script, { type, filters: where(), summaries: [{ field: 'id', type: 'count' }], grouping: [{ field, type: grouping, direction }] });
  return r.groups.map((g: { group_name: string }) => g.group_name);
};

// rpc-protocol §2.4: grouping items carry a direction, "asc" or "desc"; the groups come back in that order.
describe('summarize orders groups by what they stand for', () => {
  it('sorts number groups as numbers when some rows have no value, the empty group last ascending', async () => {
    expect(await names('Shot', 'sg_cut_in', 'exact', 'asc')).toEqual(['-250', '-5', '0', '5', '100', '']);
    expect(await names('Shot', 'sg_cut_in', 'exact', 'desc')).toEqual(['', '100', '5', '0', '-5', '-250']);
    expect(await names('Shot', 'sg_cut_in', 'tens', 'asc')).toEqual(['-250 - -241', '-10 - -1', '0 - 9', '100 - 109', '']);
    expect(await names('Shot', 'sg_cut_in', 'hundreds', 'desc')).toEqual(['', '100 - 199', '0 - 99', '-100 - -1', '-300 - -201']);
  });

  it('puts the empty group of a text grouping at the same end, after names of any script', async () => {
    expect(await names('Shot', 'description', 'exact', 'asc')).toEqual(['Apple', 'zebra', '日本', '']);
    expect(await names('Shot', 'description', 'exact', 'desc')).toEqual(['', '日本', 'zebra', 'Apple']);
  });

  it('sorts month and quarter groups by date, not by their names', async () => {
    const months = ['November 2025', 'January 2026', 'February 2026', 'April 2026', 'August 2026', 'December 2026', 'January 2027'];
    expect(await names('Task', 'due_date', 'month', 'asc')).toEqual(months);
    expect(await names('Task', 'due_date', 'month', 'desc')).toEqual([...months].reverse());
    const quarters = ['Q4 2025', 'Q1 2026', 'Q2 2026', 'Q3 2026', 'Q4 2026', 'Q1 2027'];
    expect(await names('Task', 'due_date', 'quarter', 'asc')).toEqual(quarters);
    expect(await names('Task', 'due_date', 'quarter', 'desc')).toEqual([...quarters].reverse());
    expect(await names('Task', 'due_date', 'week', 'asc')).toEqual(['Week of 2025-11-24', 'Week of 2026-01-12', 'Week of 2026-02-09', 'Week of 2026-04-13', 'Week of 2026-08-10', 'Week of 2026-12-14', 'Week of 2027-01-11']);
  });
});
