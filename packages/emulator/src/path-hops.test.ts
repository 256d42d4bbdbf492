import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

/** Every place a path is read, as one RPC each on Task: [what, method, payload]. */
function usesOf(path: string): [string, string, Record<string, unknown>][] {
  return [
    ['filter', 'read', { type: 'Task', return_fields: ['content'], filters: where([path, 'is', 'x']) }],
    ['return field', 'read', { type: 'Task', return_fields: [path], filters: where(['id', 'is', 1]) }],
    ['sort', 'read', { type: 'Task', return_fields: ['content'], sorts: [{ field_name: path, direction: 'asc' }] }],
    ['summary', 'summarize', { type: 'Task', summaries: [{ field: path, type: 'count' }], filters: where() }],
    ['grouping', 'summarize', { type: 'Task', summaries: [{ field: 'id', type: 'count' }], grouping: [{ field: path, type: 'exact', direction: 'asc' }], filters: where() }],
    ['create return field', 'create', { type: 'Task', fields: [{ field_name: 'content', value: 'refused' }], return_fields: [path] }],
  ];
}

describe('a path hop to an entity type the link cannot hold', () => {
  it.each([
    ['project.Shot.code', 'Task.project cannot link to Shot; its valid types are Project'],
    ['entity.HumanUser.login', 'Task.entity cannot link to HumanUser; its valid types are '],
    ['entity.Shot.sg_sequence.Shot.code', 'Shot.sg_sequence cannot link to Shot; its valid types are Sequence'],
  ])('%s is fault 103 naming the link, its valid types and the path, wherever the path is read', async (path, message) => {
    for (const [what, method, payload] of usesOf(path)) {
      const fault = await t.fault(method, t.script, payload);
      expect({ what, code: fault.code }).toEqual({ what, code: 103 });
      expect(fault.message, what).toContain(message);
      expect(fault.message, what).toContain(`(in path '${path}')`);
    }
    // The refused create wrote nothing.
    const refused = await t.call('read', t.script, { type: 'Task', return_fields: ['content'], filters: where(['content', 'is', 'refused']) });
    expect(refused.entities).toEqual([]);
  });

  it('keeps answering hops the link may take, rows linked elsewhere matching nothing', async () => {
    const viaShot = await t.call('read', t.script, { type: 'Task', return_fields: ['content', 'entity.Shot.code'], filters: where(['entity.Shot.code', 'is', 'SQ010_0010']) });
    expect(viaShot.entities.map((e: Record<string, unknown>) => e['entity.Shot.code'])).toEqual(['SQ010_0010', 'SQ010_0010', 'SQ010_0010']);
    // Task.entity may link to a Sequence; no demo Task does, so nothing matches (not a fault).
    const viaSequence = await t.call('read', t.script, { type: 'Task', return_fields: ['entity.Sequence.code'], filters: where(['entity.Sequence.code', 'is', 'SQ010']) });
    expect(viaSequence.entities).toEqual([]);
    // An Asset's Task reads null through the Shot hop.
    const assetTask = await t.call('read', t.script, { type: 'Task', return_fields: ['entity.Shot.code'], filters: where(['entity', 'type_is', 'Asset']), paging: { entities_per_page: 1, current_page: 1 } });
    expect(assetTask.entities[0]['entity.Shot.code']).toBeNull();
  });

  it('follows the schema: a custom link accepts a hop once its valid_types hold the type', async () => {
    await t.call('schema_field_create', t.script, { type: 'Version', data_type: 'entity', properties: [{ property_name: 'name', value: 'Hero Link' }, { property_name: 'valid_types', value: ['Asset'] }] });
    const payload = { type: 'Version', return_fields: ['code'], filters: where(['sg_hero_link.Shot.code', 'is', 'SQ010_0010']) };
    expect((await t.fault('read', t.script, payload)).message).toContain('Version.sg_hero_link cannot link to Shot; its valid types are Asset');
    await t.call('schema_field_update', t.script, { type: 'Version', field_name: 'sg_hero_link', properties: [{ property_name: 'valid_types', value: ['Asset', 'Shot'] }] });
    expect((await t.call('read', t.script, payload)).entities).toEqual([]);
  });

  it('is refused like an unknown type or a hop through a field that is not a link', async () => {
    for (const [path, message] of [
      ['entity.Nope.code', "Entity type 'Nope' in path 'entity.Nope.code' is not a valid entity type"],
      ['content.Shot.code', "Task.content is not a link field (in path 'content.Shot.code')"],
    ] as const) {
      for (const [what, method, payload] of usesOf(path)) {
        expect({ what, ...(await t.fault(method, t.script, payload)) }).toEqual({ what, code: 103, message });
      }
    }
  });
});

// README "Dotted paths": a hop that reaches no row reads as null, whatever the type of the field at the end.
describe('a return field through a link that reaches no row', () => {
  const through = ['project.Project.name', 'project.Project.archived', 'project.Project.users', 'project.Project.tag_list', 'sg_sequence.Sequence.shots', 'sg_sequence.Sequence.code'];

  it('reads null through a null link (checkbox, multi-entity and tag list too), from read and create', async () => {
    const created = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'no-project' }], return_fields: through });
    const nulls = Object.fromEntries(through.map((f) => [f, null]));
    expect(created).toMatchObject(nulls);
    const [row] = (await t.call('read', t.script, { type: 'Shot', return_fields: through, filters: where(['id', 'is', created.id]) })).entities;
    expect(row).toEqual({ type: 'Shot', id: created.id, ...nulls });
  });

  it('reads null through a link to a retired entity, and the field again once it is revived', async () => {
    const seq = await t.call('create', t.script, { type: 'Sequence', fields: [{ field_name: 'code', value: 'gone' }, { field_name: 'project', value: { type: 'Project', id: 1 } }] });
    const shot = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'in-gone' }, { field_name: 'sg_sequence', value: { type: 'Sequence', id: seq.id } }] });
    const read = async (): Promise<Record<string, unknown>> =>
      (await t.call('read', t.script, { type: 'Shot', return_fields: ['sg_sequence.Sequence.shots', 'sg_sequence.Sequence.code'], filters: where(['id', 'is', shot.id]) })).entities[0];
    await t.call('delete', t.script, { type: 'Sequence', id: seq.id });
    expect(await read()).toMatchObject({ 'sg_sequence.Sequence.shots': null, 'sg_sequence.Sequence.code': null });
    await t.call('revive', t.script, { type: 'Sequence', id: seq.id });
    expect(await read()).toMatchObject({ 'sg_sequence.Sequence.shots': [{ type: 'Shot', id: shot.id, name: 'in-gone' }], 'sg_sequence.Sequence.code': 'gone' });
  });

  it('keeps the values of a row reached: a never-written checkbox reads false and an empty list []', async () => {
    const proj = await t.call('create', t.script, { type: 'Project', fields: [{ field_name: 'name', value: 'Bare' }] });
    const shot = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'in-bare' }, { field_name: 'project', value: { type: 'Project', id: proj.id } }], return_fields: ['project.Project.archived', 'project.Project.users', 'project.Project.tag_list'] });
    expect(shot).toMatchObject({ 'project.Project.archived': false, 'project.Project.users': [], 'project.Project.tag_list': [] });
  });
});
