import { SgAuthError, SgError, SgValidationError, createClient, secretsOf } from "@sg/core";
import type { AuthContext, AuthStrategy, Client, Credentials, RpcRequest, TransportContext, TransportStrategy } from "@sg/core";
import type { RecordedRequest } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import type { CapturingLogger } from "./capturing-logger.js";
import type { AuthConformanceOptions, ConformanceEnv, ProbeCall } from "./conformance-options.js";
import type { SecretRegistry } from "./secret-scan.js";

/** State shared by every check of one conformance run. */
export interface RunContext {
  readonly options: AuthConformanceOptions;
  readonly env: ConformanceEnv;
  readonly secrets: SecretRegistry;
  readonly logger: CapturingLogger;
  /** Every error seen (thrown by factories or by calls), to scan for secrets. */
  readonly errors: Array<{ readonly where: string; readonly error: unknown }>;
  /** Every strategy created, to inspect for secrets. */
  readonly strategies: AuthStrategy[];
  /** Emulator requests of earlier sessions (the emulator log is cleared between checks). */
  readonly pastRequests: RecordedRequest[];
  /** Lines the emulator logged. */
  readonly emulatorLines: string[];
  readonly probe: ProbeCall;
  readonly concurrency: number;
  readonly sequentialCalls: number;
  readonly timeoutMs: number;
  /**
   * The check whose calls hit the time limit, if one did: the checks after it are not run, so a strategy that
   * never settles costs one `timeoutMs`, not one per check (which would outlast the test runner's own timeout).
   */
  timedOutIn?: string;
  /** Why the declared secrets are unknown (`secrets(env)` threw), masked; the no-secret checks then fail. */
  secretsProblem?: string;
  /** How many declared secrets were strings shorter than `MIN_SECRET_LENGTH`, so not searched for (the no-secret checks say so). */
  shortSecrets?: number;
  /** What the probe call did while the strategy's login was made to fail (see provokeLoginErrors). */
  readonly loginFailures: LoginFailure[];
}

/** One provoked login failure (see provokeLoginErrors) and what the probe call did meanwhile. */
export interface LoginFailure {
  /** Which fault, e.g. `login refused (fault 102)`. */
  readonly fault: string;
  /** Whether the fault was a refusal (102) rather than an outage (HTTP 500). */
  readonly refusal: boolean;
  /** How many login requests (`get_session_token`) the site saw for the one call. */
  readonly logins: number;
  /** What the call did; `undefined` when it did not settle within `timeoutMs`. */
  readonly outcome: CallOutcome | undefined;
}

/** What one probe call did. */
export interface CallOutcome {
  /** Whether it resolved. */
  readonly ok: boolean;
  /** The rejection, when it did not. */
  readonly error: unknown;
  /** How many times the client handed this call to the transport (1 + re-sends). */
  readonly sends: number;
}

/** A fresh strategy behind an instrumented client, on a freshly reset emulator. */
export interface Session {
  readonly strategy: AuthStrategy;
  readonly client: Client;
  /** Make one probe call; never rejects. */
  call(): Promise<CallOutcome>;
  /**
   * Make `count` probe calls at once. The answers to the first sends of the last `held` of them are held back
   * (by the kit, after the site answered) until the other calls have settled, so a refusal among them reaches
   * the strategy only after any refresh the other calls caused has finished; their re-sends are not held.
   */
  callConcurrently(count: number, held?: number): Promise<CallOutcome[]>;
  /** Emulator requests since the session started. */
  requests(): Promise<RecordedRequest[]>;
  /** What the kit counted so far; compare two with `strategyWork`. */
  tally(): Tally;
  /**
   * Hold back the answer to the strategy's next request of its own (its login, not `info`) until `release()`;
   * `sent` resolves once that request was handed to the transport.
   */
  holdOwnRequest(): { readonly sent: Promise<void>; release(): void };
  /** Abort every call in flight. */
  abort(): void;
  /** Close the client, keep the emulator's requests for the secret scan. */
  close(): Promise<void>;
}

/** What the kit counted in a session so far, beyond the emulator's log. */
export interface Tally {
  /** Sends of the kit's calls that reached the site (a transport may reject one before sending it). */
  readonly reached: number;
  /** The credentials object each send of the kit's calls carried, in order. */
  readonly sent: readonly object[];
  /** Calls of the strategy's `onRejected()`. */
  readonly rejections: number;
  /** Of those, the calls made after held-back answers were released (see {@link Session.callConcurrently}). */
  readonly late: number;
}

/** Thrown when calls do not settle in time. */
export class CheckTimeoutError extends Error {
  constructor(ms: number) {
    super(`calls did not settle within ${ms} ms (a strategy that never resolves credentials() or onRejected()?)`);
    this.name = "CheckTimeoutError";
  }
}

/** What `work` settles to, or, when it has not settled within `ms`, what `late()` returns (or throws). */
export function within<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (error) {
        reject(error);
      }
    }, ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Let the emulator finish recording requests whose answers already arrived (and promise chains run out). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 15));

/** Reset the emulator, create a strategy and wrap it in a client whose transport counts every send. */
export async function openSession(ctx: RunContext, where: string): Promise<Session> {
  await settle();
  ctx.pastRequests.push(...ctx.env.emulator.requests());
  ctx.env.emulator.reset();
  const strategy = ctx.options.create(ctx.env);
  ctx.strategies.push(strategy);
  const counts = { reached: 0, rejections: 0, late: 0, released: false };
  const sent: object[] = [];
  // The client gets a wrapper that counts onRejected() calls: work outside the site (a secrets store, a new
  // object per call) shows only there and in the credentials objects the calls carry.
  const { onRejected, explain } = strategy as Partial<AuthStrategy>;
  const observed: AuthStrategy = {
    name: strategy.name,
    credentials: (context) => strategy.credentials(context),
    ...(typeof onRejected === "function"
      ? {
          onRejected: (error: SgAuthError, rejected: Credentials, context: AuthContext): Promise<Credentials | undefined> => {
            counts.rejections += 1;
            if (counts.released) counts.late += 1;
            return onRejected.call(strategy, error, rejected, context);
          },
        }
      : {}),
    ...(typeof explain === "function" ? { explain: (error: SgAuthError, rejected: Credentials): SgError | undefined => explain.call(strategy, error, rejected) } : {}),
  };
  const inner = jsonRpcTransport({ retry: false });
  // The kit's calls go through a transport of their own, whose fetch counts the sends that reached the site.
  const kitInner = jsonRpcTransport({
    retry: false,
    fetch: (input, init) => {
      counts.reached += 1;
      return fetch(input, init);
    },
  });
  const sendsBySignal = new Map<AbortSignal, number>();
  /** Calls whose first answer waits for a release: their signal → the release. */
  const holds = new Map<AbortSignal, Promise<void>>();
  const controllers = new Set<AbortController>();
  /** The hold armed by holdOwnRequest(), until the strategy's next own request takes it. */
  let ownHold: { readonly taken: () => void; readonly release: Promise<void> } | undefined;
  const transport: TransportStrategy = {
    name: `${inner.name} (recording)`,
    send(request: RpcRequest, context: TransportContext): Promise<unknown> {
      for (const secret of secretsOf(request.credentials)) ctx.secrets.add(secret, `a ${request.credentials?.kind ?? ""} credential sent with '${request.method}'`);
      const signal = request.signal;
      const sends = signal && sendsBySignal.has(signal) ? (sendsBySignal.get(signal) ?? 0) + 1 : 0;
      if (signal && sends > 0) sendsBySignal.set(signal, sends);
      if (sends > 0 && request.credentials) sent.push(request.credentials);
      const reply = (sends > 0 && request.method !== "info" ? kitInner : inner).send(request, context);
      const own = sends === 0 && request.method !== "info" ? ownHold : undefined;
      if (own) {
        own.taken();
        ownHold = undefined;
      }
      const hold = own?.release ?? (signal && sends === 1 ? holds.get(signal) : undefined);
      if (!hold) return reply;
      return reply.then(
        (value) => hold.then(() => value),
        (error: unknown) =>
          hold.then(() => {
            throw error;
          }),
      );
    },
    close: async (): Promise<void> => {
      await Promise.all([inner.close?.(), kitInner.close?.()]);
    },
  };
  const client = createClient({ site: ctx.env.url, transport, auth: observed, logger: ctx.logger });
  const probe = ctx.probe;

  const call = async (hold?: Promise<void>): Promise<CallOutcome> => {
    const controller = new AbortController();
    controllers.add(controller);
    sendsBySignal.set(controller.signal, 0);
    if (hold) {
      // An aborted call (the time limit) is not kept waiting for a release that may never come.
      const aborted = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve(), { once: true }));
      holds.set(controller.signal, Promise.race([hold, aborted]));
    }
    try {
      await client.call(probe.method, probe.payload(), { signal: controller.signal });
      return { ok: true, error: undefined, sends: sendsBySignal.get(controller.signal) ?? 0 };
    } catch (error) {
      ctx.errors.push({ where: `${where}: a '${probe.method}' call`, error });
      return { ok: false, error, sends: sendsBySignal.get(controller.signal) ?? 0 };
    } finally {
      controllers.delete(controller);
      holds.delete(controller.signal);
    }
  };

  const callConcurrently = async (count: number, held = 0): Promise<CallOutcome[]> => {
    held = Math.min(held, count);
    const free = Array.from({ length: count - held }, () => call());
    counts.released = false;
    const release = Promise.all(free).then(() => {
      counts.released = held > 0;
    });
    const late = Array.from({ length: held }, () => call(release));
    const outcomes = await Promise.all([...free, ...late]);
    counts.released = false;
    return outcomes;
  };

  const abort = (): void => {
    for (const c of controllers) c.abort();
  };

  const bounded = <T>(work: Promise<T>): Promise<T> =>
    within(work, ctx.timeoutMs, () => {
      abort();
      throw new CheckTimeoutError(ctx.timeoutMs);
    });

  return {
    strategy,
    client,
    call: (): Promise<CallOutcome> => bounded(call()),
    callConcurrently: (count: number, held?: number): Promise<CallOutcome[]> => bounded(callConcurrently(count, held)),
    requests: async (): Promise<RecordedRequest[]> => {
      await settle();
      return ctx.env.emulator.requests();
    },
    holdOwnRequest: () => {
      let taken = (): void => undefined;
      let release = (): void => undefined;
      const sent = new Promise<void>((resolve) => (taken = resolve));
      ownHold = { taken, release: new Promise<void>((resolve) => (release = resolve)) };
      return { sent, release };
    },
    tally: (): Tally => ({ reached: counts.reached, sent: [...sent], rejections: counts.rejections, late: counts.late }),
    abort,
    close: async (): Promise<void> => {
      abort();
      await client.close().catch(() => undefined);
    },
  };
}

/** Requests that were not one of the kit's own call attempts nor `info`: the strategy's own (login) work. */
export interface AuthWork {
  /** Number of such requests. */
  readonly count: number;
  /** Breakdown of every request the emulator saw in the window, e.g. `read ×100, get_session_token ×1`. */
  readonly breakdown: string;
}

/** Count the strategy's own requests in `window`, given how many sends of the kit's calls reached the site. */
export function authWork(window: readonly RecordedRequest[], kitRequests: number): AuthWork {
  const counts = new Map<string, number>();
  let nonInfo = 0;
  for (const r of window) {
    const name = r.method_name ?? `${r.httpMethod} ${r.path}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (r.method_name !== "info") nonInfo += 1;
  }
  const breakdown = counts.size === 0 ? "no requests" : [...counts].map(([n, c]) => `${n} ×${c}`).join(", ");
  return { count: Math.max(0, nonInfo - kitRequests), breakdown };
}

/**
 * Whether an error is an authentication refusal: an `SgAuthError`, whatever its code and whichever copy of
 * `@sg/core` made it (core's `instanceof` holds across copies). A code alone (`SG_AUTH_…`) is not one.
 */
export function isAuthError(error: unknown): boolean {
  return error instanceof SgAuthError;
}

/** Whether an error is one of ours: an `SgError` of any copy of `@sg/core`, whatever its code. */
export function isSgError(error: unknown): boolean {
  return error instanceof SgError;
}

/** Whether an error is a validation error (`SgValidationError` or code `SG_VALIDATION`). */
export function isValidationError(error: unknown): boolean {
  if (error instanceof SgValidationError) return true;
  const e = error as { code?: unknown; name?: unknown } | null;
  return e?.code === "SG_VALIDATION" || e?.name === "SgValidationError";
}

/** `n` with its noun, pluralised: `1 login`, `3 logins`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
