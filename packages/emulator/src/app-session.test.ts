import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness({ authMode: 'sso' });
});
afterAll(() => t.h.close());

const open = async (): Promise<{ sessionRequestId: string; url: string }> => {
  const res = await fetch(`${t.h.url}/internal_api/app_session_request`, { method: 'POST', body: new URLSearchParams({ appName: 'Desktop', machineId: 'ws-01' }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { sessionRequestId: string; url: string };
};
const poll = (id: string): Promise<Response> => fetch(`${t.h.url}/internal_api/app_session_request/${id}`, { method: 'PUT' });

describe('browser approval login', () => {
  it('answers GET /api/v1 without auth', async () => {
    const root = (await (await fetch(`${t.h.url}/api/v1`)).json()) as Record<string, unknown>;
    expect(root).toMatchObject({ user_authentication_method: 'saml2', authentication_app_session_launcher_enabled: true });
  });

  it('goes pending → approved with a working session token', async () => {
    const req = await open();
    expect(req.url).toBe(`${t.h.url}/app_session_request/${req.sessionRequestId}`);
    expect(await (await poll(req.sessionRequestId)).json()).toEqual({ approved: false });
    expect((await (await fetch(req.url)).text())).toContain('Approve');
    expect((await t.admin('approve', { requestId: req.sessionRequestId, login: 'coord' })).status).toBe(200);
    const done = (await (await poll(req.sessionRequestId)).json()) as { approved: boolean; sessionToken: string; userLogin: string };
    expect(done).toMatchObject({ approved: true, userLogin: 'coord' });
    const me = await t.call('read', { session_token: done.sessionToken, reject_if_expired: true }, { type: 'HumanUser', return_fields: ['login'], filters: where(['login', 'is', 'coord']) });
    expect(me.entities).toHaveLength(1);
  });

  it('approves through the HTML page too', async () => {
    const req = await open();
    const res = await fetch(req.url, { method: 'POST', body: new URLSearchParams({ decision: 'approve', login: 'admin' }) });
    expect(res.status).toBe(200);
    expect(await (await poll(req.sessionRequestId)).json()).toMatchObject({ approved: true, userLogin: 'admin' });
  });

  it('refuses to deny an approved request (the session it issued stays valid), by the handle, the admin route and the page', async () => {
    const req = await open();
    t.h.approve(req.sessionRequestId, 'coord');
    expect(() => t.h.deny(req.sessionRequestId)).toThrow(`App session request '${req.sessionRequestId}' was already approved`);
    const admin = await t.admin('deny', { requestId: req.sessionRequestId });
    expect(admin.status).toBe(400);
    expect(await admin.json()).toEqual({ error: `App session request '${req.sessionRequestId}' was already approved` });
    const page = await fetch(req.url, { method: 'POST', body: new URLSearchParams({ decision: 'deny' }) });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Cannot deny');
    expect(await (await poll(req.sessionRequestId)).json()).toMatchObject({ approved: true, userLogin: 'coord' });
  });

  it('answers 404 once denied or after 5 minutes', async () => {
    const denied = await open();
    t.h.deny(denied.sessionRequestId);
    expect((await poll(denied.sessionRequestId)).status).toBe(404);
    expect(await (await poll(denied.sessionRequestId)).json()).toEqual({ message: 'Not Found' });
    const old = await open();
    t.h.advanceClock(301);
    expect((await poll(old.sessionRequestId)).status).toBe(404);
    expect((await poll('nope')).status).toBe(404);
    expect(() => t.h.approve(old.sessionRequestId, 'admin')).toThrow();
  });
});

describe('browser approval requests the emulator cannot read', () => {
  it('answers a JSON body that is not an object with 400, not 500', async () => {
    for (const body of ['null', '[]', '"Desktop"']) {
      const res = await fetch(`${t.h.url}/internal_api/app_session_request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ message: "'appName' and 'machineId' are required" });
    }
  });

  it('answers a request id with broken percent-encoding as an unknown request (404), not 500', async () => {
    expect((await poll('%E0%A4%A')).status).toBe(404);
    expect((await fetch(`${t.h.url}/app_session_request/%`)).status).toBe(404);
    expect((await fetch(`${t.h.url}/app_session_request/%ZZ`, { method: 'POST', body: new URLSearchParams({ decision: 'deny' }) })).status).toBe(404);
  });
});

describe('browser approval switched off (appSessionLauncher: false)', () => {
  let off: Harness;
  beforeAll(async () => {
    off = await startHarness({ appSessionLauncher: false });
  });
  afterAll(() => off.h.close());

  it('says so in GET /api/v1 and answers the app session endpoints with 403 {message}', async () => {
    const root = (await (await fetch(`${off.h.url}/api/v1`)).json()) as Record<string, unknown>;
    expect(root).toMatchObject({ authentication_app_session_launcher_enabled: false });
    const created = await fetch(`${off.h.url}/internal_api/app_session_request`, { method: 'POST', body: new URLSearchParams({ appName: 'Desktop', machineId: 'ws-01' }) });
    expect(created.status).toBe(403);
    const body = (await created.json()) as { message: unknown };
    expect(typeof body.message).toBe('string');
    expect(body.message).toMatch(/not enabled/);
    expect((await fetch(`${off.h.url}/internal_api/app_session_request/anything`, { method: 'PUT' })).status).toBe(403);
    // The rest of the site works as usual.
    expect((await off.call('read', off.script, { type: 'Project', return_fields: ['name'] })).entities.length).toBeGreaterThan(0);
  });

  it('answers an address under the endpoints that is no route (wrong method, extra segment) with the 404 page, not the 403', async () => {
    for (const [method, path] of [['GET', ''], ['POST', '/some-id'], ['PUT', '/some-id/extra']] as const) {
      const res = await fetch(`${off.h.url}/internal_api/app_session_request${path}`, { method });
      expect([method, path, res.status, res.headers.get('content-type')]).toEqual([method, path, 404, 'text/html; charset=utf-8']);
    }
  });
});
