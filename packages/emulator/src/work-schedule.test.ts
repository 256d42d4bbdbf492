import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const day = '2026-03-02'; // a Monday
const read = (extra: Record<string, unknown>): Promise<any> => t.call('work_schedule_read', t.script, { start_date: day, end_date: day, ...extra });

describe('work schedule arguments', () => {
  it('refuses a user that is not a HumanUser, and changes no HumanUser with that id', async () => {
    t.h.reset();
    const f = await t.fault('work_schedule_update', t.script, { date: day, working: false, description: 'off', project: null, user: { type: 'ApiUser', id: 1 } });
    expect(f.code).toBe(103);
    expect((await read({ user: { type: 'HumanUser', id: 1 } }))[day]).toEqual({ working: true, description: null, reason: 'STUDIO_WORK_WEEK' });
  });

  it('refuses a project that is not a Project, and changes no Project with that id', async () => {
    t.h.reset();
    const f = await t.fault('work_schedule_update', t.script, { date: day, working: false, description: 'off', project: { type: 'Shot', id: 1 }, user: null });
    expect(f.code).toBe(103);
    expect((await read({ project: { type: 'Project', id: 1 } }))[day]).toEqual({ working: true, description: null, reason: 'STUDIO_WORK_WEEK' });
  });

  it('refuses project and user together with fault 103, changing neither schedule', async () => {
    t.h.reset();
    const f = await t.fault('work_schedule_update', t.script, { date: day, working: false, description: 'off', project: { type: 'Project', id: 1 }, user: { type: 'HumanUser', id: 1 } });
    expect(f).toEqual({ code: 103, message: expect.stringContaining("'project' and 'user' can only be used exclusively of each other") });
    const usual = { working: true, description: null, reason: 'STUDIO_WORK_WEEK' };
    expect((await read({ user: { type: 'HumanUser', id: 1 } }))[day]).toEqual(usual);
    expect((await read({ project: { type: 'Project', id: 1 } }))[day]).toEqual(usual);
    expect((await read({ project: { type: 'Project', id: 1 }, user: { type: 'HumanUser', id: 1 } }))[day]).toEqual(usual);
  });

    it('refuses a description that is not text with fault 103, not an internal error', async () => {
    t.h.reset();
    for (const description of [{ toString: 1 }, ['a'], 5]) {
      const f = await t.fault('work_schedule_update', t.script, { date: day, working: false, description });
      expect(f.code).toBe(103);
      expect(f.message).not.toContain('Internal');
    }
    expect((await read({}))[day]).toMatchObject({ working: true, reason: 'STUDIO_WORK_WEEK' });
  });

  it('refuses to read the schedule of a user or project that is not one', async () => {
    for (const extra of [{ user: { type: 'ApiUser', id: 1 } }, { user: { type: 'HumanUser', id: 999 } }, { project: { type: 'Shot', id: 1 } }, { project: { type: 'Project', id: 999 } }]) {
      expect((await t.fault('work_schedule_read', t.script, { start_date: day, end_date: day, ...extra })).code).toBe(103);
    }
    expect((await read({ user: { type: 'HumanUser', id: 2 }, project: { type: 'Project', id: 1 } }))[day]).toMatchObject({ working: true });
  });
});

// The emulator does no task scheduling (README, Not emulated): recalculate_field is checked and accepted, and moves no Task.
describe('work_schedule_update recalculate_field', () => {
  it('accepts due_date and duration, records the day, and leaves the Tasks as they were', async () => {
    t.h.reset();
    const tasks = (): Promise<unknown> => t.call('read', t.script, { type: 'Task', return_fields: ['start_date', 'due_date', 'duration'] });
    const before = await tasks();
    for (const recalculate_field of ['due_date', 'duration']) {
      const echo = await t.call('work_schedule_update', t.script, { date: day, working: false, description: 'holiday', project: null, user: null, recalculate_field });
      expect(echo).toEqual({ date: day, description: 'holiday', project: null, user: null, working: false });
    }
    expect((await read({}))[day]).toEqual({ working: false, description: 'holiday', reason: 'STUDIO_EXCEPTION' });
    expect(await tasks()).toEqual(before);
    const f = await t.fault('work_schedule_update', t.script, { date: day, working: true, recalculate_field: 'start_date' });
    expect(f).toEqual({ code: 103, message: "work_schedule_update: 'recalculate_field' must be 'due_date' or 'duration'" });
  });
});
