import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveFieldCode } from './schema.js';
import { startHarness, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

describe('schema methods', () => {
  it('reads the shipped schema (77 entity types)', async () => {
    const all = await t.call('schema_read', t.script);
    expect(Object.keys(all)).toHaveLength(77);
    expect(all.Shot.code.data_type.value).toBe('text');
    const entities = await t.call('schema_entity_read', t.script);
    expect(entities.Attachment.name.value).toBe('File');
    const one = await t.call('schema_field_read', t.script, { type: 'Shot', field_name: 'sg_status_list' });
    expect(Object.keys(one)).toEqual(['sg_status_list']);
    expect((await t.fault('schema_field_read', t.script, { type: 'Shot', field_name: 'nope' })).code).toBe(103);
  });

  it('derives field codes', () => {
    expect(deriveFieldCode('Complexity')).toBe('sg_complexity');
    expect(deriveFieldCode('Shot  Complexity!')).toBe('sg_shot_complexity');
  });

  it('refuses a new field whose code a deleted field still holds (rpc-protocol.md §2.6)', async () => {
    const create = (name: string): Promise<string> => t.call('schema_field_create', t.script, { type: 'Asset', data_type: 'text', properties: [{ property_name: 'name', value: name }] });
    expect(await create('Retired Probe')).toBe('sg_retired_probe');
    expect(await create('Retired Probe')).toBe('sg_retired_probe_1');
    expect(await t.call('schema_field_delete', t.script, { type: 'Asset', field_name: 'sg_retired_probe_1' })).toBe(true);
    // A live field still takes a suffix; the next free suffix is held by the deleted field, which is a fault.
    const f = await t.fault('schema_field_create', t.script, { type: 'Asset', data_type: 'text', properties: [{ property_name: 'name', value: 'Retired Probe' }] });
    expect(f.code).toBe(103);
    expect(f.message).toContain('sg_retired_probe_1');
    expect(Object.keys(await t.call('schema_field_read', t.script, { type: 'Asset' })).filter((k) => k.startsWith('sg_retired_probe'))).toEqual(['sg_retired_probe']);
    // Another display name is free.
    expect(await create('Retired Probe Two')).toBe('sg_retired_probe_two');
  });

  it('passes over a deleted fallback code for display names with no Latin letter, which no renaming could avoid', async () => {
    const create = (name: string): Promise<string> => t.call('schema_field_create', t.script, { type: 'Sequence', data_type: 'text', properties: [{ property_name: 'name', value: name }] });
    expect(await create('難易度')).toBe('sg_field');
    expect(await create('ショット番号')).toBe('sg_field_1');
    expect(await t.call('schema_field_delete', t.script, { type: 'Sequence', field_name: 'sg_field' })).toBe(true);
    expect(await create('샷 상태')).toBe('sg_field_2');
    const fields = await t.call('schema_field_read', t.script, { type: 'Sequence' });
    expect([fields.sg_field_1?.name.value, fields.sg_field_2?.name.value]).toEqual(['ショット番号', '샷 상태']);
    expect(fields.sg_field).toBeUndefined();    // A Latin name deriving the same code is judged as any other: the deleted code stays taken, as on a real site.
    expect((await t.fault('schema_field_create', t.script, { type: 'Sequence', data_type: 'text', properties: [{ property_name: 'name', value: 'Field' }] })).message).toContain("deleted field 'sg_field'");
  });

  it('refuses a property item without a value rather than blanking the property', async () => {
    const f = await t.fault('schema_field_update', t.script, { type: 'Shot', field_name: 'sg_cut_in', properties: [{ property_name: 'name' }, { property_name: 'description', value: 'x' }] });
    expect(f.code).toBe(103);
    expect(f.message).toContain("'name'");
    const def = (await t.call('schema_field_read', t.script, { type: 'Shot', field_name: 'sg_cut_in' })).sg_cut_in;
    expect(def.name).toEqual({ value: 'Cut In', editable: true });
    expect(def.description.value).not.toBe('x');
  });

  it('changes nothing when schema_field_update is refused', async () => {
    const update = { type: 'Shot', field_name: 'description', properties: [{ property_name: 'visible', value: false }, { property_name: 'description', value: 'changed' }, { property_name: 'data_type', value: 'number' }] };
    expect((await t.fault('schema_field_update', t.script, update)).code).toBe(103);
    const def = (await t.call('schema_field_read', t.script, { type: 'Shot', field_name: 'description' })).description;
    expect(def.visible.value).toBe(true);
    expect(def.description.value).not.toBe('changed');
    expect(def.data_type.value).toBe('text');
  });

  it('creates, updates and deletes fields, visible to later calls', async () => {
    const create = (name: string): Promise<string> => t.call('schema_field_create', t.script, { type: 'Shot', data_type: 'number', properties: [{ property_name: 'name', value: name }] });
    expect(await create('Complexity')).toBe('sg_complexity');
    expect(await create('Complexity')).toBe('sg_complexity_1');
    const s = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'f1' }, { field_name: 'sg_complexity', value: 3 }], return_fields: ['sg_complexity'] });
    expect(s.sg_complexity).toBe(3);
    expect(await t.call('schema_field_update', t.script, { type: 'Shot', field_name: 'sg_complexity', properties: [{ property_name: 'description', value: 'How hard' }] })).toBe(true);
    expect((await t.call('schema_field_read', t.script, { type: 'Shot', field_name: 'sg_complexity' })).sg_complexity.description.value).toBe('How hard');
    await t.call('schema_field_update', t.script, { type: 'Shot', field_name: 'sg_complexity', properties: [{ property_name: 'visible', value: false }], project: { type: 'Project', id: 1 } });
    expect((await t.call('schema_field_read', t.script, { type: 'Shot', field_name: 'sg_complexity', project: { type: 'Project', id: 1 } })).sg_complexity.visible.value).toBe(false);
    expect((await t.call('schema_field_read', t.script, { type: 'Shot', field_name: 'sg_complexity' })).sg_complexity.visible.value).toBe(true);
    expect(await t.call('schema_field_delete', t.script, { type: 'Shot', field_name: 'sg_complexity' })).toBe(true);
    expect((await t.fault('read', t.script, { type: 'Shot', return_fields: ['sg_complexity'] })).code).toBe(103);
    expect((await t.fault('schema_field_create', t.script, { type: 'Shot', data_type: 'number', properties: [{ property_name: 'name', value: 'Complexity' }] })).code).toBe(103);
    expect((await t.fault('schema_field_delete', t.script, { type: 'Shot', field_name: 'code' })).code).toBe(103);
  });
});
