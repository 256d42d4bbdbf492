import { startEmulator } from '../server.js';
import type { EmulatorHandle, EmulatorOptions } from '../types.js';

/** A started emulator plus helpers to talk to it over real HTTP. */
export interface Harness {
  h: EmulatorHandle;
  /** The demo script's auth params. */
  script: Record<string, string>;
  /** Raw RPC: returns the decoded JSON body. */
  rpc(method: string, params: unknown[]): Promise<Record<string, unknown>>;
  /** RPC with auth; returns `results` or throws an Error carrying `code`. */
  call(method: string, auth: Record<string, unknown>, payload?: unknown): Promise<any>;
  /** RPC expecting a fault; returns `{code, message}`. */
  fault(method: string, auth: Record<string, unknown>, payload?: unknown): Promise<{ code: number; message: string }>;
  /** Admin POST. */
  admin(path: string, body: unknown): Promise<Response>;
}

/** Starts an emulator for a test file. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const h = await startEmulator(options);
  const script = { script_name: h.card.scripts[0]!.name, script_key: h.card.scripts[0]!.key };
  const rpc = async (method: string, params: unknown[]): Promise<Record<string, unknown>> => {
    const res = await fetch(`${h.url}/api3/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method_name: method, params }) });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const call = async (method: string, auth: Record<string, unknown>, payload?: unknown): Promise<any> => {
    const body = await rpc(method, payload === undefined ? [auth] : [auth, payload]);
    if (body['exception']) throw Object.assign(new Error(String(body['message'])), { code: body['error_code'] });
    return body['results'];
  };
  const fault = async (method: string, auth: Record<string, unknown>, payload?: unknown): Promise<{ code: number; message: string }> => {
    const body = await rpc(method, payload === undefined ? [auth] : [auth, payload]);
    if (!body['exception']) throw new Error(`expected a fault, got ${JSON.stringify(body).slice(0, 300)}`);
    return { code: body['error_code'] as number, message: body['message'] as string };
  };
  const admin = (path: string, body: unknown): Promise<Response> =>
    fetch(`${h.url}/__emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { h, script, rpc, call, fault, admin };
}

/** Wire filters from a list of `[path, relation, ...values]`. */
export function where(...conditions: unknown[][]): { logical_operator: 'and'; conditions: unknown[] } {
  return { logical_operator: 'and', conditions: conditions.map(([path, relation, ...values]) => ({ path, relation, values })) };
}

/** The codes of the active Shots (up to 500), read through the harness's own RPC: what a test that must not change them counts. */
export async function shotCodes(t: Harness): Promise<string[]> {
  const found = (await t.call('read', t.script, { type: 'Shot', filters: where(), return_fields: ['code'], paging: { entities_per_page: 500, current_page: 1 }, return_only: 'active' })) as { entities: { code: string }[] };
  return found.entities.map((e) => e.code);
}
