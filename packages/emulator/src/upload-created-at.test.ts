import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonMultipart } from './test-support/python-form.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const movie = { field: 'file', filename: 'take.mov', contentType: 'video/quicktime', data: Buffer.from('MOVIEDATA') };

/** A POST of a body as Python sends it; the reply text. */
async function post(path: string, body: Buffer | string, contentType: string): Promise<string> {
  const res = await fetch(`${t.h.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  expect(res.status).toBe(200);
  return res.text();
}
const uploadFile = (fields: Record<string, string>): Promise<string> => {
  const { body, contentType } = pythonMultipart({ entity_type: 'Version', entity_id: '1', ...t.script, field_name: 'sg_uploaded_movie', ...fields }, [movie]);
  return post('/upload/upload_file', body, contentType);
};
const urlEncoded = (path: string, fields: Record<string, string>): Promise<string> =>
  post(path, new URLSearchParams({ ...fields, ...t.script }).toString(), 'application/x-www-form-urlencoded');

async function createdAt(reply: string): Promise<unknown> {
  const id = Number(/^1:(\d+)\n$/.exec(reply)?.[1]);
  const found = await t.call('read', t.script, { type: 'Attachment', filters: where(['id', 'is', id]), return_fields: ['created_at'], paging: { entities_per_page: 1, current_page: 1 }, return_only: 'active' });
  return found.entities[0].created_at;
}

/** The cloud path: link info, the PUT of the bytes, the link; `info` and `link` are the extra fields of each. */
async function cloudUpload(info: Record<string, string>, link: Record<string, string>): Promise<string> {
  const linkInfo = await urlEncoded('/upload/api_get_upload_link_info', { upload_type: 'Attachment', filename: 'take.mov', multipart_upload: 'False', ...info });
  if (!linkInfo.startsWith('1\n')) return linkInfo;
  expect((await fetch(linkInfo.split('\n')[1]!, { method: 'PUT', body: movie.data })).status).toBe(200);
  return urlEncoded('/upload/api_link_file', { entity_type: 'Version', entity_id: '1', upload_link_info: linkInfo, field_name: 'sg_uploaded_movie', ...link });
}

describe("an upload's created_at, as shotgun_api3's upload(..., created_at=) sends it", () => {
  it('sets the Attachment created_at from upload_file (isoformat, naive = UTC, fractions dropped, zones honoured)', async () => {
    expect(await createdAt(await uploadFile({ created_at: '2026-01-02T03:04:05' }))).toBe('2026-01-02T03:04:05Z');
    expect(await createdAt(await uploadFile({ created_at: '2026-01-02T03:04:05.250000' }))).toBe('2026-01-02T03:04:05Z');
    expect(await createdAt(await uploadFile({ created_at: '2026-01-02T03:04:05+01:00' }))).toBe('2026-01-02T02:04:05Z');
  });

  it('sets it from the cloud path (str(datetime)), given to the link request or to the link-info request', async () => {
    expect(await createdAt(await cloudUpload({ created_at: '2026-01-02 03:04:05' }, { created_at: '2026-01-02 03:04:05' }))).toBe('2026-01-02T03:04:05Z');
    expect(await createdAt(await cloudUpload({ created_at: '2025-05-06 07:08:09' }, {}))).toBe('2025-05-06T07:08:09Z');
  });

  it('refuses a created_at that is no date-time, in the upload form of error (0 and the message)', async () => {
    const refused = /^0\n'created_at' must be a date-time .*got "(yesterday|2026-02-30 01:02:03)" \(error_code 103\)$/;
    expect(await uploadFile({ created_at: 'yesterday' })).toMatch(refused);
    expect(await cloudUpload({ created_at: '2026-02-30 01:02:03' }, {})).toMatch(refused);
    const linkInfo = await urlEncoded('/upload/api_get_upload_link_info', { upload_type: 'Attachment', filename: 'take.mov' });
    await fetch(linkInfo.split('\n')[1]!, { method: 'PUT', body: movie.data });
    expect(await urlEncoded('/upload/api_link_file', { entity_type: 'Version', entity_id: '1', upload_link_info: linkInfo, created_at: 'yesterday' })).toMatch(refused);
  });
});
