// Shared plumbing of the reliability and security suites: an emulator per scenario, a client built only from
// the public @sg/* packages, a fetch wrapper that counts (and records) every HTTP attempt the client makes, and
// an instant clock that records backoff sleeps instead of waiting them out.
import { Server as NetServer, createServer } from "node:net";
import { abortErrorFrom, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
import { entityApi } from "@sg/entities";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";

export const SCRIPT_NAME = "emulator_script";
export { DEMO_SCRIPT_KEY };

/**
 * A clock whose `sleep` resolves at once and advances `now()`: the backoff schedule is recorded in `sleeps`
 * without being waited for. Aborts are honoured like the system clock.
 */
export function instantClock() {
  let t = Date.now();
  const sleeps = [];
  return {
    sleeps,
    now: () => t,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

/** A fetch that records every request (url, method, headers, RPC method) and can be told to divert some. */
export function recordingFetch(options = {}) {
  const seen = [];
  const fn = async (input, init = {}) => {
    const headers = {};
    for (const [k, v] of new Headers(init.headers ?? {})) headers[k] = v;
    let rpc;
    try {
      const text = typeof init.body === "string" ? init.body : init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : undefined;
      if (text && text.startsWith("{")) rpc = JSON.parse(text).method_name;
    } catch {
      rpc = undefined;
    }
    const entry = { url: String(input), method: init.method ?? "GET", headers, rpc, bodyText: bodyAsText(init.body) };
    seen.push(entry);
    if (options.onFetch) options.onFetch(entry, seen.length);
    const target = options.divert ? options.divert(entry, seen.length) : undefined;
    return globalThis.fetch(target ?? input, init);
  };
  return { fetch: fn, seen };
}

function bodyAsText(body) {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (body instanceof URLSearchParams) return body.toString();
  return `[${Object.prototype.toString.call(body)}]`;
}

/** A loopback port with nothing listening on it (for real ECONNREFUSED). */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Start an emulator and capture its node:http server while it starts (the emulator does not expose it): the
 * suites watch the requests and sockets it serves from there. `{ emu, server }`.
 */
export async function startEmulatorWithServer(options) {
  let server;
  const listen = NetServer.prototype.listen;
  NetServer.prototype.listen = function (...args) {
    server = this;
    return listen.apply(this, args);
  };
  try {
    return { emu: await startEmulator(options), server };
  } finally {
    NetServer.prototype.listen = listen;
  }
}

/**
 * Every HTTP request `server` receives from now on, as `{ closed, answered }`: `closed` once its response has
 * closed, `answered` whether the whole answer was written before that (false: the connection went away first).
 */
export function trackExchanges(server) {
  const exchanges = [];
  server.on("request", (req, res) => {
    const x = { closed: false, answered: false };
    exchanges.push(x);
    res.on("close", () => {
      x.answered = res.writableFinished;
      x.closed = true;
    });
  });
  return exchanges;
}

/**
 * Start an emulator and a script-auth client against it.
 * `transport.retry` is merged over `{ baseDelayMs: 5 }` (pass `baseDelayMs: 750` for the default schedule); an
 * `onRetry` hook records every retry in `retries`.
 */
export async function harness({ emulator = {}, transport = {}, clock, auth, logger, divert, onFetch } = {}) {
  const { emu, server } = await startEmulatorWithServer({ fixtures: "demo", ...emulator });
  const exchanges = trackExchanges(server);
  const rec = recordingFetch({ divert, onFetch });
  const retries = [];
  const retry = transport.retry === false ? false : { baseDelayMs: 5, ...(transport.retry ?? {}) };
  if (retry) {
    const userHook = retry.onRetry;
    retry.onRetry = (info) => {
      retries.push({ method: info.method, attempt: info.attempt, delayMs: info.delayMs, reason: info.reason });
      return userHook ? userHook(info) : undefined;
    };
  }
  const t = jsonRpcTransport({ ...transport, retry, fetch: rec.fetch });
  const client = createClient({
    site: emu.url,
    transport: t,
    auth: auth ?? scriptAuth({ scriptName: SCRIPT_NAME, scriptKey: DEMO_SCRIPT_KEY }),
    ...(clock ? { clock } : {}),
    ...(logger ? { logger } : {}),
  });
  const sg = entityApi(client);
  return {
    emu,
    client,
    sg,
    seen: rec.seen,
    /** Every HTTP request the emulator received (see {@link trackExchanges}). */
    exchanges,
    /** Every retry the transport announced through onRetry: `{ method, attempt, delayMs, reason }`. */
    retries,
    /** HTTP attempts the client made for one RPC method (or all). */
    fetches: (method) => rec.seen.filter((e) => method === undefined || e.rpc === method).length,
    /** Requests the emulator logged for one RPC method (or all). */
    received: (method) => emu.requests().filter((r) => method === undefined || r.method_name === method).length,
    close: async () => {
      await client.close();
      await emu.close();
    },
  };
}

/** A fresh, independent client on the same emulator (no faults of its own), for verification reads. */
export function verifier(emu) {
  return entityApi(
    createClient({ site: emu.url, transport: jsonRpcTransport({ retry: false }), auth: scriptAuth({ scriptName: SCRIPT_NAME, scriptKey: DEMO_SCRIPT_KEY }) }),
  );
}

/** Rows per code among Shots whose code starts with `prefix`: `{ rows, perCode: Map, duplicates }`. */
export async function countRows(emu, prefix) {
  const found = await verifier(emu).find("Shot", [["code", "starts_with", prefix]], ["code"]);
  const perCode = new Map();
  for (const r of found) perCode.set(r.code, (perCode.get(r.code) ?? 0) + 1);
  let duplicates = 0;
  for (const n of perCode.values()) duplicates += Math.max(0, n - 1);
  return { rows: found.length, perCode, duplicates };
}

/** Wait until `predicate()` is true (polling every 5 ms), failing after `limitMs` (a safety net, not an assertion). */
export async function until(predicate, what, limitMs = 10_000) {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Run `fn`, returning `{ ok: true, value }` or `{ ok: false, error }`. */
export async function settle(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A shot to create in the demo project. */
export function shot(code) {
  return { code, project: { type: "Project", id: 1 } };
}
