import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { createClient } from "@sg/core";
import type { Client, Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { SessionErrorCode, SgSessionError, sessionAuth, validateSessionOptions } from "./index.js";
import type { SessionAuthOptions } from "./index.js";
import { IDLE, READ_SHOTS, START, count, loginFor, manualClock } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

const PLANTED_TOKEN = "planted-session-token-0c4f8a2d6e";
/** The password a refresh that is a password login gets wrong: the site refuses each login it sends. */
const WRONG_PASSWORD = "planted-wrong-password-4d9e1b7a";
const iso = (ms: number): string => new Date(ms).toISOString();

/** `refresh` with a count of how many times the strategy called it. */
function counting(refresh: () => Promise<string>): { readonly refresh: () => Promise<string>; calls(): number } {
  let calls = 0;
  return {
    refresh: () => {
      calls += 1;
      return refresh();
    },
    calls: () => calls,
  };
}

/** The checks every fast failure passes: same class, code and reason as the first, says when, sent nothing. */
function expectFailedEarlier(error: unknown, first: unknown, failedAt: number, secrets: string[]): void {
  expect(error).toBeInstanceOf(SgSessionError);
  const e = error as SgSessionError;
  expect(e.code).toBe(SessionErrorCode.REFRESH_FAILED);
  expect(e.reason).toContain((first as SgSessionError).reason);
  expect(e.message).toContain(`refresh() failed at ${iso(failedAt)} and was not called again`);
  expect(e.attempts).toEqual([]);
  expect(e.cause).toBe(first);
  expect(findSecrets(e, secrets)).toEqual([]);
}

describe("retryFailedRefreshAfterMs option", () => {
  // Refused values are in the option table of session-auth.test.ts, with the other options.
  it.each([0, 1, 60_000, Infinity])("accepts %s", (value) => {
    expect(validateSessionOptions({ sessionToken: PLANTED_TOKEN, retryFailedRefreshAfterMs: value }).retryFailedRefreshAfterMs).toBe(value);
  });

  it("defaults to 60 s", () => {
    expect(validateSessionOptions({ sessionToken: PLANTED_TOKEN }).retryFailedRefreshAfterMs).toBe(60_000);
  });
});

describe("a failed refresh is not repeated during its cool-down", () => {
  let emulator: Emulator;
  let clock: ReturnType<typeof manualClock>;
  const clients: Client[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
  });
  beforeEach(() => {
    emulator.reset();
    clock = manualClock();
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await emulator.close();
  });

  /** A client on the test's clock whose session (a real one for `coord`) has already expired on the site. */
  async function expiredClient(options: Omit<SessionAuthOptions, "sessionToken">, logger?: Logger): Promise<{ sg: Client; token: string }> {
    const token = await loginFor(emulator);
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: sessionAuth({ sessionToken: token, ...options }), clock, ...(logger ? { logger } : {}) });
    clients.push(sg);
    emulator.advanceClock(IDLE + 1);
    return { sg, token };
  }
  /** A refresh that is a password login with the wrong password: each call sends one login the site refuses. */
  const wrongLogin = (): Promise<string> => loginFor(emulator, "coord", WRONG_PASSWORD);

  it("sends one failed login for 40 refused calls, failing the later ones at once with the first failure as cause", async () => {
    const logger = createCapturingLogger();
    const login = counting(wrongLogin);
    const { sg, token } = await expiredClient({ refresh: login.refresh }, logger);
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(first).toBeInstanceOf(SgSessionError);
    expect((first as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
    expect((first as Error).message).not.toContain("failed at");
    clock.advance(59_999);
    const later: unknown[] = [];
    for (let i = 0; i < 20; i++) later.push(await rejectionOf(sg.call("read", READ_SHOTS)));
    later.push(...(await Promise.all(Array.from({ length: 19 }, () => rejectionOf(sg.call("read", READ_SHOTS))))));
    expect(login.calls()).toBe(1);
    // Each call sent its own request (refused), and only the first refusal led to a login: the mint and one refresh.
    expect(count(emulator, "read")).toBe(40);
    expect(count(emulator, "get_session_token")).toBe(2);
    expect(emulator.requests()).toHaveLength(42);
    for (const error of later) expectFailedEarlier(error, first, START, [token, WRONG_PASSWORD]);
    const e = later[0] as SgSessionError;
    expect(e.message).toContain(`next attempt from ${iso(START + 60_000)}`);
    expect(e.hint).toContain("Fix what refresh() reported");
    expect(e.hint).toContain("holds refresh() back for retryFailedRefreshAfterMs; a new one tries at once");
    const log = logger.text().join("\n");
    expect(log).toContain("no refresh() for 60000 ms");
    expect(log).not.toContain(token);
    expect(log).not.toContain(WRONG_PASSWORD);
    // client.credentials() never contacts the site: it still hands out the held token.
    expect(await sg.credentials()).toMatchObject({ kind: "session", sessionToken: token });
    expect(inspect(sg.auth)).not.toContain(token);
  });

  it("lets one refresh out after the cool-down, shared by the calls refused together, and cools down again when it fails", async () => {
    const login = counting(wrongLogin);
    const { sg } = await expiredClient({ refresh: login.refresh, retryFailedRefreshAfterMs: 5_000 });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    clock.advance(4_999);
    expectFailedEarlier(await rejectionOf(sg.call("read", READ_SHOTS)), first, START, []);
    expect(login.calls()).toBe(1);
    clock.advance(1);
    const errors = await Promise.all(Array.from({ length: 20 }, () => rejectionOf(sg.call("read", READ_SHOTS))));
    expect(login.calls()).toBe(2);
    expect(count(emulator, "get_session_token")).toBe(3);
    for (const error of errors) {
      expect((error as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
      expect((error as Error).message).not.toContain("failed at");
    }
    const again = await rejectionOf(sg.call("read", READ_SHOTS));
    expectFailedEarlier(again, errors[0], START + 5_000, []);
    expect((again as Error).message).toContain(`next attempt from ${iso(START + 10_000)}`);
    expect(login.calls()).toBe(2);
  });

  it("uses a refresh that works after the cool-down, forgets the failure, and refreshes at once at the next refusal", async () => {
    let fixed = false;
    const stored: string[] = [];
    const login = counting(() => (fixed ? loginFor(emulator) : wrongLogin()));
    const { sg } = await expiredClient({ refresh: login.refresh, onToken: (token) => void stored.push(token) });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    fixed = true;
    // Fixing what refresh() needs does not help before the cool-down ends (a new sessionAuth() would).
    expectFailedEarlier(await rejectionOf(sg.call("read", READ_SHOTS)), first, START, []);
    expect(login.calls()).toBe(1);
    clock.advance(60_000);
    await expect(sg.call("read", READ_SHOTS)).resolves.toMatchObject({ entities: expect.any(Array) });
    expect(login.calls()).toBe(2);
    expect(stored).toHaveLength(1);
    // The success forgot the failure: even a clock set back into its cool-down does not bring it back.
    clock.advance(-30_000);
    emulator.advanceClock(IDLE + 1);
    await expect(sg.call("read", READ_SHOTS)).resolves.toMatchObject({ entities: expect.any(Array) });
    expect(login.calls()).toBe(3);
    expect(stored).toHaveLength(2);
  });

  it("cools down after a refresh that returns the refused token, too", async () => {
    let held = "";
    const same = counting(async () => held);
    const { sg, token } = await expiredClient({ refresh: same.refresh });
    held = token;
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((first as Error).message).toContain("same session token");
    expectFailedEarlier(await rejectionOf(sg.call("read", READ_SHOTS)), first, START, [token]);
    expect(same.calls()).toBe(1);
  });

  // What refresh() answers is checked like a sessionToken option; answering something else is a failed refresh.
  it.each([["a token with a trailing newline", `${PLANTED_TOKEN}\n`], ["an empty string", ""], ["a number", 42]])(
    "cools down after a refresh that answers %s, not a token",
    async (_label, answer) => {
      const odd = counting(async () => answer as string);
      const { sg } = await expiredClient({ refresh: odd.refresh });
      const first = await rejectionOf(sg.call("read", READ_SHOTS));
      expect((first as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
      for (let i = 0; i < 2; i++) expectFailedEarlier(await rejectionOf(sg.call("read", READ_SHOTS)), first, START, [PLANTED_TOKEN]);
      expect(odd.calls()).toBe(1);
    },
  );

  it("keeps the token out of the fast failure, even when refresh() quoted it", async () => {
    let held = "";
    const logger = createCapturingLogger();
    const { sg, token } = await expiredClient(
      {
        refresh: async () => {
          throw new Error(`keychain said ${held} and ${PLANTED_TOKEN}`);
        },
      },
      logger,
    );
    held = token;
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    const fast = await rejectionOf(sg.call("read", READ_SHOTS));
    expectFailedEarlier(fast, first, START, [token]);
    expect(inspect(fast)).toContain("keychain said");
    expect(logger.text().join("\n")).not.toContain(token);
  });

  it("calls refresh() on every refusal with 0, as before the option existed", async () => {
    const login = counting(wrongLogin);
    const { sg } = await expiredClient({ refresh: login.refresh, retryFailedRefreshAfterMs: 0 });
    for (let i = 1; i <= 3; i++) {
      const error = await rejectionOf(sg.call("read", READ_SHOTS));
      expect((error as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
      expect((error as Error).message).not.toContain("failed at");
      expect(login.calls()).toBe(i);
    }
    expect(count(emulator, "get_session_token")).toBe(4);
  });

  it("never calls refresh() again with Infinity", async () => {
    const login = counting(wrongLogin);
    const { sg } = await expiredClient({ refresh: login.refresh, retryFailedRefreshAfterMs: Infinity });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    clock.advance(10 * 365 * 24 * 3_600_000);
    const fast = await rejectionOf(sg.call("read", READ_SHOTS));
    expectFailedEarlier(fast, first, START, []);
    expect((fast as SgSessionError).reason).toMatch(/ and was not called again\)$/);
    // Never means never: a clock set back before the failure does not end it either.
    clock.advance(-11 * 365 * 24 * 3_600_000);
    expectFailedEarlier(await rejectionOf(sg.call("read", READ_SHOTS)), first, START, []);
    expect(login.calls()).toBe(1);
  });

  it("fails fast with the session error, not a RangeError, when the next attempt is beyond what a Date can hold", async () => {
    // Number.MAX_SAFE_INTEGER is a valid cool-down ("never", written as a number); START + it is no Date.
    const login = counting(wrongLogin);
    const { sg } = await expiredClient({ refresh: login.refresh, retryFailedRefreshAfterMs: Number.MAX_SAFE_INTEGER });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    clock.advance(24 * 3_600_000);
    const fast = await rejectionOf(sg.call("read", READ_SHOTS));
    expectFailedEarlier(fast, first, START, []);
    expect((fast as SgSessionError).reason).toMatch(/ and was not called again\)$/);
    expect(login.calls()).toBe(1);
  });

  it("ends the cool-down, rather than stretching it, when the clock is set back before the failure", async () => {
    const login = counting(wrongLogin);
    const { sg } = await expiredClient({ refresh: login.refresh });
    await rejectionOf(sg.call("read", READ_SHOTS));
    clock.advance(-1);
    expect(((await rejectionOf(sg.call("read", READ_SHOTS))) as Error).message).not.toContain("failed at");
    expect(login.calls()).toBe(2);
  });
});
