import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from './server.js';
import { startHarness, where } from './test-support/harness.js';

// A logger that threw on the "listening" line made startEmulator reject with the server left listening (the
// process never exited) and the data file's lock left behind, so the next start on that file was refused.
const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a logger that throws', { timeout: 30_000 }, () => {
  it('on the "listening" line does not fail the start, nor leave the data file locked once closed', async () => {
    const file = join(dir, 'listening.json');
    const t = await startHarness({
      dataFile: file,
      logger: (line) => {
        if (line.includes('listening')) throw new Error('logger broke');
      },
    });
    expect(await t.call('read', t.script, { type: 'Project', filters: where(), return_fields: ['id'] })).toHaveProperty('entities');
    await t.h.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    await (await startHarness({ dataFile: file })).h.close();
  });

  it('changes nothing: the site starts, serves, saves and closes, and its data file is free again', async () => {
    const file = join(dir, 'site.json');
    writeFileSync(`${file}.lock`, '999999999 1\n'); // a stale lock: its takeover is logged too
    const lines: string[] = [];
    const logger = (line: string): never => {
      lines.push(line);
      throw new Error('logger broke');
    };
    const t = await startHarness({ dataFile: file, logger });
    expect(lines.some((l) => l.includes('taking over the stale lock'))).toBe(true);
    expect(lines.some((l) => l.includes('listening on'))).toBe(true);
    const made = (await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'logged' }] })) as { id: number };
    expect(lines.some((l) => l.includes('→ 200'))).toBe(true);
    await t.h.close();
    expect(existsSync(`${file}.lock`)).toBe(false);

    const again = await startHarness({ dataFile: file });
    const found = (await again.call('read', again.script, { type: 'Shot', filters: where(['code', 'is', 'logged']), return_fields: ['code'] })) as { entities: { id: number }[] };
    expect(found.entities.map((e) => e.id)).toEqual([made.id]);
    await again.h.close();
  });

  it('must be a function: anything else is refused before anything listens', async () => {
    await expect(startEmulator({ logger: 'stderr' as never })).rejects.toThrow('logger must be a function (line: string) => void, got "stderr"');
  });
});
