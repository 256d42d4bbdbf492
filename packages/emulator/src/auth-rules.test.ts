import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

const login = (user: string, password: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ user_login: user, user_password: password, ...extra });
const P = { admin: 'admin-pass-1', artist: 'artist-pass-1', coord: 'coord-pass-1', nopat: 'nopat-pass-1', revoked: 'revoked-pass-1', inactive: 'inactive-pass-1', private: 'private-pass-1' };
const whoami = { type: 'HumanUser', return_fields: ['login'], filters: where(['login', 'is', 'admin']) };

describe('auth on a default site', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness({ sessionIdleSeconds: 600 });
  });
  afterAll(() => t.h.close());

  it('accepts scripts, users and refuses bad credentials with 102', async () => {
    await expect(t.call('read', t.script, whoami)).resolves.toBeTruthy();
    await expect(t.call('read', login('admin', P.admin), whoami)).resolves.toBeTruthy();
    expect((await t.fault('read', { ...t.script, script_key: 'f'.repeat(64) }, whoami)).code).toBe(102);
    expect((await t.fault('read', login('admin', 'wrong'), whoami)).code).toBe(102);
    expect((await t.fault('read', login('inactive', P.inactive), whoami)).code).toBe(102);
    expect((await t.fault('read', {}, whoami)).code).toBe(102);
    expect((await t.rpc('read', [])).error_code).toBe(102);
  });

  it('ignores PAT state before a migration', async () => {
    await expect(t.call('read', login('nopat', P.nopat), whoami)).resolves.toBeTruthy();
    await expect(t.call('read', login('revoked', P.revoked), whoami)).resolves.toBeTruthy();
  });

  it('requires the 2FA code (106) and then mints a session', async () => {
    expect((await t.fault('read', login('artist', P.artist), whoami)).code).toBe(106);
    expect((await t.fault('get_session_token', login('artist', P.artist, { auth_token: '000000' }))).code).toBe(106);
    const { session_id } = await t.call('get_session_token', login('artist', P.artist, { auth_token: t.h.issueTwoFactorCode('artist') }));
    expect(typeof session_id).toBe('string');
    await expect(t.call('read', { session_token: session_id, reject_if_expired: true }, whoami)).resolves.toBeTruthy();
  });

  // rpc-protocol.md §2.1/§5: "the 2FA code is one-time"; auth-landscape.md §4.4: 106 when it is missing or invalid.
  it('accepts a 2FA code once: a code already used, by any method, is refused with 106', async () => {
    const card = t.h.card.users.find((u) => u.login === 'artist')!;
    expect(card.twoFactor).toBe(true);
    expect(t.h.card.users.find((u) => u.login === 'admin')!.twoFactor).toBe(false);
    const code = t.h.issueTwoFactorCode('artist');
    expect(code).toMatch(/^\d{6}$/);
    await expect(t.call('get_session_token', login('artist', P.artist, { auth_token: code }))).resolves.toHaveProperty('session_id');
    const again = await t.fault('get_session_token', login('artist', P.artist, { auth_token: code }));
    expect(again.code).toBe(106);
    expect(again.message).toContain('already used');
    expect((await t.fault('read', login('artist', P.artist, { auth_token: code }), whoami)).code).toBe(106);

    const viaRead = t.h.issueTwoFactorCode('artist');
    await expect(t.call('read', login('artist', P.artist, { auth_token: viaRead }), whoami)).resolves.toBeTruthy();
    expect((await t.fault('read', login('artist', P.artist, { auth_token: viaRead }), whoami)).code).toBe(106);
    expect((await t.fault('get_session_token', login('artist', P.artist, { auth_token: viaRead }))).code).toBe(106);
  });

  it('keeps a code whose login was refused, and lets a code expire after 30 s of emulator clock', async () => {
    const code = t.h.issueTwoFactorCode('artist');
    expect((await t.fault('read', login('artist', 'wrong', { auth_token: code }), whoami)).code).toBe(102);
    await expect(t.call('read', login('artist', P.artist, { auth_token: code }), whoami)).resolves.toBeTruthy();
    const late = t.h.issueTwoFactorCode('artist');
    t.h.advanceClock(31);
    expect((await t.fault('read', login('artist', P.artist, { auth_token: late }), whoami)).code).toBe(106);
    const fresh = await t.admin('2fa', { login: 'artist' });
    expect(fresh.status).toBe(200);
    const body = (await fresh.json()) as { login: string; code: string; expiresAt: string };
    expect(body).toMatchObject({ login: 'artist', code: expect.stringMatching(/^\d{6}$/) });
    const { now } = (await (await fetch(`${t.h.url}/__emulator/clock`)).json()) as { now: string };
    expect(Date.parse(body.expiresAt) - Date.parse(now)).toBeGreaterThan(25_000);
    expect(Date.parse(body.expiresAt) - Date.parse(now)).toBeLessThanOrEqual(30_000);
    await expect(t.call('read', login('artist', P.artist, { auth_token: body.code }), whoami)).resolves.toBeTruthy();
    expect((await t.admin('2fa', { login: 'admin' })).status).toBe(400);
    expect(() => t.h.issueTwoFactorCode('nobody')).toThrow(/Unknown login/);
  });

  it('expires sessions after the idle time on the emulator clock', async () => {
    const { session_id } = await t.call('get_session_token', t.script);
    const auth = { session_token: session_id, reject_if_expired: true };
    t.h.advanceClock(500);
    await expect(t.call('read', auth, whoami)).resolves.toBeTruthy();
    t.h.advanceClock(500); // idle 500 s since the last use: still fine
    await expect(t.call('read', auth, whoami)).resolves.toBeTruthy();
    t.h.advanceClock(601);
    const f = await t.fault('read', auth, whoami);
    expect(f.code).toBe(102);
    expect(f.message).toContain(`ending with '${session_id.slice(-4)}'`);
    expect((await t.fault('read', { session_token: 'bogus' }, whoami)).code).toBe(102);
  });

  it('applies sudo_as_login rules and records the actual user', async () => {
    const created = await t.call('create', { ...t.script, sudo_as_login: 'coord' }, { type: 'Shot', fields: [{ field_name: 'code', value: 'sudo_shot' }], return_fields: ['created_by'] });
    expect(created.created_by).toMatchObject({ type: 'HumanUser', name: 'Cora Coordinator' });
    const ev = await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['user', 'meta'], filters: where(['entity', 'is', { type: 'Shot', id: created.id }]) });
    expect(ev.entities[0].user).toMatchObject({ type: 'HumanUser', name: 'Cora Coordinator' });
    expect(ev.entities[0].meta.sudo_actual_user).toMatchObject({ type: 'ApiUser', name: 'emulator_script' });
    await expect(t.call('read', login('admin', P.admin, { sudo_as_login: 'coord' }), whoami)).resolves.toBeTruthy();
    const denied = await t.fault('read', login('coord', P.coord, { sudo_as_login: 'admin' }), whoami);
    expect(denied.code).toBe(104);
    expect(denied.message).toMatch(/^The user does not have permission to 'sudo':/);
    const sudo = (target: string): Promise<{ code: number; message: string }> => t.fault('read', { ...t.script, sudo_as_login: target }, whoami);
    expect(await sudo('inactive')).toEqual({ code: 102, message: "Cannot 'sudo' - inactive user account: 'inactive'" });
    expect(await sudo('ghost')).toEqual({ code: 102, message: "Cannot 'sudo' - unknown or retired user: 'ghost'" });
    expect(await sudo('private')).toEqual({ code: 102, message: "Cannot 'sudo' - user account has 'can_impersonate_this_user' turned off: 'private'" });
  });

  it('lets scripts activate HumanUsers on default sites', async () => {
    const u = await t.call('create', t.script, { type: 'HumanUser', fields: [{ field_name: 'login', value: 'newbie' }, { field_name: 'sg_status_list', value: 'act' }] });
    expect(u.sg_status_list).toBe('act');
  });
});

describe('auth on an Identity site', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness({ authMode: 'identity' });
  });
  afterAll(() => t.h.close());

  it('announces oxygen', async () => {
    expect((await t.rpc('info', [])).user_authentication_method).toBe('oxygen');
    const root = await (await fetch(`${t.h.url}/api/v1`)).json();
    expect(root).toMatchObject({ user_authentication_method: 'oxygen', authentication_app_session_launcher_enabled: true });
  });

  it('needs a bound PAT for legacy logins and tells missing PAT from a wrong passphrase', async () => {
    await expect(t.call('read', login('admin', P.admin), whoami)).resolves.toBeTruthy();
    const missing = await t.fault('read', login('nopat', P.nopat), whoami);
    expect(missing.code).toBe(102);
    expect(missing.message).toContain('Personal Access Token');
    const wrong = await t.fault('read', login('nopat', 'wrong'), whoami);
    expect(wrong.code).toBe(102);
    expect(wrong.message).not.toContain('Personal Access Token');
    expect((await t.fault('read', login('nopass', 'anything'), whoami)).code).toBe(110);
    await expect(t.call('read', t.script, whoami)).resolves.toBeTruthy();
  });

  it('refuses a revoked PAT that was never exchanged, and honours the one-hour window otherwise', async () => {
    const revoked = await t.fault('read', login('revoked', P.revoked), whoami);
    expect(revoked.code).toBe(102);
    expect(revoked.message).toContain('Personal Access Token');
    await expect(t.call('read', login('coord', P.coord), whoami)).resolves.toBeTruthy();
    expect((await t.admin('pat', { login: 'coord', state: 'revoked' })).status).toBe(200);
    t.h.advanceClock(3000);
    await expect(t.call('read', login('coord', P.coord), whoami)).resolves.toBeTruthy();
    t.h.advanceClock(601);
    expect((await t.fault('read', login('coord', P.coord), whoami)).code).toBe(102);
  });

  // auth-landscape §4.0's test recipe: bind a new PAT, delete it before its first use, and the legacy login is refused.
  it('gives a newly bound PAT no share of the old one\'s hour', async () => {
    expect((await t.admin('pat', { login: 'coord', state: 'valid' })).status).toBe(200);
    await expect(t.call('read', login('coord', P.coord), whoami)).resolves.toBeTruthy();
    t.h.advanceClock(600);
    expect((await t.admin('pat', { login: 'coord', state: 'revoked' })).status).toBe(200);
    expect((await t.admin('pat', { login: 'coord', state: 'valid' })).status).toBe(200);
    expect((await t.admin('pat', { login: 'coord', state: 'revoked' })).status).toBe(200);
    const refused = await t.fault('read', login('coord', P.coord), whoami);
    expect(refused.code).toBe(102);
    expect(refused.message).toContain('no longer valid');
  });

  it('enforces the activation rule', async () => {
    const person = (l: string): unknown[] => [{ field_name: 'firstname', value: 'New' }, { field_name: 'lastname', value: l }, { field_name: 'email', value: `${l}@example.com` }];
    const fields = (l: string): unknown => ({ type: 'HumanUser', fields: [{ field_name: 'login', value: l }, ...person(l), { field_name: 'sg_status_list', value: 'act' }] });
    const byScript = await t.fault('create', t.script, fields('s1'));
    expect(byScript.code).toBe(104);
    expect(byScript.message).toContain('API scripts may not activate HumanUsers');
    expect((await t.fault('create', { ...t.script, sudo_as_login: 'admin' }, fields('s2'))).code).toBe(104);
    expect((await t.fault('create', login('admin', P.admin, { sudo_as_login: 'coord' }), fields('s3'))).code).toBe(104);
    const inactive = await t.call('create', t.script, { type: 'HumanUser', fields: [{ field_name: 'login', value: 's4' }, ...person('s4'), { field_name: 'sg_status_list', value: 'dis' }] });
    expect((await t.fault('update', t.script, { type: 'HumanUser', id: inactive.id, fields: [{ field_name: 'sg_status_list', value: 'act' }] })).code).toBe(104);
    const ok = await t.call('update', login('admin', P.admin), { type: 'HumanUser', id: inactive.id, fields: [{ field_name: 'sg_status_list', value: 'act' }] });
    expect(ok.sg_status_list).toBe('act');
    await expect(t.call('create', login('admin', P.admin), fields('s5'))).resolves.toMatchObject({ sg_status_list: 'act' });
  });

  // auth-landscape.md §4.7: "A name and valid email must be provided when updating a user to Active."
  it('needs a name and a valid email to make a user Active, on create and update', async () => {
    const admin = login('admin', P.admin);
    const create = (l: string, extra: unknown[]): Promise<{ code: number; message: string }> =>
      t.fault('create', admin, { type: 'HumanUser', fields: [{ field_name: 'login', value: l }, ...extra, { field_name: 'sg_status_list', value: 'act' }] });
    const noName = await create('n1', [{ field_name: 'email', value: 'n1@example.com' }]);
    expect(noName.code).toBe(103);
    expect(noName.message).toContain('a name and valid email must be provided');
    expect(noName.message).toContain('a name (firstname or lastname)');
    const badEmail = await create('n2', [{ field_name: 'firstname', value: 'Nina' }, { field_name: 'email', value: 'not-an-email' }]);
    expect(badEmail.code).toBe(103);
    expect(badEmail.message).toContain('a valid email (got "not-an-email")');
    expect((await create('n3', [{ field_name: 'firstname', value: 'Nina' }])).code).toBe(103);
    expect((await t.call('read', t.script, { type: 'HumanUser', return_fields: ['id'], filters: where(['login', 'in', 'n1', 'n2', 'n3']) })).entities).toHaveLength(0);

    const bare = await t.call('create', t.script, { type: 'HumanUser', fields: [{ field_name: 'login', value: 'n4' }, { field_name: 'sg_status_list', value: 'dis' }] });
    const activate = (extra: unknown[]): Promise<any> => t.rpc('update', [admin, { type: 'HumanUser', id: bare.id, fields: [...extra, { field_name: 'sg_status_list', value: 'act' }] }]);
    expect(await activate([])).toMatchObject({ exception: true, error_code: 103 });
    expect(await activate([{ field_name: 'lastname', value: 'Four' }, { field_name: 'email', value: 'four@' }])).toMatchObject({ exception: true, error_code: 103 });
    const still = await t.call('read', t.script, { type: 'HumanUser', return_fields: ['sg_status_list', 'lastname'], filters: where(['id', 'is', bare.id]) });
    expect(still.entities[0]).toMatchObject({ sg_status_list: 'dis', lastname: null });
    expect((await activate([{ field_name: 'lastname', value: 'Four' }, { field_name: 'email', value: 'four@example.com' }])).results).toMatchObject({ sg_status_list: 'act' });
  });
});

describe('auth on an SSO site', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness({ authMode: 'sso' });
  });
  afterAll(() => t.h.close());

  it('refuses passwords with 108 and keeps scripts working', async () => {
    expect((await t.rpc('info', [])).user_authentication_method).toBe('saml2');
    expect((await t.fault('read', login('admin', P.admin), whoami)).code).toBe(108);
    await expect(t.call('read', t.script, whoami)).resolves.toBeTruthy();
  });

  // An expired session got fault 102, where an SSO site redirects the call to its SAML login (rpc-protocol §1.2),
  // which clients map to SG_SSO_SESSION_EXPIRED.
  it('answers an expired session with a 302 to its SAML login, and a token it never minted with 102', async () => {
    t.h.reset();
    const { session_id } = await t.call('get_session_token', t.script);
    t.h.advanceClock(1801);
    const post = (token: string): Promise<Response> =>
      fetch(`${t.h.url}/api3/json`, { method: 'POST', redirect: 'manual', body: JSON.stringify({ method_name: 'read', params: [{ session_token: token }, whoami] }) });
    const expired = await post(session_id);
    expect(expired.status).toBe(302);
    expect(expired.headers.get('location')).toBe(`${t.h.url}/saml/saml_login_request`);
    expect(await expired.text()).not.toContain(session_id);
    expect(t.h.requests().at(-1)).toMatchObject({ method_name: 'read', auth: 'session', principal: null, status: 302, errorCode: null });
    // Presented again it is unknown, as on the other sites: fault 102.
    expect(((await (await post(session_id)).json()) as { error_code: number }).error_code).toBe(102);
    expect(((await (await post('bogus')).json()) as { error_code: number }).error_code).toBe(102);
    // A download with an expired session cookie is refused as on the other sites (403), which clients renew on: a
    // redirect there was followed to a SAML page the download reported as a 404, and no session was renewed.
    const { session_id: other } = await t.call('get_session_token', t.script);
    t.h.advanceClock(1801);
    const download = await fetch(`${t.h.url}/file_serve/attachment/1`, { redirect: 'manual', headers: { cookie: `_session_id=${other}` } });
    expect(download.status).toBe(403);
    expect(download.headers.get('location')).toBeNull();
    // So is an upload form's (102, as on the other sites), not a redirect that a request carrying a file does not follow.
    const { session_id: third } = await t.call('get_session_token', t.script);
    t.h.advanceClock(1801);
    const upload = await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ session_token: third, entity_type: 'Shot', entity_id: '1' }) });
    expect(upload.status).toBe(200);
    expect(await upload.text()).toMatch(/^0\n.*the session expired \(error_code 102\)$/);
  });
});
