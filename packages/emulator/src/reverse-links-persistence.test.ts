import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';
import type { SiteSnapshot } from './site.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-reverse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reverse lists the tests look at, by `Type id field`, as read over the API. */
async function reverseLists(t: Harness): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [type, field] of [['Shot', 'tasks'], ['Sequence', 'shots'], ['Asset', 'shots'], ['Asset', 'tasks']] as const) {
    const r = await t.call('read', t.script, { type, return_fields: [field], filters: where(['id', 'less_than', 5]) });
    for (const e of r.entities) out[`${type} ${e.id} ${field}`] = (e[field] as { id: number }[]).map((l) => l.id);
  }
  return out;
}

/** The lists of retired rows, by `Type id field`, in their stored order (a read with `return_only: "retired"`). */
async function retiredLists(t: Harness): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [type, fields] of [['Shot', ['tasks', 'assets']], ['Asset', ['shots', 'tasks']], ['Task', ['entity']]] as const) {
    const r = await t.call('read', t.script, { type, return_fields: [...fields], return_only: 'retired', filters: where(['id', 'less_than', 10]) });
    for (const e of r.entities) for (const field of fields) out[`${type} ${e.id} ${field}`] = [e[field]].flat().map((l: { id: number } | null) => l?.id ?? 0);
  }
  return out;
}

describe('reverse links with --data', () => {
  it('reloads a saved site with the same reverse lists', async () => {
    const file = join(dir, 'site.json');
    const a = await startHarness({ dataFile: file });
    const task = await a.call('create', a.script, { type: 'Task', fields: [{ field_name: 'content', value: 'Saved' }, { field_name: 'entity', value: { type: 'Shot', id: 2 } }] });
    await a.call('update', a.script, { type: 'Shot', id: 1, fields: [{ field_name: 'tasks', value: [{ type: 'Task', id: task.id }] }], multi_entity_update_mode: 'add' });
    await a.call('update', a.script, { type: 'Asset', id: 4, fields: [{ field_name: 'shots', value: [{ type: 'Shot', id: 1 }] }], multi_entity_update_mode: 'add' });
    await a.call('delete', a.script, { type: 'Task', id: 2 });
    const saved = await reverseLists(a);
    expect(saved['Shot 1 tasks']).toEqual([1, 3, task.id]);
    expect(saved['Shot 2 tasks']).toEqual([4, 5, 6]);
    expect(saved['Asset 4 shots']).toEqual([2, 4, 6, 1]);
    await a.h.close();

    const b = await startHarness({ dataFile: file });
    expect(await reverseLists(b)).toEqual(saved);
    await b.call('revive', b.script, { type: 'Task', id: 2 });
    expect((await reverseLists(b))['Shot 1 tasks']).toEqual([1, 3, task.id, 2]);
    await b.h.close();
  });

  it('fills the reverse lists of a data file saved without them', async () => {
    const file = join(dir, 'old.json');
    const a = await startHarness({ dataFile: file });
    const expected = await reverseLists(a);
    await a.h.close();
    const snap = JSON.parse(readFileSync(file, 'utf8')) as SiteSnapshot;
    for (const [type, field] of [['Shot', 'tasks'], ['Sequence', 'shots'], ['Asset', 'shots'], ['Asset', 'tasks']]) {
      for (const row of snap.store.tables[type!]?.rows ?? []) delete row[2][field!];
    }
    writeFileSync(file, JSON.stringify(snap));

    const b = await startHarness({ dataFile: file });
    expect(expected['Sequence 1 shots']).toEqual([1, 2, 3]);
    expect(await reverseLists(b)).toEqual(expected);
    await b.h.close();
  });

  it('gives retired rows back the lists they were saved with, not all their partners', async () => {
    const file = join(dir, 'retired.json');
    const a = await startHarness({ dataFile: file });
    // Task 5 leaves Shot 2 while the Shot is live; then Shot 2 leaves Asset 2, and both are retired keeping the rest.
    for (const [type, id] of [['Task', 5], ['Shot', 2], ['Asset', 2]] as const) await a.call('delete', a.script, { type, id });
    const retired = await retiredLists(a);
    expect(retired['Shot 2 tasks']).toEqual([4, 6]);
    expect(retired['Shot 2 assets']).toEqual([2, 4]);
    expect(retired['Asset 2 shots']).toEqual([4, 6]);
    const live = await reverseLists(a);
    await a.h.close();

    const b = await startHarness({ dataFile: file });
    expect(await retiredLists(b)).toEqual(retired);
    expect(await reverseLists(b)).toEqual(live);
    await b.h.close();

    // A file that does not say its lists were kept in step (an older emulator's): retired rows get all their partners.
    const snap = JSON.parse(readFileSync(file, 'utf8')) as SiteSnapshot;
    delete snap.reverseLinksInStep;
    writeFileSync(file, JSON.stringify(snap));
    const c = await startHarness({ dataFile: file });
    expect(await retiredLists(c)).toMatchObject({ 'Shot 2 tasks': [4, 6, 5], 'Asset 2 shots': [4, 6, 2] });
    expect(await reverseLists(c)).toEqual(live);
    await c.h.close();
  });
});
