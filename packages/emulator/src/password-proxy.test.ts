import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-password-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const login = (h: Harness, user: string, password: string): Promise<Record<string, unknown>> =>
  h.rpc('read', [{ user_login: user, user_password: password }, { type: 'Project', return_fields: ['id'] }]);
const ok = async (h: Harness, user: string, password: string): Promise<boolean> => {
  const body = await login(h, user, password);
  if (body['exception'] && body['error_code'] !== 102) throw new Error(`unexpected fault ${JSON.stringify(body)}`);
  return !body['exception'];
};
const passwordOf = async (h: Harness, user: string): Promise<unknown> =>
  (await h.call('read', h.script, { type: 'HumanUser', return_fields: ['password_proxy'], filters: where(['login', 'is', user]) })).entities[0].password_proxy;
const newUser = (loginName: string, password: string | null): Record<string, unknown> => ({
  type: 'HumanUser',
  fields: [
    { field_name: 'login', value: loginName },
    { field_name: 'firstname', value: 'New' },
    { field_name: 'email', value: `${loginName}@example.com` },
    { field_name: 'sg_status_list', value: 'act' },
    { field_name: 'password_proxy', value: password },
  ],
  return_fields: ['password_proxy'],
});
/** Everything the site recorded that a secret must stay out of: every EventLogEntry and the request log. */
async function recorded(h: Harness): Promise<string> {
  const events = await h.call('read', h.script, { type: 'EventLogEntry', return_fields: ['event_type', 'description', 'meta', 'attribute_name'], paging: { entities_per_page: 500 } });
  return JSON.stringify(events) + JSON.stringify(h.h.requests());
}

describe('HumanUser.password_proxy is the login passphrase', () => {
  it('reads the fixture users with a passphrase as ******* and those without as null', async () => {
    expect(await passwordOf(t, 'coord')).toBe('*******');
    expect(await passwordOf(t, 'nopass')).toBeNull();
  });

  it('logs a user created with password_proxy in with it, and keeps the secret out of the row, the event log and the request log', async () => {
    const secret = 'Created-secret-81';
    const created = await t.call('create', t.script, newUser('newbie', secret));
    expect(created.password_proxy).toBe('*******');
    expect(await ok(t, 'newbie', secret)).toBe(true);
    expect(await ok(t, 'newbie', 'wrong')).toBe(false);
    expect(await passwordOf(t, 'newbie')).toBe('*******');
    expect(await recorded(t)).not.toContain(secret);
  });

  it('refuses a passphrase that is not a string naming only its kind, with the right article', async () => {
    const fault = await t.fault('update', t.script, { type: 'HumanUser', id: 2, fields: [{ field_name: 'password_proxy', value: { secret: 'Not-shown-1' } }] });
    expect(fault).toEqual({ code: 103, message: 'HumanUser.password_proxy (password) expects a string or null, got an object' });
  });

  it('reads a user created without a passphrase as null, and refuses its logins', async () => {
    await t.call('create', t.script, newUser('nopassword', null));
    expect(await passwordOf(t, 'nopassword')).toBeNull();
    expect(await ok(t, 'nopassword', '')).toBe(false);
  });

  it('changes the passphrase on update: the new one logs in, the old one is refused; the change is logged masked', async () => {
    const secret = 'Changed-secret-62';
    const echo = await t.call('update', t.script, { type: 'HumanUser', id: (await t.call('read', t.script, { type: 'HumanUser', filters: where(['login', 'is', 'coord']) })).entities[0].id, fields: [{ field_name: 'password_proxy', value: secret }] });
    expect(echo.password_proxy).toBe('*******');
    expect(await ok(t, 'coord', secret)).toBe(true);
    expect(await ok(t, 'coord', 'coord-pass-1')).toBe(false);
    const entries = await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['meta'], filters: where(['attribute_name', 'is', 'password_proxy']) });
    expect(entries.entities.map((e: { meta: Record<string, unknown> }) => [e.meta['old_value'], e.meta['new_value']])).toContainEqual(['*******', '*******']);
    expect(await recorded(t)).not.toContain(secret);
  });

  it('undoes a passphrase change in a batch that fails', async () => {
    const id = (await t.call('read', t.script, { type: 'HumanUser', filters: where(['login', 'is', 'admin']) })).entities[0].id;
    const f = await t.fault('batch', t.script, [
      { request_type: 'update', type: 'HumanUser', id, fields: [{ field_name: 'password_proxy', value: 'Batch-secret-5' }] },
      { request_type: 'update', type: 'Shot', id: 999999, fields: [] },
    ]);
    expect(f.code).toBe(103);
    expect(await ok(t, 'admin', 'Batch-secret-5')).toBe(false);
    expect(await ok(t, 'admin', 'admin-pass-1')).toBe(true);
  });

  it('clears the passphrase with null (no login then), but not while a valid PAT is bound to it', async () => {
    const id = (await t.call('read', t.script, { type: 'HumanUser', filters: where(['login', 'is', 'newbie']) })).entities[0].id;
    await t.call('update', t.script, { type: 'HumanUser', id, fields: [{ field_name: 'password_proxy', value: null }] });
    expect(await passwordOf(t, 'newbie')).toBeNull();
    expect(await ok(t, 'newbie', 'Created-secret-81')).toBe(false);
    const artist = (await t.call('read', t.script, { type: 'HumanUser', filters: where(['login', 'is', 'artist']) })).entities[0].id;
    const f = await t.fault('update', t.script, { type: 'HumanUser', id: artist, fields: [{ field_name: 'password_proxy', value: null }] });
    expect(f.code).toBe(103);
    expect(f.message).toContain("'artist'");
    expect(f.message).toContain('Personal Access Token');
    expect(await passwordOf(t, 'artist')).toBe('*******');
  });

  it('refuses a value of the wrong type without quoting it, since it may be the passphrase', async () => {
    const id = (await t.call('read', t.script, { type: 'HumanUser', filters: where(['login', 'is', 'coord']) })).entities[0].id;
    const secret = 'Wrapped-secret-19';
    for (const value of [[secret], { value: secret }]) {
      const f = await t.fault('update', t.script, { type: 'HumanUser', id, fields: [{ field_name: 'password_proxy', value }] });
      expect(f.code).toBe(103);
      expect(f.message).toContain('password_proxy');
      expect(f.message).not.toContain(secret);
    }
    const created = await t.fault('create', t.script, newUser('wrapped', [secret] as unknown as string));
    expect(created.message).not.toContain(secret);
    expect(await recorded(t)).not.toContain(secret);
  });

  it('lets only an admin or the user themself set it: a non-admin cannot take over the admin login', async () => {
    const idOf = async (user: string): Promise<number> => (await t.call('read', t.script, { type: 'HumanUser', filters: where(['login', 'is', user]) })).entities[0].id;
    const [admin, coord] = [await idOf('admin'), await idOf('coord')];
    // An earlier test changed coord's passphrase; a script (an API admin) may set it back.
    await t.call('update', t.script, { type: 'HumanUser', id: coord, fields: [{ field_name: 'password_proxy', value: 'coord-pass-1' }] });
    const asCoord = { user_login: 'coord', user_password: 'coord-pass-1' };
    const refused = await t.fault('update', asCoord, { type: 'HumanUser', id: admin, fields: [{ field_name: 'password_proxy', value: 'Taken-over-7' }] });
    expect(refused.code).toBe(104);
    expect(refused.message).toContain("HumanUser 'admin'");
    expect(refused.message).not.toContain('Taken-over-7');
    expect(await ok(t, 'admin', 'Taken-over-7')).toBe(false);
    expect(await ok(t, 'admin', 'admin-pass-1')).toBe(true);
    // A script acting as a non-admin through sudo is that non-admin.
    expect((await t.fault('update', { ...t.script, sudo_as_login: 'coord' }, { type: 'HumanUser', id: admin, fields: [{ field_name: 'password_proxy', value: 'Taken-over-8' }] })).code).toBe(104);
    expect((await t.fault('create', asCoord, newUser('planted', 'Planted-secret-3'))).code).toBe(104);
    // Their own passphrase, and an admin's change of another's, are allowed.
    await t.call('update', asCoord, { type: 'HumanUser', id: coord, fields: [{ field_name: 'password_proxy', value: 'Own-secret-4' }] });
    expect(await ok(t, 'coord', 'Own-secret-4')).toBe(true);
    await t.call('update', { user_login: 'admin', user_password: 'admin-pass-1' }, { type: 'HumanUser', id: coord, fields: [{ field_name: 'password_proxy', value: 'coord-pass-1' }] });
    expect(await ok(t, 'coord', 'coord-pass-1')).toBe(true);
  });
});

describe('password_proxy on an Identity site and with --data', () => {
  it('gives a created user a passphrase a PAT can then be bound to, and keeps it across a restart, out of the saved row', async () => {
    const file = join(dir, 'site.json');
    const secret = 'Identity-secret-33';
    const a = await startHarness({ authMode: 'identity', dataFile: file });
    // An Identity site lets only an admin's legacy login with a valid PAT create an active user.
    await a.call('create', { user_login: 'admin', user_password: 'admin-pass-1' }, newUser('idnew', secret));
    // No PAT bound yet: the legacy login is refused for that, not for the passphrase.
    expect((await login(a, 'idnew', secret))['message']).toContain('Personal Access Token');
    a.h.setPat('idnew', 'valid');
    expect(await ok(a, 'idnew', secret)).toBe(true);
    await a.h.close();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { store: unknown };
    expect(JSON.stringify(saved.store)).not.toContain(secret);

    const b = await startHarness({ authMode: 'identity', dataFile: file });
    expect(await ok(b, 'idnew', secret)).toBe(true);
    expect(await passwordOf(b, 'idnew')).toBe('*******');
    await b.h.close();
  });

  it('masks a passphrase an older emulator stored in the row of a data file', async () => {
    const file = join(dir, 'old.json');
    const a = await startHarness({ dataFile: file });
    await a.h.close();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { store: { tables: Record<string, { rows: [number, boolean, Record<string, unknown>][] }> } };
    const coord = saved.store.tables['HumanUser']!.rows.find(([, , f]) => f['login'] === 'coord')!;
    coord[2]['password_proxy'] = 'Old-plain-secret-4';
    writeFileSync(file, JSON.stringify(saved));
    const b = await startHarness({ dataFile: file });
    expect(await passwordOf(b, 'coord')).toBe('*******');
    expect(await ok(b, 'coord', 'coord-pass-1')).toBe(true);
    await b.h.close();
    expect(readFileSync(file, 'utf8')).not.toContain('Old-plain-secret-4');
  });
});
