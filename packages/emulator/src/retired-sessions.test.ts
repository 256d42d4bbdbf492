import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// A session outlives nothing its owner cannot do: once the ApiUser or HumanUser behind it is retired, its
// credentials are refused (102), and so is every session token it got before.
const projects = { type: 'Project', return_fields: ['name'], filters: where() };
const admin = { user_login: 'admin', user_password: 'admin-pass-1' };

describe('sessions of retired principals', () => {
  let t: Harness;
  beforeEach(async () => {
    t = await startHarness();
  });
  afterEach(() => t.h.close());

  it("refuses a script's session once its ApiUser is retired, for reads and writes, and again after revive", async () => {
    const { session_id } = (await t.call('get_session_token', t.script)) as { session_id: string };
    const session = { session_token: session_id };
    await expect(t.call('read', session, projects)).resolves.toBeTruthy();
    const apiUser = t.h.card.scripts[0]!;
    const [row] = ((await t.call('read', t.script, { type: 'ApiUser', return_fields: ['firstname'], filters: where(['firstname', 'is', apiUser.name]) })) as { entities: { id: number }[] }).entities;
    expect(await t.call('delete', admin, { type: 'ApiUser', id: row!.id })).toBe(true);

    expect((await t.fault('read', t.script, projects)).code).toBe(102);
    const refused = { code: 102, message: `Can't authenticate session token ending with '${session_id.slice(-4)}': the script is no longer active` };
    expect(await t.fault('read', session, projects)).toEqual(refused);
    expect(await t.fault('create', session, { type: 'Shot', fields: [{ field_name: 'code', value: 'ghost' }] })).toEqual(refused);
    const ghosts = (await t.call('read', admin, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'is', 'ghost']) })) as { entities: unknown[] };
    expect(ghosts.entities).toEqual([]);

    expect(await t.call('revive', admin, { type: 'ApiUser', id: row!.id })).toBe(true);
    await expect(t.call('read', session, projects)).resolves.toBeTruthy();
  });

  it("refuses a HumanUser's session once the user is retired, with the same fault shape", async () => {
    const { session_id } = (await t.call('get_session_token', { user_login: 'coord', user_password: 'coord-pass-1' })) as { session_id: string };
    const [row] = ((await t.call('read', t.script, { type: 'HumanUser', return_fields: ['login'], filters: where(['login', 'is', 'coord']) })) as { entities: { id: number }[] }).entities;
    expect(await t.call('delete', t.script, { type: 'HumanUser', id: row!.id })).toBe(true);
    expect(await t.fault('read', { session_token: session_id }, projects)).toEqual({ code: 102, message: `Can't authenticate session token ending with '${session_id.slice(-4)}': the user is no longer active` });
  });
});
