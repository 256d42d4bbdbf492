import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const failing = { request_type: 'update', type: 'Shot', id: 999999, fields: [{ field_name: 'code', value: 'nope' }] };

describe('batch atomicity beyond the rows', () => {
  it('undoes a login rename when a later request fails, so the user can still log in', async () => {
    const coord = (await t.call('read', t.script, { type: 'HumanUser', return_fields: ['login'], filters: where(['login', 'is', 'coord']) })).entities[0];
    await t.fault('batch', t.script, [{ request_type: 'update', type: 'HumanUser', id: coord.id, fields: [{ field_name: 'login', value: 'coord_renamed' }] }, failing]);
    const asCoord = { user_login: 'coord', user_password: 'coord-pass-1' };
    const r = await t.call('read', asCoord, { type: 'Shot', return_fields: ['id'], paging: { entities_per_page: 1, current_page: 1 } });
    expect(r.entities).toHaveLength(1);
  });

  it('forgets the credentials of a HumanUser whose creation was rolled back', async () => {
    await t.fault('batch', t.script, [{ request_type: 'create', type: 'HumanUser', fields: [{ field_name: 'login', value: 'ghost' }] }, failing]);
    const card = (await (await fetch(`${t.h.url}/__emulator/card`)).json()) as { users: { login: string }[] };
    expect(card.users.map((u) => u.login)).not.toContain('ghost');
  });
});

describe('batch requests in the client form', () => {
  // The Python client's batch() takes `entity_type`/`entity_id`/`data` and sends `type`/`id`/`fields`.
  it('names the missing wire key and the client key found in its place', async () => {
    const create = await t.fault('batch', t.script, [{ request_type: 'create', entity_type: 'Shot', data: { code: 'x' } }]);
    expect(create.code).toBe(103);
    expect(create.message).toContain("batch request 0 (create)");
    expect(create.message).toContain("'type' is missing");
    expect(create.message).toContain("'entity_type'");
    expect(create.message).not.toContain('undefined');
    const update = await t.fault('batch', t.script, [{ request_type: 'update', type: 'Shot', entity_id: 1, fields: [] }]);
    expect(update.message).toContain("'id' is missing");
    expect(update.message).toContain("'entity_id'");
    const data = await t.fault('batch', t.script, [{ request_type: 'create', type: 'Shot', data: { code: 'x' } }]);
    expect(data.message).toContain("'fields' is missing");
    expect(data.message).toContain("'data'");
    const before = await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['code', 'is', 'x']) });
    expect(before.entities).toEqual([]);
  });

  it('names a missing type in a request without it', async () => {
    const f = await t.fault('batch', t.script, [{ request_type: 'delete', id: 1 }]);
    expect(f.message).toContain("'type' is missing");
  });
});

describe('batch refusals of a huge value', () => {
  // A refused batch copied its whole payload into the message: 5 MB of request made a 5 MB fault.
  const huge = 'x'.repeat(5e6);
  it('shows a payload that is no list as a short excerpt of its JSON', async () => {
    const f = await t.fault('batch', t.script, { requests: huge });
    expect(f.code).toBe(103);
    expect(f.message).toBe(`batch: params[1] must be a list of requests, got {"requests":"${'x'.repeat(87)}… (5000015 characters)`);
  });

  it('cuts a request that is no hash, and a request_type that is no name, to a short excerpt', async () => {
    const notHash = await t.fault('batch', t.script, [huge]);
    expect(notHash.message.length).toBeLessThan(300);
    expect(notHash.message).toMatch(/^batch request 0: expected a hash, got "x{99}… \(a string of 5000000 characters\)$/);
    const badType = await t.fault('batch', t.script, [{ request_type: huge, type: 'Shot' }]);
    expect(badType.message.length).toBeLessThan(400);
    expect(badType.message).toMatch(/^batch request 0 \(x{100}… \(a string of 5000000 characters\)\) failed, nothing was applied: Invalid request_type "x{99}… \(a string of 5000000 characters\) for batch$/);
    const objType = await t.fault('batch', t.script, [{ request_type: { big: huge }, type: 'Shot' }]);
    const cut = `{"big":"${'x'.repeat(92)}… (5000010 characters)`;
    expect(objType.message).toBe(`batch request 0 (${cut}) failed, nothing was applied: Invalid request_type ${cut} for batch`);
  });
});
