import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

type Link = { type: string; id: number; name?: string | null };
const ids = (links: Link[]): number[] => links.map((l) => l.id);
const project = { type: 'Project', id: 1 };

async function one(type: string, id: number, fields: string[]): Promise<any> {
  const r = await t.call('read', t.script, { type, return_fields: fields, filters: where(['id', 'is', id]) });
  return r.entities[0];
}
async function find(type: string, conditions: unknown[][], fields: string[] = ['code']): Promise<any[]> {
  return (await t.call('read', t.script, { type, return_fields: fields, filters: where(...conditions), sorts: [{ field_name: 'id', direction: 'asc' }] })).entities;
}
const create = (type: string, fields: Record<string, unknown>): Promise<any> =>
  t.call('create', t.script, { type, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value })) });
const update = (type: string, id: number, fields: Record<string, unknown>, mode?: string): Promise<any> =>
  t.call('update', t.script, { type, id, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value, ...(mode ? { multi_entity_update_mode: mode } : {}) })) });

describe('the reverse side of the demo links', () => {
  it('lists the Tasks of a Shot and an Asset, the Shots of a Sequence, the Shots of an Asset and the Projects of a user', async () => {
    const shot = (await find('Shot', [['code', 'is', 'SQ010_0010']], ['tasks', 'sg_sequence', 'assets']))[0];
    expect(shot.tasks.map((l: Link) => l.name)).toEqual(['Layout', 'Animation', 'Comp']);
    const tasks = await find('Task', [['entity', 'is', { type: 'Shot', id: shot.id }]], ['content']);
    expect(ids(shot.tasks)).toEqual(ids(tasks));
    const seq = await one('Sequence', shot.sg_sequence.id, ['shots']);
    expect(seq.shots.map((l: Link) => l.name)).toEqual(['SQ010_0010', 'SQ010_0020', 'SQ010_0030']);
    const hero = await one('Asset', shot.assets[0].id, ['code', 'shots', 'tasks']);
    expect(hero.code).toBe('hero');
    expect(hero.shots.map((l: Link) => l.name)).toEqual(['SQ010_0010', 'SQ010_0030', 'SQ020_0020']);
    expect(hero.tasks.map((l: Link) => l.name)).toEqual(['Model', 'Rig']);
    const admin = (await find('HumanUser', [['login', 'is', 'admin']], ['projects']))[0];
    expect(admin.projects.map((l: Link) => l.name)).toEqual(['Demo Project', 'Archived Project']);
  });

  it('filters on the reverse field with is, in, type_is, name_contains and a dotted path through it', async () => {
    const [layout, anim] = await find('Task', [['entity.Shot.code', 'is', 'SQ010_0020']], ['content']);
    const codes = async (...conditions: unknown[][]): Promise<string[]> => (await find('Shot', conditions)).map((s) => s.code);
    expect(await codes(['tasks', 'is', { type: 'Task', id: layout.id }])).toEqual(['SQ010_0020']);
    expect(await codes(['tasks', 'in', { type: 'Task', id: anim.id }, { type: 'Task', id: 1 }])).toEqual(['SQ010_0010', 'SQ010_0020']);
    expect(await codes(['tasks', 'type_is', 'Task'], ['sg_sequence.Sequence.code', 'is', 'SQ020'])).toEqual(['SQ020_0010', 'SQ020_0020', 'SQ020_0030']);
    expect(await codes(['tasks.Task.id', 'is', layout.id])).toEqual(['SQ010_0020']);
    expect((await find('Sequence', [['shots.Shot.sg_status_list', 'is', 'fin']])).map((s) => s.code)).toEqual(['SQ010']);
    expect((await find('Sequence', [['shots', 'name_contains', '0030']])).map((s) => s.code)).toEqual(['SQ010', 'SQ020']);
    expect((await find('Asset', [['shots.Shot.code', 'is', 'SQ020_0010']])).map((a) => a.code)).toEqual(['sidekick', 'forest']);
  });

  it('sorts and summarizes on the reverse field', async () => {
    // A multi-entity field sorts by its first link's display name (README "Sorting"): every demo Shot's first Task is
    // Layout, so a new Shot whose one Task, created on the Task's side, sorts after it comes first descending.
    const shot = await create('Shot', { code: 'Extra_Shot', project });
    const task = await create('Task', { content: 'Zz Extra', project, entity: { type: 'Shot', id: shot.id } });
    const sorted = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], sorts: [{ field_name: 'tasks', direction: 'desc' }, { field_name: 'id', direction: 'asc' }], paging: { entities_per_page: 1 } });
    expect(sorted.entities[0]).toMatchObject({ id: shot.id });
    const counted = await t.call('summarize', t.script, { type: 'Shot', filters: where(['tasks', 'is', { type: 'Task', id: task.id }]), summaries: [{ field: 'tasks', type: 'count' }] });
    expect(counted.summaries.tasks).toBe(1);
    const grouped = await t.call('summarize', t.script, { type: 'Sequence', summaries: [{ field: 'id', type: 'count' }], grouping: [{ field: 'shots', type: 'exact', direction: 'asc' }] });
    expect(grouped.groups.map((g: any) => g.group_name)).toEqual(['SQ010_0010, SQ010_0020, SQ010_0030', 'SQ020_0010, SQ020_0020, SQ020_0030']);
  });
});

describe('writing either side', () => {
  it('puts a new Task in its entity’s tasks, moves it on update and takes it out when entity is cleared', async () => {
    const task = await create('Task', { content: 'Roto', project, entity: { type: 'Shot', id: 1 } });
    const ref = { type: 'Task', id: task.id };
    expect(ids((await one('Shot', 1, ['tasks'])).tasks)).toContain(task.id);
    await update('Task', task.id, { entity: { type: 'Asset', id: 1 } });
    expect(ids((await one('Shot', 1, ['tasks'])).tasks)).not.toContain(task.id);
    expect(ids((await one('Asset', 1, ['tasks'])).tasks)).toContain(task.id);
    expect(await find('Asset', [['tasks', 'is', ref]])).toHaveLength(1);
    await update('Task', task.id, { entity: null });
    expect(ids((await one('Asset', 1, ['tasks'])).tasks)).not.toContain(task.id);
    expect(await find('Shot', [['tasks', 'is', ref]])).toEqual([]);
  });

  it('sets the entity of the Tasks written to Shot.tasks, moving them from their Shot, and clears it for Tasks taken out', async () => {
    const [a, b] = await Promise.all([create('Task', { content: 'A', project, entity: { type: 'Shot', id: 1 } }), create('Task', { content: 'B', project })]);
    const shot = await create('Shot', { code: 'rev_010', project, tasks: [{ type: 'Task', id: a.id }] });
    expect(await one('Task', a.id, ['entity'])).toMatchObject({ entity: { type: 'Shot', id: shot.id, name: 'rev_010' } });
    expect(ids((await one('Shot', 1, ['tasks'])).tasks)).not.toContain(a.id);

    await update('Shot', shot.id, { tasks: [{ type: 'Task', id: b.id }] }, 'add');
    expect(await one('Task', b.id, ['entity'])).toMatchObject({ entity: { type: 'Shot', id: shot.id } });
    await update('Shot', shot.id, { tasks: [{ type: 'Task', id: a.id }] }, 'remove');
    expect((await one('Task', a.id, ['entity'])).entity).toBeNull();
    await update('Shot', shot.id, { tasks: [] });
    expect((await one('Task', b.id, ['entity'])).entity).toBeNull();
    expect((await one('Shot', shot.id, ['tasks'])).tasks).toEqual([]);
  });

  it('keeps two multi-entity sides in step both ways: Asset.shots and Shot.assets, Asset.parents and Asset.assets, upstream and downstream Tasks', async () => {
    const shot = await create('Shot', { code: 'rev_020', project, assets: [{ type: 'Asset', id: 3 }] });
    expect(ids((await one('Asset', 3, ['shots'])).shots)).toContain(shot.id);
    await update('Asset', 4, { shots: [{ type: 'Shot', id: shot.id }] }, 'add');
    expect(ids((await one('Shot', shot.id, ['assets'])).assets)).toEqual([3, 4]);
    await update('Asset', 3, { shots: [] });
    expect(ids((await one('Shot', shot.id, ['assets'])).assets)).toEqual([4]);

    await update('Asset', 2, { parents: [{ type: 'Asset', id: 1 }] });
    expect(ids((await one('Asset', 1, ['assets'])).assets)).toEqual([2]);
    expect(await find('Asset', [['assets', 'is', { type: 'Asset', id: 2 }]])).toEqual([expect.objectContaining({ code: 'hero' })]);

    const up = await create('Task', { content: 'Up', project });
    const down = await create('Task', { content: 'Down', project, upstream_tasks: [{ type: 'Task', id: up.id }] });
    expect(await one('Task', up.id, ['downstream_tasks'])).toMatchObject({ downstream_tasks: [{ type: 'Task', id: down.id, name: 'Down' }] });
  });

  it('undoes the other side with the rest when a batch fails', async () => {
    const task = await create('Task', { content: 'Batch', project, entity: { type: 'Shot', id: 1 } });
    const f = await t.fault('batch', t.script, [
      { request_type: 'update', type: 'Task', id: task.id, fields: [{ field_name: 'entity', value: { type: 'Shot', id: 2 } }] },
      { request_type: 'update', type: 'Shot', id: 3, fields: [{ field_name: 'tasks', value: [{ type: 'Task', id: task.id }] }] },
      { request_type: 'update', type: 'Shot', id: 3, fields: [{ field_name: 'nope', value: 1 }] },
    ]);
    expect(f.code).toBe(103);
    expect(await one('Task', task.id, ['entity'])).toMatchObject({ entity: { type: 'Shot', id: 1 } });
    for (const id of [1, 2, 3]) expect(ids((await one('Shot', id, ['tasks'])).tasks).includes(task.id)).toBe(id === 1);
  });
});
