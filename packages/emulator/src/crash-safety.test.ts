import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function createShot(t: Harness, code: string): Promise<number> {
  return ((await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: code }] })) as { id: number }).id;
}

/** Waits until the data file holds `text` (the save shortly after a write has run). */
async function savedWith(file: string, text: string): Promise<Buffer> {
  for (;;) {
    const bytes = readFileSync(file);
    if (bytes.includes(text)) return bytes;
    await sleep(5);
  }
}

/** Closes `a`, puts back the file a crash would have left (`left`) and gives the id of a Shot created after a restart from it. */
async function idAfterCrash(a: Harness, file: string, left: Buffer): Promise<number> {
  await a.h.close();
  writeFileSync(file, left);
  const b = await startHarness({ dataFile: file });
  try {
    return await createShot(b, 'after the crash');
  } finally {
    await b.h.close();
  }
}

describe('a crash (kill -9) between two saves of --data', () => {
  it('loses the writes acknowledged since the last save but never hands their ids out again', async () => {
    const file = join(dir, 'site.json');
    const a = await startHarness({ dataFile: file });
    await createShot(a, 'saved before the crash');
    // What a `kill -9` right now would leave: the file as the last save wrote it.
    const lastSave = await savedWith(file, 'saved before the crash');
    const lost = [await createShot(a, 'lost 1'), await createShot(a, 'lost 2')];
    expect(await idAfterCrash(a, file, lastSave)).toBeGreaterThan(Math.max(...lost));
  });

  it('saves before answering a write that hands out more ids than the last save reserved', async () => {
    const file = join(dir, 'many.json');
    const a = await startHarness({ dataFile: file });
    await createShot(a, 'first');
    await savedWith(file, '"first"');
    const creates = Array.from({ length: 1200 }, (_, i) => ({ request_type: 'create', type: 'Shot', fields: [{ field_name: 'code', value: `many ${i}` }] }));
    const made = ((await a.call('batch', a.script, creates)) as { id: number }[]).map((r) => r.id);
    // Read at once, as a `kill -9` now would leave it (the save ~20 ms after the write may not have run).
    expect(await idAfterCrash(a, file, readFileSync(file))).toBeGreaterThan(Math.max(...made));
  });

  it('goes on from the last id after a clean close (no gap left by the reservation)', async () => {
    const file = join(dir, 'clean.json');
    const a = await startHarness({ dataFile: file });
    const last = await createShot(a, 'one');
    await savedWith(file, '"one"');
    await a.h.close();
    const b = await startHarness({ dataFile: file });
    try {
      expect(await createShot(b, 'two')).toBe(last + 1);
    } finally {
      await b.h.close();
    }
  });
});

describe('what a crash leaves beside the --data file', () => {
  it('is removed at the next start: half-written FILE.tmp-<pid> files and uploads the file does not name', async () => {
    const sub = join(dir, 'leftovers');
    mkdirSync(join(sub, 'site.json.uploads'), { recursive: true });
    const file = join(sub, 'site.json');
    await (await startHarness({ dataFile: file })).h.close();
    // Saves cut short by kill -9 under two earlier pids, and an upload written just before a save that never came.
    for (const name of ['site.json.tmp-4242', `site.json.tmp-${process.pid}`, 'site.json.uploads/7', 'site.json.uploads/8.tmp']) writeFileSync(join(sub, name), '{"half');
    // Not the emulator's: left alone.
    for (const name of ['site.json.tmp-notes', 'other.json.tmp-4242']) writeFileSync(join(sub, name), 'mine');
    await (await startHarness({ dataFile: file })).h.close();
    expect(readdirSync(sub).sort()).toEqual(['other.json.tmp-4242', 'site.json', 'site.json.tmp-notes', 'site.json.uploads']);
    expect(readdirSync(join(sub, 'site.json.uploads'))).toEqual([]);
  });
});
