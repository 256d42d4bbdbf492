import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from './test-support/raw-request.js';
import { startHarness, type Harness } from './test-support/harness.js';

// Behind a proxy that lets only `/api3/json`, `/upload/`, `/file_serve/` and `/thumbnail/` through, the URL parser's
// resolving of `%2e%2e` and `\` let `GET /file_serve/x/%2e%2e/%2e%2e/__emulator/card` read the admin card (script
// keys, passwords) and `POST /thumbnail/%2e%2e/__emulator/reset` reset the site. Such targets are refused with 400.

let t: Harness;
let port: number;
beforeAll(async () => {
  t = await startHarness();
  port = Number(new URL(t.h.url).port);
});
afterAll(() => t.h.close());

const info = JSON.stringify({ method_name: 'info', params: [] });

describe('a request target with dot segments or a backslash', () => {
  it.each([
    ['percent-encoded ..', 'GET', '/file_serve/x/%2e%2e/%2e%2e/__emulator/card'],
    ['percent-encoded .. in upper and mixed case', 'GET', '/file_serve/x/%2E%2E/%2e./__emulator/card'],
    ['literal ..', 'GET', '/file_serve/x/../../__emulator/card'],
    ['backslashes', 'GET', '/file_serve/x\\..\\..\\__emulator/card'],
    ['percent-encoded backslashes', 'GET', '/file_serve/x%5c..%5C..%5c__emulator/card'],
    ['a backslash alone', 'GET', '/thumbnail\\1'],
    ['a reset through a thumbnail path', 'POST', '/thumbnail/%2e%2e/__emulator/reset'],
    ['a . segment', 'POST', '/api3/./json'],
    ['a percent-encoded . segment', 'POST', '/api3/%2E/json'],
    ['.. before a fragment', 'GET', '/file_serve/..#/x'],
    ['a percent-encoded .. before a fragment', 'POST', '/thumbnail/%2e%2e#/__emulator/reset'],
  ])('is refused with 400 before routing: %s', async (_what, method, path) => {
    const before = t.h.requests().length;
    const res = await send(port, method, path, { 'content-type': 'application/json' }, method === 'POST' ? info : undefined);
    expect(res.status).toBe(400);
    expect(res.body).toBe('Bad request: the path may not have "." or ".." segments or a backslash (as they are or percent-encoded)');
    expect(t.h.requests().slice(before).map((r) => [r.httpMethod, r.status])).toEqual([[method, 400]]);
  });

  it('leaves names with dots and a query with .. alone', async () => {
    expect((await send(port, 'POST', '/api3/json?from=../..', { 'content-type': 'application/json' }, info)).status).toBe(200);
    expect((await send(port, 'GET', '/thumbnail/..1', {})).status).toBe(404);
  });
});
