import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './server.js';
import { startHarness, type Harness } from './test-support/harness.js';
import type { EmulatorHandle } from './types.js';

/** POSTs an `info` envelope (no credentials needed) to `url`. */
const info = (url: string): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ method_name: 'info', params: [] }) });

/** Expects the answer a web server gives where it has no route: 404 with an HTML page, not an API reply. */
async function expectNotFoundPage(res: Response): Promise<void> {
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await res.text()).toMatch(/^<!DOCTYPE html>.*404 Not Found/s);
}

describe('a site at the root answers JSON-RPC at /api3/json only', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness();
  });
  afterAll(() => t.h.close());

  it('answers POST /api3/json', async () => {
    const res = await info(`${t.h.url}/api3/json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ emulator: 'sg-emulator' });
  });

  it.each([
    ['the endpoint pasted into the site URL', '/api3/json/api3/json'],
    ['a base path the site does not have', '/foo/api3/json'],
    ['a path that only ends like the endpoint', '/xapi3/json'],
    ['a double slash read as a host before', '//sg/api3/json'],
  ])('answers 404 with an HTML page for %s (%s), like a real site', async (_what, path) => {
    await expectNotFoundPage(await info(`${t.h.url}${path}`));
  });

  it('does not run the call, nor take a fault queued for it, at a wrong path', async () => {
    t.h.injectFault({ method: 'info', errorCode: 103, message: 'queued for the real endpoint' });
    const before = t.h.requests().length;
    await expectNotFoundPage(await info(`${t.h.url}/api3/json/api3/json`));
    expect(t.h.requests().slice(before)).toEqual([expect.objectContaining({ path: '/api3/json/api3/json', method_name: null, status: 404, injected: null })]);
    expect(await (await info(`${t.h.url}/api3/json`)).json()).toMatchObject({ exception: true, message: 'queued for the real endpoint' });
  });
});

describe('a site with a base path', () => {
  let h: EmulatorHandle;
  let origin: string;
  beforeAll(async () => {
    h = await startEmulator({ basePath: '/sg/' });
    origin = new URL(h.url).origin;
  });
  afterAll(() => h.close());

  it('gives clients the URL with the base path (trailing slash dropped) and answers RPC under it only', async () => {
    expect(h.url).toBe(`${origin}/sg`);
    expect(h.card.url).toBe(`${origin}/sg`);
    expect(((await (await fetch(`${origin}/__emulator/card`)).json()) as { url: string }).url).toBe(`${origin}/sg`);
    expect((await info(`${h.url}/api3/json`)).status).toBe(200);
    await expectNotFoundPage(await info(`${origin}/api3/json`));
    await expectNotFoundPage(await info(`${h.url}/api3/json/api3/json`));
    await expectNotFoundPage(await info(`${origin}/other/api3/json`));
  });

  it('keeps uploads, downloads and /api/v1 on the origin, where clients take them whatever the base path', async () => {
    const script = h.card.scripts[0]!;
    const fd = new FormData();
    for (const [k, v] of Object.entries({ script_name: script.name, script_key: script.key, entity_type: 'Shot', entity_id: '1' })) fd.append(k, v);
    fd.append('file', new Blob(['under /sg'], { type: 'text/plain' }), 'sg.txt');
    const reply = await (await fetch(`${origin}/upload/upload_file`, { method: 'POST', body: fd })).text();
    expect(reply).toMatch(/^1:\d+/);
    await expectNotFoundPage(await fetch(`${h.url}/upload/upload_file`, { method: 'POST', body: fd }));
    expect((await fetch(`${origin}/api/v1`)).status).toBe(200);
    await expectNotFoundPage(await fetch(`${h.url}/api/v1`));
    const read = (await (
      await fetch(`${h.url}/api3/json`, {
        method: 'POST',
        body: JSON.stringify({
          method_name: 'read',
          params: [{ script_name: script.name, script_key: script.key }, { type: 'Attachment', return_fields: ['this_file'], filters: { logical_operator: 'and', conditions: [{ path: 'id', relation: 'is', values: [Number(reply.slice(2))] }] } }],
        }),
      })
    ).json()) as { results: { entities: { this_file: { url: string } }[] } };
    expect(read.results.entities[0]!.this_file.url).toMatch(new RegExp(`^${origin}/file_serve/attachment/\\d+$`));
  });

  it('refuses a base path it would not answer at as given', async () => {
    for (const basePath of ['sg', '/a//b', '/sg/api3/json', '/api3/json', '/__emulator', '/a?b', '/a b', '/%41', '/./sg', '/sg/..']) {
      await expect(startEmulator({ basePath }), basePath).rejects.toThrow(/basePath/);
    }
    await expect(startEmulator({ basePath: 5 as unknown as string })).rejects.toThrow(/basePath must be a string/);
  });

  it('takes "" and "/" as the root', async () => {
    for (const basePath of ['', '/']) {
      const root = await startEmulator({ basePath });
      try {
        expect(root.url).toBe(new URL(root.url).origin);
        expect((await info(`${root.url}/api3/json`)).status).toBe(200);
      } finally {
        await root.close();
      }
    }
  });
});

describe('the /upload/ prefix', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness();
  });
  afterAll(() => t.h.close());

  const uploadForm = (fields: Record<string, string>): FormData => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    return fd;
  };

  it('answers an unknown /upload/* endpoint with the 404 page, whatever the credentials, before checking them', async () => {
    const before = t.h.requests().length;
    await expectNotFoundPage(await fetch(`${t.h.url}/upload/upload_files`, { method: 'POST', body: uploadForm({ script_name: 'nobody', script_key: 'wrong' }) }));
    await expectNotFoundPage(await fetch(`${t.h.url}/upload/upload_files`, { method: 'POST', body: uploadForm({ ...t.script, entity_type: 'Shot', entity_id: '1' }) }));
    await expectNotFoundPage(await fetch(`${t.h.url}/upload/`, { method: 'POST', body: uploadForm(t.script) }));
    expect(t.h.requests().slice(before).map((r) => [r.path, r.status])).toEqual([
      ['/upload/upload_files', 404],
      ['/upload/upload_files', 404],
      ['/upload/', 404],
    ]);
  });

  it('answers a form POST to the storage URL (which takes PUT) with 405 and Allow: PUT', async () => {
    const link = await (await fetch(`${t.h.url}/upload/api_get_upload_link_info`, { method: 'POST', body: uploadForm({ ...t.script, filename: 'a.bin' }) })).text();
    const storage = link.split('\n')[1]!;
    expect(storage).toMatch(/\/upload\/storage\/[^/]+$/);
    const posted = await fetch(storage, { method: 'POST', body: uploadForm(t.script) });
    expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'PUT']);
    expect((await fetch(storage, { method: 'PUT', body: 'bytes' })).status).toBe(200);
  });
});
