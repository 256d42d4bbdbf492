import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, where } from './test-support/harness.js';
import { received } from './test-support/received.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-pending-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shot = (code: string): Record<string, unknown> => ({ type: 'Shot', fields: [{ field_name: 'code', value: code }] });

describe('requests still waiting when the emulator closes or resets', () => {
  it('close() drops an update waiting out its fault delay: it never runs, so it cannot overwrite the next emulator\'s file', async () => {
    const file = join(dir, 'close.json');
    const a = await startHarness({ dataFile: file });
    a.h.injectFault({ method: 'update', delayMs: 200 });
    const arrived = received('/api3/json');
    const late = a.rpc('update', [a.script, { type: 'Shot', id: 1, fields: [{ field_name: 'code', value: 'late_from_a' }] }]).catch(() => 'dropped');
    await arrived;
    await a.h.close();
    expect(await late).toBe('dropped');

    const b = await startHarness({ dataFile: file });
    await b.call('create', b.script, shot('made_by_b'));
    await b.h.close();
    // Past the end of A's delay (and its save ~20 ms later): had the update run, its save would replace B's.
    await sleep(600);
    const saved = readFileSync(file, 'utf8');
    expect(saved).toContain('made_by_b');
    expect(saved).not.toContain('late_from_a');
  });

  it('a reset drops a create waiting out its fault delay: the reset site never holds it and the log starts afresh', async () => {
    const t = await startHarness();
    try {
      t.h.injectFault({ method: 'create', delayMs: 300 });
      const arrived = received('/api3/json');
      const late = t.rpc('create', [t.script, shot('late_create')]).then((r) => r, () => 'dropped');
      await arrived;
      expect((await t.admin('reset', {})).status).toBe(200);
      expect(await late).toBe('dropped');
      const found = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'is', 'late_create']) });
      expect(found.entities).toEqual([]);
      expect(t.h.requests().map((r) => [r.seq, r.method_name])).toEqual([[1, 'read']]);
    } finally {
      await t.h.close();
    }
  });

  it('a reset drops a request waiting out the latency: it is neither answered nor logged after the reset', async () => {
    const t = await startHarness({ latencyMs: 300 });
    try {
      const arrived = received('/api3/json');
      const late = t.rpc('read', [t.script, { type: 'Project', return_fields: ['name'] }]).then((r) => r, () => 'dropped');
      await arrived;
      t.h.reset();
      expect(await late).toBe('dropped');
      expect(t.h.requests()).toEqual([]);
    } finally {
      await t.h.close();
    }
  });
  it('lets any number of requests wait out their latency together without a possible-leak warning', async () => {
    const t = await startHarness({ latencyMs: 50 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const answers = await Promise.all(Array.from({ length: 15 }, () => t.rpc('info', [])));
      expect(answers).toHaveLength(15);
      // Node emits process warnings on the next tick.
      await sleep(20);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await t.h.close();
    }
  });
});
