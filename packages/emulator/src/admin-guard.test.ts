import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGuard, adminRefusal } from './admin-guard.js';
import { readBody } from './http-util.js';
import { shotCodes, startHarness, type Harness } from './test-support/harness.js';
import { crossSitePage, send } from './test-support/raw-request.js';

describe('the admin endpoints refuse what a web page in the browser can send from loopback', () => {
  let t: Harness;
  let port: number;
  beforeAll(async () => {
    t = await startHarness();
    port = Number(new URL(t.h.url).port);
  });
  afterAll(() => t.h.close());

  it("refuses a cross-site page's POST /__emulator/reset (Origin, text/plain), and the site keeps its data", async () => {
    await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'precious_work' }], return_fields: ['id'] });
    const r = await send(port, 'POST', '/__emulator/reset', crossSitePage, '');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toEqual({ error: 'Admin endpoints refuse requests made by a web page (Origin "https://evil.example")' });
    expect(await shotCodes(t)).toContain('precious_work');
  });

  it('refuses a request that carries Origin alone, even with a JSON body, and queues nothing', async () => {
    const r = await send(port, 'POST', '/__emulator/faults', { origin: 'null', 'content-type': 'application/json' }, JSON.stringify({ method: 'info', errorCode: 103 }));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatch(/web page \(Origin "null"\)/);
    expect(await t.rpc('info', [])).not.toHaveProperty('exception');
  });

  it.each(['cross-site', 'same-site'])('refuses Sec-Fetch-Site: %s without Origin (a GET of the card)', async (site) => {
    const r = await send(port, 'GET', '/__emulator/card', { 'sec-fetch-site': site });
    expect(r.status).toBe(403);
    expect(r.body).not.toMatch(/"scripts"|"users"/);
    expect(JSON.parse(r.body).error).toBe(`Admin endpoints refuse requests made by a web page (Sec-Fetch-Site "${site}")`);
  });

  it.each(['none', 'same-origin'])('answers Sec-Fetch-Site: %s (typed into the address bar, or the emulator itself)', async (site) => {
    const r = await send(port, 'GET', '/__emulator/clock', { 'sec-fetch-site': site });
    expect(r.status).toBe(200);
  });

  it.each([
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x', 'multipart/form-data; boundary=x'],
  ])('refuses a body sent as %s (a simple request), and the PAT stays valid', async (_name, type) => {
    const r = await send(port, 'POST', '/__emulator/pat', { 'content-type': type }, JSON.stringify({ login: 'admin', state: 'revoked' }));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toBe(`Admin endpoints take a body as Content-Type application/json only, got ${JSON.stringify(type)}`);
    const card = JSON.parse((await send(port, 'GET', '/__emulator/card', {})).body) as { users: { login: string; pat: string }[] };
    expect(card.users.find((u) => u.login === 'admin')?.pat).toBe('valid');
  });

  it('refuses a body without a Content-Type', async () => {
    const r = await send(port, 'POST', '/__emulator/latency', {}, JSON.stringify({ ms: 5000 }));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toBe('Admin endpoints take a body as Content-Type application/json only, got none');
  });

  it('answers a JSON body (with or without a charset) and a POST without a body', async () => {
    expect((await send(port, 'POST', '/__emulator/latency', { 'content-type': 'application/json; charset=utf-8' }, '{"ms":0}')).status).toBe(200);
    expect((await send(port, 'POST', '/__emulator/clock', { 'content-type': 'Application/JSON' }, '{"advanceSeconds":1}')).status).toBe(200);
    expect((await send(port, 'POST', '/__emulator/reset', {})).status).toBe(200);
  });

  it.each(['attacker.example', 'localhost.example', '127.0.0.1.nip.example', '0.0.0.0', '10.0.0.2', '[::2]', 'localhost@evil.example'])(
    'refuses Host %s at the emulator port (DNS rebinding): the card is not read',
    async (name) => {
      const r = await send(port, 'GET', '/__emulator/card', { host: `${name}:${port}` });
      // On loopback the Host check of every route (host-check.ts) answers first; on a wildcard bind, see below.
      expect(r.status).toBe(421);
      expect(r.body).not.toMatch(/"scripts"|"users"|"key"/);
      expect(r.body).toContain(`sg-emulator refused Host ${JSON.stringify(`${name}:${port}`)}`);
    },
  );

  it('refuses a loopback Host at another port, and one with no port (80)', async () => {
    for (const host of [`localhost:${port === 1 ? 2 : port - 1}`, '127.0.0.1']) {
      const r = await send(port, 'GET', '/__emulator/card', { host });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body).error, host).toBe(`Admin endpoints answer requests to this emulator's own address only (localhost, 127.x.x.x or [::1] at port ${port}), got Host ${JSON.stringify(host)}`);
    }
  });

  it('refuses an HTTP/1.0 request without a Host header (Node answers 400 to HTTP/1.1 without one)', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET /__emulator/card HTTP/1.0\r\n\r\n'));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.[01] 403 /);
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe(JSON.stringify({ error: `Admin endpoints need a Host header naming this emulator (e.g. 127.0.0.1:${port}), got none` }));
  });

  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LocalHost', 'localhost.', 'tool.localhost', '[::1]', '[0:0:0:0:0:0:0:1]', '127.1'])(
    'answers Host %s at the emulator port',
    async (name) => {
      const r = await send(port, 'GET', '/__emulator/clock', { host: `${name}:${port}` });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).now).toMatch(/^\d{4}-/);
    },
  );
});

describe('an emulator started on a wildcard or named host also answers its own address', () => {
  // A node:http server on loopback standing in for an emulator started with `host` 0.0.0.0, `::` or a name: it
  // answers 200 where the guard built as startEmulator builds it lets the request through.
  let server: Server;
  let port: number;
  const guards: Record<string, ReturnType<typeof adminGuard>> = {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const refusal = adminRefusal(guards[req.url!.slice(1)]!, req, body);
        res.writeHead(refusal?.status ?? 200, { 'content-type': 'application/json' });
        res.end(refusal ? String(refusal.body) : '{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    guards['any4'] = adminGuard('0.0.0.0', '0.0.0.0', port);
    guards['any6'] = adminGuard('::', '::', port);
    guards['named'] = adminGuard('emulator.test', '127.0.0.1', port);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['any4', '0.0.0.0'],
    ['any6', '[::]'],
    ['named', 'emulator.test'],
    ['named', 'localhost'],
  ])('%s answers Host %s at its port', async (guard, name) => {
    expect((await send(port, 'GET', `/${guard}`, { host: `${name}:${port}` })).status).toBe(200);
  });

  it.each([
    ['any4', '[::]'],
    ['any6', '0.0.0.0'],
    ['named', 'other.test'],
    ['named', 'emulator.test.evil.example'],
  ])('%s refuses Host %s', async (guard, name) => {
    expect((await send(port, 'GET', `/${guard}`, { host: `${name}:${port}` })).status).toBe(403);
  });
});
