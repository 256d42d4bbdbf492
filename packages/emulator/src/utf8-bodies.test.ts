import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// A body that was not valid UTF-8 (`café` in Latin-1) was decoded with U+FFFD in place of its bytes and stored as if
// it had been sent. It is now refused, and nothing is written.

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

/** `café` in Latin-1: the é is the lone byte 0xE9, which is no UTF-8. */
const latin1 = (s: string): Buffer => Buffer.from(s.replace('cafe', 'caf\u00e9'), 'latin1');

/** POSTs raw bytes over a real socket; the status and the body as text. */
function post(path: string, contentType: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.h.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const shotCount = async (): Promise<number> => ((await t.call('summarize', t.script, { type: 'Shot', filters: where(), summaries: [{ field: 'id', type: 'count' }] })) as { summaries: { id: number } }).summaries.id;

describe('a body that is not valid UTF-8', () => {
  it('is refused at /api3/json with fault 103, and nothing is created', async () => {
    const before = await shotCount();
    const env = { method_name: 'create', params: [t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'cafe' }] }] };
    const res = await post('/api3/json', 'application/json', latin1(JSON.stringify(env)));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ exception: true, error_code: 103, message: 'The request body is not valid UTF-8' });
    expect(await shotCount()).toBe(before);
  });

  it('is refused by an upload form (urlencoded or a multipart field) with 400, and nothing is kept', async () => {
    const form = new URLSearchParams({ ...t.script, filename: 'cafe.txt' }).toString();
    const urlencoded = await post('/upload/api_get_upload_link_info', 'application/x-www-form-urlencoded', latin1(form));
    expect(urlencoded).toEqual({ status: 400, body: '0\nMalformed form body: the form body is not valid UTF-8' });
    const b = 'b0undary';
    const multipart = latin1(`--${b}\r\nContent-Disposition: form-data; name="filename"\r\n\r\ncafe.txt\r\n--${b}--\r\n`);
    expect(await post('/upload/api_get_upload_link_info', `multipart/form-data; boundary=${b}`, multipart)).toEqual({ status: 400, body: "0\nMalformed form body: the field 'filename' is not valid UTF-8" });
    expect(t.h.stats().pendingUploads).toBe(0);
  });

  it('is refused by the browser approval flow with 400, and no request is made or approved', async () => {
    const created = await post('/internal_api/app_session_request', 'application/x-www-form-urlencoded', latin1('appName=cafe&machineId=m1'));
    expect([created.status, JSON.parse(created.body)]).toEqual([400, { message: 'The request body is not valid UTF-8' }]);
    expect(t.h.stats().appSessionRequests).toBe(0);
    const ok = await post('/internal_api/app_session_request', 'application/json', Buffer.from('{"appName":"app","machineId":"m1"}'));
    const id = (JSON.parse(ok.body) as { sessionRequestId: string }).sessionRequestId;
    const approve = await post(`/app_session_request/${id}`, 'application/x-www-form-urlencoded', latin1('decision=approve&login=coord&note=cafe'));
    expect(approve.status).toBe(400);
    expect(approve.body).toContain('The form is not valid UTF-8.');
    const polled = await fetch(`${t.h.url}/internal_api/app_session_request/${id}`, { method: 'PUT' });
    expect(await polled.json()).toEqual({ approved: false });
  });
});

// The strict decoder stripped a leading byte-order mark (TextDecoder's ignoreBOM defaults to false): a form field sent
// as "\uFEFFmy name" was stored as "my name", and a JSON body starting with one was no longer refused.
describe('a leading byte-order mark (U+FEFF)', () => {
  it('is kept in a form field, as sent', async () => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ ...t.script, entity_type: 'Project', entity_id: '1', display_name: '\uFEFFmy name' })) fd.set(k, v);
    fd.set('file', new Blob(['abc']), 'a.txt');
    const answer = await (await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', body: fd })).text();
    const id = Number(/^1:(\d+)/.exec(answer)?.[1]);
    const found = (await t.call('read', t.script, { type: 'Attachment', filters: where(['id', 'is', id]), return_fields: ['display_name'] })) as { entities: { display_name: string }[] };
    expect(found.entities[0]?.display_name).toBe('\uFEFFmy name');
  });

  it('makes an /api3/json body malformed JSON (fault 103), and nothing is created', async () => {
    const before = await shotCount();
    const env = { method_name: 'create', params: [t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'bom' }] }] };
    const res = await post('/api3/json', 'application/json', Buffer.from(`\uFEFF${JSON.stringify(env)}`));
    const body = JSON.parse(res.body) as { exception: boolean; error_code: number; message: string };
    expect([res.status, body.exception, body.error_code]).toEqual([200, true, 103]);
    expect(body.message).toMatch(/^Malformed JSON request body: /);
    expect(await shotCount()).toBe(before);
  });
});
