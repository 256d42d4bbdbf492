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

// rpc-protocol §3.1/§3.2: in_last/in_next take a count of HOUR|DAY|WEEK|MONTH|YEAR. A month back from 31 March
// is the end of February, not 3 March (what rolling 31 February over gives), and a year back from 29 February
// is 28 February.
describe('relative months and years at month ends', () => {
  let s: Harness;
  let project: { type: string; id: number };
  beforeAll(async () => {
    s = await startHarness({ fixtures: 'empty', clock: '2026-01-01T00:00:00Z', clockFrozen: true });
    project = { type: 'Project', id: (await s.call('create', s.script, { type: 'Project', fields: [{ field_name: 'name', value: 'Ends' }] })).id };
    for (const due of ['2026-01-30', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-03', '2026-03-31', '2026-04-30', '2026-05-01', '2027-02-28', '2027-03-01']) {
      await s.call('create', s.script, { type: 'Task', fields: [{ field_name: 'content', value: due }, { field_name: 'due_date', value: due }, { field_name: 'project', value: project }] });
    }
  });
  afterAll(() => s.h.close());

  const dues = async (at: string, relation: string, n: number, unit: string): Promise<string[]> => {
    s.h.setClock(at, { frozen: true });
    const r = await s.call('read', s.script, { type: 'Task', return_fields: ['due_date'], filters: where(['due_date', relation, n, unit]), sorts: [{ field_name: 'due_date', direction: 'asc' }] });
    return r.entities.map((e: { due_date: string }) => e.due_date);
  };

  it('stops a month back from 31 March at the end of February', async () => {
    expect(await dues('2026-03-31T12:00:00Z', 'in_last', 1, 'MONTH')).toEqual(['2026-02-28', '2026-03-01', '2026-03-03', '2026-03-31']);
    expect(await dues('2026-03-31T12:00:00Z', 'not_in_last', 1, 'MONTH')).toEqual(['2026-01-30', '2026-02-27', '2026-04-30', '2026-05-01', '2027-02-28', '2027-03-01']);
  });

  it('stops a month on from 31 January at the end of February', async () => {
    expect(await dues('2026-01-31T12:00:00Z', 'in_next', 1, 'MONTH')).toEqual(['2026-02-27', '2026-02-28']);
    expect(await dues('2026-03-31T12:00:00Z', 'in_next', 1, 'MONTH')).toEqual(['2026-03-31', '2026-04-30']);
  });

  it('takes 28 February for a year back from 29 February', async () => {
    expect(await dues('2028-02-29T12:00:00Z', 'in_last', 1, 'YEAR')).toEqual(['2027-02-28', '2027-03-01']);
    expect(await dues('2027-02-28T12:00:00Z', 'in_next', 1, 'YEAR')).toEqual(['2027-02-28', '2027-03-01']);
  });

  it('does the same on date_time fields', async () => {
    s.h.setClock('2026-03-01T12:00:00Z', { frozen: true });
    const made = await s.call('create', s.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'made' }, { field_name: 'project', value: project }], return_fields: ['created_at'] });
    expect(made.created_at).toBe('2026-03-01T12:00:00Z');
    s.h.setClock('2026-03-31T13:00:00Z', { frozen: true });
    const r = await s.call('read', s.script, { type: 'Shot', return_fields: ['code'], filters: where(['created_at', 'in_last', 1, 'MONTH']) });
    expect(r.entities.map((e: { code: string }) => e.code)).toEqual(['made']);
  });
});
