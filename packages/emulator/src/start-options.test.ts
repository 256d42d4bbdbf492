import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorOptionError } from './option-error.js';
import { startEmulator } from './server.js';
import { startHarness, where, type Harness } from './test-support/harness.js';
import type { EmulatorOptions } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

/** The message startEmulator refuses `options` with (it must refuse them). */
async function refusal(options: Record<string, unknown>): Promise<string> {
  let handle;
  try {
    handle = await startEmulator(options as EmulatorOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(EmulatorOptionError);
    return (err as Error).message;
  }
  await handle.close();
  throw new Error(`startEmulator accepted ${JSON.stringify(options)} and listened on ${handle.url}`);
}

describe('startEmulator option checks (the ranges the CLI enforces)', () => {
  it('refuses a port that is not an integer from 0 to 65535, rather than listening on a Unix socket', async () => {
    expect(await refusal({ port: '8080x' })).toBe('port must be an integer from 0 to 65535, got "8080x"');
    expect(await refusal({ port: 70000 })).toBe('port must be an integer from 0 to 65535, got 70000');
    expect(await refusal({ port: 80.5 })).toContain('got 80.5');
    expect(await refusal({ port: {} })).toBe('port must be an integer from 0 to 65535, got an object');
  });

  it('refuses a page size outside 1–100000 (0 would make a client page for ever)', async () => {
    for (const pageSize of [0, -1, 2.5, 100_001, '50']) {
      expect(await refusal({ pageSize })).toMatch(/^pageSize must be an integer from 1 to 100000, got /);
    }
  });

  it('refuses a session idle time below 1 s or not a number', async () => {
    for (const sessionIdleSeconds of [0, -1, 'x']) {
      expect(await refusal({ sessionIdleSeconds })).toMatch(/^sessionIdleSeconds must be an integer from 1 to 31536000, got /);
    }
  });

  it('refuses a latency outside 0–600000 ms or given as text', async () => {
    expect(await refusal({ latencyMs: '100' })).toBe('latencyMs must be an integer from 0 to 600000, got "100"');
    expect(await refusal({ latencyMs: 3e9 })).toBe('latencyMs must be an integer from 0 to 600000, got 3000000000');
  });

  it('refuses a data file that is not a non-empty path, writing nothing', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await refusal({ dataFile: 42 })).toBe('dataFile must be a file path (a non-empty string), got 42');
      expect(await refusal({ dataFile: '' })).toBe('dataFile must be a file path (a non-empty string), got ""');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('checks the values given to a running site: setLatency, POST /__emulator/latency and advanceClock', async () => {
    expect(() => t.h.setLatency('300' as never)).toThrow('latencyMs must be an integer from 0 to 600000, got "300"');
    const res = await t.admin('latency', { ms: 3e9 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "'ms' must be an integer from 0 to 600000, got 3000000000" });
    const before = (await (await fetch(`${t.h.url}/__emulator/clock`)).json()) as { now: string };
    expect(() => t.h.advanceClock('60' as never)).toThrow('The emulator clock moves by a finite number of seconds, got "60"');
    expect(() => t.h.advanceClock(undefined as never)).toThrow('The emulator clock moves by a finite number of seconds, got undefined');
    const after = (await (await fetch(`${t.h.url}/__emulator/clock`)).json()) as { now: string };
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeLessThan(60_000);
    // The site still answers at once: no latency was set by the refused calls.
    const read = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['id', 'is', 1]) });
    expect(read.entities).toHaveLength(1);
  });

  // Every refusal was a plain Error, so a caller (the @sg/testing kit) could not tell a bad option from a start
  // that failed for another reason (a data file in use, a port taken).
  it('refuses each start option with an EmulatorOptionError naming it, and nothing else', async () => {
    const refused = async (options: Record<string, unknown>): Promise<unknown> => startEmulator(options as EmulatorOptions).then(async (h) => h.close(), (err: unknown) => err);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ authMode: 'nope' }, 'authMode'], [{ fixtures: 'all' }, 'fixtures'], [{ port: 'x' }, 'port'], [{ rows: -1 }, 'rows'],
      [{ latencyMs: '1' }, 'latencyMs'], [{ sessionIdleSeconds: 0 }, 'sessionIdleSeconds'], [{ pageSize: 0 }, 'pageSize'],
      [{ queryCacheSize: -1 }, 'queryCacheSize'], [{ host: '' }, 'host'], [{ dataFile: 42 }, 'dataFile'], [{ allowedHosts: 'x' }, 'allowedHosts'],
      [{ logger: 'x' }, 'logger'], [{ appSessionLauncher: 'yes' }, 'appSessionLauncher'], [{ basePath: 'sg' }, 'basePath'],
      [{ reverseLinks: 'Task.entity' }, 'reverseLinks'], [{ reverseLinks: [{ field: '*.tasks', reverse: 'Task.entity' }] }, 'reverseLinks'],
      [{ clock: 'soon' }, 'clock'], [{ clockFrozen: true }, 'clockFrozen'],
    ];
    for (const [options, option] of cases) {
      const err = await refused(options);
      expect(err, JSON.stringify(options)).toBeInstanceOf(EmulatorOptionError);
      expect(err).toMatchObject({ name: 'EmulatorOptionError', option, unknown: false });
    }
    const file = join(dir, 'held.json');
    const held = await startEmulator({ dataFile: file });
    try {
      const locked = await refused({ dataFile: file });
      expect((locked as Error).message).toMatch(/is in use by another sg-emulator/);
      expect(locked).not.toBeInstanceOf(EmulatorOptionError);
      const taken = await refused({ port: Number(new URL(held.url).port) });
      expect(taken).toMatchObject({ code: 'EADDRINUSE' });
      expect(taken).not.toBeInstanceOf(EmulatorOptionError);
    } finally {
      await held.close();
    }
  });

  // Unknown keys were ignored: `{ data: file }` (the CLI's flag name) started a site with no persistence at all.
  it('refuses an unknown option, naming it and the option meant when it is a CLI flag name or a near miss', async () => {
    const file = join(dir, 'unknown.json');
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ data: file }, 'data', 'did you mean dataFile? (--data is the sg-emulator flag; startEmulator takes dataFile)'],
      [{ latency: 100 }, 'latency', 'did you mean latencyMs?'],
      [{ 'latency-ms': 100 }, 'latency-ms', 'did you mean latencyMs?'],
      [{ auth: 'identity' }, 'auth', 'did you mean authMode?'],
      [{ 'auth-mode': 'identity' }, 'auth-mode', 'did you mean authMode?'],
      [{ sessionIdle: 60 }, 'sessionIdle', 'did you mean sessionIdleSeconds?'],
      [{ 'allow-host': ['studio.test'] }, 'allow-host', 'did you mean allowedHosts? (--allow-host is the sg-emulator flag; startEmulator takes allowedHosts)'],
      [{ allowHost: ['studio.test'] }, 'allowHost', 'did you mean allowedHosts? (--allow-host is the sg-emulator flag; startEmulator takes allowedHosts)'],
      [{ 'page-size': 10 }, 'page-size', 'did you mean pageSize?'],
      [{ datafile: file }, 'datafile', 'did you mean dataFile?'],
      [{ pageSise: 10 }, 'pageSise', 'did you mean pageSize?'],
    ];
    for (const [options, key, hint] of cases) {
      const err = await startEmulator(options as EmulatorOptions).then(async (h) => h.close(), (e: unknown) => e);
      expect(err, key).toBeInstanceOf(EmulatorOptionError);
      expect(err).toMatchObject({ option: key, unknown: true });
      expect((err as Error).message).toBe(`Unknown option ${JSON.stringify(key)}: ${hint}`);
    }
    expect(existsSync(file)).toBe(false);
    expect(await refusal({ verbose: true })).toMatch(/^Unknown option "verbose"; startEmulator takes: host, allowedHosts, .*, logger$/);
    // Refused even when undefined: a misspelt key is as wrong without a value.
    expect(await refusal({ data: undefined })).toMatch(/^Unknown option "data": did you mean dataFile\?/);
  });

  it('still starts with every known option set to undefined', async () => {
    const h = await startEmulator({ dataFile: undefined, latencyMs: undefined, authMode: undefined, logger: undefined });
    await h.close();
  });

  it('still starts with values at the ends of each range', async () => {
    const h = await startEmulator({ port: 0, pageSize: 1, sessionIdleSeconds: 1, latencyMs: 0, dataFile: join(dir, 'ok.json') });
    await h.close();
    expect(existsSync(join(dir, 'ok.json'))).toBe(true);
  });
});
