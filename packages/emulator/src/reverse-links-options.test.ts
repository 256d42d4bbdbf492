import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_REVERSE_LINKS, startEmulator } from './index.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

const started: Harness[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.h.close()));
});
async function site(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const t = await startHarness(options);
  started.push(t);
  return t;
}

const ids = (links: { id: number }[]): number[] => links.map((l) => l.id);
async function field(t: Harness, type: string, id: number, name: string): Promise<any> {
  return (await t.call('read', t.script, { type, return_fields: [name], filters: where(['id', 'is', id]) })).entities[0][name];
}
const newField = (t: Harness, type: string, dataType: string, name: string, validTypes: string[]): Promise<string> =>
  t.call('schema_field_create', t.script, { type, data_type: dataType, properties: [{ property_name: 'name', value: name }, { property_name: 'valid_types', value: validTypes }] });

describe('the reverseLinks option', () => {
  it('keeps a custom pair in step once its fields exist, starting from the links already written', async () => {
    const t = await site({ reverseLinks: [{ field: 'Version.entity', reverse: 'Shot.sg_versions' }] });
    expect(await newField(t, 'Shot', 'multi_entity', 'Versions', ['Version'])).toBe('sg_versions');
    const demo = await t.call('read', t.script, { type: 'Version', return_fields: ['id'], filters: where(['entity', 'is', { type: 'Shot', id: 1 }]) });
    expect(ids(await field(t, 'Shot', 1, 'sg_versions'))).toEqual(ids(demo.entities));
    const v = await t.call('create', t.script, { type: 'Version', fields: [{ field_name: 'code', value: 'v_new' }, { field_name: 'entity', value: { type: 'Shot', id: 1 } }] });
    expect(ids(await field(t, 'Shot', 1, 'sg_versions'))).toContain(v.id);
    await t.call('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'sg_versions', value: [] }] });
    expect(await field(t, 'Version', v.id, 'entity')).toBeNull();
  });

  it('wins over a built-in pair claiming one of its sides', async () => {
    const t = await site({ reverseLinks: [{ field: 'Shot.sg_cut_sequence', reverse: 'Sequence.shots' }] });
    expect(ids(await field(t, 'Sequence', 1, 'shots'))).toEqual([1, 2, 3]);
    expect(await newField(t, 'Shot', 'entity', 'Cut Sequence', ['Sequence'])).toBe('sg_cut_sequence');
    expect(await field(t, 'Sequence', 1, 'shots')).toEqual([]);
    await t.call('update', t.script, { type: 'Shot', id: 4, fields: [{ field_name: 'sg_cut_sequence', value: { type: 'Sequence', id: 1 } }] });
    expect(ids(await field(t, 'Sequence', 1, 'shots'))).toEqual([4]);
    expect(await field(t, 'Shot', 4, 'sg_sequence')).toMatchObject({ type: 'Sequence', id: 2 });
  });

  it('leaves a pair alone once its fields no longer link to each other', async () => {
    const t = await site({});
    const task = (content: string): Promise<{ id: number }> =>
      t.call('create', t.script, { type: 'Task', fields: [{ field_name: 'content', value: content }, { field_name: 'entity', value: { type: 'Shot', id: 1 } }] });
    const paired = await task('Paired');
    const before = ids(await field(t, 'Shot', 1, 'tasks'));
    expect(before).toContain(paired.id);
    await t.call('schema_field_update', t.script, { type: 'Shot', field_name: 'tasks', properties: [{ property_name: 'valid_types', value: ['Version'] }] });
    await task('Unpaired');
    expect(ids(await field(t, 'Shot', 1, 'tasks'))).toEqual(before);
  });

  it('refuses a pair that is not Type.field ↔ Type.field, and lists the built-in pairs', async () => {
    await expect(startEmulator({ reverseLinks: [{ field: '*.tasks', reverse: 'Task.entity' }] })).rejects.toThrow(/'field' must be 'Type.field'/);
    await expect(startEmulator({ reverseLinks: [{ field: 'Task.entity', reverse: 'tasks' }] })).rejects.toThrow(/'reverse' must be 'Type.field' or '\*.field'/);
    expect(DEFAULT_REVERSE_LINKS).toContainEqual({ field: 'Task.entity', reverse: '*.tasks' });
    expect(DEFAULT_REVERSE_LINKS).toContainEqual({ field: 'Asset.shots', reverse: 'Shot.assets' });
  });
});
