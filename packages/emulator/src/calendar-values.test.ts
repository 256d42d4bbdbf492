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
      expect(q.code).toBe(103);
      expect(q.message).toContain(`'created_at': '${bad}' is not on the calendar`);
    }
  });

  // The value has the wire form, so a fault saying it needs that form sends the caller looking in the wrong place.
  it('says what is wrong with a value of the right form: the day or the time of day, not the form', async () => {
    const task = (start: string): Record<string, unknown> => ({ type: 'Task', fields: [{ field_name: 'content', value: 'off calendar' }, { field_name: 'project', value: { type: 'Project', id: 1 } }, { field_name: 'start_date', value: start }] });
    const wrote = async (payload: Record<string, unknown>): Promise<string> => {
      const f = await t.fault('create', t.script, payload);
      expect(f.code).toBe(103);
      return f.message;
    };
    const filtered = async (...c: unknown[]): Promise<string> => {
      const f = await t.fault('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(c) });
      expect(f.code).toBe(103);
      return f.message;
    };
    expect(await wrote(task('2026-02-30'))).toBe("Task.start_date (date): '2026-02-30' is not a calendar day (2026-02 has 28 days)");
    expect(await wrote(task('2026-04-31'))).toBe("Task.start_date (date): '2026-04-31' is not a calendar day (2026-04 has 30 days)");
    expect(await wrote(task('2026-13-01'))).toBe("Task.start_date (date): '2026-13-01' is not a calendar day (months run 01 to 12)");
    expect(await wrote(shotWith('2026-02-30T10:00:00Z'))).toBe("Shot.created_at (date_time): '2026-02-30T10:00:00Z' is not on the calendar: 2026-02-30 is not a calendar day (2026-02 has 28 days)");
    expect(await wrote(shotWith('2026-01-01T24:00:00Z'))).toBe("Shot.created_at (date_time): '2026-01-01T24:00:00Z' is not on the calendar: 24:00:00 is not a time of day (00:00:00 to 23:59:59)");
    expect(await wrote(shotWith('2026-06-30T23:59:60Z'))).toBe("Shot.created_at (date_time): '2026-06-30T23:59:60Z' is not on the calendar: 23:59:60 is not a time of day (00:00:00 to 23:59:59)");
    expect(await filtered('start_date', 'is', '2026-02-30')).toBe("'start_date': '2026-02-30' is not a calendar day (2026-02 has 28 days)");
    expect(await filtered('start_date', 'between', '2026-02-01', '2026-02-30')).toBe("'start_date': '2026-02-30' is not a calendar day (2026-02 has 28 days)");
    expect(await filtered('created_at', 'greater_than', '2026-02-30T10:00:00Z')).toBe("'created_at': '2026-02-30T10:00:00Z' is not on the calendar: 2026-02-30 is not a calendar day (2026-02 has 28 days)");
    expect(await filtered('created_at', 'less_than', '2026-01-01T00:60:00Z')).toBe("'created_at': '2026-01-01T00:60:00Z' is not on the calendar: 00:60:00 is not a time of day (00:00:00 to 23:59:59)");
    // A date is taken on a date_time field in a filter (midnight UTC), so its day is checked the same way.
    expect(await filtered('created_at', 'is', '2026-02-30')).toBe("'created_at': '2026-02-30' is not a calendar day (2026-02 has 28 days)");
  });

  it('keeps the form fault for values that do not have the form, whatever their day', async () => {
    const task = { type: 'Task', fields: [{ field_name: 'content', value: 'x' }, { field_name: 'project', value: { type: 'Project', id: 1 } }, { field_name: 'start_date', value: '2026-02-30T00:00:00Z' }] };
    expect((await t.fault('create', t.script, task)).message).toBe("Task.start_date (date) expects a date string 'YYYY-MM-DD' or null, got \"2026-02-30T00:00:00Z\"");
    const q = await t.fault('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(['start_date', 'is', '2026-2-3']) });
    expect(q.message).toBe("'start_date' expects a date 'YYYY-MM-DD', got \"2026-2-3\"");
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
