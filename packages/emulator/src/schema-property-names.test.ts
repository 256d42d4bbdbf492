import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';
import { propertyList as list, type Props } from './test-support/property-list.js';

// rpc-protocol §2.6: `properties` is a list of {property_name, value}, and the names are a field definition's keys
// (name, description, …) or those of its `properties` (default_value, summary_default, valid_types, valid_values).
let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const create = (name: string, props: unknown, dataType = 'text'): Promise<string> =>
  t.call('schema_field_create', t.script, { type: 'Shot', data_type: dataType, properties: [{ property_name: 'name', value: name }, ...list(props as Props)] });
const createFault = (properties: unknown, dataType = 'text'): Promise<{ code: number; message: string }> =>
  t.fault('schema_field_create', t.script, { type: 'Shot', data_type: dataType, properties });
const updateFault = (type: string, field: string, properties: unknown): Promise<{ code: number; message: string }> =>
  t.fault('schema_field_update', t.script, { type, field_name: field, properties });
const readDef = async (type: string, field: string): Promise<any> => (await t.call('schema_field_read', t.script, { type, field_name: field }))[field];
const shotFields = async (): Promise<string[]> => Object.keys(await t.call('schema_field_read', t.script, { type: 'Shot' }));

describe('schema_field_create/update properties as a hash', () => {
  it('refuses them on create, and makes no field', async () => {
    const before = await shotFields();
    const f = await createFault({ name: 'Dict Form', description: 'd' });
    expect(f.code).toBe(103);
    expect(f.message).toBe(`schema_field_create: 'properties' must be a list of {property_name, value}, got a hash ({"name":"Dict Form","description":"d"}); send [{"property_name": "name", "value": …}, …]`);
    expect(await shotFields()).toEqual(before);
  });

  it('refuses them on update, and changes nothing', async () => {
    const f = await updateFault('Shot', 'sg_cut_in', { description: 'changed' });
    expect(f.code).toBe(103);
    expect(f.message).toContain("schema_field_update: 'properties' must be a list of {property_name, value}, got a hash");
    expect((await readDef('Shot', 'sg_cut_in')).description.value).not.toBe('changed');
  });

  it('refuses a string or a number there too', async () => {
    expect((await updateFault('Shot', 'sg_cut_in', 'description')).message).toBe(`schema_field_update: 'properties' must be a list of {property_name, value}, got "description"`);
    expect((await createFault(3)).code).toBe(103);
  });
});

describe('schema_field_create/update property names', () => {
  it('refuses a misspelt name on update, names it and the one it likely meant, and changes nothing', async () => {
    const before = await readDef('Shot', 'sg_cut_in');
    const f = await updateFault('Shot', 'sg_cut_in', list({ description: 'kept out', descripton: 'typo' }));
    expect(f.code).toBe(103);
    expect(f.message).toBe(`Shot.sg_cut_in: unknown property "descripton": did you mean "description"?`);
    expect(await readDef('Shot', 'sg_cut_in')).toEqual(before);
  });

  it('refuses an unknown name on create, without a guess when nothing is close, and makes no field', async () => {
    const before = await shotFields();
    const f = await createFault(list({ name: 'Odd Prop', colour_scheme: 'red' }));
    expect(f.code).toBe(103);
    expect(f.message).toBe(
      'The new Shot text field "Odd Prop": unknown property "colour_scheme" (a property is one of name, description, editable, mandatory, unique, visible, default_value, summary_default, valid_types, valid_values)',
    );
    expect(await shotFields()).toEqual(before);
  });

  it('takes a name as the wire spells it only: validValues is refused with a guess', async () => {
    const f = await createFault(list({ name: 'Camel Case', validValues: ['a'] }), 'list');
    expect(f.message).toContain('unknown property "validValues": did you mean "valid_values"?');
  });

  it("refuses 'properties', 'data_type' and 'entity_type' as property names on create", async () => {
    for (const key of ['properties', 'data_type', 'entity_type']) {
      const f = await createFault(list({ name: 'Fixed Keys', [key]: 'x' }));
      expect(f.code, key).toBe(103);
      expect(f.message, key).toContain(`"${key}"`);
    }
    expect(await shotFields()).not.toContain('sg_fixed_keys');
  });

  it("refuses '__proto__' as a name rather than taking its value as the properties' prototype", async () => {
    const f = await createFault([{ property_name: '__proto__', value: { name: 'Hidden Name' } }]);
    expect(f.code).toBe(103);
    expect(await shotFields()).not.toContain('sg_hidden_name');
    expect((await updateFault('Shot', 'sg_cut_in', [{ property_name: '__proto__', value: { description: 'x' } }])).message).toContain('unknown property "__proto__"');
  });

  it('takes every name the protocol lists, each stored where schema_field_read shows it', async () => {
    const code = await create('All Props', { description: 'd', mandatory: false, unique: false, editable: true, visible: false, default_value: 'a', summary_default: 'count', valid_values: ['a', 'b'] }, 'list');
    const def = await readDef('Shot', code);
    expect(def.description.value).toBe('d');
    expect(def.visible.value).toBe(false);
    expect(def.properties).not.toHaveProperty('visible');
    expect(def.properties.summary_default.value).toBe('count');
    expect(def.properties.valid_values.value).toEqual(['a', 'b']);
    expect(Object.keys(def.properties).sort()).toEqual(['default_value', 'summary_default', 'valid_values']);
    const link = await create('Any Link', { valid_types: ['Asset'] }, 'entity');
    expect((await readDef('Shot', link)).properties.valid_types.value).toEqual(['Asset']);
  });

  it('takes, on update, a property the field already holds though the protocol does not list it', async () => {
    expect(await t.call('schema_field_update', t.script, { type: 'Version', field_name: 'sg_uploaded_movie', properties: list({ open_in_new_window: false }) })).toBe(true);
    expect((await readDef('Version', 'sg_uploaded_movie')).properties.open_in_new_window.value).toBe(false);
    // A text field has no such property.
    expect((await updateFault('Shot', 'sg_cut_in', list({ open_in_new_window: false }))).message).toContain('unknown property "open_in_new_window"');
  });
});
