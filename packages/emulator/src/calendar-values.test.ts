import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const shotWith = (createdAt: string): Record<string, unknown> => ({
  type: 'Shot',
  fields: [{ field_name: 'code', value: `calendar_${createdAt}` }, { field_name: 'created_at', value: createdAt }],
  return_fields: ['created_at'],
});

describe('datetimes that are not on the calendar', () => {
  it('refuses a day or hour that does not exist instead of rolling it over', async () => {
    for (const bad of ['2026-02-30T00:00:00Z', '2026-02-29T12:00:00Z', '2026-04-31T08:00:00Z', '2026-01-01T24:00:00Z']) {
      const f = await t.fault('create', t.script, shotWith(bad));
      expect(f.code).toBe(103);
      expect(f.message).toContain('Shot.created_at');
      const q = await t.fault('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['created_at', 'greater_than', bad]) });
      expect(q.message).toContain("'created_at' expects a datetime");
    }
  });

  it('still takes real calendar datetimes, leap days included', async () => {
    expect((await t.call('create', t.script, shotWith('2028-02-29T23:59:59Z'))).created_at).toBe('2028-02-29T23:59:59Z');
    expect((await t.call('create', t.script, shotWith('2026-03-01T00:00:00+01:00'))).created_at).toBe('2026-02-28T23:00:00Z');
  });
});
