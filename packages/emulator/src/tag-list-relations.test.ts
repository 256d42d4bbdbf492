import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
  await t.call('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'tag_list', value: ['hero', 'fx'] }] });
});
afterAll(() => t.h.close());

const read = (filters: unknown): Promise<any> => t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters });

// rpc-protocol §3.3: tag_list takes is, is_not, name_contains, name_not_contains and name_id; `in`/`not_in` were
// tested live on other types only, so the emulator refuses them here as any relation a data type does not take.
describe('tag_list relations', () => {
  it.each(['in', 'not_in'])("refuses '%s' with 103", async (relation) => {
    const f = await t.fault('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['tag_list', relation, 'fx']) });
    expect(f.code).toBe(103);
    expect(f.message).toBe(`The '${relation}' operator is not supported on the tag_list field Shot.tag_list`);
  });

  it('takes the relations the protocol lists', async () => {
    expect((await read(where(['tag_list', 'is', 'FX']))).entities.map((e: { id: number }) => e.id)).toEqual([1]);
    expect((await read(where(['tag_list', 'name_contains', 'her']))).entities.map((e: { id: number }) => e.id)).toEqual([1]);
    expect((await read(where(['tag_list', 'is_not', 'fx']))).entities.map((e: { id: number }) => e.id)).not.toContain(1);
  });
});
