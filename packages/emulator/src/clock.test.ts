import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from './cli-args.js';
import { startEmulator } from './server.js';
import { startHarness, where, type Harness } from './test-support/harness.js';
import type { EmulatorOptions } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-clock-'));
const started: Harness[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.h.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: EmulatorOptions): Promise<Harness> {
  const t = await startHarness(options);
  started.push(t);
  return t;
}

/** `GET /__emulator/clock` over HTTP. */
async function clockOf(t: Harness): Promise<{ now: string; frozen: boolean }> {
  return (await (await fetch(`${t.h.url}/__emulator/clock`)).json()) as { now: string; frozen: boolean };
}

/** `created_at` of a Shot created now, and the time of the event that records it. */
async function createdTimes(t: Harness, code: string): Promise<{ created: string; event: string }> {
  const shot = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: code }], return_fields: ['created_at'] });
  const events = await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['created_at'], filters: where(['entity', 'is', { type: 'Shot', id: shot.id }]) });
  return { created: shot.created_at, event: events.entities[0].created_at };
}

/** Shots created in the last `days` days of emulator clock (the fixtures are all from 2026-01-05). */
async function createdInLastDays(t: Harness, days: number): Promise<number> {
  const r = await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['created_at', 'in_last', days, 'DAY']) });
  return r.paging_info.entity_count;
}

describe('an absolute emulator clock', () => {
  it('starts where the clock option says and runs from there, so relative-date filters over the fixtures do not depend on the day', async () => {
    const t = await start({ clock: '2026-01-12T09:00:00Z' });
    const now = Date.parse((await clockOf(t)).now);
    expect(now).toBeGreaterThanOrEqual(Date.parse('2026-01-12T09:00:00Z'));
    expect(now).toBeLessThan(Date.parse('2026-01-12T10:00:00Z'));
    expect((await clockOf(t)).frozen).toBe(false);
    // 2026-01-05 is a week before: inside "the last 8 days", outside "the last 6".
    expect(await createdInLastDays(t, 8)).toBeGreaterThan(0);
    expect(await createdInLastDays(t, 6)).toBe(0);
  });

  it('holds created_at and event times at a frozen instant until the clock is moved', async () => {
    const t = await start({ clock: new Date('2026-01-12T09:00:00Z'), clockFrozen: true });
    expect(await clockOf(t)).toEqual({ now: '2026-01-12T09:00:00.000Z', frozen: true });
    expect(await createdTimes(t, 'first')).toEqual({ created: '2026-01-12T09:00:00Z', event: '2026-01-12T09:00:00Z' });
    t.h.advanceClock(90);
    expect(await createdTimes(t, 'second')).toEqual({ created: '2026-01-12T09:01:30Z', event: '2026-01-12T09:01:30Z' });
    expect(await clockOf(t)).toEqual({ now: '2026-01-12T09:01:30.000Z', frozen: true });
  });

  it('is set by POST /__emulator/clock {"at"} (running, or held with "frozen") and by setClock, next to the relative form', async () => {
    const t = await start({});
    let res = await t.admin('clock', { at: '2027-03-01T10:00:00+01:00', frozen: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ now: '2027-03-01T09:00:00.000Z', frozen: true });
    expect((await createdTimes(t, 'pinned')).created).toBe('2027-03-01T09:00:00Z');
    res = await t.admin('clock', { advanceSeconds: 3600 });
    expect(await res.json()).toEqual({ now: '2027-03-01T10:00:00.000Z', frozen: true });
    res = await t.admin('clock', { at: '2027-03-01T12:00:00Z' });
    const running = (await res.json()) as { now: string; frozen: boolean };
    expect(running.frozen).toBe(false);
    expect(Date.parse(running.now)).toBeGreaterThanOrEqual(Date.parse('2027-03-01T12:00:00Z'));
    t.h.setClock(new Date('2026-01-12T09:00:00Z'), { frozen: true });
    expect(await clockOf(t)).toEqual({ now: '2026-01-12T09:00:00.000Z', frozen: true });
    t.h.setClock('2026-01-13T00:00:00Z');
    expect((await clockOf(t)).frozen).toBe(false);
  });

  it('refuses a bad instant with 400, naming it and leaving the clock as it was', async () => {
    const t = await start({});
    t.h.setClock('2026-01-12T09:00:00Z', { frozen: true });
    for (const [body, message] of [
      [{ at: '2026-01-12T09:00:00' }, `'at' must be an ISO 8601 date-time with a time zone, such as "2026-01-12T09:00:00Z", or a Date; got "2026-01-12T09:00:00"`],
      [{ at: 'tomorrow' }, `'at' must be an ISO 8601 date-time with a time zone`],
      [{ at: 1_768_208_400_000 }, `got 1768208400000`],
      [{ at: '2026-02-30T00:00:00Z' }, `got "2026-02-30T00:00:00Z"`],
      [{ at: '1969-12-31T23:59:59Z' }, `'at' must be within the years 1970 to 9999, got "1969-12-31T23:59:59Z"`],
      [{ at: '2026-01-12T09:00:00Z', frozen: 'yes' }, `frozen must be true or false, got "yes"`],
      [{ at: '2026-01-12T09:00:00Z', advanceSeconds: 5 }, `not both`],
      [{}, `not neither`],
      [{ advanceSeconds: 5, frozen: true }, `'frozen' goes with 'at'`],
    ] as const) {
      const res = await t.admin('clock', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(message);
    }
    expect(() => t.h.setClock('next week')).toThrow('setClock must be an ISO 8601 date-time with a time zone');
    expect(() => t.h.setClock(new Date(Number.NaN))).toThrow('got an invalid Date');
    expect(await clockOf(t)).toEqual({ now: '2026-01-12T09:00:00.000Z', frozen: true });
  });

  it('refuses bad clock start options before listening, and --clock flags alike', async () => {
    const refusal = (options: Record<string, unknown>): Promise<unknown> => startEmulator(options as EmulatorOptions).then(async (h) => h.close().then(() => 'started'), (err: Error) => err.message);
    expect(await refusal({ clock: '2026-01-12' })).toBe('clock must be an ISO 8601 date-time with a time zone, such as "2026-01-12T09:00:00Z", or a Date; got "2026-01-12"');
    expect(await refusal({ clock: '10000-01-01T00:00:00Z' })).toContain('clock must be an ISO 8601 date-time');
    expect(await refusal({ clockFrozen: true })).toBe('clockFrozen needs clock: the instant to hold the clock at');
    expect(await refusal({ clock: '2026-01-12T09:00:00Z', clockFrozen: 'true' })).toBe('clockFrozen must be true or false, got "true"');
    expect(parseEmulatorArgs(['--clock', '2026-01-12T09:00:00Z', '--clock-frozen'])).toEqual({ clock: '2026-01-12T09:00:00Z', clockFrozen: true });
    expect(() => parseEmulatorArgs(['--clock=monday'])).toThrow('--clock must be an ISO 8601 date-time with a time zone');
    expect(() => parseEmulatorArgs(['--clock-frozen'])).toThrow('--clock-frozen needs --clock');
  });

  it('goes back to where it started on reset', async () => {
    const t = await start({ clock: '2026-01-12T09:00:00Z', clockFrozen: true });
    t.h.advanceClock(86_400);
    expect((await t.admin('reset', {})).status).toBe(200);
    expect(await clockOf(t)).toEqual({ now: '2026-01-12T09:00:00.000Z', frozen: true });
  });
});

describe('the clock with --data', () => {
  it('is saved, so a restart goes on from the saved clock; a clock start option takes precedence', async () => {
    const file = join(dir, 'clock.json');
    const a = await startHarness({ dataFile: file });
    a.h.setClock('2026-01-12T09:00:00Z', { frozen: true });
    await a.h.close();

    const b = await startHarness({ dataFile: file });
    expect(await clockOf(b)).toEqual({ now: '2026-01-12T09:00:00.000Z', frozen: true });
    expect((await b.admin('clock', { advanceSeconds: 60 })).status).toBe(200);
    await b.h.close();

    const c = await startHarness({ dataFile: file });
    expect(await clockOf(c)).toEqual({ now: '2026-01-12T09:01:00.000Z', frozen: true });
    await c.h.close();

    const d = await startHarness({ dataFile: file, clock: '2030-01-01T00:00:00Z', clockFrozen: true });
    expect(await clockOf(d)).toEqual({ now: '2030-01-01T00:00:00.000Z', frozen: true });
    await d.h.close();
  });
});
