import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

// A client must translate the Python-side spellings (rpc-protocol.md §2.5); a site that took them would hide a missed translation.
describe('write payloads in their wire form only', () => {
  it('refuses a batch request keyed by entity_type / entity_id instead of type / id', async () => {
    const create = await t.fault('batch', t.script, [{ request_type: 'create', entity_type: 'Shot', fields: [{ field_name: 'code', value: 'wire_1' }] }]);
    expect(create.code).toBe(103);
    const update = await t.fault('batch', t.script, [{ request_type: 'update', type: 'Shot', entity_id: 1, fields: [{ field_name: 'description', value: 'x' }] }]);
    expect(update.code).toBe(103);
    const del = await t.fault('batch', t.script, [{ request_type: 'delete', entity_type: 'Shot', entity_id: 1 }]);
    expect(del.code).toBe(103);
    const left = await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: { logical_operator: 'and', conditions: [{ path: 'code', relation: 'is', values: ['wire_1'] }] } });
    expect(left.entities).toHaveLength(0);
  });

  it("refuses 'fields' sent as a {field: value} hash instead of a list of {field_name, value}", async () => {
    expect((await t.fault('create', t.script, { type: 'Shot', fields: { code: 'wire_2' } })).code).toBe(103);
    expect((await t.fault('update', t.script, { type: 'Shot', id: 1, fields: { description: 'x' } })).code).toBe(103);
    expect((await t.fault('batch', t.script, [{ request_type: 'create', type: 'Shot', fields: { code: 'wire_3' } }])).code).toBe(103);
  });
});

// rpc-protocol.md §2.3: `column` is the client's alias, renamed to `field_name` before the request leaves.
describe('read sorts in their wire form only', () => {
  it("refuses a sort keyed by 'column' and still takes 'field_name'", async () => {
    const refused = await t.fault('read', t.script, { type: 'Shot', return_fields: ['code'], sorts: [{ column: 'code', direction: 'desc' }] });
    expect(refused.code).toBe(103);
    expect(refused.message).toContain("'field_name', not 'column'");
    const ok = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], sorts: [{ field_name: 'code', direction: 'desc' }] });
    expect(ok.entities[0].code).toBe('SQ020_0030');
  });
});

// rpc-protocol.md §1.8: image is read-only; §2.5: only `image: None` (clear) goes out in an update.
describe('image fields', () => {
  it('refuses a string written into image or filmstrip_image, on create and update', async () => {
    const url = 'https://example.com/thumb.png';
    const upd = await t.fault('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'image', value: url }] });
    expect(upd.code).toBe(103);
    expect(upd.message).toMatch(/Shot\.image \(image\) is read-only: only null/);
    expect((await t.fault('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'filmstrip_image', value: url }] })).code).toBe(103);
    expect((await t.fault('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'img_1' }, { field_name: 'image', value: url }] })).code).toBe(103);
    const row = await t.call('read', t.script, { type: 'Shot', return_fields: ['image'], filters: { logical_operator: 'and', conditions: [{ path: 'id', relation: 'is', values: [1] }] } });
    expect(row.entities[0].image).toBeNull();
  });
});
