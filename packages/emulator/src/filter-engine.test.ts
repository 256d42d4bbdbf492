import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const codes = async (filters: unknown): Promise<string[]> =>
  (await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters })).entities.map((e: { code: string }) => e.code);

describe('filter engine', () => {
  it("matches the 'type' pseudo-field the same with or without an index lookup", async () => {
    // Alone under "and" the condition may be answered from an index; under "or" every row is tested.
    expect(await codes(where(['type', 'is', 'Shot'], ['code', 'is', 'SQ010_0010']))).toEqual(['SQ010_0010']);
    expect(await codes(where(['type', 'in', 'Shot', 'Asset'], ['code', 'is', 'SQ010_0010']))).toEqual(['SQ010_0010']);
    const viaOr = await codes({ logical_operator: 'or', conditions: [{ path: 'type', relation: 'is', values: ['Shot'] }] });
    expect(await codes(where(['type', 'is', 'Shot']))).toEqual(viaOr);
    expect(viaOr).toHaveLength(6);
  });
});

describe('empty groups', () => {
  // README (Filters): `conditions: []` matches every row, whatever the group's operator. The Python client sends an
  // empty list with filter_operator "any" and expects every record.
  it('matches every row with an empty "or" group, at the top or nested in an "and"', async () => {
    const all = await codes({ logical_operator: 'and', conditions: [] });
    expect(all).toHaveLength(6);
    expect(await codes({ logical_operator: 'or', conditions: [] })).toEqual(all);
    const nested = { logical_operator: 'and', conditions: [{ path: 'code', relation: 'is', values: ['SQ010_0010'] }, { logical_operator: 'or', conditions: [] }] };
    expect(await codes(nested)).toEqual(['SQ010_0010']);
    expect(await codes({ logical_operator: 'or', conditions: [{ logical_operator: 'and', conditions: [] }] })).toEqual(all);
  });
});
