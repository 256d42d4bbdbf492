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
