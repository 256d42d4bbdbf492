import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SiteSnapshot } from './site.js';
import { startHarness, type Harness } from './test-support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-upfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Buffer.from('uploaded bytes \u00e9 kept in a file of their own', 'utf8');

async function upload(t: Harness, data: Buffer): Promise<number> {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...t.script, entity_type: 'Shot', entity_id: '1' })) fd.append(k, v);
  fd.append('file', new Blob([data], { type: 'text/plain' }), 'notes.txt');
  const reply = await (await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', body: fd })).text();
  return Number(/^1:(\d+)/.exec(reply)?.[1]);
}

async function download(t: Harness, id: number): Promise<Buffer> {
  const { session_id } = await t.call('get_session_token', t.script);
  const res = await fetch(`${t.h.url}/file_serve/attachment/${id}`, { headers: { cookie: `_session_id=${session_id}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('uploaded bytes with --data', () => {
  it('are saved once in FILE.uploads (owner only), not in the JSON, and served after a restart', async () => {
    const file = join(dir, 'site.json');
    const a = await startHarness({ dataFile: file });
    const id = await upload(a, bytes);
    await a.h.close();
    const saved = readFileSync(file, 'utf8');
    expect(saved).not.toContain(bytes.toString('base64'));
    const own = join(`${file}.uploads`, String(id));
    expect(readFileSync(own).equals(bytes)).toBe(true);
    expect(statSync(own).mode & 0o777).toBe(0o600);

    const b = await startHarness({ dataFile: file });
    try {
      expect((await download(b, id)).equals(bytes)).toBe(true);
      // A reset drops the uploads: their files go with the save that no longer names them.
      expect((await b.admin('reset', {})).status).toBe(200);
      expect(existsSync(own)).toBe(false);
    } finally {
      await b.h.close();
    }
  });

  it('loads a data file of an older emulator, with the bytes inline in base64, and moves them out on the next save', async () => {
    const file = join(dir, 'older.json');
    const a = await startHarness({ dataFile: file });
    const id = await upload(a, bytes);
    await a.h.close();
    const older = JSON.parse(readFileSync(file, 'utf8')) as SiteSnapshot;
    const entry = older.files[String(id)]!;
    older.files[String(id)] = { data: bytes.toString('base64'), contentType: entry.contentType, name: entry.name };
    writeFileSync(file, JSON.stringify(older));
    rmSync(`${file}.uploads`, { recursive: true });

    const b = await startHarness({ dataFile: file });
    try {
      expect((await download(b, id)).equals(bytes)).toBe(true);
      await b.call('create', b.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'a write saves' }] });
    } finally {
      await b.h.close();
    }
    expect(readFileSync(file, 'utf8')).not.toContain(bytes.toString('base64'));
    expect(readdirSync(`${file}.uploads`)).toEqual([String(id)]);
  });

  it('refuses to start from a data file that names an upload whose bytes are missing, naming both', async () => {
    const file = join(dir, 'missing.json');
    const a = await startHarness({ dataFile: file });
    const id = await upload(a, bytes);
    await a.h.close();
    rmSync(`${file}.uploads`, { recursive: true });
    await expect(startHarness({ dataFile: file })).rejects.toThrow(`Data file ${file} names upload ${id}, whose bytes ${join(`${file}.uploads`, String(id))} cannot be read`);
  });
});
