import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from './store.js';
import { startHarness, type Harness } from './test-support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shot = (code: string): { request_type: 'create'; type: 'Shot'; fields: { field_name: string; value: string }[] } => ({ request_type: 'create', type: 'Shot', fields: [{ field_name: 'code', value: code }] });
const bad = { request_type: 'update', type: 'Shot', id: 999999, fields: [{ field_name: 'code', value: 'nope' }] };

async function createShot(t: Harness, code: string): Promise<number> {
  return ((await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: code }] })) as { id: number }).id;
}

describe('ids used up by a failed write are never handed out again', () => {
  it('gives the next create an id past those of a batch that was rolled back', async () => {
    const t = await startHarness();
    try {
      const before = await createShot(t, 'before');
      // The batch's two creates take the next two ids, then its third request fails and the whole batch is undone.
      expect((await t.fault('batch', t.script, [shot('lost 1'), shot('lost 2'), bad])).code).toBe(103);
      const after = await createShot(t, 'after');
      expect(after).toBeGreaterThan(before + 2);
    } finally {
      await t.h.close();
    }
  });

  it('keeps them used up across a restart from the same --data file', async () => {
    const file = join(dir, 'site.json');
    const a = await startHarness({ dataFile: file });
    const before = await createShot(a, 'before');
    await a.h.close();
    // Only the failed batch runs in this life of the site: nothing else would save the ids counter.
    const b = await startHarness({ dataFile: file });
    expect((await b.fault('batch', b.script, [shot('lost 1'), shot('lost 2'), bad])).code).toBe(103);
    await b.h.close();
    const c = await startHarness({ dataFile: file });
    try {
      expect(await createShot(c, 'after')).toBeGreaterThan(before + 2);
    } finally {
      await c.h.close();
    }
  });

  it('leaves a gap for any insert undone by a transaction, not only a batch', () => {
    const store = new Store();
    expect(store.insert('Shot', {}).id).toBe(1);
    expect(() =>
      store.transaction(() => {
        store.insert('Shot', {});
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(store.get('Shot', 2)).toBeUndefined();
    expect(store.insert('Shot', {}).id).toBe(3);
  });
});
