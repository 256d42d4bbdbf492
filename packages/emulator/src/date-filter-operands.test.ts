import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const tasks = (...conditions: unknown[][]): Promise<any> => t.call('read', t.script, { type: 'Task', return_fields: ['start_date'], filters: where(...conditions) });

// rpc-protocol §1.7 and §1.8: a `date` is "YYYY-MM-DD" on the wire, in both directions, and the client sends a
// date with no timezone conversion; nothing in the protocol says a site takes a datetime for a date field. Local
// midnight of 5 January in Mumbai is 2026-01-04T18:30:00Z: cut to its UTC day it matched 4 January silently.
describe('filters on date fields take dates only', () => {
  const mumbaiMidnight = '2026-01-04T18:30:00Z';

  it.each([
    ['is', [mumbaiMidnight]],
    ['is_not', [mumbaiMidnight]],
    ['greater_than', [mumbaiMidnight]],
    ['between', [mumbaiMidnight, '2026-01-06']],
    ['in', ['2026-01-05', mumbaiMidnight]],
  ])("refuses a datetime operand of '%s' with 103 asking for YYYY-MM-DD", async (relation, values) => {
    const f = await t.fault('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(['start_date', relation, ...values]) });
    expect(f.code).toBe(103);
    expect(f.message).toContain("'start_date' is a date field: send the day as 'YYYY-MM-DD' (e.g. encodeDate(d) from @sg/core)");
    expect(f.message).toContain(mumbaiMidnight);
  });

  it('refuses it as a write of the same value to the field is refused', async () => {
    const w = await t.fault('update', t.script, { type: 'Task', id: 1, fields: [{ field_name: 'start_date', value: mumbaiMidnight }] });
    expect(w.code).toBe(103);
  });

  it('still matches the day sent as YYYY-MM-DD, and datetimes on date_time fields', async () => {
    expect((await tasks(['start_date', 'is', '2026-01-05'])).paging_info.entity_count).toBe(6);
    expect((await tasks(['start_date', 'between', '2026-01-05', '2026-01-05'])).paging_info.entity_count).toBe(6);
    expect((await tasks(['created_at', 'greater_than', mumbaiMidnight])).paging_info.entity_count).toBeGreaterThan(0);
  });
});
