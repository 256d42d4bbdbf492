import { afterAll, beforeAll, beforeEach } from "vitest";
import { createClient } from "@sg/core";
import type { AuthStrategy, Client, Clock, Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";

/** A running emulator, as `startEmulator` resolves it. */
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** The approval request id at the end of the approval URL `browserLogin` hands to `onUrl`/`open` (to approve it on the emulator). */
export const requestIdOf = (url: string): string => decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");

/** Seconds a session may stay unused on the test sites before the site refuses it. */
export const IDLE = 60;

/** The demo site of a `describe` block and the clients its tests make on it. */
export interface DemoSite {
  /** The emulator, once started. */
  readonly emulator: Emulator;
  /** A client of the site with `auth` (and `logger`), closed after the block's tests. */
  client(auth: AuthStrategy, logger?: Logger): Client;
}

/**
 * Start the demo site (default auth mode, sessions refused after {@link IDLE} idle seconds) before the block's tests,
 * reset it before each, and close it and every client made on it after them. Call it at the top of a `describe`.
 */
export function demoSite(): DemoSite {
  let started: Emulator | undefined;
  const clients: Client[] = [];
  beforeAll(async () => {
    started = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
  });
  beforeEach(() => started?.reset());
  afterAll(async () => {
    for (const c of clients) await c.close();
    await started?.close();
  });
  const emulator = (): Emulator => {
    if (!started) throw new Error("the demo site is started in beforeAll");
    return started;
  };
  return {
    get emulator() {
      return emulator();
    },
    client: (auth, logger) => {
      const c = createClient({ site: emulator().url, transport: jsonRpcTransport(), auth, ...(logger ? { logger } : {}) });
      clients.push(c);
      return c;
    },
  };
}

/** A small `read` every test can send with a valid session. */
export const READ_SHOTS: Readonly<Record<string, unknown>> = {
  type: "Shot",
  filters: { logical_operator: "and", conditions: [] },
  return_fields: ["code"],
  return_only: "active",
  paging: { entities_per_page: 5, current_page: 1 },
};

/**
 * Log in as `login` with get_session_token, the way any tool would, and return the new session token.
 * Without `password`, the demo fixture's own password for `login` is used; a wrong one makes the site refuse.
 */
export async function loginFor(emulator: Emulator, login = "coord", password?: string): Promise<string> {
  const user = emulator.card.users.find((u) => u.login === login);
  if (!user?.password) throw new Error(`no password for ${login} on the card`);
  const minter: AuthStrategy = { name: "minter", credentials: async () => ({ kind: "user", login, password: password ?? user.password! }) };
  const c = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: minter });
  try {
    return (await c.call<{ session_id: string }>("get_session_token")).session_id;
  } finally {
    await c.close();
  }
}

/** How many requests for `method` the emulator received since its last reset. */
export function count(emulator: Emulator, method: string): number {
  return emulator.requests().filter((r) => r.method_name === method).length;
}

/** 2030-01-02T03:04:05Z: where every {@link manualClock} starts. */
export const START: number = Date.UTC(2030, 0, 2, 3, 4, 5);

/** A client clock the test moves by hand, from {@link START}; sleeps (retry backoff) end at once. */
export function manualClock(): Clock & { advance(ms: number): void } {
  let now = START;
  return { now: () => now, sleep: async () => {}, advance: (ms) => void (now += ms) };
}
