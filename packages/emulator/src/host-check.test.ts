import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorArgsError, parseEmulatorArgs } from './cli-args.js';
import { startEmulator } from './server.js';
import { shotCodes, startHarness, type Harness } from './test-support/harness.js';
import { send } from './test-support/raw-request.js';

// A web page on a hostile domain can point its name at 127.0.0.1 (DNS rebinding) and then drive an emulator on
// loopback from the developer's browser: its requests come from a loopback peer but name its own domain in Host.
const portOf = (t: Harness): number => Number(new URL(t.h.url).port);
const rpc = (method: string, params: unknown[]): string => JSON.stringify({ method_name: method, params });
const json = { 'content-type': 'application/json' };

describe('an emulator on loopback answers only requests that name a loopback host', () => {
  let t: Harness;
  let port: number;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await startHarness({ logger: (line) => lines.push(line) });
    port = portOf(t);
  });
  afterAll(() => t.h.close());

  it('refuses a forged Host on the RPC route with 421 and a text naming it and how to allow it: nothing is written', async () => {
    const before = await shotCodes(t);
    const r = await send(port, 'POST', '/api3/json', { ...json, host: 'evil.example' }, rpc('create', [t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'rebound' }] }]));
    expect(r.status).toBe(421);
    expect(r.body).toBe(
      'sg-emulator refused Host "evil.example": it listens on loopback and answers only requests that name a loopback host (localhost, *.localhost, 127.x.x.x, [::1]), so that a web page cannot reach it by DNS rebinding. To accept this name, start it with --allow-host evil.example (allowedHosts: ["evil.example"]).\n',
    );
    expect(await shotCodes(t)).toEqual(before);
    expect(lines).toContain('POST /api3/json → 421: Host "evil.example" is not a loopback name (--allow-host accepts one)');
  });

  it('refuses a forged Host on a read, an admin route, an upload route and the approval route: nothing is read or reset', async () => {
    await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'kept_through_reset' }] });
    const host = `rebind.evil.example:${port}`;
    const read = await send(port, 'POST', '/api3/json', { ...json, host }, rpc('read', [t.script, { type: 'HumanUser', filters: { logical_operator: 'and', conditions: [] }, return_fields: ['login'] }]));
    expect(read.status).toBe(421);
    expect(read.body).not.toMatch(/"entities"|"login"/);
    for (const [method, path] of [['GET', '/__emulator/card'], ['POST', '/__emulator/reset'], ['POST', '/upload/api_get_upload_link_info'], ['POST', '/internal_api/app_session_request'], ['GET', '/api/v1']] as const) {
      const r = await send(port, method, path, { host }, '');
      expect(r.status, path).toBe(421);
      expect(r.body, path).toContain(`refused Host "${host}"`);
      expect(r.body, path).toContain('--allow-host rebind.evil.example');
    }
    expect(await shotCodes(t)).toContain('kept_through_reset');
  });

  it('refuses a Host that is no plain host[:port], and one that only looks like loopback', async () => {
    for (const host of ['localhost@evil.example', '127.0.0.1.nip.example', 'localhost.example', '[::2]', '0.0.0.0']) {
      const r = await send(port, 'POST', '/api3/json', { ...json, host }, rpc('info', []));
      expect(r.status, host).toBe(421);
    }
  });

  it.each(['127.0.0.1', '127.9.9.9', 'localhost', 'LOCALHOST', 'tool.localhost', '[::1]'])('answers Host %s, at any port', async (name) => {
    for (const host of [`${name}:${port}`, `${name}:5173`, name]) {
      const r = await send(port, 'POST', '/api3/json', { ...json, host }, rpc('info', []));
      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.body), host).toHaveProperty('version');
    }
  });
});

describe('allowedHosts / --allow-host', () => {
  let t: Harness;
  let port: number;
  beforeAll(async () => {
    t = await startHarness({ allowedHosts: ['Studio-Dev.test', '10.0.0.5'] });
    port = portOf(t);
  });
  afterAll(() => t.h.close());

  it('answers the names given, on the RPC route and the admin routes (at the emulator port), and still refuses others', async () => {
    for (const host of [`studio-dev.test:${port}`, `10.0.0.5:${port}`]) {
      expect((await send(port, 'POST', '/api3/json', { ...json, host }, rpc('info', []))).status, host).toBe(200);
      expect((await send(port, 'GET', '/__emulator/clock', { host })).status, host).toBe(200);
    }
    expect((await send(port, 'POST', '/api3/json', { ...json, host: `other.test:${port}` }, rpc('info', []))).status).toBe(421);
  });

  it('refuses a start with an entry that is no host name, naming it', async () => {
    for (const [value, shown] of [[['http://a.test'], '"http://a.test"'], [['a.test:8080'], '"a.test:8080"'], [[''], '""'], [[5], '5']] as const) {
      await expect(startEmulator({ allowedHosts: value as unknown as string[] })).rejects.toThrow(`allowedHosts[0] must be a host name or IP address without scheme or port (e.g. "studio-dev.test"), got ${shown}`);
    }
    await expect(startEmulator({ allowedHosts: 'a.test' as unknown as string[] })).rejects.toThrow('allowedHosts must be a list of host names, got "a.test"');
  });

  it('is the repeatable flag --allow-host', () => {
    expect(parseEmulatorArgs(['--allow-host', 'a.test', '--allow-host=::1'])).toEqual({ allowedHosts: ['a.test', '::1'] });
    expect(() => parseEmulatorArgs(['--allow-host', 'a.test:80'])).toThrow(new EmulatorArgsError("--allow-host expects a host name or IP address without scheme or port (e.g. studio-dev.test), got 'a.test:80'"));
  });
});

describe('an emulator on every interface (a container) keeps answering the RPC route at any name', () => {
  let t: Harness;
  let port: number;
  beforeAll(async () => {
    t = await startHarness({ host: '0.0.0.0' });
    port = portOf(t);
  });
  afterAll(() => t.h.close());

  it('answers a compose service name on the RPC route, and its admin routes still answer loopback names only', async () => {
    expect((await send(port, 'POST', '/api3/json', { ...json, host: 'sg-emulator:8080' }, rpc('info', []))).status).toBe(200);
    const admin = await send(port, 'GET', '/__emulator/card', { host: `sg-emulator:${port}` });
    expect(admin.status).toBe(403);
    expect(admin.body).not.toMatch(/"scripts"/);
  });
});
