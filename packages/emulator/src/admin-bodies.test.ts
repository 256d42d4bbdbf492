import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

// A JSON array passed the admin endpoints' object check: `POST /__emulator/clock` with `[]` read `at` off
// Array.prototype and answered "'at' … got a function".

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

describe('an admin body that is a JSON array', () => {
  it.each([['clock'], ['latency'], ['approve'], ['deny'], ['pat'], ['2fa']])('is refused by %s as no JSON object', async (path) => {
    const res = await t.admin(path, []);
    expect([res.status, await res.json()]).toEqual([400, { error: 'The body must be a JSON object' }]);
  });

  it('is still a list of faults at /faults', async () => {
    const res = await t.admin('faults', []);
    expect([res.status, await res.json()]).toEqual([200, { queued: 0 }]);
  });
});
