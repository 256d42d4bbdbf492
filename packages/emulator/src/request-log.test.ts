import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestLog } from './request-log.js';
import { startHarness, where, type Harness } from './test-support/harness.js';
import type { RecordedRequest } from './types.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const PLANTED = 'PLANTED-SECRET-7f3a9c';

describe('request log payload outline', () => {
  it('records argument names, filter paths and paging, and never a value or credential', async () => {
    t.h.reset();
    const admin = t.h.card.users.find((u) => u.login === 'admin')!;
    const artist = t.h.card.users.find((u) => u.login === 'artist')!;
    await t.call('read', t.script, {
      type: 'Shot', return_fields: ['code', 'description'], filters: where(['code', 'is', PLANTED], ['sg_sequence.Sequence.code', 'in', PLANTED, 'x']),
      sorts: [{ field_name: 'code', direction: 'desc' }], paging: { entities_per_page: 50, current_page: 3 },
    });
    await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['description', 'contains', PLANTED]) });
    const shot = await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: PLANTED }, { field_name: 'description', value: PLANTED }] });
    await t.call('batch', t.script, [
      { request_type: 'update', type: 'Shot', id: shot.id, fields: [{ field_name: 'description', value: `${PLANTED}-2` }] },
      { request_type: 'delete', type: 'Shot', id: shot.id },
    ]);
    await t.call('read', { user_login: 'admin', user_password: admin.password }, { type: 'Project', return_fields: ['name'] });
    const twoFactorCode = t.h.issueTwoFactorCode('artist');
    await t.call('read', { user_login: 'artist', user_password: artist.password, auth_token: twoFactorCode }, { type: 'Project', return_fields: ['name'] });
    const { session_id } = await t.call('get_session_token', t.script);
    await t.call('read', { session_token: session_id }, { type: 'Project', return_fields: ['name'] });
    await t.call('update', { user_login: 'admin', user_password: admin.password }, { type: 'HumanUser', id: 2, fields: [{ field_name: 'password_proxy', value: PLANTED }] }).catch(() => undefined);
    await t.fault('read', t.script, { type: 'Shot', return_fields: ['id'], filters: where(['nope', 'is', PLANTED]) });

    const secrets = [PLANTED, t.script['script_key']!, admin.password!, artist.password!, twoFactorCode, session_id as string];
    const logged = JSON.stringify(t.h.requests());
    const served = await (await fetch(`${t.h.url}/__emulator/requests`)).text();
    for (const secret of secrets) {
      expect(logged).not.toContain(secret);
      expect(served).not.toContain(secret);
    }

    const log = t.h.requests();
    expect(log[0]).toMatchObject({
      method_name: 'read',
      payloadKeys: ['type', 'return_fields', 'filters', 'sorts', 'paging'],
      payloadSummary: { entityType: 'Shot', filterPaths: ['code', 'sg_sequence.Sequence.code'], sortFields: ['code'], returnFieldCount: 2, paging: { entities_per_page: 50, current_page: 3 } },
    });
    expect(log[1]?.payloadSummary).toMatchObject({ filterPaths: ['description'] });
    expect(log[2]).toMatchObject({ method_name: 'create', payloadKeys: ['type', 'fields'], payloadSummary: { entityType: 'Shot', fieldNames: ['code', 'description'] } });
    expect(log[3]).toMatchObject({ method_name: 'batch', payloadSummary: { items: 2, requestTypes: ['update', 'delete'], itemEntityTypes: ['Shot'] } });
    expect(log[3]).not.toHaveProperty('payloadKeys');
    expect(log.find((r) => r.method_name === 'get_session_token')).not.toHaveProperty('payloadSummary');
    expect(served).toContain('"payloadKeys"');
  });

  // Every call made with a session token was logged with principal null: the log could not say who made it.
  it('records the login (or script name) of an authenticated session as the principal, never the token', async () => {
    t.h.reset();
    const coord = t.h.card.users.find((u) => u.login === 'coord')!;
    const { session_id: userToken } = await t.call('get_session_token', { user_login: 'coord', user_password: coord.password });
    const { session_id: scriptToken } = await t.call('get_session_token', t.script);
    await t.call('read', { session_token: userToken }, { type: 'Project', return_fields: ['name'] });
    await t.call('create', { session_token: scriptToken, sudo_as_login: 'admin' }, { type: 'Shot', fields: [{ field_name: 'code', value: 'by_session' }] });
    await t.fault('read', { session_token: 'not-a-session-token-1234' }, { type: 'Project', return_fields: ['name'] });
    const rows = t.h.requests().filter((r) => r.auth === 'session').map((r) => [r.method_name, r.principal, r.sudoAsLogin, r.errorCode]);
    expect(rows).toEqual([
      ['read', 'coord', null, null],
      ['create', t.script['script_name'], 'admin', null],
      ['read', null, null, 102],
    ]);
    const logged = JSON.stringify(t.h.requests());
    for (const secret of [userToken as string, scriptToken as string, 'not-a-session-token-1234', coord.password!]) expect(logged).not.toContain(secret);
  });

  it('leaves out names that do not look like identifiers', async () => {
    t.h.reset();
    await t.fault('read', t.script, { type: 'Shot', [`x ${PLANTED}`]: 1, filters: where([`code ${PLANTED}`, 'is', 'a']) });
    const [entry] = t.h.requests();
    expect(JSON.stringify(entry)).not.toContain(PLANTED);
    expect(entry).toMatchObject({ payloadKeys: ['type', 'filters'], payloadSummary: { entityType: 'Shot', filterPaths: [] } });
  });
});

describe('request log seq', () => {
  it('numbers logged requests only, from 1 after a reset: admin requests use up no number', async () => {
    t.h.reset();
    expect((await fetch(`${t.h.url}/__emulator/stats`)).status).toBe(200);
    await t.call('read', t.script, { type: 'Project', return_fields: ['name'] });
    expect((await fetch(`${t.h.url}/__emulator/requests`)).status).toBe(200);
    await t.call('read', t.script, { type: 'Shot', return_fields: ['code'] });
    expect(t.h.requests().map((r) => r.seq)).toEqual([1, 2]);
  });

  it('keeps the last 10,000 entries as the README says: the oldest are dropped and seq keeps counting', () => {
    const log = new RequestLog();
    for (let i = 0; i < 10_001; i++) log.add({ seq: log.nextSeq() } as RecordedRequest);
    expect(log.size).toBe(10_000);
    const kept = log.list();
    expect([kept[0]?.seq, kept.at(-1)?.seq]).toEqual([2, 10_001]);
  });
});

describe('request log paths', () => {
  it('leaves out the id of an app-session request, which polling turns into a session token', async () => {
    t.h.reset();
    const opened = await fetch(`${t.h.url}/internal_api/app_session_request`, { method: 'POST', body: new URLSearchParams({ appName: 'Desktop', machineId: 'ws-01' }) });
    const { sessionRequestId } = (await opened.json()) as { sessionRequestId: string };
    expect((await fetch(`${t.h.url}/app_session_request/${sessionRequestId}`)).status).toBe(200);
    t.h.approve(sessionRequestId, 'coord');
    const polled = await fetch(`${t.h.url}/internal_api/app_session_request/${sessionRequestId}`, { method: 'PUT' });
    expect(await polled.json()).toMatchObject({ approved: true });
    const served = await (await fetch(`${t.h.url}/__emulator/requests`)).text();
    expect(served).not.toContain(sessionRequestId);
    expect(t.h.requests().map((r) => `${r.httpMethod} ${r.path}`)).toEqual([
      'POST /internal_api/app_session_request',
      'GET /app_session_request/<id>',
      'PUT /internal_api/app_session_request/<id>',
    ]);
  });
});

describe('request log sudo_as_login of upload forms', () => {
  const FORM_ROUTES = ['upload_file', 'publish_thumbnail', 'share_thumbnail', 'api_get_upload_link_info', 'api_get_upload_link_for_part', 'api_complete_multipart_upload', 'api_link_file'];
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const upload = async (route: string, fields: Record<string, string>): Promise<string> => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ entity_type: 'Shot', entity_id: '1', entities: 'Shot_2', source_entity: 'Shot_1', ...fields })) fd.append(k, v);
    fd.append(route === 'upload_file' ? 'file' : 'thumb_image', new Blob([png], { type: 'image/png' }), 't.png');
    return (await fetch(`${t.h.url}/upload/${route}`, { method: 'POST', body: fd })).text();
  };

  it('records the sudo_as_login each form route was sent, applied or refused, and no secret', async () => {
    t.h.reset();
    const { session_id } = await t.call('get_session_token', t.script);
    for (const route of FORM_ROUTES) await upload(route, { ...t.script, sudo_as_login: 'coord' });
    expect(await upload('publish_thumbnail', { session_token: session_id, sudo_as_login: 'coord' })).toMatch(/^1:\d+/);
    expect(await upload('publish_thumbnail', { script_name: t.script['script_name']!, script_key: PLANTED, sudo_as_login: 'coord' })).toMatch(/^0\n/);
    await upload('publish_thumbnail', t.script);

    const log = t.h.requests().slice(1);
    expect(log.map((r) => [r.path, r.auth, r.principal, r.sudoAsLogin])).toEqual([
      ...FORM_ROUTES.map((route) => [`/upload/${route}`, 'script', t.script['script_name'], 'coord']),
      ['/upload/publish_thumbnail', 'session', t.script['script_name'], 'coord'],
      ['/upload/publish_thumbnail', 'script', t.script['script_name'], 'coord'],
      ['/upload/publish_thumbnail', 'script', t.script['script_name'], null],
    ]);
    const logged = JSON.stringify(t.h.requests()) + (await (await fetch(`${t.h.url}/__emulator/requests`)).text());
    for (const secret of [PLANTED, t.script['script_key']!, session_id as string]) expect(logged).not.toContain(secret);
  });
});
