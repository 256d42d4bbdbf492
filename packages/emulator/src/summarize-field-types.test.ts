import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const count = [{ field: 'id', type: 'count' }];

describe('summarize refuses summaries and groupings a field type cannot carry', () => {
  it.each([
    ['status_list of a multi-entity field', { type: 'Shot', summaries: [{ field: 'assets', type: 'status_list' }] }, 'multi_entity'],
    ['status_list of an entity field', { type: 'Shot', summaries: [{ field: 'sg_sequence', type: 'status_list' }] }, 'entity'],
    ['sum of a text field', { type: 'Shot', summaries: [{ field: 'code', type: 'sum' }] }, 'text'],
    ['maximum of an entity field', { type: 'Shot', summaries: [{ field: 'sg_sequence', type: 'maximum' }] }, 'entity'],
    ['unchecked of a non-checkbox field', { type: 'Shot', summaries: [{ field: 'code', type: 'unchecked' }] }, 'text'],
    ['latest of a value through a multi-entity link', { type: 'Shot', summaries: [{ field: 'assets.Asset.created_at', type: 'latest' }] }, 'date_time'],
    ['firstletter of a multi-entity field', { type: 'Shot', summaries: count, grouping: [{ field: 'assets', type: 'firstletter' }] }, 'multi_entity'],
    ['firstletter of a number field', { type: 'Shot', summaries: count, grouping: [{ field: 'sg_cut_duration', type: 'firstletter' }] }, 'number'],
    ['week of a text field', { type: 'Shot', summaries: count, grouping: [{ field: 'code', type: 'week' }] }, 'text'],
    ['month of a status field', { type: 'Shot', summaries: count, grouping: [{ field: 'sg_status_list', type: 'month' }] }, 'status_list'],
    ['entitytype of a text field', { type: 'Shot', summaries: count, grouping: [{ field: 'code', type: 'entitytype' }] }, 'text'],
    ['hundreds of a text field, even when no row is selected', { type: 'Shot', summaries: count, grouping: [{ field: 'code', type: 'hundreds' }], filters: where(['id', 'is', 0]) }, 'text'],
  ])('%s → 103', async (_name, payload, dataType) => {
    const f = await t.fault('summarize', t.script, payload);
    expect(f.code).toBe(103);
    expect(f.message).toContain('not supported');
    expect(f.message).toContain(dataType);
  });

  it.each([
    ['summary', { type: 'Shot', summaries: [{ field: 'id', type: 'bogus' }] }],
    ['summary', { type: 'Shot', summaries: [{ field: 'id', type: 'toString' }] }],
    ['grouping', { type: 'Shot', summaries: count, grouping: [{ field: 'code', type: 'constructor' }] }],
  ])('an unknown %s type → 103, a name an object inherits included', async (kind, payload) => {
    const f = await t.fault('summarize', t.script, payload);
    expect(f.code).toBe(103);
    expect(f.message).toContain(`unknown ${kind} type`);
  });

  it('still answers the pairings that mean something', async () => {
    const r = await t.call('summarize', t.script, {
      type: 'Shot',
      summaries: [{ field: 'sg_status_list', type: 'status_list' }, { field: 'sg_cut_duration', type: 'maximum' }, { field: 'created_at', type: 'earliest' }, { field: 'assets', type: 'count' }],
      grouping: [{ field: 'sg_sequence', type: 'firstletter' }, { field: 'sg_sequence', type: 'entitytype' }],
    });
    expect(r.summaries).toMatchObject({ sg_status_list: { ip: 2, fin: 1 }, sg_cut_duration: 169, created_at: '2026-01-05T09:24:00Z', assets: 6 });
    expect(r.groups.map((g: any) => [g.group_name, g.groups.map((s: any) => s.group_name)])).toEqual([['S', ['Sequence']]]);
    const byStatusLetter = await t.call('summarize', t.script, { type: 'Shot', summaries: count, grouping: [{ field: 'sg_status_list', type: 'firstletter' }] });
    expect(byStatusLetter.groups.map((g: any) => g.group_name)).toEqual(['F', 'H', 'I', 'R', 'W']);
    const byAssets = await t.call('summarize', t.script, { type: 'Shot', summaries: count, grouping: [{ field: 'assets', type: 'exact' }] });
    expect(byAssets.groups.map((g: any) => g.group_name)).toEqual(['hero, sword', 'sidekick, forest']);
  });
});
