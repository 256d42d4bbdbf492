/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`. Each `Unset<T>` literal names every
 * optional key of `T`. The runtime part checks over HTTP that an emulator started, and a fault injected, with them
 * acts exactly as one without them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle, type EmulatorOptions, type FaultSpec } from './index.js';

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const unsetOptions = {
  host: undefined, allowedHosts: undefined, basePath: undefined, port: undefined, fixtures: undefined, rows: undefined, latencyMs: undefined, authMode: undefined, dataFile: undefined,
  sessionIdleSeconds: undefined, pageSize: undefined, appSessionLauncher: undefined, queryCacheSize: undefined, reverseLinks: undefined, logger: undefined,
  clock: undefined, clockFrozen: undefined, scripts: undefined,
} satisfies Unset<EmulatorOptions>;
const unsetFault = {
  method: undefined, times: undefined, status: undefined, html: undefined, body: undefined, retryAfter: undefined, dropConnection: undefined, when: undefined,
  delayMs: undefined, errorCode: undefined, message: undefined,
} satisfies Unset<FaultSpec>;
// The annotations are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const options: EmulatorOptions = unsetOptions;
const fault: FaultSpec = { ...unsetFault, status: 502 };

const started: EmulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((h) => h.close()));
});

async function start(o?: EmulatorOptions): Promise<EmulatorHandle> {
  const h = await startEmulator(o);
  started.push(h);
  return h;
}

/** One RPC over HTTP: status, retry-after and body. */
async function rpc(h: EmulatorHandle, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(`${h.url}/api3/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method_name: method, params }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

describe('undefined options are the same as absent ones', () => {
  it('startEmulator: the same site on the same kind of address', async () => {
    const [given, omitted] = await Promise.all([start(options), start()]);
    const port = (url: string): string => new URL(url).port;
    expect(given.url.replace(port(given.url), 'PORT')).toBe(omitted.url.replace(port(omitted.url), 'PORT'));
    expect({ ...given.card, url: '' }).toEqual({ ...omitted.card, url: '' });
    expect(await rpc(given, 'info', [])).toEqual(await rpc(omitted, 'info', []));
    const script = { script_name: given.card.scripts[0]!.name, script_key: given.card.scripts[0]!.key };
    const read = { type: 'Shot', filters: { logical_operator: 'and', conditions: [] }, return_fields: ['code'], return_only: 'active', paging: { entities_per_page: 3, current_page: 1 } };
    expect(await rpc(given, 'read', [script, read])).toEqual(await rpc(omitted, 'read', [script, read]));
    expect(given.stats()).toEqual(omitted.stats());
  });

  it('injectFault: the same fault, consumed as often', async () => {
    const h = await start();
    const outcomes = async (spec: FaultSpec): Promise<unknown[]> => {
      h.injectFault(spec);
      return [await rpc(h, 'info', []), await rpc(h, 'info', [])];
    };
    const withUndefined = await outcomes(fault);
    expect(withUndefined).toEqual(await outcomes({ status: 502 }));
    expect(withUndefined[0]).toMatchObject({ status: 502, retryAfter: null });
    expect(withUndefined[1]).toMatchObject({ status: 200 });
    const [a, b] = h.requests().filter((r) => r.injected !== null);
    expect([a!.injected, a!.status]).toEqual([b!.injected, b!.status]);
  });
});
