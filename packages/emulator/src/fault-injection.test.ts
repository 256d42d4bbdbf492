import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './server.js';
import { startHarness, where, type Harness } from './test-support/harness.js';
import { received } from './test-support/received.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const body = (method: string, payload?: unknown): string => JSON.stringify({ method_name: method, params: payload === undefined ? [t.script] : [t.script, payload] });
const post = (method: string, payload?: unknown): Promise<Response> => fetch(`${t.h.url}/api3/json`, { method: 'POST', body: body(method, payload) });
const readShot = { type: 'Shot', return_fields: ['code'], filters: where(['id', 'is', 1]) };

describe('fault injection and admin endpoints', () => {
  it('queues status faults by method, FIFO, for `times` requests', async () => {
    expect((await t.admin('faults', { method: 'read', status: 502, times: 2 })).status).toBe(200);
    expect((await post('schema_entity_read')).status).toBe(200);
    expect((await post('read', readShot)).status).toBe(502);
    expect((await post('read', readShot)).status).toBe(502);
    expect((await post('read', readShot)).status).toBe(200);
  });

  it('serves HTML pages, Retry-After and injected RPC faults', async () => {
    await t.admin('faults', { html: true, status: 502 });
    const html = await post('read', readShot);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    t.h.injectFault({ html: true });
    const html200 = await post('read', readShot);
    expect(html200.status).toBe(200);
    expect(await html200.text()).toContain('<html>');
    await t.admin('faults', { retryAfter: 2, status: 503 });
    const busy = await post('read', readShot);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('2');
    t.h.injectFault({ method: 'read', errorCode: 102, message: 'Injected auth failure' });
    expect(await (await post('read', readShot)).json()).toEqual({ exception: true, message: 'Injected auth failure', error_code: 102 });
  });

  it('drops the connection before or after processing', async () => {
    t.h.injectFault({ method: 'create', dropConnection: true, when: 'before' });
    await expect(post('create', { type: 'Shot', fields: [{ field_name: 'code', value: 'dropped_before' }] })).rejects.toThrow();
    await t.admin('faults', { method: 'create', dropConnection: true, when: 'after' });
    await expect(post('create', { type: 'Shot', fields: [{ field_name: 'code', value: 'dropped_after' }] })).rejects.toThrow();
    const found = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'in', 'dropped_before', 'dropped_after']) });
    expect(found.entities.map((e: any) => e.code)).toEqual(['dropped_after']);
  });

  describe("a status, HTML page or RPC fault with when: 'after' (the site applied the request, then a gateway answered)", () => {
    const created = async (code: string): Promise<number> =>
      (await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'is', code]) })).entities.length;
    const eventsFor = async (id: number): Promise<number> =>
      (await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['event_type'], filters: where(['entity', 'is', { type: 'Shot', id }], ['event_type', 'is', 'Shotgun_Shot_New']) })).entities.length;

    it('a create answered 502 after it was applied lands exactly one row, logs its event, and the client sees the 502', async () => {
      t.h.injectFault({ method: 'create', status: 502, when: 'after' });
      const res = await post('create', { type: 'Shot', fields: [{ field_name: 'code', value: 'landed_behind_502' }] });
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toBe('Injected HTTP 502 (sg-emulator)');
      expect(await created('landed_behind_502')).toBe(1);
      const [row] = (await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'is', 'landed_behind_502']) })).entities;
      expect(await eventsFor(row.id)).toBe(1);
      expect(t.h.requests().filter((r) => r.injected === 'status-502-after')).toMatchObject([{ method_name: 'create', status: 502, errorCode: null }]);
    });

    it('an HTML page (504, with Retry-After) after a batch: the batch landed, the client sees the page', async () => {
      await t.admin('faults', { method: 'batch', html: true, status: 504, retryAfter: 3, when: 'after' });
      const res = await post('batch', ['landed_behind_html_1', 'landed_behind_html_2'].map((code) => ({ request_type: 'create', type: 'Shot', fields: [{ field_name: 'code', value: code }] })));
      expect(res.status).toBe(504);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('retry-after')).toBe('3');
      expect(await res.text()).toContain('<h1>504</h1>');
      expect(await created('landed_behind_html_1')).toBe(1);
      expect(await created('landed_behind_html_2')).toBe(1);
      expect(t.h.requests().filter((r) => r.injected === 'html-504-after')).toMatchObject([{ method_name: 'batch', status: 504 }]);
    });

    it('an RPC fault after an update: the update landed, the client sees the fault envelope', async () => {
      const id = (await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'to_update_behind_fault' }] })).id as number;
      t.h.injectFault({ method: 'update', errorCode: 103, message: 'Injected after the write', when: 'after' });
      const res = await post('update', { type: 'Shot', id, fields: [{ field_name: 'code', value: 'updated_behind_fault' }] });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ exception: true, message: 'Injected after the write', error_code: 103 });
      expect(await created('updated_behind_fault')).toBe(1);
      expect(t.h.requests().filter((r) => r.injected === 'rpc-fault-103-after')).toMatchObject([{ method_name: 'update', status: 200, errorCode: 103 }]);
    });

    it("when: 'before' (the default) still applies nothing", async () => {
      t.h.injectFault({ method: 'create', status: 502, when: 'before' });
      expect((await post('create', { type: 'Shot', fields: [{ field_name: 'code', value: 'refused_by_502_before' }] })).status).toBe(502);
      t.h.injectFault({ method: 'create', html: true, status: 502 });
      expect((await post('create', { type: 'Shot', fields: [{ field_name: 'code', value: 'refused_by_html_502' }] })).status).toBe(502);
      expect(t.h.requests().at(-1)).toMatchObject({ status: 502, injected: 'html-502' });
      expect(await created('refused_by_502_before')).toBe(0);
      expect(await created('refused_by_html_502')).toBe(0);
    });
  });

  it('delays requests and adds latency', async () => {
    t.h.injectFault({ delayMs: 150 });
    let start = Date.now();
    expect((await post('read', readShot)).status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
    await t.admin('latency', { ms: 100 });
    start = Date.now();
    await post('read', readShot);
    expect(Date.now() - start).toBeGreaterThanOrEqual(90);
    t.h.setLatency(0);
  });

  // A reset left the latency a test had set, so the next test (after a beforeEach reset) ran on a slow site.
  it('a reset puts the latency back to the latencyMs start option, by the handle and by POST /__emulator/reset', async () => {
    const site = await startEmulator({ latencyMs: 60 });
    try {
      const info = async (): Promise<number> => {
        const start = Date.now();
        await (await fetch(`${site.url}/api3/json`, { method: 'POST', body: '{"method_name":"info","params":[]}' })).text();
        return Date.now() - start;
      };
      site.setLatency(3000);
      site.reset();
      const afterHandleReset = await info();
      expect(afterHandleReset).toBeGreaterThanOrEqual(55);
      expect(afterHandleReset).toBeLessThan(2000);
      site.setLatency(3000);
      expect((await fetch(`${site.url}/__emulator/reset`, { method: 'POST' })).status).toBe(200);
      const afterAdminReset = await info();
      expect(afterAdminReset).toBeGreaterThanOrEqual(55);
      expect(afterAdminReset).toBeLessThan(2000);
    } finally {
      await site.close();
    }
  });

  it('latency: the work is done at once and the answer waits, so requests in flight together wait out their latency together', async () => {
    t.h.setLatency(400);
    const start = Date.now();
    const applied = received('/api3/json');
    const pending = post('create', { type: 'Shot', fields: [{ field_name: 'code', value: 'made_during_latency' }] });
    // Wait for the create to reach the emulator, not a fixed 100 ms: on a busy machine the create could arrive
    // after the latency was set back to 0, and then neither assertion below would hold.
    await applied;
    // Still waiting for its answer, but the create has already been applied: a read with no latency sees it.
    t.h.setLatency(0);
    const seen = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'is', 'made_during_latency']) });
    expect(seen.entities.map((e: any) => e.code)).toEqual(['made_during_latency']);
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(390);
  });

  it('injectFault keeps its own copy: changing the spec afterwards changes nothing', async () => {
    const spec: { method: string; status?: number; delayMs?: number } = { method: 'read', status: 503 };
    t.h.injectFault(spec);
    delete spec.status;
    spec.delayMs = 0;
    expect((await post('read', readShot)).status).toBe(503);
  });

  it('rejects bad fault specs with 400', async () => {
    expect((await t.admin('faults', { status: 'x' })).status).toBe(400);
    expect((await t.admin('faults', { bogus: true })).status).toBe(400);
    expect((await t.admin('nope', {})).status).toBe(404);
  });

  it('refuses a fault that would do nothing (a body, message or Retry-After alone, a delay of 0), over HTTP and from injectFault', async () => {
    for (const spec of [{ method: 'read', body: 'x' }, { message: 'm' }, { retryAfter: 5 }, { when: 'after' }, { html: false }, { delayMs: 0 }, { method: 'read', delayMs: 0, body: 'x' }, {}]) {
      const res = await t.admin('faults', spec);
      expect(res.status, JSON.stringify(spec)).toBe(400);
      expect(await res.text()).toContain('A fault needs what to do');
      expect(() => t.h.injectFault(spec as never), JSON.stringify(spec)).toThrow(/A fault needs what to do/);
    }
    // Each of these does something, alone.
    for (const spec of [{ status: 503 }, { html: true }, { errorCode: 103 }, { dropConnection: true }, { delayMs: 1 }]) {
      expect((await t.admin('faults', { ...spec, method: 'never_called' })).status, JSON.stringify(spec)).toBe(200);
    }
  });

  it('refuses a fault that could not work or would drop one of its instructions, over HTTP and from injectFault', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 100 }, "'status' must be an integer from 200 to 599"],
      [{ status: 199 }, "'status' must be an integer from 200 to 599"],
      [{ method: '', status: 500 }, "'method' must be a non-empty string"],
      [{ status: 502, dropConnection: true }, "'dropConnection' sends no answer, so 'status' would change nothing"],
      [{ dropConnection: true, when: 'after', errorCode: 103 }, "'dropConnection' sends no answer, so 'errorCode' would change nothing"],
      [{ errorCode: 102, html: true }, "'errorCode' answers a JSON fault envelope, so 'html' would change nothing"],
      [{ errorCode: 102, body: 'x' }, "'errorCode' answers a JSON fault envelope, so 'body' would change nothing"],
      [{ delayMs: 50, when: 'after' }, "'when' is 'after'"],
      [{ method: 'create', delayMs: 50, body: 'x', when: 'after' }, "a fault of 'delayMs' alone has no answer of its own"],
      // 'message' is only the text of an errorCode envelope: a status page, an HTML page or a delay would drop it.
      [{ method: 'info', status: 500, message: 'Internal boom' }, "'message' is the text of an 'errorCode' fault envelope, so without 'errorCode' it would change nothing"],
      [{ method: 'info', status: 500, html: true, message: 'Internal boom' }, "'message' is the text of an 'errorCode' fault envelope, so without 'errorCode' it would change nothing"],
      [{ method: 'info', delayMs: 100, message: 'slow' }, "'message' is the text of an 'errorCode' fault envelope, so without 'errorCode' it would change nothing"],
      // A delay alone answers as usual: no body or Retry-After of the fault's goes out.
      [{ method: 'info', delayMs: 100, body: 'busy', retryAfter: 7 }, "a fault of 'delayMs' alone answers as usual, so 'body' would change nothing; add 'status' or 'html' to send it"],
      [{ method: 'info', delayMs: 100, retryAfter: 7 }, "a fault of 'delayMs' alone answers as usual, so 'retryAfter' would change nothing; add 'status', 'html' or 'errorCode' to send it"],
      [{ dropConnection: true, retryAfter: 7 }, "'dropConnection' sends no answer, so 'retryAfter' would change nothing"],
    ];
    for (const [spec, message] of cases) {
      const res = await t.admin('faults', spec);
      expect(res.status, JSON.stringify(spec)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(message);
      expect(() => t.h.injectFault(spec as never), JSON.stringify(spec)).toThrow(message);
    }
    // Nothing was queued: the next request is answered as usual.
    expect((await post('read', readShot)).status).toBe(200);
    expect(((await (await post('read', readShot)).json()) as { exception?: boolean }).exception).toBeUndefined();
  });

  it('sends every instruction of each kind of answer it accepts: status, body and Retry-After; an errorCode envelope with its status', async () => {
    t.h.injectFault({ method: 'info', status: 503, body: 'busy', retryAfter: 7, delayMs: 1 });
    const plain = await post('info');
    expect([plain.status, plain.headers.get('retry-after'), await plain.text()]).toEqual([503, '7', 'busy']);
    await t.admin('faults', { method: 'info', html: true, status: 502, body: '<p>gateway</p>', retryAfter: 3 });
    const page = await post('info');
    expect([page.status, page.headers.get('retry-after'), await page.text()]).toEqual([502, '3', '<p>gateway</p>']);
    // `status` with `errorCode` sets the HTTP status of the envelope; the log names the fault by its code and records the status.
    await t.admin('faults', { method: 'info', errorCode: 103, status: 502, retryAfter: 4, message: 'Upstream said 103' });
    const envelope = await post('info');
    expect([envelope.status, envelope.headers.get('retry-after')]).toEqual([502, '4']);
    expect(await envelope.json()).toEqual({ exception: true, message: 'Upstream said 103', error_code: 103 });
    expect(t.h.requests().at(-1)).toMatchObject({ method_name: 'info', status: 502, errorCode: 103, injected: 'rpc-fault-103' });
  });

  it('records requests without secrets', async () => {
    const { session_id } = await t.call('get_session_token', t.script);
    await t.call('read', { user_login: 'admin', user_password: 'admin-pass-1' }, readShot);
    const list = (await (await fetch(`${t.h.url}/__emulator/requests`)).json()) as any[];
    const last = list[list.length - 1];
    expect(last).toMatchObject({ method_name: 'read', auth: 'user', principal: 'admin', status: 200, path: '/api3/json' });
    expect(last.receivedAt).toMatch(/Z$/);
    const dump = JSON.stringify(list);
    expect(dump).not.toContain('admin-pass-1');
    expect(dump).not.toContain(t.script.script_key);
    expect(dump).not.toContain(session_id);
    expect(t.h.requests().some((r) => r.injected === 'status-502')).toBe(true);
  });

  it('refuses to move the clock outside the years a datetime can hold, and keeps answering', async () => {
    const before = ((await (await fetch(`${t.h.url}/__emulator/clock`)).json()) as { now: string }).now;
    for (const advanceSeconds of [1e300, 300_000 * 365 * 86400, -(Date.now() / 1000) - 86400]) {
      const res = await t.admin('clock', { advanceSeconds });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/1970.*9999/);
    }
    expect(() => t.h.advanceClock(1e300)).toThrow(/1970.*9999/);
    const after = ((await (await fetch(`${t.h.url}/__emulator/clock`)).json()) as { now: string }).now;
    expect(Date.parse(after) - Date.parse(before)).toBeLessThan(60_000);
    expect((await t.rpc('info', [])).version).toEqual([8, 50, 0]);
  });

  it('advances the clock and resets to the fixtures', async () => {
    const res = await t.admin('clock', { advanceSeconds: 86400 });
    expect(new Date(((await res.json()) as any).now).getTime()).toBeGreaterThan(Date.now() + 86000_000);
    await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'before_reset' }] });
    expect((await t.admin('reset', {})).status).toBe(200);
    const found = await t.call('read', t.script, { type: 'Shot', return_fields: ['code'] });
    expect(found.paging_info.entity_count).toBe(6);
    expect(t.h.requests()).toHaveLength(1);
  });
});
