import type { OutgoingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCRIPT_KEY } from './fixtures.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { crossSitePage, send, type Answer } from './test-support/raw-request.js';

describe('the JSON-RPC endpoint refuses a web page that uses the fixed fixture credentials', () => {
  let t: Harness;
  let port: number;
  beforeAll(async () => {
    t = await startHarness({ fixtures: 'empty' });
    port = Number(new URL(t.h.url).port);
  });
  afterAll(() => t.h.close());

  const auth = { script_name: 'emulator_script', script_key: DEMO_SCRIPT_KEY };
  const createShot = (headers: OutgoingHttpHeaders): Promise<Answer> =>
    send(port, 'POST', '/api3/json', headers, JSON.stringify({ method_name: 'create', params: [auth, { type: 'Shot', fields: [{ field_name: 'code', value: 'from_a_page' }] }] }));
  const shotCount = async (): Promise<number> => {
    const found = (await t.call('read', t.script, { type: 'Shot', filters: { logical_operator: 'and', conditions: [] }, return_fields: ['code'], paging: { entities_per_page: 500, current_page: 1 }, return_only: 'active' })) as { entities: unknown[] };
    return found.entities.length;
  };

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
