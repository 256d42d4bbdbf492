import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastEntryId, loggedAfter, type Link, type LoggedEntry as Entry } from './test-support/event-log-reads.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

// 100 generated Shots, every other one in each Sequence, each with one Task.
let t: Harness;
beforeAll(async () => {
  t = await startHarness({ rows: 100 });
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const project = { type: 'Project', id: 1 };
const ref = (type: string, id: number): Link => ({ type, id });

const logged = (after: number): Promise<Entry[]> => loggedAfter(t, after);
const lastEntry = (): Promise<number> => lastEntryId(t);
const create = async (type: string, fields: Record<string, unknown>): Promise<number> =>
  (await t.call('create', t.script, { type, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value })) })).id;
const update = (type: string, id: number, fields: Record<string, unknown>, mode?: string): Promise<unknown> =>
  t.call('update', t.script, { type, id, fields: Object.entries(fields).map(([field_name, value]) => ({ field_name, value, ...(mode ? { multi_entity_update_mode: mode } : {}) })) });
/** Entries as `event_type entity.type#id attribute_name`, to compare what was logged and in which order. */
const outline = (entries: Entry[]): string[] => entries.map((e) => `${e.event_type} ${e.entity?.type}#${e.entity?.id} ${e.attribute_name ?? '-'}`);
/** A link as the meta gives it: `{type, id, name}`. */
const named = (type: string, id: number, name: string): Link => ({ type, id, name });

describe('the back-reference entry of a link written on one side', () => {
  it('logs the Shot.tasks change a Task created in a Shot makes, right after its New entry, with the meta of a site’s', async () => {
    const start = await lastEntry();
    const task = await create('Task', { content: 'Roto', project, entity: ref('Shot', 1) });
    const entries = await logged(start);
    expect(outline(entries)).toEqual([`Shotgun_Task_New Task#${task} -`, 'Shotgun_Shot_Change Shot#1 tasks']);
    expect(entries[1]!.meta).toEqual({
      type: 'attribute_change', attribute_name: 'tasks',
      entity_type: 'Task', entity_id: task, field_data_type: 'entity', actual_attribute_changed: 'Task.entity',
      original_event_log_entry_id: entries[0]!.id, added: [named('Task', task, 'Roto')], removed: [], in_create: true,
    });
  });

  it('logs both Shots’ tasks when a Task moves, each pointing to the Task’s own entry', async () => {
    const task = await create('Task', { content: 'Move', project, entity: ref('Shot', 1) });
    const start = await lastEntry();
    await update('Task', task, { entity: ref('Shot', 2) });
    const entries = await logged(start);
    expect(outline(entries)).toEqual([`Shotgun_Task_Change Task#${task} entity`, 'Shotgun_Shot_Change Shot#1 tasks', 'Shotgun_Shot_Change Shot#2 tasks']);
    const [forward, left, joined] = entries as [Entry, Entry, Entry];
    expect(forward.meta).toMatchObject({ attribute_name: 'entity', old_value: { type: 'Shot', id: 1 }, new_value: { type: 'Shot', id: 2 } });
    const backref = { type: 'attribute_change', attribute_name: 'tasks', entity_type: 'Task', entity_id: task, field_data_type: 'entity', actual_attribute_changed: 'Task.entity', original_event_log_entry_id: forward.id };
    expect(left.meta).toEqual({ ...backref, added: [], removed: [named('Task', task, 'Move')] });
    expect(joined.meta).toEqual({ ...backref, added: [named('Task', task, 'Move')], removed: [] });
  });

  it('logs old and new value for each Task whose entity a write to Shot.tasks changes, and the list its Task left', async () => {
    const held = ((await t.call('read', t.script, { type: 'Shot', return_fields: ['tasks'], filters: where(['id', 'is', 3]) })).entities[0].tasks as Link[]).map((l) => l.id);
    expect(held.length).toBeGreaterThan(0);
    const task = await create('Task', { content: 'Taken', project, entity: ref('Shot', 2) });
    const start = await lastEntry();
    await update('Shot', 3, { tasks: [ref('Task', task)] });
    const entries = await logged(start);
    expect(outline(entries)).toEqual([
      'Shotgun_Shot_Change Shot#3 tasks',
      ...[...held, task].map((id) => `Shotgun_Task_Change Task#${id} entity`),
      'Shotgun_Shot_Change Shot#2 tasks',
    ]);
    const forward = entries[0]!;
    const [shot2, shot3] = [named('Shot', 2, 'SQ010_0020'), named('Shot', 3, 'SQ010_0030')];
    const backref = { type: 'attribute_change', attribute_name: 'entity', entity_type: 'Shot', entity_id: 3, field_data_type: 'multi_entity', actual_attribute_changed: 'Shot.tasks', original_event_log_entry_id: forward.id };
    for (const e of entries.slice(1, -2)) expect(e.meta).toEqual({ ...backref, old_value: shot3, new_value: null });
    expect(entries.at(-2)!.meta).toEqual({ ...backref, old_value: shot2, new_value: shot3 });
    expect(entries.at(-1)!.meta).toEqual({ ...backref, attribute_name: 'tasks', added: [], removed: [named('Task', task, 'Taken')] });
  });

  it('logs the other list of a multi-entity pair (Asset.shots and Shot.assets) with what it gained or lost', async () => {
    const start = await lastEntry();
    // Generated Shots 10 and 11 have no Asset yet.
    await update('Asset', 4, { shots: [ref('Shot', 10), ref('Shot', 11)] }, 'add');
    await update('Asset', 4, { shots: [ref('Shot', 10)] }, 'remove');
    const entries = await logged(start);
    // Each write's AssetShotConnection entries follow its own (the row of Shot 10, retired by the second write,
    // reads a null entity).
    expect(outline(entries)).toEqual([
      'Shotgun_Asset_Change Asset#4 shots', 'Shotgun_Shot_Change Shot#10 assets', 'Shotgun_Shot_Change Shot#11 assets',
      'Shotgun_AssetShotConnection_New undefined#undefined -', `Shotgun_AssetShotConnection_New AssetShotConnection#${entries[4]?.meta['entity_id']} -`,
      'Shotgun_Asset_Change Asset#4 shots', 'Shotgun_Shot_Change Shot#10 assets',
      'Shotgun_AssetShotConnection_Change undefined#undefined retirement_date', 'Shotgun_AssetShotConnection_Retirement undefined#undefined -',
    ]);
    expect(entries[8]!.meta['entity_id']).toBe(entries[3]!.meta['entity_id']);
    const asset = (entries[1]!.meta['added'] as Link[])[0];
    expect(asset).toMatchObject({ type: 'Asset', id: 4 });
    expect(entries[1]!.meta).toMatchObject({ entity_type: 'Asset', entity_id: 4, field_data_type: 'multi_entity', actual_attribute_changed: 'Asset.shots', original_event_log_entry_id: entries[0]!.id, removed: [] });
    expect(entries[6]!.meta).toMatchObject({ original_event_log_entry_id: entries[5]!.id, added: [], removed: [asset] });
  });

  it('logs a bulk move as one entry on the list the Shots left, in its order, and one per Shot moved', async () => {
    const one = (await t.call('read', t.script, { type: 'Sequence', return_fields: ['shots'], filters: where(['id', 'is', 1]) })).entities[0].shots as Link[];
    const moving = one.filter((_, i) => i % 2 === 1).map((l) => ref('Shot', l.id));
    expect(moving.length).toBeGreaterThan(20);
    const start = await lastEntry();
    await update('Sequence', 2, { shots: moving }, 'add');
    const entries = await logged(start);
    expect(entries[0]).toMatchObject({ event_type: 'Shotgun_Sequence_Change', entity: { id: 2 }, attribute_name: 'shots' });
    const shots = entries.filter((e) => e.event_type === 'Shotgun_Shot_Change');
    expect(shots.map((e) => e.entity!.id)).toEqual(moving.map((l) => l.id));
    for (const e of shots) expect(e.meta).toMatchObject({ attribute_name: 'sg_sequence', entity_type: 'Sequence', entity_id: 2, old_value: { id: 1 }, new_value: { id: 2 } });
    const left = entries.filter((e) => e.event_type === 'Shotgun_Sequence_Change' && e.entity!.id === 1);
    expect(left).toHaveLength(1);
    expect((left[0]!.meta['removed'] as Link[]).map((l) => l.id)).toEqual(moving.map((l) => l.id));
    expect(entries).toHaveLength(1 + moving.length + 1);
  });
});

describe('who the back-reference entry names', () => {
  it('names the sudo user as its user and the script in meta.sudo_actual_user, as the write’s own entry does', async () => {
    const start = await lastEntry();
    await t.call('update', { ...t.script, sudo_as_login: 'coord' }, { type: 'Task', id: 1, fields: [{ field_name: 'entity', value: ref('Shot', 10) }] });
    const r = await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['event_type', 'user', 'meta'], filters: where(['id', 'greater_than', start]), sorts: [{ field_name: 'id', direction: 'asc' }] });
    expect(r.entities.map((e: Entry) => e.event_type)).toEqual(['Shotgun_Task_Change', 'Shotgun_Shot_Change', 'Shotgun_Shot_Change']);
    const [forward, ...backrefs] = r.entities as (Entry & { user: Link })[];
    expect(forward!.user).toMatchObject({ type: 'HumanUser', name: expect.stringMatching(/coord/i) });
    for (const e of backrefs) {
      expect(e.user).toEqual(forward!.user);
      expect(e.meta['sudo_actual_user']).toEqual(forward!.meta['sudo_actual_user']);
      expect(e.meta['sudo_actual_user']).toMatchObject({ type: 'ApiUser' });
    }
  });
});

describe('what logs no back-reference entry', () => {
  it('retiring and reviving a Task log their own entries only, though the Shot’s tasks lose and regain it', async () => {
    const task = await create('Task', { content: 'Retired', project, entity: ref('Shot', 1) });
    const start = await lastEntry();
    await t.call('delete', t.script, { type: 'Task', id: task });
    await t.call('revive', t.script, { type: 'Task', id: task });
    expect(outline(await logged(start))).toEqual([`Shotgun_Task_Change Task#${task} retirement_date`, `Shotgun_Task_Retirement Task#${task} -`, `Shotgun_Task_Revival Task#${task} -`]);
    const shot = await t.call('read', t.script, { type: 'Shot', return_fields: ['tasks'], filters: where(['id', 'is', 1]) });
    expect((shot.entities[0].tasks as Link[]).map((l) => l.id)).toContain(task);
  });

  it('a script with generate_event_log_entries off logs neither side', async () => {
    await update('ApiUser', 1, { generate_event_log_entries: false });
    const start = await lastEntry();
    await create('Task', { content: 'Quiet', project, entity: ref('Shot', 1) });
    await update('Sequence', 2, { shots: [ref('Shot', 1)] }, 'add');
    expect(await logged(start)).toEqual([]);
  });
});

describe('in a batch', () => {
  it('logs each request’s back-references after its own entry, and none of a batch that fails', async () => {
    const start = await lastEntry();
    const [created] = await t.call('batch', t.script, [
      { request_type: 'create', type: 'Task', fields: [{ field_name: 'content', value: 'Batched' }, { field_name: 'project', value: project }, { field_name: 'entity', value: ref('Shot', 1) }] },
      { request_type: 'update', type: 'Asset', id: 4, fields: [{ field_name: 'shots', value: [ref('Shot', 10)], multi_entity_update_mode: 'add' }] },
    ]);
    const entries = await logged(start);
    expect(outline(entries)).toEqual([
      `Shotgun_Task_New Task#${created.id} -`, 'Shotgun_Shot_Change Shot#1 tasks', 'Shotgun_Asset_Change Asset#4 shots', 'Shotgun_Shot_Change Shot#10 assets',
      `Shotgun_AssetShotConnection_New AssetShotConnection#${entries[4]?.meta['entity_id']} -`,
    ]);
    expect(entries[1]!.meta).toMatchObject({ original_event_log_entry_id: entries[0]!.id, in_create: true });
    expect(entries[3]!.meta).toMatchObject({ original_event_log_entry_id: entries[2]!.id });
    expect(entries[3]!.meta).not.toHaveProperty('in_create');

    const before = await lastEntry();
    const f = await t.fault('batch', t.script, [
      { request_type: 'update', type: 'Task', id: created.id, fields: [{ field_name: 'entity', value: ref('Shot', 2) }] },
      { request_type: 'update', type: 'Sequence', id: 2, fields: [{ field_name: 'shots', value: [ref('Shot', 1)], multi_entity_update_mode: 'add' }] },
      { request_type: 'update', type: 'Shot', id: 1, fields: [{ field_name: 'nope', value: 1 }] },
    ]);
    expect(f.code).toBe(103);
    expect(await lastEntry()).toBe(before);
  });
});
