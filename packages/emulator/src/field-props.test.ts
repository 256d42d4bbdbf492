import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';
import { propertyList as list, type Props } from './test-support/property-list.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const updateFault = (field: string, props: Props, project?: unknown): Promise<{ code: number; message: string }> =>
  t.fault('schema_field_update', t.script, { type: 'Version', field_name: field, properties: list(props), ...(project ? { project } : {}) });
const readDef = async (field: string, project?: unknown): Promise<any> =>
  (await t.call('schema_field_read', t.script, { type: 'Version', field_name: field, ...(project ? { project } : {}) }))[field];

describe('schema_field_update refuses what schema_field_create refuses', () => {
  let link: string;
  let choice: string;
  beforeAll(async () => {
    link = await t.call('schema_field_create', t.script, { type: 'Version', data_type: 'entity', properties: list({ name: 'Props Link', valid_types: ['Asset'] }) });
    choice = await t.call('schema_field_create', t.script, { type: 'Version', data_type: 'list', properties: list({ name: 'Props Choice', valid_values: ['a', 'b'] }) });
  });

  it('refuses an unknown entity type in valid_types, as create does', async () => {
    const create = await t.fault('schema_field_create', t.script, { type: 'Version', data_type: 'entity', properties: list({ name: 'Props Nope', valid_types: ['Nope'] }) });
    expect(create.code).toBe(103);
    const update = await updateFault(link, { valid_types: ['Nope'] });
    expect(update.code).toBe(103);
    expect(update.message).toContain(`Version.${link}`);
    expect(update.message).toContain('"Nope"');
    expect((await readDef(link)).properties.valid_types.value).toEqual(['Asset']);
  });

  it('refuses valid_types that is not a list, on create and update', async () => {
    expect((await t.fault('schema_field_create', t.script, { type: 'Version', data_type: 'entity', properties: list({ name: 'Props String', valid_types: 'Asset' }) })).code).toBe(103);
    const update = await updateFault(link, { valid_types: 'Asset' });
    expect(update.code).toBe(103);
    expect(update.message).toContain("'valid_types' must be a list");
    expect((await readDef(link)).properties.valid_types.value).toEqual(['Asset']);
  });

  it('refuses valid_values that is not a list of strings, on create and update', async () => {
    expect((await t.fault('schema_field_create', t.script, { type: 'Version', data_type: 'list', properties: list({ name: 'Props Values', valid_values: 'a,b' }) })).code).toBe(103);
    expect((await updateFault(choice, { valid_values: 'a,b' })).code).toBe(103);
    expect((await updateFault(choice, { valid_values: ['a', 3] })).code).toBe(103);
    expect((await readDef(choice)).properties.valid_values.value).toEqual(['a', 'b']);
  });

  it('refuses a project-scoped visible on a built-in field, and keeps it for a custom field', async () => {
    const project = { type: 'Project', id: 1 };
    const f = await updateFault('code', { visible: false }, project);
    expect(f.code).toBe(103);
    expect(f.message).toContain('Version.code is a built-in field');
    expect((await readDef('code', project)).visible.value).toBe(true);
    expect(await t.call('schema_field_update', t.script, { type: 'Version', field_name: link, properties: list({ visible: false }), project })).toBe(true);
    expect((await readDef(link, project)).visible.value).toBe(false);
  });
});
