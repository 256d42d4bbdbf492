import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

// HEAD was never served (404 where GET gave 200), a wrong method at an existing route got the 404 "no page", and
// the 405 at /api3/json had no Allow header.

let t: Harness;
let thumbId: number;
beforeAll(async () => {
  t = await startHarness();
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...t.script, entity_type: 'Shot', entity_id: '1' })) fd.append(k, v);
  fd.append('thumb_image', new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47, 7, 8, 9])], { type: 'image/png' }), 't.png');
  thumbId = Number(/^1:(\d+)/.exec(await (await fetch(`${t.h.url}/upload/publish_thumbnail`, { method: 'POST', body: fd })).text())?.[1]);
});
afterAll(() => t.h.close());

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a real socket, with no body. */
function call(method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.h.url}${path}`, { method, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HEAD', () => {
  it.each([
    ['a thumbnail', () => `/thumbnail/${thumbId}`],
    ['the REST API root', () => '/api/v1'],
    ['a download (refused without a session cookie, as GET)', () => '/file_serve/attachment/1'],
    ['an admin GET', () => '/__emulator/stats'],
  ])('is answered as GET, without the body: %s', async (_what, path) => {
    const got = await call('GET', path());
    const head = await call('HEAD', path());
    expect(got.status).not.toBe(404);
    expect([head.status, head.headers['content-type'], head.headers['content-length'], head.body]).toEqual([got.status, got.headers['content-type'], String(Buffer.byteLength(got.body, 'latin1')), '']);
  });
});

describe('a method an existing route does not take', () => {
  it.each([
    ['GET', '/api3/json', 'POST'],
    ['HEAD', '/api3/json', 'POST'],
    ['PUT', '/api3/json', 'POST'],
    ['GET', '/upload/upload_file', 'POST'],
    ['GET', '/upload/storage/abc', 'PUT'],
    ['POST', '/thumbnail/1', 'GET, HEAD'],
    ['DELETE', '/file_serve/attachment/1', 'GET, HEAD'],
  ])('%s %s is answered 405 with Allow: %s', async (method, path, allow) => {
    const res = await call(method, path);
    expect([res.status, res.headers['allow']]).toEqual([405, allow]);
  });

  it('an address with no route stays the 404 page', async () => {
    const res = await call('POST', '/no/such/page');
    expect([res.status, res.headers['allow']]).toEqual([404, undefined]);
  });
});
