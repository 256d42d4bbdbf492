import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';
import type { EmulatorStats } from './types.js';

const IDLE = 600;

// Each test gets an emulator of its own: the figures it reads are its own work.
let t: Harness;
beforeEach(async () => {
  t = await startHarness({ sessionIdleSeconds: IDLE });
});
afterEach(() => t.h.close());

/** `GET /__emulator/stats` over the socket. */
async function stats(): Promise<EmulatorStats> {
  const res = await fetch(`${t.h.url}/__emulator/stats`);
  expect(res.status).toBe(200);
  return (await res.json()) as EmulatorStats;
}

describe('GET /__emulator/stats', () => {
  it('counts the per-request state held, as stats() does', async () => {
    const before = await stats();
    expect(before).toEqual({ sessions: 0, answeredExpiredTokens: 0, appSessionRequests: 0, pendingUploads: 0, requestLog: 0, queryCache: 0, indexKeys: expect.any(Number) });
    await t.call('get_session_token', t.script);
    await t.call('read', t.script, { type: 'Shot', return_fields: ['code'] });
    const after = await stats();
    expect(after).toMatchObject({ sessions: 1, requestLog: 2, queryCache: 1 });
    // The handle reads the same figures (the stats request itself is an admin request: not logged).
    expect(t.h.stats()).toEqual(after);
  });
});

const whoami = { type: 'ApiUser', return_fields: ['firstname'] };
const unknownMessage = (token: string): string => `Can't authenticate session token ending with '${token.slice(-4)}'`;
const expiredMessage = (token: string): string => `${unknownMessage(token)}: the session expired`;
/** Mints a session for the demo script. */
const sessionOf = async (): Promise<string> => ((await t.call('get_session_token', t.script)) as { session_id: string }).session_id;

describe('the session table', () => {

  it('stays bounded over 2,000 logins whose sessions expire, and keeps every live one', async () => {
    // 80 rounds of 25 logins, the clock moved 0.6 × the idle time before each: a session outlives one move and
    // expires at the second, so at most 25 + 25 + 1 sessions are alive at any time.
    const kept = await sessionOf();
    let previous: string[] = [];
    let current: string[] = [];
    for (let round = 0; round < 80; round++) {
      t.h.advanceClock(0.6 * IDLE);
      await t.call('read', { session_token: kept }, whoami); // used every round: never idle long enough to expire
      previous = current;
      current = await Promise.all(Array.from({ length: 25 }, sessionOf));
    }
    const held = (await stats()).sessions;
    expect(held).toBeGreaterThanOrEqual(51);
    expect(held).toBeLessThanOrEqual(2 * 51);
    for (const token of [kept, ...previous, ...current]) await expect(t.call('read', { session_token: token }, whoami)).resolves.toBeTruthy();
  }, 60_000);
});

describe('an expired session token, swept or not', () => {

  it('is answered "the session expired" once, then as unknown, as before sweeping', async () => {
    const swept = await sessionOf();
    t.h.advanceClock(IDLE + 1);
    await Promise.all(Array.from({ length: 100 }, sessionOf)); // past the 64 at which the table is first swept
    expect((await stats()).sessions).toBe(100); // `swept` is no longer held
    expect(await t.fault('read', { session_token: swept, reject_if_expired: true }, whoami)).toEqual({ code: 102, message: expiredMessage(swept) });
    expect(await t.fault('read', { session_token: swept }, whoami)).toEqual({ code: 102, message: unknownMessage(swept) });

    const held = await sessionOf();
    t.h.advanceClock(IDLE + 1); // no login after: `held` expires in the table, and is dropped when presented
    expect(await t.fault('read', { session_token: held }, whoami)).toEqual({ code: 102, message: expiredMessage(held) });
    expect(await t.fault('read', { session_token: held }, whoami)).toEqual({ code: 102, message: unknownMessage(held) });
    expect(await stats()).toMatchObject({ answeredExpiredTokens: 2 });

    const madeUp = 'ab'.repeat(24); // the shape of a token, never minted
    expect(await t.fault('read', { session_token: madeUp }, whoami)).toEqual({ code: 102, message: unknownMessage(madeUp) });
  });

  it('is unknown after a reset, like every token minted before it', async () => {
    const expired = await sessionOf();
    t.h.advanceClock(IDLE + 1);
    const live = await sessionOf();
    expect((await t.admin('reset', {})).status).toBe(200);
    for (const token of [live, expired]) expect(await t.fault('read', { session_token: token }, whoami)).toEqual({ code: 102, message: unknownMessage(token) });
    expect(await stats()).toMatchObject({ sessions: 0, answeredExpiredTokens: 0 });
  });
});

describe('browser approval requests', () => {
  const open = async (): Promise<string> => {
    const res = await fetch(`${t.h.url}/internal_api/app_session_request`, { method: 'POST', body: new URLSearchParams({ appName: 'Desktop', machineId: 'ws-01' }) });
    return ((await res.json()) as { sessionRequestId: string }).sessionRequestId;
  };
  const poll = async (id: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${t.h.url}/internal_api/app_session_request/${id}`, { method: 'PUT' });
    return { status: res.status, body: await res.json() };
  };

  it('are dropped once expired or denied, and the live ones still answer', async () => {
    // 20 rounds of 25 requests, 5 minutes and a second apart: every request of a round expires at the next one,
    // so no more than 25 are alive at a time and the table stays at the 64 below which it is not swept.
    const expired: string[] = [];
    for (let round = 0; round < 20; round++) {
      t.h.advanceClock(301);
      expired.push(...(await Promise.all(Array.from({ length: 25 }, open))));
    }
    expect((await stats()).appSessionRequests).toBeLessThanOrEqual(64);
    // Then 10 rounds of 25 requests denied as soon as they are opened, on a stopped clock.
    t.h.advanceClock(301);
    const denied: string[] = [];
    for (let round = 0; round < 10; round++) {
      const ids = await Promise.all(Array.from({ length: 25 }, open));
      for (const id of ids) t.h.deny(id);
      denied.push(...ids);
    }
    expect((await stats()).appSessionRequests).toBeLessThanOrEqual(64);

    const pending = await open();
    const approved = await open();
    t.h.approve(approved, 'coord');
    expect(await poll(pending)).toEqual({ status: 200, body: { approved: false } });
    expect(await poll(approved)).toMatchObject({ status: 200, body: { approved: true, userLogin: 'coord' } });
    // Dropped or not, a denied or expired request answers as it did: 404 `Not Found`, and its approval page 404s.
    for (const id of [expired[0] ?? '', expired.at(-1) ?? '', denied[0] ?? '', denied.at(-1) ?? '']) {
      expect(await poll(id)).toEqual({ status: 404, body: { message: 'Not Found' } });
      expect((await fetch(`${t.h.url}/app_session_request/${id}`)).status).toBe(404);
      expect(() => t.h.approve(id, 'coord')).toThrow(/No pending app session request/);
    }
  }, 60_000);
});

describe('cloud uploads never linked', () => {
  const post = async (path: string, fields: Record<string, string>): Promise<string> => {
    const res = await fetch(`${t.h.url}${path}`, { method: 'POST', body: new URLSearchParams({ ...t.script, ...fields }) });
    return res.text();
  };
  const start = (): Promise<string> => post('/upload/api_get_upload_link_info', { upload_type: 'Attachment', filename: 'abandoned.bin', multipart_upload: 'False' });

  it('are kept for the 1,000 most recently started only', async () => {
    const started: string[] = [];
    for (let round = 0; round < 42; round++) started.push(...(await Promise.all(Array.from({ length: 25 }, start))));
    expect((await stats()).pendingUploads).toBe(1000);
    // The oldest is answered as any unknown upload; the newest still goes through PUT and link.
    const [oldest, newest] = [started[0] ?? '', started.at(-1) ?? ''];
    const unknown = await fetch(oldest.split('\n')[1] ?? '', { method: 'PUT', body: 'late' });
    expect([unknown.status, await unknown.text()]).toEqual([404, 'Unknown upload']);
    expect((await fetch(newest.split('\n')[1] ?? '', { method: 'PUT', body: 'kept' })).status).toBe(200);
    expect(await post('/upload/api_link_file', { entity_type: 'Shot', entity_id: '1', upload_link_info: newest })).toMatch(/^1:\d+\n$/);
    expect((await stats()).pendingUploads).toBe(999);
  }, 60_000);
});

describe('filter indexes', () => {
  it('hold the values the rows have now, not every value a field ever had', async () => {
    const shot = (await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'renamed_0' }] })) as { id: number };
    const byCode = async (code: string): Promise<unknown> => ((await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'is', code]) })) as { entities: unknown }).entities;
    expect(await byCode('renamed_0')).toEqual([{ type: 'Shot', id: shot.id, code: 'renamed_0' }]); // builds the index of Shot.code
    const before = (await stats()).indexKeys;
    for (let i = 1; i <= 500; i++) await t.call('update', t.script, { type: 'Shot', id: shot.id, fields: [{ field_name: 'code', value: `renamed_${i}` }] });
    expect((await stats()).indexKeys).toBe(before);
    expect(await byCode('renamed_500')).toEqual([{ type: 'Shot', id: shot.id, code: 'renamed_500' }]);
    expect(await byCode('renamed_0')).toEqual([]);
  }, 60_000);
});
