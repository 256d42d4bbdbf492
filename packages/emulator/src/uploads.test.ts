import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMultipart } from './multipart.js';
import type { SiteSnapshot } from './site.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

function form(fields: Record<string, string>, file?: { name: string; field: string; data: Buffer }): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append(file.field, new Blob([file.data], { type: 'image/png' }), file.name);
  return fd;
}

const post = async (path: string, body: FormData | URLSearchParams): Promise<string> => {
  const res = await fetch(`${t.h.url}${path}`, { method: 'POST', body });
  expect(res.status).toBe(200);
  return res.text();
};
const idOf = (reply: string): number => Number(/^1:(\d+)/.exec(reply)?.[1]);

describe('multipart parser', () => {
  it('parses fields and files', () => {
    const b = 'XyZ';
    const body = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n--${b}\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u0001\r\n--${b}--\r\n\r\n`, 'latin1');
    const parsed = parseMultipart(body, b);
    expect(parsed.fields).toEqual({ a: 'one' });
    expect([...parsed.files['f']!.data]).toEqual([0, 1]);
  });
});

describe('multipart parameters in any order', () => {
  it('takes a file part whose Content-Disposition names the filename before the name', async () => {
    const b = 'OrderProbe';
    const part = (disposition: string, value: string, type = ''): string => `--${b}\r\nContent-Disposition: form-data; ${disposition}\r\n${type}\r\n${value}\r\n`;
    const fields = { ...t.script, entity_type: 'Shot', entity_id: '1', display_name: 'notes.txt' };
    const body = Object.entries(fields).map(([k, v]) => part(`name="${k}"`, v)).join('') + part('filename="notes.txt"; name="file"', 'hello', 'Content-Type: text/plain\r\n') + `--${b}--\r\n\r\n`;
    const res = await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${b}` }, body });
    const reply = await res.text();
    expect(reply).toMatch(/^1:\d+/);
    const att = await t.call('read', t.script, { type: 'Attachment', return_fields: ['filename', 'file_size'], filters: where(['id', 'is', idOf(reply)]) });
    expect(att.entities[0]).toMatchObject({ filename: 'notes.txt', file_size: 5 });
  });
});

describe('uploads and downloads', () => {
  const data = Buffer.from('pretend this is a movie file \u00e9', 'utf8');

  it('decodes the %22, %0D and %0A a form encoder puts in a filename, and no other %XX', async () => {
    const names = async (id: number): Promise<unknown> => {
      const att = await t.call('read', t.script, { type: 'Attachment', return_fields: ['filename', 'display_name', 'this_file'], filters: where(['id', 'is', id]) });
      const row = att.entities[0];
      return [row.filename, row.display_name, row.this_file.name];
    };
    const quoted = 'take "2" final.mov';
    const withDisplay = idOf(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '1', display_name: quoted }, { name: quoted, field: 'file', data })));
    expect(await names(withDisplay)).toEqual([quoted, quoted, quoted]);
    const odd = 'take\r\n"3" %41.mov';
    const bare = idOf(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '1' }, { name: odd, field: 'file', data })));
    expect(await names(bare)).toEqual([odd, odd, odd]);
    const { session_id } = await t.call('get_session_token', t.script);
    const dl = await fetch(`${t.h.url}/file_serve/attachment/${bare}`, { headers: { cookie: `_session_id=${session_id}` } });
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="take___3_ %41.mov"; filename*=UTF-8''take%0D%0A%223%22%20%2541.mov`);
  });

  it('uploads to a url field and downloads with the _session_id cookie', async () => {
    const reply = await post('/upload/upload_file', form({ ...t.script, entity_type: 'Version', entity_id: '1', field_name: 'sg_uploaded_movie', display_name: 'take.mov' }, { name: 'take.mov', field: 'file', data }));
    const id = idOf(reply);
    expect(id).toBeGreaterThan(0);
    const v = await t.call('read', t.script, { type: 'Version', return_fields: ['sg_uploaded_movie'], filters: where(['id', 'is', 1]) });
    expect(v.entities[0].sg_uploaded_movie).toMatchObject({ link_type: 'upload', name: 'take.mov', id, url: `${t.h.url}/file_serve/attachment/${id}` });
    const url = `${t.h.url}/file_serve/attachment/${id}`;
    expect((await fetch(url)).status).toBe(403);
    const { session_id } = await t.call('get_session_token', t.script);
    const dl = await fetch(url, { headers: { cookie: `_session_id=${session_id}` } });
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer()).equals(data)).toBe(true);
    expect((await fetch(url, { headers: { cookie: '_session_id=nope' } })).status).toBe(403);
  });

  it('downloads with the _session_id cookie beside another cookie that is not valid percent-encoding', async () => {
    const id = idOf(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '1' }, { name: 'a.txt', field: 'file', data })));
    const { session_id } = await t.call('get_session_token', t.script);
    const dl = await fetch(`${t.h.url}/file_serve/attachment/${id}`, { headers: { cookie: `_session_id=${session_id}; ajs_user=50%off` } });
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer()).equals(data)).toBe(true);
  });

  it('serves a file whose name is not Latin-1 with an ASCII filename and the UTF-8 name in filename*', async () => {
    const name = 'sh\u00f6t 01 \u2713.txt';
    const id = idOf(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '1' }, { name, field: 'file', data })));
    const { session_id } = await t.call('get_session_token', t.script);
    const dl = await fetch(`${t.h.url}/file_serve/attachment/${id}`, { headers: { cookie: `_session_id=${session_id}` } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="sh_t 01 _.txt"; filename*=UTF-8''${encodeURIComponent(name)}`);
    const star = /filename\*=UTF-8''(.+)$/.exec(dl.headers.get('content-disposition') ?? '')?.[1] ?? '';
    expect(decodeURIComponent(star)).toBe(name);
    expect(Buffer.from(await dl.arrayBuffer()).equals(data)).toBe(true);
  });

  it('uploads an attachment without a field, linked to the entity', async () => {
    const id = idOf(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '1', tag_list: 'a,b' }, { name: 'notes.txt', field: 'file', data })));
    const att = await t.call('read', t.script, { type: 'Attachment', return_fields: ['attachment_links', 'file_size', 'tag_list', 'this_file'], filters: where(['id', 'is', id]) });
    expect(att.entities[0]).toMatchObject({ attachment_links: [{ type: 'Shot', id: 1 }], file_size: data.length, tag_list: ['a', 'b'] });
  });

  it('publishes and shares thumbnails', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const id = idOf(await post('/upload/publish_thumbnail', form({ ...t.script, entity_type: 'Shot', entity_id: '2' }, { name: 't.png', field: 'thumb_image', data: png })));
    const shot = await t.call('read', t.script, { type: 'Shot', return_fields: ['image'], filters: where(['id', 'in', 2, 3]) });
    expect(shot.entities[0].image).toBe(`${t.h.url}/thumbnail/${id}`);
    expect(Buffer.from(await (await fetch(shot.entities[0].image)).arrayBuffer()).equals(png)).toBe(true);
    expect(shot.entities[1].image).toBeNull();
    const shared = await post('/upload/share_thumbnail', new URLSearchParams({ ...t.script, entities: 'Shot_3,Shot_4', source_entity: 'Shot_2', filmstrip_thumbnail: 'False' }));
    expect(idOf(shared)).toBe(id);
    const after = await t.call('read', t.script, { type: 'Shot', return_fields: ['image'], filters: where(['id', 'in', 3, 4]) });
    expect(after.entities.every((e: any) => e.image === `${t.h.url}/thumbnail/${id}`)).toBe(true);
  });

  it('refuses to share from a source that has no thumbnail, naming it, instead of answering "not ready"', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 7, 8, 9]);
    expect(await post('/upload/share_thumbnail', new URLSearchParams({ ...t.script, entities: 'Shot_3', source_entity: 'Shot_5' }))).toBe('0\nshare_thumbnail: Shot 5 has no thumbnail to share (error_code 103)');
    expect(idOf(await post('/upload/publish_thumbnail', form({ ...t.script, entity_type: 'Shot', entity_id: '5' }, { name: 't.png', field: 'thumb_image', data: png })))).toBeGreaterThan(0);
    expect(await post('/upload/share_thumbnail', new URLSearchParams({ ...t.script, entities: 'Shot_3', source_entity: 'Shot_5', filmstrip_thumbnail: '1' }))).toBe('0\nshare_thumbnail: Shot 5 has no filmstrip thumbnail to share (error_code 103)');
  });

  it('answers "not ready" (2) for a source whose thumbnail is still the transient placeholder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-share-'));
    try {
      const file = join(dir, 'site.json');
      await (await startHarness({ dataFile: file })).h.close();
      const saved = JSON.parse(readFileSync(file, 'utf8')) as SiteSnapshot;
      const shot = saved.store.tables['Shot']!.rows.find(([id]) => id === 5)!;
      shot[2]['image'] = '/images/status/transient/thumbnail_pending.png';
      writeFileSync(file, JSON.stringify(saved));
      const site = await startHarness({ dataFile: file });
      try {
        const res = await fetch(`${site.h.url}/upload/share_thumbnail`, { method: 'POST', body: new URLSearchParams({ ...site.script, entities: 'Shot_3', source_entity: 'Shot_5' }) });
        expect(await res.text()).toMatch(/^2\n.*Shot 5/);
      } finally {
        await site.h.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('clears the filmstrip along with the thumbnail when image is set to null', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 4, 5, 6]);
    await post('/upload/publish_thumbnail', form({ ...t.script, entity_type: 'Shot', entity_id: '6' }, { name: 't.png', field: 'thumb_image', data: png }));
    await post('/upload/publish_thumbnail', form({ ...t.script, entity_type: 'Shot', entity_id: '6', filmstrip: 'True' }, { name: 'f.png', field: 'thumb_image', data: png }));
    const read = async (): Promise<any> => (await t.call('read', t.script, { type: 'Shot', return_fields: ['image', 'filmstrip_image'], filters: where(['id', 'is', 6]) })).entities[0];
    expect(await read()).toMatchObject({ image: expect.stringMatching(/\/thumbnail\/\d+$/), filmstrip_image: expect.stringMatching(/\/thumbnail\/\d+$/) });
    // rpc-protocol.md §2.5: clearing answers {id, image: None, type} only, though the filmstrip goes too.
    expect(await t.call('update', t.script, { type: 'Shot', id: 6, fields: [{ field_name: 'image', value: null }] })).toStrictEqual({ type: 'Shot', id: 6, image: null });
    expect(await read()).toMatchObject({ image: null, filmstrip_image: null });
  });

  it('runs the three-step link flow', async () => {
    const info = await post('/upload/api_get_upload_link_info', new URLSearchParams({ ...t.script, upload_type: 'Attachment', filename: 'big.exr', multipart_upload: 'False' }));
    const lines = info.split('\n');
    expect(lines[0]).toBe('1');
    const put = await fetch(lines[1]!, { method: 'PUT', body: data, headers: { 'content-type': 'image/x-exr' } });
    expect(put.status).toBe(200);
    // A refused link (no such entity) leaves the upload pending, so the corrected link still finds its bytes.
    expect(await post('/upload/api_link_file', new URLSearchParams({ ...t.script, entity_type: 'Version', entity_id: '999999', field_name: 'sg_uploaded_movie', upload_link_info: info }))).toMatch(/^0\n/);
    const linked = await post('/upload/api_link_file', new URLSearchParams({ ...t.script, entity_type: 'Version', entity_id: '2', field_name: 'sg_uploaded_movie', upload_link_info: info }));
    const id = idOf(linked);
    expect(await post('/upload/api_link_file', new URLSearchParams({ ...t.script, entity_type: 'Version', entity_id: '2', field_name: 'sg_uploaded_movie', upload_link_info: info }))).toMatch(/^0\n.*unknown upload/);
    const { session_id } = await t.call('get_session_token', t.script);
    const dl = await fetch(`${t.h.url}/file_serve/attachment/${id}`, { headers: { cookie: `_session_id=${session_id}` } });
    expect(Buffer.from(await dl.arrayBuffer()).equals(data)).toBe(true);
  });

  it('serves only thumbnails at the unauthenticated /thumbnail/<id>; other attachments need the cookie', async () => {
    const id = idOf(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Version', entity_id: '1', field_name: 'sg_uploaded_movie' }, { name: 'private.mov', field: 'file', data })));
    const open = await fetch(`${t.h.url}/thumbnail/${id}`);
    expect(open.status).toBe(404);
    expect(Buffer.from(await open.arrayBuffer()).includes(data)).toBe(false);
  });

  it('completes a multipart upload only with the ETags storage gave for its parts, in part order', async () => {
    const info = await post('/upload/api_get_upload_link_info', new URLSearchParams({ ...t.script, upload_type: 'Attachment', filename: 'parts.bin', multipart_upload: 'True' }));
    const [, , timestamp = '', , uploadId = ''] = info.split('\n');
    const step = { ...t.script, upload_type: 'Attachment', filename: 'parts.bin', timestamp, upload_id: uploadId };
    const etags: string[] = [];
    for (const [part, chunk] of [[1, 'first '], [2, 'second']] as const) {
      const url = (await post('/upload/api_get_upload_link_for_part', new URLSearchParams({ ...step, part_number: String(part) }))).split('\n')[1]!;
      const put = await fetch(url, { method: 'PUT', body: chunk });
      etags.push(put.headers.get('etag') ?? '');
    }
    expect(etags.every((e) => /^".+"$/.test(e))).toBe(true);
    for (const wrong of ['', ',', etags[0]!, [...etags].reverse().join(','), `${etags.join(',')},"x"`]) {
      expect(await post('/upload/api_complete_multipart_upload', new URLSearchParams({ ...step, etags: wrong }))).toMatch(/^0\n.*ETag/);
    }
    expect(await post('/upload/api_complete_multipart_upload', new URLSearchParams({ ...step, etags: etags.join(',') }))).toMatch(/^1/);
    const id = idOf(await post('/upload/api_link_file', new URLSearchParams({ ...t.script, entity_type: 'Shot', entity_id: '1', upload_link_info: info })));
    const { session_id } = await t.call('get_session_token', t.script);
    const dl = await fetch(`${t.h.url}/file_serve/attachment/${id}`, { headers: { cookie: `_session_id=${session_id}` } });
    expect(await dl.text()).toBe('first second');
  });

  it('answers a body over the size limit with 413 instead of dropping the connection', async () => {
    const { MAX_BODY_BYTES } = await import('./http-util.js');
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('Request body too large');
    // the emulator goes on answering
    expect((await t.call('read', t.script, { type: 'Shot', return_fields: ['id'], paging: { entities_per_page: 1 } })).entities).toHaveLength(1);
  }, 60_000);

  it('answers bad uploads with a 0 reply', async () => {
    expect(await post('/upload/upload_file', form({ ...t.script, script_key: 'bad', entity_type: 'Shot', entity_id: '1' }, { name: 'x', field: 'file', data }))).toMatch(/^0\n/);
    expect(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '9999' }, { name: 'x', field: 'file', data }))).toMatch(/^0\n/);
    expect(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Shot', entity_id: '1', field_name: 'code' }, { name: 'x', field: 'file', data }))).toBe('0\nShot.code is a text field; files can only be uploaded to url fields (error_code 103)');
    expect(await post('/upload/upload_file', form({ ...t.script, entity_type: 'Version', entity_id: '1', field_name: 'entity' }, { name: 'x', field: 'file', data }))).toBe('0\nVersion.entity is an entity field; files can only be uploaded to url fields (error_code 103)');
  });
});
