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
