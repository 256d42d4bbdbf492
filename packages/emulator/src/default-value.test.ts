import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';
import { propertyList as list, type Props } from './test-support/property-list.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const create = (dataType: string, name: string, props: Props = {}): Promise<string> =>
  t.call('schema_field_create', t.script, { type: 'Shot', data_type: dataType, properties: list({ name, ...props }) });
const createFault = (dataType: string, name: string, props: Props): Promise<{ code: number; message: string }> =>
  t.fault('schema_field_create', t.script, { type: 'Shot', data_type: dataType, properties: list({ name, ...props }) });
const fieldNames = async (): Promise<string[]> => Object.keys(await t.call('schema_field_read', t.script, { type: 'Shot' }));
const readDef = async (field: string): Promise<any> => (await t.call('schema_field_read', t.script, { type: 'Shot', field_name: field }))[field];

describe('default_value (checked like a write of the field, applied to new rows)', () => {
  it('refuses a list default outside valid_values and a number default that is not a number, creating nothing', async () => {
    const bad = await createFault('list', 'Dv List', { valid_values: ['a', 'b'], default_value: 'zzz-not-valid' });
    expect(bad.code).toBe(103);
    expect(bad.message).toContain('Shot.sg_dv_list');
    expect(bad.message).toContain('"zzz-not-valid"');
    const nan = await createFault('number', 'Dv Number', { default_value: 'abc' });
    expect(nan.code).toBe(103);
    expect(nan.message).toContain('Shot.sg_dv_number');
    expect(nan.message).toContain('"abc"');
    expect((await fieldNames()).filter((f) => f.startsWith('sg_dv_'))).toEqual([]);
  });

  it('refuses an update that sets a bad default, or valid_values that leave the default out, changing nothing', async () => {
    const field = await create('list', 'Dv Update', { valid_values: ['a', 'b'], default_value: 'a' });
    const update = (props: Props): Promise<{ code: number; message: string }> => t.fault('schema_field_update', t.script, { type: 'Shot', field_name: field, properties: list(props) });
    expect((await update({ default_value: 'zzz', description: 'changed' })).code).toBe(103);
    expect((await update({ valid_values: ['b', 'c'] })).code).toBe(103);
    const def = await readDef(field);
    expect(def.properties.default_value.value).toBe('a');
    expect(def.properties.valid_values.value).toEqual(['a', 'b']);
    expect(def.description.value).not.toBe('changed');
  });

  it('gives new rows the default of every data type that has one', async () => {
    const defaults: [string, unknown][] = [
      ['currency', 12.5],
      ['percent', 40],
      ['duration', 600],
      ['date', '2026-03-04'],
      ['date_time', '2026-03-04T05:06:07Z'],
      ['number', 7],
      ['list', 'b'],
      ['checkbox', true],
    ];
    const fields = [];
    for (const [dataType, value] of defaults) fields.push(await create(dataType, `Dflt ${dataType}`, { default_value: value, ...(dataType === 'list' ? { valid_values: ['a', 'b'] } : {}) }));
    const row = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'dv1' }], return_fields: fields });
    expect(fields.map((f) => row[f])).toEqual(defaults.map(([, v]) => v));
  });

  it('leaves a shipped default alone when an update does not touch it', async () => {
    // Attachment.queue_for_s3_upload ships with a default of 0, which a checkbox write refuses.
    expect(await t.call('schema_field_update', t.script, { type: 'Attachment', field_name: 'queue_for_s3_upload', properties: list({ description: 'x' }) })).toBe(true);
  });
});
