import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgValidationError } from "@sg/core";
import { startEmulator } from "@sg/emulator";
import { NEW_TOKEN_HINT, SessionErrorCode, SgSessionError, sessionAuth } from "./index.js";
import type { SessionAuthOptions } from "./index.js";
import { IDLE, READ_SHOTS, demoSite, loginFor } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

const PLANTED_TOKEN = "planted-session-token-7f3a9c2e5b1d";

describe("sessionAuth options", () => {
  it("keeps the token out of inspect, JSON and toString", () => {
    const auth = sessionAuth({ sessionToken: PLANTED_TOKEN, refresh: async () => "x" });
    expect(findSecrets(auth, [PLANTED_TOKEN])).toEqual([]);
    expect(inspect(auth)).toContain("refresh: yes");
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ name: "@sg/auth-session", refresh: true, refreshes: 0 });
    // inspect, toJSON and toString are there but not enumerable: the strategy's own keys are AuthStrategy's.
    expect(Object.keys(auth)).toEqual(["name", "credentials", "onRejected", "explain"]);
  });

  it.each<[object, RegExp]>([
    [{}, /sessionToken: expected a session token.*browserLogin/s],
    [{ sessionToken: "" }, /sessionToken/],
    [{ sessionToken: `_session_id=${PLANTED_TOKEN}` }, /without the name.*Pass only what follows/s],
    [{ sessionToken: `${PLANTED_TOKEN}\n` }, /whitespace.*trim/s],
    [{ sessionToken: PLANTED_TOKEN, refresh: PLANTED_TOKEN }, /refresh: expected a function/],
    [{ session_token: PLANTED_TOKEN }, /session_token: expected no such option.*Did you mean 'sessionToken'/s],
    [{ session: PLANTED_TOKEN }, /session: expected no such option.*Did you mean 'sessionToken'/s],
    [{ sessionToken: PLANTED_TOKEN, sudoAsLogin: "" }, /sudoAsLogin: expected a HumanUser login/],
    [{ sessionToken: PLANTED_TOKEN, sudoAsLogin: "coord " }, /sudoAsLogin: expected a HumanUser login \(a non-empty string without surrounding spaces\)/],
    [{ sessionToken: PLANTED_TOKEN, sudoAsLogin: ["coord"] }, /sudoAsLogin: expected a HumanUser login/],
    [{ sessionToken: PLANTED_TOKEN, sudo_as_login: "coord" }, /sudo_as_login: expected no such option.*Did you mean 'sudoAsLogin'/s],
    ...[-1, 1.5, Number.NaN, -Infinity, "60000", null, true].map((retryFailedRefreshAfterMs): [object, RegExp] => [
      { sessionToken: PLANTED_TOKEN, refresh: async () => "x", retryFailedRefreshAfterMs },
      /^@sg\/auth-session: retryFailedRefreshAfterMs: expected whole milliseconds >= 0 \(0 = off\), or Infinity, got /,
    ]),
  ])("refuses %# synchronously without echoing the token", (options, pattern) => {
    let thrown: unknown;
    try {
      sessionAuth(options as unknown as SessionAuthOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as Error).message).toMatch(/^@sg\/auth-session: /);
    expect((thrown as Error).message).toMatch(pattern);
    expect(findSecrets(thrown, [PLANTED_TOKEN])).toEqual([]);
  });

  // A config loader (YAML, an env parser) turns an all-digit token into a number: it is still the secret.
  it.each([1234567890, [PLANTED_TOKEN], { token: PLANTED_TOKEN }])("refuses a token that is not a string (%#) without echoing it", (sessionToken) => {
    let thrown: unknown;
    try {
      sessionAuth({ sessionToken } as unknown as SessionAuthOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as Error).message).toMatch(/sessionToken: expected a session token \(a non-empty string\), got an? \w+ \(\[REDACTED\]\)/);
    expect(findSecrets(thrown, ["1234567890", PLANTED_TOKEN])).toEqual([]);
  });
});

describe("sessionAuth against the emulator", () => {
  const demo = demoSite();
  const { client } = demo;
  /** Mints a session for `coord` the way any tool would: get_session_token with a login. */
  const mintToken = (): Promise<string> => loginFor(demo.emulator);

  it("reads and writes with a token, sending reject_if_expired", async () => {
    const sg = client(sessionAuth({ sessionToken: await mintToken() }));
    const read = await sg.call<{ entities: unknown[] }>("read", READ_SHOTS);
    expect(read.entities.length).toBeGreaterThan(0);
    const credentials = await sg.credentials();
    expect(credentials).toMatchObject({ kind: "session", rejectIfExpired: true });
  });

  it("says the session expired and how to get a new token when there is no refresh", async () => {
    const token = await mintToken();
    const logger = createCapturingLogger();
    const sg = client(sessionAuth({ sessionToken: token }), logger);
    await sg.call("read", READ_SHOTS);
    demo.emulator.advanceClock(IDLE + 1);
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(error).toBeInstanceOf(SgSessionError);
    expect(error).toBeInstanceOf(SgAuthError);
    const e = error as SgSessionError;
    expect(e.code).toBe(SessionErrorCode.EXPIRED);
    expect(e.message).toContain("expired");
    expect(e.hint).toContain("browserLogin");
    expect(e.hint).toContain("sg login");
    expect(e.hint).toContain("_session_id");
    // the message names a script key or a password as possible tokens: the hint says where those go
    expect(e.message).toContain("a script key or a password");
    expect(e.hint).toBe(`${NEW_TOKEN_HINT} A script name and key go to scriptAuth from @sg/auth-script, a login and password to legacyLoginAuth from @sg/auth-legacy-pat.`);
    expect(findSecrets(e, [token])).toEqual([]);
    expect(logger.text().join("\n")).not.toContain(token);
  });

  it("never echoes a planted token the site does not know", async () => {
    const error = await rejectionOf(client(sessionAuth({ sessionToken: PLANTED_TOKEN })).call("read", READ_SHOTS));
    expect((error as SgSessionError).code).toBe(SessionErrorCode.EXPIRED);
    expect(findSecrets(error, [PLANTED_TOKEN])).toEqual([]);
  });

  it("refreshes once for 50 concurrent calls refused together, and hands the new token to onToken", async () => {
    const first = await mintToken();
    let refreshes = 0;
    const stored: string[] = [];
    const logger = createCapturingLogger();
    const sg = client(
      sessionAuth({
        sessionToken: first,
        refresh: async () => {
          refreshes += 1;
          return mintToken();
        },
        onToken: async (token) => {
          stored.push(token);
        },
      }),
      logger,
    );
    await sg.call("read", READ_SHOTS);
    demo.emulator.advanceClock(IDLE + 1);
    const results = await Promise.all(Array.from({ length: 50 }, () => sg.call<{ entities: unknown[] }>("read", READ_SHOTS)));
    expect(results.every((r) => r.entities.length > 0)).toBe(true);
    expect(refreshes).toBe(1);
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toBe(first);
    const credentials = await sg.credentials();
    expect(credentials.kind === "session" && credentials.sessionToken).toBe(stored[0]);
    const log = logger.text().join("\n");
    expect(log).not.toContain(first);
    expect(log).not.toContain(stored[0]);
    expect(inspect(sg.auth)).not.toContain(stored[0]);
  });

  it("reports a failing refresh without looping", async () => {
    const first = await mintToken();
    let refreshes = 0;
    const sg = client(
      sessionAuth({
        sessionToken: first,
        refresh: async () => {
          refreshes += 1;
          throw new Error("keychain locked");
        },
      }),
    );
    demo.emulator.advanceClock(IDLE + 1);
    const errors = await Promise.all(Array.from({ length: 10 }, () => rejectionOf(sg.call("read", READ_SHOTS))));
    expect(refreshes).toBe(1);
    for (const error of errors) {
      expect((error as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
      expect(findSecrets(error, [first])).toEqual([]);
    }
  });

  it("refuses a refresh that hands back the refused token", async () => {
    const first = await mintToken();
    const sg = client(sessionAuth({ sessionToken: first, refresh: async () => first }));
    demo.emulator.advanceClock(IDLE + 1);
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((error as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
    expect((error as Error).message).toContain("same session token");
    expect(findSecrets(error, [first])).toEqual([]);
  });
  describe("a token the site does not take", () => {
    let other: Emulator;
    beforeAll(async () => {
      other = await startEmulator({ authMode: "default", fixtures: "demo" });
    });
    afterAll(() => other.close());

    it("a token of another site, or a script key, names those causes and the site called, never the token", async () => {
      const otherToken = await loginFor(other);
      const scriptKey = demo.emulator.card.scripts[0]!.key;
      for (const sessionToken of [otherToken, scriptKey]) {
        const error = await rejectionOf(client(sessionAuth({ sessionToken })).call("read", READ_SHOTS));
        expect(error).toBeInstanceOf(SgSessionError);
        const e = error as SgSessionError;
        expect(e.code).toBe(SessionErrorCode.EXPIRED);
        expect(e.reason).toContain("the session has expired or was revoked");
        expect(e.reason).toContain(`or the token is not a session of ${demo.emulator.url} (another site's token, a script key or a password)`);
        expect(e.hint).toContain("browserLogin");
        expect(findSecrets(e, [sessionToken])).toEqual([]);
      }
    });

    it("a token refresh() returned that the site refuses too is SG_SESSION_REFRESH_FAILED, saying so and what to do", async () => {
      const first = await mintToken();
      const otherToken = await loginFor(other);
      const asked: string[] = [];
      const sg = client(sessionAuth({ sessionToken: first, refresh: async () => (asked.push("refresh"), otherToken) }));
      demo.emulator.advanceClock(IDLE + 1);
      const error = await rejectionOf(sg.call("read", READ_SHOTS));
      expect(asked).toEqual(["refresh"]);
      expect(error).toBeInstanceOf(SgSessionError);
      const e = error as SgSessionError;
      expect(e.code).toBe(SessionErrorCode.REFRESH_FAILED);
      expect(e.reason).toBe(`@sg/auth-session: the site refused the new session token ending '${otherToken.slice(-4)}' that refresh() returned, as it had refused the one before`);
      expect(e.hint).toMatch(/^refresh\(\) must return a new session of http:\/\/127\.0\.0\.1:\d+ \(not another site's token, a script key, a password or an expired stored one\)\. Meanwhile log in again in the browser\. Get a new session token: browserLogin/);
      expect(e.hint).toContain(demo.emulator.url);
      expect(e.serverMessage).toContain("Can't authenticate session token");
      expect(findSecrets(e, [first, otherToken])).toEqual([]);
    });

    it("a refresh() that returns a number (an all-digit token a loader parsed) is SG_SESSION_REFRESH_FAILED without echoing it", async () => {
      const first = await mintToken();
      const sg = client(sessionAuth({ sessionToken: first, refresh: async () => 9876543210 as unknown as string }));
      demo.emulator.advanceClock(IDLE + 1);
      const error = await rejectionOf(sg.call("read", READ_SHOTS));
      expect(error).toBeInstanceOf(SgSessionError);
      expect((error as SgSessionError).code).toBe(SessionErrorCode.REFRESH_FAILED);
      expect((error as SgSessionError).reason).toContain("refresh() returned a number ([REDACTED]), not a session token");
      expect(findSecrets(error, ["9876543210", first])).toEqual([]);
    });

    it("a token refresh() returned with a trailing newline is refused, and the hint says to trim it", async () => {
      const first = await mintToken();
      const second = await mintToken();
      const sg = client(sessionAuth({ sessionToken: first, refresh: async () => `${second}\n` }));
      demo.emulator.advanceClock(IDLE + 1);
      const error = await rejectionOf(sg.call("read", READ_SHOTS));
      const e = error as SgSessionError;
      expect(e.code).toBe(SessionErrorCode.REFRESH_FAILED);
      expect(e.reason).toContain(`refresh() returned a string of ${second.length + 1} characters containing whitespace or ';', not a token without spaces, line breaks or ';'`);
      expect(e.hint).toMatch(/^The token was probably copied with surrounding text or a trailing newline; trim it\. Get a new/);
      expect(findSecrets(e, [first, second])).toEqual([]);
    });

    it("takes a synchronous refresh (its type allows a string as well as a Promise)", async () => {
      const first = await mintToken();
      demo.emulator.advanceClock(IDLE + 1);
      const second = await mintToken();
      // Type-checked by `npm run typecheck`: a refresh returning a string did not compile (TS2322).
      const refresh: () => string = () => second;
      const options: SessionAuthOptions = { sessionToken: first, refresh };
      const sg = client(sessionAuth(options));
      const read = await sg.call<{ entities: unknown[] }>("read", READ_SHOTS);
      expect(read.entities.length).toBeGreaterThan(0);
      const credentials = await sg.credentials();
      expect(credentials.kind === "session" && credentials.sessionToken).toBe(second);
    });
  });
});
