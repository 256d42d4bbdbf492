import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const project = { type: 'Project', id: 1 };

/** The ids in `field` of a row (retired rows too), in id order: a link restored by a revive comes back at the end. */
async function linked(type: string, id: number, field: string): Promise<number[]> {
  for (const return_only of ['active', 'retired']) {
    const r = await t.call('read', t.script, { type, return_fields: [field], filters: where(['id', 'is', id]), return_only });
    if (r.entities.length) return (r.entities[0][field] as { id: number }[]).map((l) => l.id).sort((a, b) => a - b);
  }
  throw new Error(`no ${type} ${id}`);
}
const retire = (type: string, id: number): Promise<boolean> => t.call('delete', t.script, { type, id });
const revive = (type: string, id: number): Promise<boolean> => t.call('revive', t.script, { type, id });
const create = async (type: string, fields: Record<string, unknown>): Promise<number> =>
  (await t.call('create', t.script, { type, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value })) })).id;
const update = (type: string, id: number, fields: Record<string, unknown>): Promise<unknown> =>
  t.call('update', t.script, { type, id, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value })) });

describe('retiring and reviving one side', () => {
  it('takes a retired Task out of its Shot’s tasks and filters, and puts it back on revive', async () => {
    const task = await create('Task', { content: 'Paint', project, entity: { type: 'Shot', id: 1 } });
    const matches = async (): Promise<number> => (await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['tasks', 'is', { type: 'Task', id: task }]) })).entities.length;
    expect(await matches()).toBe(1);
    await retire('Task', task);
    expect(await linked('Shot', 1, 'tasks')).not.toContain(task);
    expect(await matches()).toBe(0);
    await revive('Task', task);
    expect(await linked('Shot', 1, 'tasks')).toContain(task);
    expect(await matches()).toBe(1);
  });

  it('keeps a Task’s entity on its retired Shot, as links to retired entities stay, and the Shot’s tasks for its revival', async () => {
    const before = await linked('Shot', 2, 'tasks');
    await retire('Shot', 2);
    const task = before[0]!;
    const r = await t.call('read', t.script, { type: 'Task', return_fields: ['entity'], filters: where(['id', 'is', task]) });
    expect(r.entities[0].entity).toMatchObject({ type: 'Shot', id: 2 });
    await revive('Shot', 2);
    expect(await linked('Shot', 2, 'tasks')).toEqual(before);
  });

  it('takes a retired Asset out of its Shots’ assets and puts it back on revive, whichever of the two is revived first', async () => {
    const shots = await linked('Asset', 1, 'shots');
    expect(shots).toHaveLength(3);
    const shot = shots[0]!;
    await retire('Asset', 1);
    expect(await linked('Shot', shot, 'assets')).not.toContain(1);
    await retire('Shot', shot);
    await revive('Asset', 1);
    expect(await linked('Asset', 1, 'shots')).toEqual(shots.slice(1));
    await revive('Shot', shot);
    expect(await linked('Shot', shot, 'assets')).toContain(1);
    expect(await linked('Asset', 1, 'shots')).toEqual(shots);

    await retire('Shot', shot);
    await retire('Asset', 1);
    await revive('Shot', shot);
    expect(await linked('Shot', shot, 'assets')).not.toContain(1);
    await revive('Asset', 1);
    expect(await linked('Shot', shot, 'assets')).toContain(1);
    expect(await linked('Asset', 1, 'shots')).toEqual(shots);
  });

  it('does not bring back a Task moved to another Shot, nor one retired, when the Shot it left is revived', async () => {
    const [moved, retired] = await linked('Shot', 3, 'tasks');
    await retire('Shot', 3);
    await update('Task', moved!, { entity: { type: 'Shot', id: 4 } });
    await retire('Task', retired!);
    await revive('Shot', 3);
    const tasks = await linked('Shot', 3, 'tasks');
    expect(tasks).not.toContain(moved);
    expect(tasks).not.toContain(retired);
    expect(await linked('Shot', 4, 'tasks')).toContain(moved);
    await revive('Task', retired!);
    expect(await linked('Shot', 3, 'tasks')).toContain(retired);
  });
});
