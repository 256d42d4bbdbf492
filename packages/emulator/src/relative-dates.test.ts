import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
  // Puts "now" after every fixture timestamp, whatever the wall clock says.
  t.h.advanceClock((Date.parse('2030-06-15T12:00:00Z') - Date.now()) / 1000);
});
afterAll(() => t.h.close());

const count = async (...conditions: unknown[][]): Promise<number> =>
  (await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(...conditions) })).paging_info.entity_count;

describe('relative-date operators far from today', () => {
  it('answers counts and offsets beyond the calendar instead of failing inside the emulator', async () => {
    const all = await count();
    // Every fixture lies in the past, so all of them are in a long enough "last" and none in any "next".
    expect(await count(['created_at', 'in_last', 1e12, 'YEAR'])).toBe(all);
    expect(await count(['created_at', 'in_last', Number.MAX_SAFE_INTEGER, 'HOUR'])).toBe(all);
    expect(await count(['created_at', 'not_in_last', 1e12, 'MONTH'])).toBe(0);
    expect(await count(['created_at', 'in_next', 1e12, 'DAY'])).toBe(0);
    expect(await count(['created_at', 'in_calendar_year', 1e12])).toBe(0);
    expect(await count(['created_at', 'in_calendar_day', -1e12])).toBe(0);
    expect(await count(['created_at', 'in_calendar_month', 1e15])).toBe(0);
    expect(await count(['created_at', 'in_calendar_week', 20_000 * 53])).toBe(0);
  });

  it('does the same for date fields', async () => {
    const r = await t.call('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(['start_date', 'in_next', 1e12, 'WEEK']) });
    expect(r.paging_info.entity_count).toBe(0);
    const f = await t.call('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(['start_date', 'in_calendar_year', 9000]) });
    expect(f.paging_info.entity_count).toBe(0);
  });
});
