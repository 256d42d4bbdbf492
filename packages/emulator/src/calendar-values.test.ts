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
  });
});

// rpc-protocol.md §1.7: a datetime on the wire is `YYYY-MM-DDTHH:MM:SSZ`, 20 characters, UTC, no milliseconds.
describe('datetimes in the wire form only', () => {
  const notWire = ['2026-03-01T00:00:00+01:00', '2026-03-01T00:00:00.000Z', '2026-03-01 00:00:00', '2026-03-01T00:00:00', '2026-03-01 00:00:00Z', '2026-03-01T00:00:00+00:00'];

  it('refuses other forms written into a date_time field, with a readable fault', async () => {
    for (const bad of notWire) {
      const f = await t.fault('create', t.script, shotWith(bad));
      expect(f.code).toBe(103);
      expect(f.message).toContain("Shot.created_at (date_time) expects a datetime string 'YYYY-MM-DDTHH:MM:SSZ' (20 characters, UTC, no milliseconds)");
    }
    const u = await t.fault('update', t.script, { type: 'Project', id: 1, fields: [{ field_name: 'last_accessed_by_current_user', value: '2026-03-01T00:00:00.123Z' }] });
    expect(u.code).toBe(103);
  });

  it('refuses other forms in filters on date_time fields', async () => {
    for (const bad of notWire) {
      for (const filter of [['created_at', 'greater_than', bad], ['created_at', 'between', bad, '2027-01-01T00:00:00Z'], ['created_at', 'in', bad]]) {
        const q = await t.fault('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(filter) });
        expect(q.code).toBe(103);
        expect(q.message).toContain("'created_at' expects a datetime 'YYYY-MM-DDTHH:MM:SSZ' (20 characters, UTC, no milliseconds)");
      }
    }
  });

  it('keeps the wire datetime, dates on date fields and the relative-date operators', async () => {
    expect((await t.call('create', t.script, shotWith('2026-03-01T00:00:00Z'))).created_at).toBe('2026-03-01T00:00:00Z');
    const count = async (...c: unknown[][]): Promise<number> => (await t.call('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(...c) })).paging_info.entity_count;
    expect(await count(['created_at', 'greater_than', '2026-01-05T09:00:00Z'])).toBeGreaterThan(0);
    expect(await count(['start_date', 'is', '2026-01-05'])).toBe(6);
    expect(await count(['created_at', 'in_last', 1, 'DAY'])).toBe(0);
    expect(await count(['start_date', 'in_calendar_year', 0])).toBeGreaterThanOrEqual(0);
  });
});
