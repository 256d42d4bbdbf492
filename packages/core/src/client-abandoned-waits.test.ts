import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { AuthContext, AuthStrategy } from "./auth-strategy.js";
import { createClient, type Client } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAbortError, SgAuthError, SgTimeoutError } from "./errors.js";
import { shareUntilAbandoned, type SharedWork } from "./share-until-abandoned.js";
import type { TransportStrategy } from "./transport-strategy.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const CREDS: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });
const REFUSED: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "old-key-0123456789" });
const N = 5_000;
/**
 * The tests that make N calls and collect the heap three times: 0.25-0.9 s on an idle machine, up to 2.1 s seen
 * while other suites ran, so about the default 5 s on one 5× slower. Nothing here is timed.
 */
const HEAVY = { timeout: 30_000 };

/** Work that settles only when the test says so. */
function pending<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve = (_value: T): void => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Work that stays pending, as a native promise (so the client waits on it as it is) that counts the reactions put on
 * it: every `.then` called on it, which the promise keeps until it settles.
 */
function counted<T>(): { promise: Promise<T>; reactions: () => number } {
  const promise = new Promise<T>(() => {});
  const then = promise.then.bind(promise);
  let reactions = 0;
  Object.defineProperty(promise, "then", {
    value: (...args: Parameters<typeof then>) => {
      reactions += 1;
      return then(...args);
    },
  });
  return { promise, reactions: () => reactions };
}

/** A client whose strategy answers every call with `work` (a vault's credentials), and whose calls answer []. */
function vaultClient(work: Promise<Credentials>): Client {
  const transport: TransportStrategy = { name: "in-process", send: async () => [] };
  return createClient({ site: "https://studio.example.com", transport, auth: { name: "vault", credentials: () => work } });
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How many of `refs` are still reachable once the heap has been collected (a pause after each collection). */
async function stillReachable(refs: readonly WeakRef<object>[]): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await tick();
    gc();
  }
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

/**
 * Make `N` waits through `start` (each given its own signal, or none), let them reach the strategy or info, end them
 * with their signal (or let their deadline pass), and return weak references to what each rejected with: the
 * caller's error, which a waiter left behind on the pending work keeps reachable.
 */
async function abandon(start: (i: number, signal: AbortSignal | undefined) => Promise<unknown>, ended: new (...args: never[]) => Error, bySignal = true): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  let wrong = 0;
  await (async () => {
    const stops = Array.from({ length: N }, () => (bySignal ? new AbortController() : undefined));
    const waits = stops.map((stop, i) =>
      start(i, stop?.signal).then(
        () => (wrong += 1),
        (error: unknown) => {
          if (!(error instanceof ended)) wrong += 1;
          refs.push(new WeakRef(error as object));
        },
      ),
    );
    await tick();
    for (const stop of stops) stop?.abort();
    await Promise.all(waits);
  })();
  expect(wrong).toBe(0);
  expect(refs).toHaveLength(N);
  return refs;
}

describe("a wait given up while the shared work goes on keeps nothing of the caller", HEAVY, () => {
  it("credentials() that stay pending (a vault that hangs): calls ended by their signal, alternating between two clients", async () => {
    const [one, two] = [pending<Credentials>(), pending<Credentials>()];
    const [a, b] = [vaultClient(one.promise), vaultClient(two.promise)];
    // One caller keeps waiting through it all, and gets the credentials in the end.
    const patient = a.call("read", { type: "Shot" });
    const refs = await abandon((i, signal) => (i % 2 ? a : b).call("read", { type: "Shot" }, { signal }), SgAbortError);
    expect(await stillReachable(refs)).toBe(0);
    one.resolve(CREDS);
    two.resolve(CREDS);
    expect(await patient).toEqual([]);
    // The settled work is waited for afresh by later calls, one after another.
    expect(await a.call("read", { type: "Shot" }, { signal: new AbortController().signal })).toEqual([]);
    expect(await a.call("read", { type: "Shot" }, { deadlineMs: 60_000 })).toEqual([]);
  });

  it("credentials() that stay pending: calls ended by their deadlineMs", async () => {
    const vault = pending<Credentials>();
    const sg = createClient({ site: "https://studio.example.com", transport: { name: "in-process", send: async () => [] }, auth: { name: "vault", credentials: () => vault.promise } });
    const refs = await abandon(() => sg.call("read", { type: "Shot" }, { deadlineMs: 1 }), SgTimeoutError, false);
    expect(await stillReachable(refs)).toBe(0);
    vault.resolve(CREDS);
    expect(await sg.call("read", { type: "Shot" }, { deadlineMs: 60_000 })).toEqual([]);
  });

  it("a login held with shareUntilAbandoned (as @sg/auth-legacy-pat holds one): calls, http() and info() ended by their signal", async () => {
    const login = pending<Credentials>();
    let work: SharedWork<Credentials> | undefined;
    const auth: AuthStrategy = {
      name: "shared login",
      credentials: (ctx: AuthContext) => (work ??= shareUntilAbandoned(() => login.promise, () => (work = undefined))).join(ctx.signal),
    };
    const info = pending<unknown>();
    const transport: TransportStrategy = {
      name: "in-process",
      send: (request) => (request.method === "info" ? info.promise : Promise.resolve([])),
      http: async () => ({ status: 200, headers: new Headers(), body: new Uint8Array() }),
    };
    const sg = createClient({ site: "https://studio.example.com", transport, auth });
    const kinds = [
      (signal: AbortSignal | undefined) => sg.call("read", { type: "Shot" }, { signal }),
      (signal: AbortSignal | undefined) => sg.http({ method: "GET", target: "/thumbnail/1", signal }),
      (signal: AbortSignal | undefined) => sg.info({ signal }),
    ];
    const refs = await abandon((i, signal) => kinds[i % kinds.length]!(signal), SgAbortError);
    expect(await stillReachable(refs)).toBe(0);
    login.resolve(CREDS);
    info.resolve({ version: [8, 50, 0] });
    expect(await sg.call("read", { type: "Shot" })).toEqual([]);
    expect(await sg.info({ signal: new AbortController().signal })).toEqual({ version: [8, 50, 0] });
  });

  it("a refresh after a refusal (onRejected) that stays pending: calls ended by their signal", async () => {
    const refresh = pending<Credentials>();
    let asked = 0;
    const auth: AuthStrategy = {
      name: "refreshing",
      credentials: async () => (asked ? CREDS : REFUSED),
      onRejected: () => {
        asked += 1;
        return refresh.promise;
      },
    };
    const transport: TransportStrategy = {
      name: "in-process",
      send: async (request) => {
        if (request.credentials === REFUSED) throw new SgAuthError("refused", { method: request.method });
        return [];
      },
    };
    const sg = createClient({ site: "https://studio.example.com", transport, auth });
    const refs = await abandon((_i, signal) => sg.call("read", { type: "Shot" }, { signal }), SgAbortError);
    // Every call was refused and waited for the one refresh, which it gave up on.
    expect(asked).toBe(1);
    expect(await stillReachable(refs)).toBe(0);
    refresh.resolve(CREDS);
    expect(await sg.call("read", { type: "Shot" })).toEqual([]);
  });
});

describe("the shared info request kept going by a caller without a signal", HEAVY, () => {
  it("keeps nothing of the callers that left on their signal, not even the signal", async () => {
    const info = pending<unknown>();
    const transport: TransportStrategy = { name: "in-process", send: (request) => (request.method === "info" ? info.promise : Promise.resolve([])) };
    const sg = createClient({ site: "https://studio.example.com", transport });
    const patient = sg.info();
    const refs: WeakRef<object>[] = [];
    await (async () => {
      const waits: Promise<unknown>[] = [];
      for (let i = 0; i < N; i++) {
        const stop = new AbortController();
        refs.push(new WeakRef(stop.signal));
        waits.push(sg.info({ signal: stop.signal }).catch(() => {}));
        stop.abort();
      }
      await Promise.all(waits);
    })();
    expect(await stillReachable(refs)).toBe(0);
    info.resolve({ version: [8, 50, 0] });
    expect(await patient).toEqual({ version: [8, 50, 0] });
  });
});

describe("callers waiting for the same pending work share one reaction on it", HEAVY, () => {
  it("credentials() that stay pending for two clients: calls alternating between them, ended by their signal, add no reaction per call", async () => {
    const [one, two] = [counted<Credentials>(), counted<Credentials>()];
    const [a, b] = [vaultClient(one.promise), vaultClient(two.promise)];
    // Every call switches to the other client's work: each switch keeps the work waited for before in the map of
    // waiters, so the next call for it joins its one reaction instead of adding another that lasts until it settles.
    await abandon((i, signal) => (i % 2 ? a : b).call("read", { type: "Shot" }, { signal }), SgAbortError);
    expect([one.reactions(), two.reactions()]).toEqual([1, 1]);
  });
});
