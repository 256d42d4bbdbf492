import type { OutgoingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCRIPT_KEY } from './fixtures.js';
import { shotCodes, startHarness, where, type Harness } from './test-support/harness.js';
import { crossSitePage, send, type Answer } from './test-support/raw-request.js';

// One emulator (the default fixtures) for both groups: each test counts what it changes. It listens on every
// interface, as in a container: on loopback the Host check (host-check.ts) would refuse a foreign Host before this
// guard, which still keeps a page of this machine out of an emulator started with `--host 0.0.0.0`.
let t: Harness;
let port: number;
beforeAll(async () => {
  t = await startHarness({ host: '0.0.0.0' });
  port = Number(new URL(t.h.url).port);
});
afterAll(() => t.h.close());

describe('the JSON-RPC endpoint refuses a web page that uses the fixed fixture credentials', () => {
  const auth = { script_name: 'emulator_script', script_key: DEMO_SCRIPT_KEY };
  const createShot = (headers: OutgoingHttpHeaders): Promise<Answer> =>
    send(port, 'POST', '/api3/json', headers, JSON.stringify({ method_name: 'create', params: [auth, { type: 'Shot', fields: [{ field_name: 'code', value: 'from_a_page' }] }] }));
  const shotCount = async (): Promise<number> => (await shotCodes(t)).length;

  it.each([
    ['a cross-site no-cors POST', crossSitePage, 'Sec-Fetch-Site "cross-site"'],
    ['a page of another port on localhost', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site', 'content-type': 'text/plain;charset=UTF-8' }, 'Sec-Fetch-Site "same-site"'],
    ['an older browser (Origin, no Sec-Fetch-Site)', { origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' }, 'Origin "https://evil.example"'],
    ['a sandboxed frame or a file: page (Origin null)', { origin: 'null', 'content-type': 'text/plain;charset=UTF-8' }, 'Origin "null"'],
  ])('refuses %s: 403 and nothing is created', async (_what, headers, named) => {
    const before = await shotCount();
    const r = await createShot(headers);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toEqual({ error: `The JSON-RPC endpoint refuses a call made by a page of another site (${named})` });
    expect(await shotCount()).toBe(before);
  });

  it('refuses a DNS-rebinding page (same origin to the browser, but its own host name): nothing is read', async () => {
    const host = `attacker.example:${port}`;
    const r = await send(port, 'POST', '/api3/json', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, JSON.stringify({ method_name: 'read', params: [auth, { type: 'HumanUser', filters: { logical_operator: 'and', conditions: [] }, return_fields: ['login'], paging: { entities_per_page: 50, current_page: 1 }, return_only: 'active' }] }));
    expect(r.status).toBe(403);
    expect(r.body).not.toMatch(/"entities"|"login"/);
    expect(JSON.parse(r.body).error).toBe(`A web page may call the JSON-RPC endpoint only at a loopback address (localhost, 127.x.x.x, [::1]), got Host "${host}"`);
  });

  it.each([
    ['a page of the emulator itself', (p: number) => ({ host: `localhost:${p}`, origin: `http://localhost:${p}`, 'sec-fetch-site': 'same-origin' })],
    ['the same, from an older browser', (p: number) => ({ host: `127.0.0.1:${p}`, origin: `http://127.0.0.1:${p}` })],
    ['a dev server proxying its own origin (another port)', () => ({ host: 'localhost:5173', origin: 'http://localhost:5173', 'sec-fetch-site': 'same-origin' })],
    ['an API client (no Origin, no Sec-Fetch-Site), whatever Host it names', () => ({ host: 'emulator.internal:8080' })],
  ])('answers %s', async (_what, headers) => {
    const before = await shotCount();
    const r = await createShot({ ...headers(port), 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ results: { type: 'Shot', code: 'from_a_page' } });
    expect(await shotCount()).toBe(before + 1);
  });
});

describe('the routes that take credentials or hand them out refuse a web page of another site the same way', () => {
  /** What a DNS-rebinding page sends: same origin to the browser, but its own host name. */
  const rebinding = (): OutgoingHttpHeaders => ({ host: `attacker.example:${port}`, origin: `http://attacker.example:${port}`, 'sec-fetch-site': 'same-origin' });
  /** What the emulator's own approval page sends when its form is submitted. */
  const ownPage = (): OutgoingHttpHeaders => ({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });
  const urlEncoded = { 'content-type': 'application/x-www-form-urlencoded' };
  const attachmentsOfShot1 = async (): Promise<number> => {
    const found = (await t.call('read', t.script, { type: 'Attachment', filters: where(['attachment_links', 'is', { type: 'Shot', id: 1 }]), return_fields: ['id'], paging: { entities_per_page: 500, current_page: 1 }, return_only: 'active' })) as { entities: unknown[] };
    return found.entities.length;
  };
  /** An approval request opened by an API client, as browserLogin opens it. */
  const openRequest = async (): Promise<string> => {
    const r = await send(port, 'POST', '/internal_api/app_session_request', urlEncoded, 'appName=Desktop&machineId=ws-01');
    expect(r.status).toBe(200);
    return (JSON.parse(r.body) as { sessionRequestId: string }).sessionRequestId;
  };
  const pollAsClient = async (id: string): Promise<unknown> => JSON.parse((await send(port, 'PUT', `/internal_api/app_session_request/${id}`, {})).body);

  it('refuses a cross-site multipart upload with the fixture script key: 403 and nothing attached', async () => {
    const b = 'CrossSiteForm';
    const fields = { script_name: 'emulator_script', script_key: DEMO_SCRIPT_KEY, entity_type: 'Shot', entity_id: '1' };
    const body = Object.entries(fields).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
      `--${b}\r\nContent-Disposition: form-data; name="thumb_image"; filename="x.png"\r\nContent-Type: image/png\r\n\r\npng\r\n--${b}--\r\n`;
    const before = await attachmentsOfShot1();
    for (const path of ['/upload/upload_file', '/upload/publish_thumbnail']) {
      const r = await send(port, 'POST', path, { ...crossSitePage, 'content-type': `multipart/form-data; boundary=${b}` }, body.replace('thumb_image', path.endsWith('upload_file') ? 'file' : 'thumb_image'));
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toEqual({ error: 'This upload route refuses a call made by a page of another site (Sec-Fetch-Site "cross-site")' });
    }
    expect(await attachmentsOfShot1()).toBe(before);
  });

  it('refuses a DNS-rebinding page that opens, approves or polls an approval request: no session token leaves', async () => {
    const opened = await send(port, 'POST', '/internal_api/app_session_request', { ...rebinding(), ...urlEncoded }, 'appName=x&machineId=y');
    expect(opened.status).toBe(403);
    expect(JSON.parse(opened.body).error).toBe(`A web page may call this browser approval route only at a loopback address (localhost, 127.x.x.x, [::1]), got Host "attacker.example:${port}"`);
    const id = await openRequest();
    const approved = await send(port, 'POST', `/app_session_request/${id}`, { ...rebinding(), ...urlEncoded }, 'decision=approve&login=admin');
    expect(approved.status).toBe(403);
    expect(await pollAsClient(id)).toEqual({ approved: false });
    t.h.approve(id, 'admin');
    const polled = await send(port, 'PUT', `/internal_api/app_session_request/${id}`, rebinding());
    expect(polled.status).toBe(403);
    expect(polled.body).not.toMatch(/sessionToken|approved/);
    expect(polled.body).not.toContain(id);
  });

  it('answers a page of another origin a GET of a thumbnail or file (an <img>, a link), which hands out no credentials', async () => {
    const { session_id } = (await t.call('get_session_token', t.script)) as { session_id: string };
    const b = 'ApiClientForm';
    const body = Object.entries({ ...t.script, entity_type: 'Shot', entity_id: '1' }).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
      `--${b}\r\nContent-Disposition: form-data; name="thumb_image"; filename="t.png"\r\nContent-Type: image/png\r\n\r\nprivate studio notes\r\n--${b}--\r\n`;
    const uploaded = await send(port, 'POST', '/upload/publish_thumbnail', { 'content-type': `multipart/form-data; boundary=${b}` }, body);
    const id = Number(/^1:(\d+)/.exec(uploaded.body)?.[1]);
    expect(id).toBeGreaterThan(0);
    // A web app on another port shows the thumbnail in an <img> (cross-site marks, no Origin on a no-cors GET).
    const thumb = await send(port, 'GET', `/thumbnail/${id}`, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' });
    expect(thumb.status).toBe(200);
    // A write to a download route from such a page is still refused.
    const posted = await send(port, 'POST', `/file_serve/attachment/${id}`, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', cookie: `_session_id=${session_id}` });
    expect(posted.status).toBe(403);
    // The same requests from an API client (no Origin, no Sec-Fetch-Site) are answered.
    expect((await send(port, 'GET', `/file_serve/attachment/${id}`, { cookie: `_session_id=${session_id}` })).body).toBe('private studio notes');
    expect((await send(port, 'GET', `/thumbnail/${id}`, {})).body).toBe('private studio notes');
  });

  it("answers the approval page's own form (same origin) and leaves the page itself open to a link from anywhere", async () => {
    const id = await openRequest();
    const shown = await send(port, 'GET', `/app_session_request/${id}`, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Approve');
    const approved = await send(port, 'POST', `/app_session_request/${id}`, { ...ownPage(), ...urlEncoded }, 'decision=approve&login=admin');
    expect(approved.status).toBe(200);
    expect(await pollAsClient(id)).toMatchObject({ approved: true, userLogin: 'admin' });
  });
});
