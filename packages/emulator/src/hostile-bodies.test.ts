/**
 * Hostile raw bodies a fuzzer sent: each is answered with a bad-input fault that says what is wrong, never with
 * "Internal emulator error" (a TypeError or a stack overflow inside the emulator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

/** A hash `levels` deep as JSON, `{"a":{"a":…1}}` (written out: JSON.stringify may overflow the test's own stack). */
const nested = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** The fault answered to a body whose payload is the JSON text `payload`, sent as it is. */
async function rawFault(method: string, payload: string): Promise<unknown> {
  const body = `{"method_name":${JSON.stringify(method)},"params":[${JSON.stringify(t.script)},${payload}]}`;
  const res = await fetch(`${t.h.url}/api3/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const reply = (await res.json()) as Record<string, unknown>;
  return { code: reply['error_code'], message: reply['message'] };
}

const read = (payload: Record<string, unknown>): Promise<{ code: number; message: string }> => t.fault('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(), ...payload });

describe('sorts that are not hashes', () => {
  it.each([['a string', 'id'], ['a number', -1], ['a list', ['id']], ['null', null]])('refuses %s as a sort, naming it', async (_name, sort) => {
    const f = await read({ sorts: [sort] });
    expect(f).toEqual({ code: 103, message: `Each sort must be a hash {field_name, direction}, got ${JSON.stringify(sort)}` });
  });
});

describe('a batch request_type that is not a string', () => {
  it('is refused as an invalid request_type, described as JSON', async () => {
    const f = await t.fault('batch', t.script, [{ request_type: { toString: 1 }, type: 'Shot', id: 1 }]);
    expect(f.code).toBe(103);
    expect(f.message).toBe('batch request 0 ({"toString":1}) failed, nothing was applied: Invalid request_type {"toString":1} for batch');
  });
});

describe('credentials that are not strings', () => {
  const odd = { toString: 1 };
  it.each([
    ['user_login', { user_login: odd, user_password: 'x' }, `Can't authenticate user '{"toString":1}'.`],
    ['script_name', { script_name: odd, script_key: 'x' }, `Can't authenticate script '{"toString":1}'`],
    ['session_token', { session_token: odd }, `Can't authenticate session token ending with '":1}'`],
  ])('a %s of {"toString":1} is refused as credentials that do not match (102)', async (_name, auth, message) => {
    expect(await t.fault('read', auth, { type: 'Shot', return_fields: ['code'] })).toEqual({ code: 102, message });
  });

  it('a sudo_as_login of {"toString":1} is refused as a user that does not exist', async () => {
    const f = await t.fault('read', { ...t.script, sudo_as_login: odd }, { type: 'Shot', return_fields: ['code'] });
    expect(f.message).toContain('{"toString":1}');
    expect(f.message).not.toContain('Internal');
  });
});

describe('params nested deeper than 1,000 levels', () => {
  const TOO_DEEP = "'params' holds a value nested too deep: lists and hashes nest at most 1000 levels";
  it.each([
    ['delete params', 'delete', `{"type":"Shot","id":${nested(5000)}}`],
    ['read paging', 'read', `{"type":"Shot","return_fields":["code"],"paging":${nested(5000)}}`],
    ['read filters', 'read', `{"type":"Shot","return_fields":["code"],"filters":${nested(5000)}}`],
    ['read sorts', 'read', `{"type":"Shot","return_fields":["code"],"sorts":[${nested(5000)}]}`],
  ])('%s are refused as nested too deep', async (_name, method, payload) => {
    expect(await rawFault(method, payload)).toEqual({ code: 103, message: TOO_DEEP });
  });

  it('takes filter groups nested 300 deep (as deep as a client sends), answering as for a shallow tree', async () => {
    let filters: unknown = where(['code', 'is', 'nothing-has-this-code']);
    for (let i = 0; i < 300; i++) filters = { logical_operator: 'or', conditions: [filters] };
    expect(await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters, paging: { entities_per_page: 10, current_page: 1 } })).toMatchObject({ entities: [] });
  });
});
