import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// An emulator bound to every interface (`--host 0.0.0.0`), as in a container: its card must name an address a client
// can connect to, and the links it hands out must be ones the requesting client can reach on its site's origin.
let t: Harness;
let port: number;
beforeAll(async () => {
  t = await startHarness({ host: '0.0.0.0' });
  port = Number(new URL(t.h.url).port);
});
afterAll(() => t.h.close());

/** A request to the emulator on 127.0.0.1 naming `host` in its Host header, as a client elsewhere would. */
function send(host: string, method: string, path: string, body: string, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host, 'content-type': type, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe('an emulator bound to a wildcard address', () => {
  it('gives a card and handle URL on loopback, which a client can connect to, not 0.0.0.0', async () => {
    expect(t.h.url).toBe(`http://127.0.0.1:${port}`);
    expect(t.h.card.url).toBe(`http://127.0.0.1:${port}`);
    const card = (await (await fetch(`${t.h.url}/__emulator/card`)).json()) as { url: string };
    expect(card.url).toBe(`http://127.0.0.1:${port}`);
    expect(await t.rpc('info', [])).not.toHaveProperty('exception');
  });

  it("builds file, upload and approval links from the request's Host, so a client elsewhere can follow them", async () => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ ...t.script, entity_type: 'Shot', entity_id: '1' })) fd.append(k, v);
    fd.append('file', new Blob([Buffer.from('bytes')], { type: 'text/plain' }), 'notes.txt');
    const id = Number(/^1:(\d+)/.exec(await (await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', body: fd })).text())?.[1]);
    const read = (host: string): Promise<string> =>
      send(host, 'POST', '/api3/json', JSON.stringify({ method_name: 'read', params: [t.script, { type: 'Attachment', return_fields: ['this_file'], filters: where(['id', 'is', id]) }] }), 'application/json');
    for (const host of [`sg-emulator:${port}`, `localhost:${port}`, `10.1.2.3:8080`]) {
      const file = (JSON.parse(await read(host)) as { results: { entities: { this_file: { url: string } }[] } }).results.entities[0]!.this_file.url;
      expect(file, host).toBe(`http://${host}/file_serve/attachment/${id}`);
      const link = await send(host, 'POST', '/upload/api_get_upload_link_info', form({ ...t.script, filename: 'a.bin' }), 'application/x-www-form-urlencoded');
      expect(link.split('\n')[1], host).toMatch(new RegExp(`^http://${host.replace(/\./g, '\\.')}/upload/storage/[0-9a-f-]+$`));
      const approval = JSON.parse(await send(host, 'POST', '/internal_api/app_session_request', form({ appName: 'sg', machineId: 'ws-01' }), 'application/x-www-form-urlencoded')) as { url: string };
      expect(approval.url, host).toMatch(new RegExp(`^http://${host.replace(/\./g, '\\.')}/app_session_request/`));
    }
    // A Host that is no plain host:port gets the site's own origin, never the header's text.
    const odd = (JSON.parse(await read('evil.example/x@y')) as { results: { entities: { this_file: { url: string } }[] } }).results.entities[0]!.this_file.url;
    expect(odd).toBe(`http://127.0.0.1:${port}/file_serve/attachment/${id}`);
  });
});
