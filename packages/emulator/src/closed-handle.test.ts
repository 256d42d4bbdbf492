import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorClosedError } from './closed-error.js';
import { startHarness } from './test-support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-closed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `call` throws, or undefined. */
function attempt(call: () => unknown): unknown {
  try {
    call();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('a closed handle', () => {
  it('refuses reset(), so a stray afterEach cannot overwrite the file the next emulator on it saved', async () => {
    const file = join(dir, 'held.json');
    const a = await startHarness({ dataFile: file });
    await a.h.close();
    const b = await startHarness({ dataFile: file });
    try {
      await b.call('create', b.script, { type: 'Project', fields: [{ field_name: 'name', value: 'kept by b' }] });
      await sleep(100); // b's timed save
      expect(readFileSync(file, 'utf8')).toContain('kept by b');
      const thrown = attempt(() => a.h.reset());
      await sleep(50);
      expect(readFileSync(file, 'utf8')).toContain('kept by b');
      expect(thrown).toBeInstanceOf(EmulatorClosedError);
      // Nor once b is closed too and nothing holds the lock.
      await b.h.close();
      expect(attempt(() => a.h.reset())).toBeInstanceOf(EmulatorClosedError);
      await sleep(50);
      expect(readFileSync(file, 'utf8')).toContain('kept by b');
    } finally {
      await b.h.close();
    }
  });

  it('refuses every method that changes state, with an error that says the emulator was closed', async () => {
    const file = join(dir, 'methods.json');
    const t = await startHarness({ dataFile: file });
    await t.h.close();
    const saved = readFileSync(file, 'utf8');
    const calls: [string, () => unknown][] = [
      ['reset', () => t.h.reset()],
      ['setPat', () => t.h.setPat('coord', 'revoked')],
      ['advanceClock', () => t.h.advanceClock(60)],
      ['setClock', () => t.h.setClock('2026-01-12T09:00:00Z')],
      ['injectFault', () => t.h.injectFault({ status: 502 })],
      ['setLatency', () => t.h.setLatency(10)],
      ['approve', () => t.h.approve('x', 'admin')],
      ['deny', () => t.h.deny('x')],
      ['issueTwoFactorCode', () => t.h.issueTwoFactorCode('artist')],
    ];
    for (const [name, call] of calls) {
      const thrown = attempt(call);
      expect(thrown, name).toBeInstanceOf(EmulatorClosedError);
      expect((thrown as EmulatorClosedError).name).toBe('EmulatorClosedError');
      expect((thrown as EmulatorClosedError).method).toBe(name);
      expect((thrown as Error).message).toBe(`sg-emulator: ${name}() was called after close(): this emulator was closed (start a new one with startEmulator)`);
    }
    await sleep(50); // a re-armed save timer would have fired by now
    expect(readFileSync(file, 'utf8')).toBe(saved);
    // Reads of what it recorded keep working, and close() again settles as the first did.
    expect(Array.isArray(t.h.requests())).toBe(true);
    expect(t.h.stats().requestLog).toBe(0);
    await expect(t.h.close()).resolves.toBeUndefined();
  });

  it('refuses state changes as soon as close() is called, before its promise settles', async () => {
    const t = await startHarness({ dataFile: join(dir, 'closing.json') });
    const closing = t.h.close();
    expect(() => t.h.setPat('coord', 'revoked')).toThrow(EmulatorClosedError);
    await closing;
  });
});
