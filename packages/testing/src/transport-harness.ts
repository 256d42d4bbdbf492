import { SgError, createClient } from "@sg/core";
import type { AuthStrategy, Client, HttpRequest, HttpResponse, RpcRequest, TransportContext, TransportStrategy } from "@sg/core";
import type { ConformanceEnv } from "./conformance-options.js";

/** One call the client handed to the transport under test, and how the transport itself settled it. */
export interface Handover {
  /** `send` (an API call) or `http`. */
  readonly via: "send" | "http";
  /** The API method, or the HTTP method and target. */
  readonly what: string;
  /** The deadline the client handed over, if any. */
  readonly deadlineMs: number | undefined;
  /** `performance.now()` when it was handed over. */
  readonly at: number;
  /** `performance.now()` when the transport's own promise settled; unset while it has not. */
  settledAt?: number;
  /** Whether the transport resolved it. */
  ok?: boolean;
  /** The transport's own rejection (before core wraps or replaces it). */
  error?: unknown;
  /** Settles (never rejects) when the transport's own promise does. */
  readonly settled: Promise<void>;
}

/**
 * The transport under test, wrapped so that the kit sees each handover and what the transport itself did with it:
 * core bounds a call it handed over (its signal, deadline and close end it 50 ms later, or wrap a plain error), so
 * only the transport's own promise tells whether the transport ended the call or core did.
 */
export interface Recorder {
  readonly transport: TransportStrategy;
  readonly handovers: Handover[];
}

/** Wrap `inner`; the wrapper passes every request and context on as they are. */
export function record(inner: TransportStrategy): Recorder {
  const handovers: Handover[] = [];
  const watch = <T>(via: Handover["via"], what: string, deadlineMs: number | undefined, go: () => Promise<T>): Promise<T> => {
    let done = (): void => undefined;
    const h: Handover = { via, what, deadlineMs, at: performance.now(), settled: new Promise<void>((resolve) => (done = resolve)) };
    handovers.push(h);
    let work: Promise<T>;
    try {
      work = Promise.resolve(go());
    } catch (error) {
      work = Promise.reject(error);
    }
    work.then(
      () => {
        h.settledAt = performance.now();
        h.ok = true;
        done();
      },
      (error: unknown) => {
        h.settledAt = performance.now();
        h.ok = false;
        h.error = error;
        done();
      },
    );
    return work;
  };
  const transport: TransportStrategy = {
    name: inner.name,
    send: (request: RpcRequest, context: TransportContext): Promise<unknown> => watch("send", request.method, request.deadlineMs, () => inner.send(request, context)),
    ...(typeof inner.http === "function"
      ? {
          http: (request: HttpRequest, context: TransportContext): Promise<HttpResponse> =>
            watch("http", `${request.method} ${request.target}`, request.deadlineMs, () => (inner.http as NonNullable<TransportStrategy["http"]>).call(inner, request, context)),
        }
      : {}),
    ...(typeof inner.close === "function" ? { close: (): Promise<void> => (inner.close as () => Promise<void>).call(inner) } : {}),
  };
  return { transport, handovers };
}

/** An auth strategy with the emulator's first script, or a wrong key for it; counts `onRejected()` calls. */
export function scriptKey(env: ConformanceEnv, wrong = false): AuthStrategy & { readonly rejections: () => number } {
  const script = env.card.scripts[0];
  if (!script) throw new Error("@sg/testing: the emulator's site card lists no script");
  let rejections = 0;
  const credentials = Object.freeze({ kind: "script" as const, scriptName: script.name, scriptKey: wrong ? `${script.key}-not-it` : script.key });
  return {
    name: "@sg/testing (the emulator's script key)",
    credentials: async () => credentials,
    onRejected: async () => {
      rejections += 1;
      return undefined;
    },
    rejections: () => rejections,
  };
}

/** A client of `site` (the emulator's by default) on `transport`, with the emulator's script key (or a wrong one). */
export function clientOn(env: ConformanceEnv, transport: TransportStrategy, options: { readonly wrongKey?: boolean; readonly site?: string } = {}): Client {
  return createClient({ site: options.site ?? env.url, transport, auth: scriptKey(env, options.wrongKey) });
}

/** Wait until `handovers` holds more than `count`, for at most `ms`. */
export async function handedOver(handovers: readonly Handover[], count: number, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (handovers.length <= count) {
    if (performance.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return true;
}

/** What a promise settled to, without rejecting. */
export async function outcome<T>(work: Promise<T>): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Wait for the transport's own promise of `h` for at most `ms`. */
export async function transportSettled(h: Handover, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const done = await Promise.race([h.settled.then(() => true as const), late]);
  clearTimeout(timer);
  return done;
}

/** Whether an error is an `SgError` of any copy of `@sg/core`. */
export const isSg = (error: unknown): error is SgError => error instanceof SgError;

/**
 * Close `clients` (a client alone on its transport closes the transport too; a close that rejects is left to the
 * check's own verdict). Throws, failing the check, when that has not settled within `ms`: a transport whose `close()`
 * never ends would otherwise hang the run and leave the emulator running.
 */
export async function closeWithin(ms: number, ...clients: readonly (Client | undefined)[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, true)));
  const closed = Promise.all(clients.map((c) => c?.close())).then(
    () => false,
    () => false,
  );
  const hung = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (hung) throw new Error(`close() did not settle within ${ms} ms: the transport's close() has not finished`);
}
