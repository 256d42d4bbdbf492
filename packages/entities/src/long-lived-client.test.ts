import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { entityApi, type EntityApi } from "./index.js";

// What an event daemon's one client meets over weeks, in a few calls over real sockets: retried 502/504/503
// bursts, a write refused by a 503, a per-call timeout, an AbortSignal.timeout() per call, a batch of calls
// aborted together, an expired session and the re-login. `bench/soak-bench.mjs` runs this for thousands of
// rounds and prints the heap; here only what is exact is checked: nothing of the calls is left once they
// have settled.

const IDLE = 60;
// The emulator's latency while calls are meant to run out of time (10 ms) or be aborted: far enough above
// that for a busy machine not to let an answer in first.
const SLOW_MS = 300;

const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => "ok", (error: { code?: string }) => error.code ?? "?");

describe("a long-lived client", () => {
  let emulator: EmulatorHandle;
  let client: Client;
  let api: EntityApi;
  let retries = 0;
  const daemon = new AbortController();

  beforeAll(async () => {
    emulator = await startEmulator({ fixtures: "demo", sessionIdleSeconds: IDLE });
    const admin = emulator.card.users.find((u) => u.login === "admin");
    if (!admin?.password) throw new Error("no admin on the card");
    client = createClient({
      site: emulator.url,
      transport: jsonRpcTransport({ retry: { baseDelayMs: 1, onRetry: () => void (retries += 1) } }),
      auth: legacyLoginAuth({ login: admin.login, password: admin.password }),
      defaults: { signal: daemon.signal },
    });
    api = entityApi(client);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it("leaves no listener on the signals its calls shared and no timer once mixed traffic has settled", async () => {
    const project = emulator.card.projects[0];
    const shot = await api.create("Shot", { code: "daemon_target", project }, ["code"]);
    const read = (options?: { signal?: AbortSignal; timeoutMs?: number; retry?: false }): Promise<unknown> =>
      api.findOne("Shot", [["id", "is", shot.id]], ["code"], options);
    const slowly = async <T>(work: () => Promise<T>): Promise<T> => {
      emulator.setLatency(SLOW_MS);
      try {
        return await work();
      } finally {
        emulator.setLatency(0);
      }
    };

    for (const fault of [{ status: 502, times: 2 }, { status: 504 }, { status: 503 }]) {
      emulator.injectFault({ method: "read", ...fault });
      expect(await codeOf(read())).toBe("ok");
    }
    expect(retries).toBe(4);
    emulator.injectFault({ method: "update", status: 503 });
    const batch = new AbortController();
    expect(await codeOf(api.update("Shot", shot.id, { description: "refused" }, { signal: batch.signal }))).toBe("SG_HTTP");
    expect(await codeOf(api.update("Shot", shot.id, { description: "applied" }, { signal: batch.signal }))).toBe("ok");
    expect(await slowly(() => codeOf(read({ timeoutMs: 10, retry: false })))).toBe("SG_TIMEOUT");
    expect(await slowly(() => codeOf(read({ signal: AbortSignal.timeout(10) })))).toBe("SG_ABORTED");
    const aborted = new AbortController();
    const together = await slowly(async () => {
      const five = Array.from({ length: 5 }, () => codeOf(read({ signal: aborted.signal })));
      await new Promise((resolve) => setTimeout(resolve, 10));
      aborted.abort();
      return Promise.all(five);
    });
    expect(together).toEqual(["SG_ABORTED", "SG_ABORTED", "SG_ABORTED", "SG_ABORTED", "SG_ABORTED"]);
    emulator.advanceClock(IDLE + 1); // the session expires: the next call is refused, logs in again and is re-sent
    const timed = AbortSignal.timeout(600_000);
    expect(await codeOf(read({ signal: timed }))).toBe("ok");
    expect(emulator.requests().filter((r) => r.method_name === "get_session_token")).toHaveLength(2);

    // An abort listener left behind holds the signal (Node keeps an AbortSignal.timeout() alive until it fires).
    expect(getEventListeners(daemon.signal, "abort")).toHaveLength(0);
    expect(getEventListeners(batch.signal, "abort")).toHaveLength(0);
    expect(getEventListeners(timed, "abort")).toHaveLength(0);
    // No timer is left (vitest holds none that counts). The emulator's own, holding the aborted calls' late
    // answers, run out within its latency: counted between waits, never while one (a timer too) is pending.
    for (let waits = 0; waits < 100 && timers() > 0; waits += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(timers()).toBe(0);
  });
});
