import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';
import type { EmulatorStats } from './types.js';

/** `GET /__emulator/stats` over the socket. */
async function stats(t: Harness): Promise<EmulatorStats> {
  const res = await fetch(`${t.h.url}/__emulator/stats`);
  expect(res.status).toBe(200);
  return (await res.json()) as EmulatorStats;
}

describe('GET /__emulator/stats', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await startHarness();
  });
  afterAll(() => t.h.close());

  it('counts the per-request state held, as stats() does', async () => {
    const before = await stats(t);
    expect(before).toEqual({ sessions: 0, appSessionRequests: 0, pendingUploads: 0, requestLog: 0, queryCache: 0 });
    await t.call('get_session_token', t.script);
    await t.call('read', t.script, { type: 'Shot', return_fields: ['code'] });
    const after = await stats(t);
    expect(after).toMatchObject({ sessions: 1, requestLog: 2, queryCache: 1 });
    // The handle reads the same figures (the stats request itself is an admin request: not logged).
    expect(t.h.stats()).toEqual(after);
  });
});
