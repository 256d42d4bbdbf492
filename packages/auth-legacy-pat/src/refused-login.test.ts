import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgHttpError, SgIdentitySiteError, SgNetworkError, SgSsoSiteError, SgTwoFactorRequiredError, SgValidationError, createClient } from "@sg/core";
import type { Client, Clock, Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { LegacyErrorCode, legacyLoginAuth } from "./index.js";
import type { LegacyLoginOptions } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

const logins = (emulator: Emulator): number => count(emulator, "get_session_token");

const PLANTED_PASSWORD = "planted-passphrase-5be7c0ffee";
const PLANTED_CODE = "975310";
const START = Date.UTC(2030, 0, 2, 3, 4, 5);

/** A clock the test moves by hand; sleeps (retry backoff) end at once. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = START;
  return { now: () => now, sleep: async () => {}, advance: (ms) => void (now += ms) };
}

/** One emulator per site kind; each test gets a fresh log, a fresh clock and fresh clients. */
function useSite(authMode: "default" | "identity" | "sso") {
  const env = {} as { emulator: Emulator; clock: ReturnType<typeof manualClock>; client(options: LegacyLoginOptions, extra?: { logger?: Logger; retry?: false }): Client };
  const clients: Client[] = [];
  beforeAll(async () => {
    env.emulator = await startEmulator({ authMode, fixtures: "demo", sessionIdleSeconds: 60 });
  });
  beforeEach(() => {
    env.emulator.reset();
    env.clock = manualClock();
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await env.emulator.close();
  });
  env.client = (options, extra = {}) => {
    const c = createClient({
      site: env.emulator.url,
      transport: jsonRpcTransport(extra.retry === false ? { retry: false } : {}),
      auth: legacyLoginAuth(options),
      clock: env.clock,
      ...(extra.logger ? { logger: extra.logger } : {}),
    });
    clients.push(c);
    return c;
  };
  return env;
}

/** The checks every remembered refusal passes: same class and code as the first, says so, sent nothing. */
function expectRemembered(error: unknown, first: unknown, secrets: string[]): void {
  expect(error).toBeInstanceOf((first as Error).constructor);
  const e = error as SgAuthError;
  expect(e.code).toBe((first as SgAuthError).code);
  expect(e.reason).toContain((first as SgAuthError).reason);
  expect(e.message).toContain(`refused at ${new Date(START).toISOString()}; no new login sent`);
  expect(e.attempts).toEqual([]);
  expect(e.cause).toBe(first);
  expect(findSecrets(e, secrets)).toEqual([]);
}

describe("retryRefusedLoginAfterMs option", () => {
  it.each([-1, 1.5, Number.NaN, -Infinity, "60000", null, true])("refuses %s before anything is sent, naming the option", (value) => {
    let thrown: unknown;
    try {
      legacyLoginAuth({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: value as number });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as SgValidationError).path).toEqual(["retryRefusedLoginAfterMs"]);
    expect((thrown as Error).message).toMatch(/^@sg\/auth-legacy-pat: retryRefusedLoginAfterMs: expected whole milliseconds >= 0 \(0 = off\), or Infinity, got /);
    expect(findSecrets(thrown, [PLANTED_PASSWORD])).toEqual([]);
  });

  it.each([0, 1, 60_000, Infinity])("accepts %s", (value) => {
    expect(legacyLoginAuth({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: value }).name).toBe("@sg/auth-legacy-pat");
  });
});

describe("a refused login is remembered (default site)", () => {
  const site = useSite("default");

  it("sends one get_session_token for 40 calls after a wrong password, and says the later refusals sent nothing", async () => {
    const logger = createCapturingLogger();
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD }, { logger });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((first as SgAuthError).code).toBe(LegacyErrorCode.BAD_PASSWORD);
    site.clock.advance(59_999);
    const later = [];
    for (let i = 0; i < 20; i++) later.push(await rejectionOf(sg.call("read", READ_SHOTS)));
    later.push(...(await Promise.all(Array.from({ length: 19 }, () => rejectionOf(sg.call("read", READ_SHOTS))))));
    later.push(await rejectionOf(sg.credentials()));
    expect(logins(site.emulator)).toBe(1);
    expect(count(site.emulator, "read")).toBe(0);
    for (const error of later) expectRemembered(error, first, [PLANTED_PASSWORD]);
    const e = later[0] as SgAuthError;
    expect(e.message).toContain("login or password is wrong");
    expect(e.message).toContain(`next attempt from ${new Date(START + 60_000).toISOString()}`);
    expect(e.hint).toContain("Check the login");
    expect(e.hint).toContain("a new legacyLoginAuth() tries at once");
    expect(logger.text().join("\n")).toContain("no login for 60000 ms");
    expect(logger.text().join("\n")).not.toContain(PLANTED_PASSWORD);
  });

  it("lets one new attempt out after the cool-down, shared by concurrent calls, and remembers a new refusal from then", async () => {
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: 5_000 });
    await rejectionOf(sg.call("read", READ_SHOTS));
    site.clock.advance(4_999);
    await rejectionOf(sg.call("read", READ_SHOTS));
    expect(logins(site.emulator)).toBe(1);
    site.clock.advance(1);
    const errors = await Promise.all(Array.from({ length: 20 }, () => rejectionOf(sg.call("read", READ_SHOTS))));
    expect(logins(site.emulator)).toBe(2);
    expect(errors.every((e) => (e as SgAuthError).code === LegacyErrorCode.BAD_PASSWORD && !(e as Error).message.includes("refused at"))).toBe(true);
    const again = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((again as Error).message).toContain(`refused at ${new Date(START + 5_000).toISOString()}`);
    expect(logins(site.emulator)).toBe(2);
  });

  it("ends the cool-down, rather than stretching it, when the clock is set back before the refusal", async () => {
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD });
    await rejectionOf(sg.call("read", READ_SHOTS));
    site.clock.advance(-1);
    expect(((await rejectionOf(sg.call("read", READ_SHOTS))) as Error).message).not.toContain("refused at");
    expect(logins(site.emulator)).toBe(2);
  });

  it("logs in once the account is fixed on the site, after the cool-down", async () => {
    const sg = site.client({ login: "inactive", password: passwordOf(site.emulator, "inactive"), retryRefusedLoginAfterMs: 1_000 });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((first as SgAuthError).code).toBe(LegacyErrorCode.BAD_PASSWORD);
    expectRemembered(await rejectionOf(sg.call("read", READ_SHOTS)), first, []);
    const admin = site.client({ login: "admin", password: passwordOf(site.emulator, "admin") });
    const user = await admin.call<{ entities: { id: number }[] }>("read", {
      ...READ_SHOTS,
      type: "HumanUser",
      filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: ["inactive"] }] },
      return_fields: ["id"],
    });
    await admin.call("update", { type: "HumanUser", id: user.entities[0]!.id, fields: [{ field_name: "sg_status_list", value: "act" }] });
    site.clock.advance(1_000);
    await expect(sg.call("read", READ_SHOTS)).resolves.toBeDefined();
  });

  it("remembers an unknown login too", async () => {
    const sg = site.client({ login: "nobody-here", password: PLANTED_PASSWORD });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expectRemembered(await rejectionOf(sg.call("read", READ_SHOTS)), first, [PLANTED_PASSWORD]);
    expect(logins(site.emulator)).toBe(1);
  });

  it("with 0 tries every call again, as before", async () => {
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: 0 });
    for (let i = 0; i < 3; i++) expect(((await rejectionOf(sg.call("read", READ_SHOTS))) as Error).message).not.toContain("refused at");
    expect(logins(site.emulator)).toBe(3);
  });

  it("with Infinity never tries again, and says so", async () => {
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: Infinity });
    await rejectionOf(sg.call("read", READ_SHOTS));
    site.clock.advance(365 * 24 * 3600 * 1000);
    expect(((await rejectionOf(sg.call("read", READ_SHOTS))) as Error).message).toContain("no new login sent, to avoid a lockout; none will be)");
    // Never means never: a clock set back before the refusal does not end it either.
    site.clock.advance(-2 * 365 * 24 * 3600 * 1000);
    expect(((await rejectionOf(sg.call("read", READ_SHOTS))) as Error).message).toContain("none will be)");
    expect(logins(site.emulator)).toBe(1);
  });

  it("repeats the refusal, not a RangeError, when the next attempt is beyond what a Date can hold", async () => {
    // Number.MAX_SAFE_INTEGER is a valid cool-down ("never", written as a number); START + it is no Date.
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: Number.MAX_SAFE_INTEGER });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    site.clock.advance(24 * 3600 * 1000);
    const again = await rejectionOf(sg.call("read", READ_SHOTS));
    expectRemembered(again, first, [PLANTED_PASSWORD]);
    expect((again as Error).message).toContain("no new login sent, to avoid a lockout; none will be)");
    expect(logins(site.emulator)).toBe(1);
  });

  it("does not remember 503s or dropped connections: the next call logs in at once", async () => {
    const password = passwordOf(site.emulator, "coord");
    const sg = site.client({ login: "coord", password, retryRefusedLoginAfterMs: 3_600_000 }, { retry: false });
    site.emulator.injectFault({ method: "get_session_token", status: 503, retryAfter: 30 });
    expect(await rejectionOf(sg.call("read", READ_SHOTS))).toBeInstanceOf(SgHttpError);
    site.emulator.injectFault({ method: "get_session_token", status: 502, html: true });
    expect(await rejectionOf(sg.call("read", READ_SHOTS))).toBeInstanceOf(SgHttpError);
    site.emulator.injectFault({ method: "get_session_token", dropConnection: true });
    expect(await rejectionOf(sg.call("read", READ_SHOTS))).toBeInstanceOf(SgNetworkError);
    expect(logins(site.emulator)).toBe(3);
    await expect(sg.call("read", READ_SHOTS)).resolves.toBeDefined();
    expect(logins(site.emulator)).toBe(4);
  });

  it("does not let a transient failure after the cool-down re-arm the refusal", async () => {
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD, retryRefusedLoginAfterMs: 1_000 }, { retry: false });
    await rejectionOf(sg.call("read", READ_SHOTS));
    site.clock.advance(1_000);
    site.emulator.injectFault({ method: "get_session_token", status: 503 });
    expect(await rejectionOf(sg.call("read", READ_SHOTS))).toBeInstanceOf(SgHttpError);
    const next = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((next as SgAuthError).code).toBe(LegacyErrorCode.BAD_PASSWORD);
    expect((next as Error).message).not.toContain("refused at");
    expect(logins(site.emulator)).toBe(3);
  });

  it("remembers 2FA required with no way to get a code, but not a wrong code (twoFactor() gives a fresh one each login)", async () => {
    const password = passwordOf(site.emulator, "artist");
    const noSource = site.client({ login: "artist", password });
    const first = await rejectionOf(noSource.call("read", READ_SHOTS));
    expect((first as SgAuthError).code).toBe(LegacyErrorCode.TWO_FACTOR_REQUIRED);
    expectRemembered(await rejectionOf(noSource.call("read", READ_SHOTS)), first, [password]);
    expect(logins(site.emulator)).toBe(1);

    let asked = 0;
    const wrongCode = site.client({ login: "artist", password, retryRefusedLoginAfterMs: 60_000, twoFactor: async () => (asked++, PLANTED_CODE) });
    for (let i = 0; i < 2; i++) {
      const error = await rejectionOf(wrongCode.call("read", READ_SHOTS));
      expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
      expect((error as SgAuthError).code).toBe(LegacyErrorCode.TWO_FACTOR_INVALID);
    }
    expect(asked).toBe(2);
    expect(logins(site.emulator)).toBe(1 + 4);
  });

  it("with keepSession: false sends the wrong password once, not with every later call", async () => {
    const sg = site.client({ login: "coord", password: PLANTED_PASSWORD, keepSession: false });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((first as SgAuthError).code).toBe(LegacyErrorCode.BAD_PASSWORD);
    for (let i = 0; i < 5; i++) expectRemembered(await rejectionOf(sg.call("read", READ_SHOTS)), first, [PLANTED_PASSWORD]);
    expect(count(site.emulator, "read")).toBe(1);
    expect(logins(site.emulator)).toBe(0);
  });
});

describe("a refused login is remembered (Autodesk Identity and SSO sites)", () => {
  const identity = useSite("identity");

  it.each([
    ["nopat", SgAuthError, LegacyErrorCode.PAT_REFUSED],
    ["nopass", SgIdentitySiteError, LegacyErrorCode.NO_PASSPHRASE],
  ])("remembers the refusal of '%s'", async (login, type, code) => {
    const password = login === "nopass" ? PLANTED_PASSWORD : passwordOf(identity.emulator, login);
    const sg = identity.client({ login, password });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(first).toBeInstanceOf(type);
    expect((first as SgAuthError).code).toBe(code);
    for (let i = 0; i < 5; i++) expectRemembered(await rejectionOf(sg.call("read", READ_SHOTS)), first, [password]);
    expect(logins(identity.emulator)).toBe(1);
  });

  it("remembers a re-login refused after the session expired (PAT revoked an hour ago)", async () => {
    const password = passwordOf(identity.emulator, "coord");
    const sg = identity.client({ login: "coord", password });
    await sg.call("read", READ_SHOTS);
    identity.emulator.setPat("coord", "revoked");
    try {
      identity.emulator.advanceClock(3601);
      const first = await rejectionOf(sg.call("read", READ_SHOTS));
      expect((first as SgAuthError).code).toBe(LegacyErrorCode.PAT_REFUSED);
      expect(logins(identity.emulator)).toBe(2);
      for (let i = 0; i < 5; i++) expectRemembered(await rejectionOf(sg.call("read", READ_SHOTS)), first, [password]);
      expect(logins(identity.emulator)).toBe(2);
      expect(count(identity.emulator, "read")).toBe(2);
    } finally {
      identity.emulator.setPat("coord", "valid");
    }
  });

  const sso = useSite("sso");

  it("remembers that an SSO site takes no password", async () => {
    const password = passwordOf(sso.emulator, "coord");
    const sg = sso.client({ login: "coord", password });
    const first = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(first).toBeInstanceOf(SgSsoSiteError);
    expectRemembered(await rejectionOf(sg.call("read", READ_SHOTS)), first, [password]);
    expect(logins(sso.emulator)).toBe(1);
  });
});
