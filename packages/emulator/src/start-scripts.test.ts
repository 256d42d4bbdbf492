import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorArgsError, parseEmulatorArgs } from './cli-args.js';
import { EmulatorOptionError } from './option-error.js';
import { startEmulator } from './server.js';
import { startHarness, where } from './test-support/harness.js';
import type { EmulatorOptions } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PIPELINE = { name: 'pipeline', key: 'pipeline-key-0123456789abcdef' };
const readProjects = { type: 'Project', return_fields: ['name'], filters: where() };

describe('the scripts start option', () => {
  // Only emulator_script existed: a studio's code that logs in as its own script could not be tested with its name.
  it('adds scripts with the given names and keys, which authenticate, are on the card and survive a reset', async () => {
    const t = await startHarness({ scripts: [PIPELINE, { name: 'ingest', key: 'ingest:key/with+symbols=' }] });
    try {
      const names = (card: { scripts: { name: string }[] }): string[] => card.scripts.map((s) => s.name);
      expect(names(t.h.card)).toEqual(['emulator_script', 'pipeline', 'ingest']);
      expect(t.h.card.scripts[1]).toEqual(PIPELINE);
      const served = (await (await fetch(`${t.h.url}/__emulator/card`)).json()) as { scripts: { name: string; key: string }[] };
      expect(served.scripts).toContainEqual(PIPELINE);
      const found = await t.call('read', { script_name: 'pipeline', script_key: PIPELINE.key }, readProjects);
      expect(found.entities.length).toBeGreaterThan(0);
      expect((await t.fault('read', { script_name: 'pipeline', script_key: 'wrong' }, readProjects)).code).toBe(102);
      const row = await t.call('read', t.script, { type: 'ApiUser', return_fields: ['firstname'], filters: where(['firstname', 'is', 'ingest']) });
      expect(row.entities).toHaveLength(1);
      t.h.reset();
      await t.call('read', { script_name: 'ingest', script_key: 'ingest:key/with+symbols=' }, readProjects);
      // The site's fixtures are where they were: the demo project is still project 1.
      const project = await t.call('read', t.script, { type: 'Project', return_fields: ['name'], filters: where(['id', 'is', 1]) });
      expect(project.entities[0].name).toBe('Demo Project');
    } finally {
      await t.h.close();
    }
  });

  it('adds them to a site loaded from a data file that lacks them, and gives a saved one the key given', async () => {
    const file = join(dir, 'site.json');
    const first = await startEmulator({ dataFile: file, scripts: [{ name: 'pipeline', key: 'old-key-0123456789' }] });
    await first.close();
    const second = await startHarness({ dataFile: file, scripts: [PIPELINE, { name: 'later', key: 'later-key-0123456789' }] });
    try {
      await second.call('read', { script_name: 'pipeline', script_key: PIPELINE.key }, readProjects);
      await second.call('read', { script_name: 'later', script_key: 'later-key-0123456789' }, readProjects);
      expect(second.h.card.scripts.map((s) => s.name)).toEqual(['emulator_script', 'pipeline', 'later']);
    } finally {
      await second.h.close();
    }
  });

  it('refuses scripts that are not a list of { name, key } with a non-empty name, a plausible key and no name twice', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['pipeline', /^scripts must be a list of \{ name, key \}, got a string of 8 characters$/],
      [[{ name: '', key: 'k' }], /^scripts\[0\]\.name must be a non-empty string/],
      [[{ name: 'a', key: 42 }], /^scripts\[0\]\.key must be a string of 1 to 256 printable characters without spaces, got a number$/],
      [[{ name: 'a', key: 'has space' }], /^scripts\[0\]\.key must be a string of 1 to 256 printable characters without spaces, got a string of 9 characters/],
      [[{ name: 'a', key: '' }], /^scripts\[0\]\.key must be/],
      [[PIPELINE, { ...PIPELINE }], /^scripts\[1\]\.name "pipeline" is given twice/],
      [[{ name: 'emulator_script', key: 'k' }], /^scripts\[0\]\.name "emulator_script" is the emulator's own script/],
      [[{ name: 'a', key: 'k', admin: true }], /^scripts\[0\] has an unknown key "admin"/],
    ];
    for (const [scripts, message] of cases) {
      const err = await startEmulator({ scripts } as EmulatorOptions).then(async (h) => h.close(), (e: unknown) => e);
      expect(err, JSON.stringify(scripts)).toBeInstanceOf(EmulatorOptionError);
      expect(err).toMatchObject({ option: 'scripts' });
      expect((err as Error).message).toMatch(message);
      // A key refused is never repeated in the message.
      expect((err as Error).message).not.toContain('has space');
    }
  });

  it('keeps an ApiUser created through the API from logging in, as a site whose keys it makes itself', async () => {
    const t = await startHarness();
    try {
      await t.call('create', t.script, { type: 'ApiUser', fields: [{ field_name: 'firstname', value: 'made_by_api' }] });
      expect((await t.fault('read', { script_name: 'made_by_api', script_key: 'a'.repeat(64) }, readProjects)).code).toBe(102);
      expect(t.h.card.scripts.map((s) => s.name)).toEqual(['emulator_script']);
    } finally {
      await t.h.close();
    }
  });

  it('is set by repeated --script NAME:KEY flags', () => {
    expect(parseEmulatorArgs(['--script', 'pipeline:k:with:colons', '--script=ingest:key2'])).toEqual({ scripts: [{ name: 'pipeline', key: 'k:with:colons' }, { name: 'ingest', key: 'key2' }] });
    for (const bad of ['pipeline', ':key', 'pipeline:']) {
      expect(() => parseEmulatorArgs(['--script', bad])).toThrow(EmulatorArgsError);
      expect(() => parseEmulatorArgs(['--script', bad])).toThrow(/^--script expects NAME:KEY/);
    }
  });
});
