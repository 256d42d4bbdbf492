import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness({ fixtures: 'empty' });
  const project = await t.call('create', t.script, { type: 'Project', fields: [{ field_name: 'name', value: 'Flags' }] });
  const make = (fields: Record<string, unknown>): Promise<unknown> =>
    t.call('create', t.script, { type: 'Version', fields: Object.entries({ ...fields, project: { type: 'Project', id: project.id } }).map(([field_name, value]) => ({ field_name, value })) });
  // v3 never has `flagged` written.
  await make({ code: 'v1', flagged: true });
  await make({ code: 'v2', flagged: false });
  await make({ code: 'v3' });
});
afterAll(() => t.h.close());

// rpc-protocol §1.8: a checkbox is a bool; reads and filters (§3.3 `is`) take the unwritten one as false, so
// grouping and sorting must too.
describe('a checkbox never written is false everywhere', () => {
  it('reads false and matches `is false`', async () => {
    const r = await t.call('read', t.script, { type: 'Version', return_fields: ['code', 'flagged'], filters: where(['flagged', 'is', false]) });
    expect(r.entities.map((e: { code: string; flagged: boolean }) => [e.code, e.flagged])).toEqual([['v2', false], ['v3', false]]);
  });

  it('groups with the false ones under `exact`', async () => {
    const r = await t.call('summarize', t.script, { type: 'Version', filters: where(), summaries: [{ field: 'id', type: 'count' }], grouping: [{ field: 'flagged', type: 'exact', direction: 'asc' }] });
    expect(r.groups.map((g: { group_value: unknown; summaries: { id: number } }) => [g.group_value, g.summaries.id])).toEqual([[false, 2], [true, 1]]);
  });

  it('sorts with the false ones, ties by id', async () => {
    const read = async (sorts: unknown[]): Promise<string[]> =>
      (await t.call('read', t.script, { type: 'Version', return_fields: ['code'], filters: where(), sorts })).entities.map((e: { code: string }) => e.code);
    expect(await read([{ field_name: 'flagged', direction: 'asc' }])).toEqual(['v2', 'v3', 'v1']);
    expect(await read([{ field_name: 'flagged', direction: 'desc' }, { field_name: 'code', direction: 'desc' }])).toEqual(['v1', 'v3', 'v2']);
  });
});
