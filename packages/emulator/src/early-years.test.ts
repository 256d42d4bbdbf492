import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// Years 0–99 are years of their own, not 1900–1999 (what `Date.UTC` makes of them).
let t: Harness;
beforeAll(async () => {
  t = await startHarness();
  t.h.advanceClock((Date.parse('2026-06-15T12:00:00Z') - Date.now()) / 1000);
});
afterAll(() => t.h.close());

describe('years 0–99', () => {
  it('refuse a date of one of them as before 1970, not as no date at all', async () => {
    for (const value of ['0001-01-01', '0099-12-31', '0000-02-29']) {
      const fault = await t.fault('create', t.script, { type: 'Task', fields: [{ field_name: 'start_date', value }] });
      expect(fault.message).toContain('dates before 1970 are not supported');
    }
  });

  it('are the calendar year of an in_calendar_year offset that reaches them', async () => {
    const task = await t.call('create', t.script, { type: 'Task', fields: [{ field_name: 'content', value: 'in 1976' }, { field_name: 'start_date', value: '1976-06-01' }] });
    const years = async (offset: number): Promise<number[]> =>
      (await t.call('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(['start_date', 'in_calendar_year', offset], ['id', 'is', task.id]) })).entities.map((e: { id: number }) => e.id);
    expect(await years(-50)).toEqual([task.id]);
    // 2026 - 1950 is the year 76, not 1976.
    expect(await years(-1950)).toEqual([]);
  });
});

describe('the clock setting', () => {
  it('refuses 29 February of year 0 (a leap year) as out of range, not as off the calendar', async () => {
    await expect(startHarness({ clock: '0000-02-29T00:00:00Z' })).rejects.toThrow('clock must be within the years 1970 to 9999, got "0000-02-29T00:00:00Z"');
  });
});
