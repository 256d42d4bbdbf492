import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMultipart } from './multipart.js';
import { pythonMultipart } from './test-support/python-form.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const disposition = (header: string): string | undefined => {
  const body = Buffer.from(`--B\r\nContent-Disposition: ${header}\r\n\r\nx\r\n--B--\r\n`);
  return Object.values(parseMultipart(body, 'B').files)[0]?.filename;
};

describe('a filename with raw double quotes, as shotgun_api3 writes it (nothing escaped)', () => {
  it('runs to the last quote before the end of the header or the next ; name=', () => {
    expect(disposition('form-data; name="file"; filename="take "2" final.mov"')).toBe('take "2" final.mov');
    expect(disposition('form-data; filename="take "2" final.mov"; name="file"')).toBe('take "2" final.mov');
    expect(disposition('form-data; name="file"; filename="a";b.txt"')).toBe('a";b.txt');
    // A well-formed header still ends the value at its closing quote, before any other parameter.
    expect(disposition('form-data; name="file"; filename="plain.mov"; size=3')).toBe('plain.mov');
    expect(disposition('form-data; name="file"; filename="a%22b.txt"')).toBe('a"b.txt');
  });

  it('names the Attachment of an upload_file with the whole filename', async () => {
    const file = { field: 'file', filename: 'take "2" final.mov', contentType: 'video/quicktime', data: Buffer.from('MOVIE') };
    const { body, contentType } = pythonMultipart({ entity_type: 'Shot', entity_id: '1', ...t.script }, [file]);
    const res = await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const id = Number(/^1:(\d+)\n$/.exec(await res.text())?.[1]);
    const found = await t.call('read', t.script, { type: 'Attachment', filters: where(['id', 'is', id]), return_fields: ['filename', 'file_extension'], paging: { entities_per_page: 1, current_page: 1 }, return_only: 'active' });
    expect(found.entities[0]).toMatchObject({ filename: 'take "2" final.mov', file_extension: 'mov' });
  });
});
