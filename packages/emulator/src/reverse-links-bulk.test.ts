import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// 200 generated Shots, every other one in each Sequence: lists long enough (100+) for the store to count their
// links by key and for a move to take dozens of links off one list in one write.
let t: Harness;
beforeAll(async () => {
  t = await startHarness({ rows: 200 });
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

type Link = { type: string; id: number };
const shot = (id: number): Link => ({ type: 'Shot', id });
const task = (id: number): Link => ({ type: 'Task', id });

/** The ids in `field` of a row, in list order (retired rows too). */
async function listed(type: string, id: number, field: string): Promise<number[]> {
  for (const return_only of ['active', 'retired']) {
    const r = await t.call('read', t.script, { type, return_fields: [field], filters: where(['id', 'is', id]), return_only });
    if (r.entities.length) return (r.entities[0][field] as Link[]).map((l) => l.id);
  }
  throw new Error(`no ${type} ${id}`);
}
/** Ids of the rows of `type` matching one condition, in id order (read through the field index once it is built). */
async function matching(type: string, condition: unknown[]): Promise<number[]> {
  const r = await t.call('read', t.script, { type, return_fields: ['id'], filters: where(condition), sorts: [{ field_name: 'id', direction: 'asc' }], paging: { entities_per_page: 500 } });
  return r.entities.map((e: Link) => e.id);
}
/** The `sg_sequence` id of each Shot in `ids` (null when it has none), by Shot id. */
async function sequenceOf(ids: number[]): Promise<Record<number, number | null>> {
  const r = await t.call('read', t.script, { type: 'Shot', return_fields: ['sg_sequence'], filters: where(['id', 'in', ...ids]), paging: { entities_per_page: 500 } });
  return Object.fromEntries(r.entities.map((e: { id: number; sg_sequence: Link | null }) => [e.id, e.sg_sequence?.id ?? null]));
}
const sameFor = (ids: number[], value: number | null): Record<number, number | null> => Object.fromEntries(ids.map((id) => [id, value]));
const updateShots = (sequence: number, ids: number[], mode: string): Promise<unknown> =>
  t.call('update', t.script, { type: 'Sequence', id: sequence, fields: [{ field_name: 'shots', value: ids.map(shot), multi_entity_update_mode: mode }] });
/** Every other id of a list (its 2nd, 4th, …), so that the ones left behind are spread through it. */
const everyOther = (ids: number[]): number[] => ids.filter((_, i) => i % 2 === 1);

describe('moving many links in one write', () => {
  it('takes the moved Shots out of the other Sequence in its order, appends them in the order written, and moves each Shot', async () => {
    const [one, two] = [await listed('Sequence', 1, 'shots'), await listed('Sequence', 2, 'shots')];
    expect(one.length).toBeGreaterThan(100);
    // Build the indexes first: the move must keep them in step, not just the lists.
    expect(await matching('Sequence', ['shots', 'is', shot(one[1]!)])).toEqual([1]);
    expect(await matching('Shot', ['sg_sequence', 'is', { type: 'Sequence', id: 2 }])).toEqual([...two].sort((a, b) => a - b));
    const moving = everyOther(one).reverse();
    await updateShots(2, moving, 'add');

    const staying = one.filter((id) => !moving.includes(id));
    expect(await listed('Sequence', 1, 'shots')).toEqual(staying);
    expect(await listed('Sequence', 2, 'shots')).toEqual([...two, ...moving]);
    expect(await sequenceOf(moving)).toEqual(sameFor(moving, 2));
    expect(await sequenceOf(staying)).toEqual(sameFor(staying, 1));
    expect(await matching('Sequence', ['shots', 'is', shot(moving[0]!)])).toEqual([2]);
    expect(await matching('Sequence', ['shots', 'is', shot(staying[0]!)])).toEqual([1]);
    expect(await matching('Shot', ['sg_sequence', 'is', { type: 'Sequence', id: 1 }])).toEqual([...staying].sort((a, b) => a - b));
  });

  it('moves them with set too, clearing sg_sequence of the Shots the written Sequence no longer lists', async () => {
    const [one, two] = [await listed('Sequence', 1, 'shots'), await listed('Sequence', 2, 'shots')];
    const moving = everyOther(two).slice(0, 60);
    await updateShots(1, moving, 'set');
    expect(await listed('Sequence', 1, 'shots')).toEqual(moving);
    expect(await listed('Sequence', 2, 'shots')).toEqual(two.filter((id) => !moving.includes(id)));
    expect(await sequenceOf(one)).toEqual(sameFor(one, null));
    expect(await sequenceOf(moving)).toEqual(sameFor(moving, 1));
    expect(await matching('Shot', ['sg_sequence', 'is', null])).toEqual(expect.arrayContaining(one));
  });

  it('moves many Tasks off one Shot’s tasks when another Shot lists them', async () => {
    // Gather 50 Tasks on one Shot, then move every other one to a second Shot.
    const [first, second] = (await listed('Sequence', 1, 'shots')).slice(-2) as [number, number];
    const gathered = (await t.call('read', t.script, { type: 'Task', return_fields: ['id'], filters: where(['entity.Shot.sg_sequence', 'is', { type: 'Sequence', id: 2 }]), paging: { entities_per_page: 50 } })).entities.map((e: Link) => e.id);
    expect(gathered).toHaveLength(50);
    await t.call('update', t.script, { type: 'Shot', id: first, fields: [{ field_name: 'tasks', value: gathered.map(task), multi_entity_update_mode: 'add' }] });
    const held = await listed('Shot', first, 'tasks');
    const moving = everyOther(gathered);
    await t.call('update', t.script, { type: 'Shot', id: second, fields: [{ field_name: 'tasks', value: moving.map(task), multi_entity_update_mode: 'add' }] });
    expect(await listed('Shot', first, 'tasks')).toEqual(held.filter((id) => !moving.includes(id)));
    expect((await listed('Shot', second, 'tasks')).slice(-moving.length)).toEqual(moving);
    const entities = await t.call('read', t.script, { type: 'Task', return_fields: ['entity'], filters: where(['id', 'in', ...moving]), paging: { entities_per_page: 500 } });
    expect(new Set(entities.entities.map((e: { entity: Link }) => e.entity.id))).toEqual(new Set([second]));
  });

  it('undoes a bulk move of a failed batch, lists in their order, links and indexes, and moves again afterwards', async () => {
    const [one, two] = [await listed('Sequence', 1, 'shots'), await listed('Sequence', 2, 'shots')];
    expect(await matching('Sequence', ['shots', 'is', shot(one[1]!)])).toEqual([1]);
    const moving = everyOther(one);
    const back = everyOther(two).slice(0, 40);
    const f = await t.fault('batch', t.script, [
      { request_type: 'update', type: 'Sequence', id: 2, fields: [{ field_name: 'shots', value: moving.map(shot), multi_entity_update_mode: 'add' }] },
      { request_type: 'update', type: 'Sequence', id: 1, fields: [{ field_name: 'shots', value: back.map(shot), multi_entity_update_mode: 'add' }] },
      { request_type: 'update', type: 'Shot', id: one[0], fields: [{ field_name: 'nope', value: 1 }] },
    ]);
    expect(f.code).toBe(103);
    expect(await listed('Sequence', 1, 'shots')).toEqual(one);
    expect(await listed('Sequence', 2, 'shots')).toEqual(two);
    expect(await sequenceOf(moving)).toEqual(sameFor(moving, 1));
    expect(await sequenceOf(back)).toEqual(sameFor(back, 2));
    expect(await matching('Sequence', ['shots', 'is', shot(moving[0]!)])).toEqual([1]);
    expect(await matching('Sequence', ['shots', 'is', shot(back[0]!)])).toEqual([2]);

    // The lists the undo put back are kept in step by the next writes as by the first.
    await updateShots(2, moving, 'add');
    expect(await listed('Sequence', 1, 'shots')).toEqual(one.filter((id) => !moving.includes(id)));
    expect(await listed('Sequence', 2, 'shots')).toEqual([...two, ...moving]);
    await updateShots(1, [moving[0]!], 'add');
    expect(await matching('Sequence', ['shots', 'is', shot(moving[0]!)])).toEqual([1]);
    expect((await listed('Sequence', 2, 'shots')).includes(moving[0]!)).toBe(false);
  });

  it('takes Shots moved off a retired Sequence out of its list too, which comes back so on revive', async () => {
    const one = await listed('Sequence', 1, 'shots');
    await t.call('delete', t.script, { type: 'Sequence', id: 1 });
    const moving = everyOther(one);
    await updateShots(2, moving, 'add');
    const staying = one.filter((id) => !moving.includes(id));
    expect(await listed('Sequence', 1, 'shots')).toEqual(staying);
    await t.call('revive', t.script, { type: 'Sequence', id: 1 });
    expect(await listed('Sequence', 1, 'shots')).toEqual(staying);
    expect(await matching('Sequence', ['shots', 'is', shot(moving[0]!)])).toEqual([2]);
    expect(await matching('Sequence', ['shots', 'is', shot(staying[0]!)])).toEqual([1]);
  });
});
