import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgHttpError, SgIdentitySiteError, SgSsoSiteError, SgTwoFactorRequiredError, SgValidationError, createClient } from "@sg/core";
import type { Client, Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { LegacyErrorCode, legacyLoginAuth } from "./index.js";
import type { LegacyLoginOptions } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";
import { expectBadPassword, expectPatMissing, expectPatRefused, expectPatRevoked } from "./test-support/explained-errors.js";

const PLANTED_PASSWORD = "planted-passphrase-91d4c0ffee";
const PLANTED_CODE = "864209";

/** A fresh one-time code (good for one accepted login within 30 s of emulator clock). */
function codeOf(emulator: Emulator, login: string): string {
  return emulator.issueTwoFactorCode(login);
}

describe("legacyLoginAuth options", () => {
  it("keeps the password and code out of inspect, JSON and toString", () => {
    const auth = legacyLoginAuth({ login: "coord", password: PLANTED_PASSWORD, authToken: PLANTED_CODE });
    expect(findSecrets(auth, [PLANTED_PASSWORD, PLANTED_CODE])).toEqual([]);
    expect(inspect(auth)).toContain("coord");
  });

  it.each([
    [{ password: PLANTED_PASSWORD }, /login: expected the ShotGrid login/],
    [{ login: "coord" }, /password: expected the password or legacy passphrase.*Account Settings/s],
    [{ login: "coord", password: `${PLANTED_PASSWORD}\n` }, /trailing line break/],
    [{ login: "coord", passphrase: PLANTED_PASSWORD }, /passphrase: expected no such option.*Did you mean 'password'/s],
    [{ login: "coord", password: PLANTED_PASSWORD, authToken: " \t " }, /authToken: expected the current two-factor code as a non-empty string \(spaces are removed\)/],
    [{ login: "coord", password: PLANTED_PASSWORD, authToken: "" }, /authToken: expected the current two-factor code as a non-empty string/],
    [{ login: "coord", password: PLANTED_PASSWORD, twoFactor: PLANTED_CODE }, /twoFactor: expected a function/],
    [{ login: "coord", password: PLANTED_PASSWORD, twoFactor: Number(PLANTED_CODE) }, /twoFactor: expected a function/],
    [{ login: "coord", password: PLANTED_PASSWORD, authToken: Number(PLANTED_CODE) }, /authToken: expected the current two-factor code as a non-empty string/],
    [{ login: "coord", password: Number(PLANTED_CODE) }, /password: expected the password or legacy passphrase/],
    [{ login: "coord", password: PLANTED_PASSWORD, keepSession: "yes" }, /keepSession: expected a boolean/],
    [{ login: "coord", password: PLANTED_PASSWORD, pwd: PLANTED_PASSWORD }, /pwd: expected no such option.*Did you mean 'password'/s],
    [{ login: "coord", pat: PLANTED_PASSWORD }, /pat: expected no such option: an API client never sends the Personal Access Token.*Account Settings → Legacy Login and Personal Access Token.*password \(the legacy passphrase\)/s],
    [{ login: "coord", password: PLANTED_PASSWORD, PAT: PLANTED_PASSWORD }, /PAT: expected no such option: an API client never sends/],
    [{ login: "coord", personal_access_token: PLANTED_PASSWORD }, /personal_access_token: expected no such option: an API client never sends/],
    [{ login: "coord", password: PLANTED_PASSWORD, sudoAsLogin: "" }, /sudoAsLogin: expected a HumanUser login/],
    [{ login: "coord", password: PLANTED_PASSWORD, sudoAsLogin: " admin" }, /sudoAsLogin: expected a HumanUser login \(a non-empty string without surrounding spaces\)/],
    [{ login: "coord", password: PLANTED_PASSWORD, sudoAsLogin: 7 }, /sudoAsLogin: expected a HumanUser login/],
    [{ login: "coord", password: PLANTED_PASSWORD, sudo_as_login: "admin" }, /sudo_as_login: expected no such option.*Did you mean 'sudoAsLogin'/s],
  ])("refuses %# synchronously without echoing secrets", (options, pattern) => {
    let thrown: unknown;
    try {
      legacyLoginAuth(options as unknown as LegacyLoginOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as Error).message).toMatch(/^@sg\/auth-legacy-pat: /);
    expect((thrown as Error).message).toMatch(pattern);
    expect(findSecrets(thrown, [PLANTED_PASSWORD, PLANTED_CODE])).toEqual([]);
  });
});

describe("legacyLoginAuth on a default site", () => {
  let emulator: Emulator;
  const IDLE = 60;
  const clients: Client[] = [];
  const client = (options: LegacyLoginOptions, logger?: Logger): Client => {
    const c = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth(options), ...(logger ? { logger } : {}) });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    for (const c of clients) await c.close();
    await emulator.close();
  });

  it("exchanges the login for one session, shared by 50 concurrent first calls", async () => {
    const password = passwordOf(emulator, "coord");
    const logger = createCapturingLogger();
    const sg = client({ login: "coord", password }, logger);
    const results = await Promise.all(Array.from({ length: 50 }, () => sg.call<{ entities: unknown[] }>("read", READ_SHOTS)));
    expect(results.every((r) => r.entities.length > 0)).toBe(true);
    expect(count(emulator, "get_session_token")).toBe(1);
    const reads = emulator.requests().filter((r) => r.method_name === "read");
    expect(reads).toHaveLength(50);
    expect(reads.every((r) => r.auth === "session")).toBe(true);
    const credentials = await sg.credentials();
    expect(credentials).toMatchObject({ kind: "session", rejectIfExpired: true });
    const token = credentials.kind === "session" ? credentials.sessionToken : "";
    expect(logger.text().join("\n")).not.toContain(password);
    expect(logger.text().join("\n")).not.toContain(token);
    expect(findSecrets(sg.auth, [password, token])).toEqual([]);
  });

  it("logs in again exactly once when the session expires under 50 concurrent calls", async () => {
    const sg = client({ login: "coord", password: passwordOf(emulator, "coord") });
    await sg.call("read", READ_SHOTS);
    emulator.advanceClock(IDLE + 1);
    const results = await Promise.all(Array.from({ length: 50 }, () => sg.call<{ entities: unknown[] }>("read", READ_SHOTS)));
    expect(results.every((r) => r.entities.length > 0)).toBe(true);
    expect(count(emulator, "get_session_token")).toBe(2);
  });

  it("says the password is wrong without echoing it", async () => {
    const logger = createCapturingLogger();
    const error = await rejectionOf(client({ login: "coord", password: PLANTED_PASSWORD }, logger).call("read", READ_SHOTS));
    expectBadPassword(error, "coord", [PLANTED_PASSWORD]);
    expect(logger.text().join("\n")).not.toContain(PLANTED_PASSWORD);
    expect(count(emulator, "get_session_token")).toBe(1);
    expect(count(emulator, "read")).toBe(0);
  });

  it("on a site still moving to Identity, points to a deleted PAT rather than asking for one", async () => {
    const error = await rejectionOf(client({ login: "coord", password: PLANTED_PASSWORD }).call("read", READ_SHOTS));
    expectBadPassword(error, "coord", [PLANTED_PASSWORD]);
    const hint = (error as SgAuthError).hint ?? "";
    // auth-landscape §4.2: until the move is done a PAT is not required, but one that is bound is used.
    expect(hint).not.toMatch(/may be required/);
    expect(hint).toContain("not required until the move is done");
    expect(hint).toContain("deleted from the Autodesk profile");
  });

  it("asks twoFactor() exactly once for 50 concurrent first calls", async () => {
    let asked = 0;
    const code = codeOf(emulator, "artist");
    const sg = client({
      login: "artist",
      password: passwordOf(emulator, "artist"),
      twoFactor: async () => {
        asked += 1;
        return code;
      },
    });
    const results = await Promise.all(Array.from({ length: 50 }, () => sg.call<{ entities: unknown[] }>("read", READ_SHOTS)));
    expect(results).toHaveLength(50);
    expect(asked).toBe(1);
    expect(count(emulator, "get_session_token")).toBe(2);
  });

  it("reports a wrong two-factor code after asking once, without looping or echoing it", async () => {
    let asked = 0;
    const error = await rejectionOf(
      client({
        login: "artist",
        password: passwordOf(emulator, "artist"),
        twoFactor: async () => {
          asked += 1;
          return PLANTED_CODE;
        },
      }).call("read", READ_SHOTS),
    );
    expect(asked).toBe(1);
    expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
    const e = error as SgTwoFactorRequiredError;
    expect(e.code).toBe(LegacyErrorCode.TWO_FACTOR_INVALID);
    expect(e.message).toContain("refused the two-factor code");
    expect(e.hint).toContain("current one");
    expect(findSecrets(e, [PLANTED_CODE, passwordOf(emulator, "artist")])).toEqual([]);
    expect(count(emulator, "get_session_token")).toBe(2);
  });

  it("reports a twoFactor() that gives an empty code as SG_LEGACY_2FA_EMPTY, asks again at the next call, never echoes it", async () => {
    for (const answer of ["", " \n ", undefined, Number(PLANTED_CODE)]) {
      let asked = 0;
      const sg = client({
        login: "artist",
        password: passwordOf(emulator, "artist"),
        twoFactor: async () => {
          asked += 1;
          return answer as unknown as string;
        },
      });
      const error = await rejectionOf(sg.call("read", READ_SHOTS));
      expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
      expect((error as SgAuthError).code).toBe(LegacyErrorCode.TWO_FACTOR_EMPTY);
      expect((error as Error).message).toContain("twoFactor() gave an empty two-factor code for 'artist'");
      if (typeof answer === "number") expect((error as Error).message).toMatch(/'artist' \(a number \(/);
      expect((error as SgAuthError).hint).toContain("ask again, or throw to stop the login");
      expect(findSecrets(error, [PLANTED_CODE])).toEqual([]);
      // Not remembered: the person may type the code this time.
      await rejectionOf(sg.call("read", READ_SHOTS));
      expect(asked).toBe(2);
    }
  });

  it("says how to supply a code when 2FA is required and there is no way to get one", async () => {
    const error = await rejectionOf(client({ login: "artist", password: passwordOf(emulator, "artist") }).call("read", READ_SHOTS));
    expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
    expect((error as SgAuthError).code).toBe(LegacyErrorCode.TWO_FACTOR_REQUIRED);
    expect((error as SgAuthError).hint).toContain("twoFactor:");
    expect((error as SgAuthError).hint).toContain("authToken");
  });

  it("uses authToken once: a re-login after expiry needs twoFactor, and says so", async () => {
    const code = codeOf(emulator, "artist");
    const sg = client({ login: "artist", password: passwordOf(emulator, "artist"), authToken: code });
    await sg.call("read", READ_SHOTS);
    expect(count(emulator, "get_session_token")).toBe(1);
    emulator.advanceClock(IDLE + 1);
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((error as SgAuthError).code).toBe(LegacyErrorCode.TWO_FACTOR_REQUIRED);
    expect((error as SgAuthError).hint).toContain("already used");
    expect(findSecrets(error, [code])).toEqual([]);
  });

  it("takes an authToken spaced as authenticator apps show it (\"123 456\"), as twoFactor()'s answer is", async () => {
    const code = codeOf(emulator, "artist");
    const spaced = ` ${code.slice(0, 3)} ${code.slice(3)} `;
    const logger = createCapturingLogger();
    const sg = client({ login: "artist", password: passwordOf(emulator, "artist"), authToken: spaced }, logger);
    await sg.call("read", READ_SHOTS);
    expect(count(emulator, "get_session_token")).toBe(1);
    expect(emulator.requests().filter((r) => r.errorCode !== null)).toEqual([]);
    expect(findSecrets(sg.auth, [code, spaced])).toEqual([]);
    expect(logger.text().join("\n")).not.toContain(code);
  });

  it("sends a one-time code once: a 502 on the login is not retried with the same code", async () => {
    const code = codeOf(emulator, "artist");
    let asked = 0;
    const sg = client({ login: "artist", password: passwordOf(emulator, "artist"), authToken: code, twoFactor: async () => (asked++, code) });
    emulator.injectFault({ method: "get_session_token", status: 502, html: true });
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(error).toBeInstanceOf(SgHttpError);
    expect(count(emulator, "get_session_token")).toBe(1);
    expect(findSecrets(error, [code])).toEqual([]);
    // The spent code is not sent again: the next login asks twoFactor() for a fresh one.
    await sg.call("read", READ_SHOTS);
    expect(asked).toBe(1);
    expect(count(emulator, "get_session_token")).toBe(3);
  });

  it("with keepSession: false sends the login with each call and no get_session_token", async () => {
    const sg = client({ login: "coord", password: passwordOf(emulator, "coord"), keepSession: false });
    await Promise.all([sg.call("read", READ_SHOTS), sg.call("read", READ_SHOTS)]);
    expect(count(emulator, "get_session_token")).toBe(0);
    expect(emulator.requests().filter((r) => r.method_name === "read").every((r) => r.auth === "user")).toBe(true);
    const error = await rejectionOf(client({ login: "coord", password: PLANTED_PASSWORD, keepSession: false }).call("read", READ_SHOTS));
    expect((error as SgAuthError).code).toBe(LegacyErrorCode.BAD_PASSWORD);
    expect(findSecrets(error, [PLANTED_PASSWORD])).toEqual([]);
  });

  it("with keepSession: false switches to a session when the site wants a 2FA code", async () => {
    let asked = 0;
    const code = codeOf(emulator, "artist");
    const sg = client({
      login: "artist",
      password: passwordOf(emulator, "artist"),
      keepSession: false,
      twoFactor: async () => {
        asked += 1;
        return code;
      },
    });
    await Promise.all(Array.from({ length: 10 }, () => sg.call("read", READ_SHOTS)));
    await sg.call("read", READ_SHOTS);
    expect(asked).toBe(1);
    expect(count(emulator, "get_session_token")).toBe(1);
  });

  it("calls a locked account locked, with the site's words, says to stop retrying, and sends no more logins", async () => {
    const said = "Can't authenticate user 'coord'. This account has been locked after too many failed login attempts.";
    // The password in the site's text too: the site's words are shown, so they are scrubbed.
    emulator.injectFault({ method: "get_session_token", errorCode: 102, message: `${said} Last attempt: ${PLANTED_PASSWORD}` });
    const sg = client({ login: "coord", password: PLANTED_PASSWORD });
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(error).toBeInstanceOf(SgAuthError);
    const e = error as SgAuthError;
    expect(e.code).toBe(LegacyErrorCode.ACCOUNT_LOCKED);
    expect(e.reason).toBe(`@sg/auth-legacy-pat: the site refused the login 'coord': the account is locked (the site says: ${said} Last attempt: [REDACTED])`);
    expect(e.hint).toBe(
      "Stop retrying (each attempt can prolong the lock): wait until it ends or ask a site admin to unlock the account, and check the password before the next try.",
    );
    expect(findSecrets(e, [PLANTED_PASSWORD])).toEqual([]);
    const again = await rejectionOf(sg.call("read", READ_SHOTS));
    expect((again as SgAuthError).code).toBe(LegacyErrorCode.ACCOUNT_LOCKED);
    expect((again as SgAuthError).reason).toContain("no new login sent, to avoid a lockout");
    expect(count(emulator, "get_session_token")).toBe(1);
  });

  it("after a stale authToken and no twoFactor, says to build a new strategy with a fresh code or pass twoFactor", async () => {
    const code = codeOf(emulator, "artist");
    emulator.advanceClock(31); // the code is older than its 30 s
    const sg = client({ login: "artist", password: passwordOf(emulator, "artist"), authToken: code });
    const first = (await rejectionOf(sg.call("read", READ_SHOTS))) as SgTwoFactorRequiredError;
    expect(first.code).toBe(LegacyErrorCode.TWO_FACTOR_INVALID);
    expect(first.hint).toContain(
      "The code was the authToken option (one login only), so calling again cannot help: build a new legacyLoginAuth() with a fresh one, or pass twoFactor so it can ask for one.",
    );
    expect(first.hint).not.toContain("make the call again");
    const second = (await rejectionOf(sg.call("read", READ_SHOTS))) as SgTwoFactorRequiredError;
    expect(second.code).toBe(LegacyErrorCode.TWO_FACTOR_REQUIRED);
    expect(second.hint).toContain(
      "The authToken option was already used for an earlier login (codes are one-time): build a new legacyLoginAuth() with a fresh one, or pass twoFactor so it can ask for one.",
    );
    expect(findSecrets([first, second], [code])).toEqual([]);
  });

  it("takes a synchronous twoFactor (its type allows a string as well as a Promise)", async () => {
    // Type-checked by `npm run typecheck`: a twoFactor returning a string did not compile (TS2322).
    const twoFactor: () => string = () => codeOf(emulator, "artist");
    const options: LegacyLoginOptions = { login: "artist", password: passwordOf(emulator, "artist"), twoFactor };
    const read = await client(options).call<{ entities: unknown[] }>("read", READ_SHOTS);
    expect(read.entities.length).toBeGreaterThan(0);
  });

  it("names @sg/auth-script when the password is shaped like a script key, and only then", async () => {
    const [script] = emulator.card.scripts;
    const error = await rejectionOf(client({ login: script!.name, password: script!.key }).call("read", READ_SHOTS));
    expectBadPassword(error, script!.name, [script!.key]);
    expect((error as SgAuthError).hint).toMatch(/ If the password is a script's application key, use scriptAuth from @sg\/auth-script\.$/);
    const person = await rejectionOf(client({ login: "coord", password: PLANTED_PASSWORD }).call("read", READ_SHOTS));
    expect((person as SgAuthError).hint).not.toContain("@sg/auth-script");
  });
});

describe("legacyLoginAuth on an Autodesk Identity site", () => {
  let emulator: Emulator;
  const clients: Client[] = [];
  const client = (options: LegacyLoginOptions, logger?: Logger): Client => {
    const c = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth(options), ...(logger ? { logger } : {}) });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "identity", fixtures: "demo" });
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    for (const c of clients) await c.close();
    await emulator.close();
  });

  it("logs in an admin with a valid PAT, who may then activate a HumanUser", async () => {
    const sg = client({ login: "admin", password: passwordOf(emulator, "admin") });
    const found = await sg.call<{ entities: { id: number }[] }>("read", {
      ...READ_SHOTS,
      type: "HumanUser",
      filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: ["inactive"] }] },
      return_fields: ["id"],
    });
    const id = found.entities[0]!.id;
    const updated = await sg.call<{ sg_status_list: string }>("update", { type: "HumanUser", id, fields: [{ field_name: "sg_status_list", value: "act" }] });
    expect(updated.sg_status_list).toBe("act");
  });

  it("explains a refusal for lack of a PAT with the exact steps", async () => {
    const password = passwordOf(emulator, "nopat");
    const error = await rejectionOf(client({ login: "nopat", password }).call("read", READ_SHOTS));
    expectPatRefused(error);
    expectPatMissing(error);
    expect(findSecrets(error, [password])).toEqual([]);
  });

  it.each([
    ["a missing PAT", "Can't authenticate user 'coord': no Personal Access Token is bound to this legacy login.", "there is none"],
    ["an invalid PAT", "Can't authenticate user 'coord': invalid Personal Access Token.", "the site says the one bound is no longer valid (revoked, deleted or expired)"],
    ["an expired PAT", "Can't authenticate user 'coord': the PAT has expired.", "the site says the one bound is no longer valid (revoked, deleted or expired)"],
    ["a PAT and nothing more", "Can't authenticate user 'coord': Personal Access Token check failed.", "the site found no valid one"],
  ])("says what the site said about the PAT: %s", async (_case, message, said) => {
    emulator.injectFault({ method: "get_session_token", errorCode: 102, message });
    const error = await rejectionOf(client({ login: "coord", password: passwordOf(emulator, "coord") }).call("read", READ_SHOTS));
    expectPatRefused(error);
    const { reason } = error as SgAuthError;
    expect(reason.slice(reason.indexOf("Personal Access Token bound to it, and "))).toBe(`Personal Access Token bound to it, and ${said}`);
  });

  it("explains a wrong passphrase on an Identity site as PAT-or-passphrase, without echoing it", async () => {
    const error = await rejectionOf(client({ login: "coord", password: PLANTED_PASSWORD }).call("read", READ_SHOTS));
    expectPatRefused(error);
    expect((error as Error).message).toContain("or the login or passphrase is wrong");
    // coord has a valid PAT: the hint starts with what the person can check, then the binding steps.
    expect((error as SgAuthError).hint).toMatch(
      /^Check the login and passphrase \(it is not repeated here\), and that the account is active; if they are right, no valid PAT is bound\. Bind a Personal Access Token/,
    );
    expect((error as SgAuthError).hint).not.toContain("@sg/auth-script");
    expect(findSecrets(error, [PLANTED_PASSWORD])).toEqual([]);
  });

  it("names @sg/auth-script when a script's name and key are sent as a legacy login", async () => {
    const [script] = emulator.card.scripts;
    const error = await rejectionOf(client({ login: script!.name, password: script!.key }).call("read", READ_SHOTS));
    expectPatRefused(error);
    expect((error as SgAuthError).hint).toMatch(/^Check the login and passphrase.* If the password is a script's application key, use scriptAuth from @sg\/auth-script\.$/s);
    expect(findSecrets(error, [script!.key])).toEqual([]);
  });

  it("does not blame the PAT alone for a mistyped login or an inactive account", async () => {
    for (const [login, password] of [["coordd", passwordOf(emulator, "coord")], ["inactive", passwordOf(emulator, "inactive")]] as const) {
      const error = await rejectionOf(client({ login, password }).call("read", READ_SHOTS));
      expectPatRefused(error);
      expect((error as Error).message).toContain(`'${login}'`);
      expect((error as Error).message).toContain("or the login or passphrase is wrong, or the account is inactive");
      expect(findSecrets(error, [password])).toEqual([]);
    }
  });

  it("says to set a passphrase when the account has none (fault 110)", async () => {
    const error = await rejectionOf(client({ login: "nopass", password: PLANTED_PASSWORD }).call("read", READ_SHOTS));
    expect(error).toBeInstanceOf(SgIdentitySiteError);
    const e = error as SgIdentitySiteError;
    expect(e.code).toBe(LegacyErrorCode.NO_PASSPHRASE);
    expect(e.message).toContain("no legacy passphrase");
    expect(e.hint).toContain("set a passphrase under Account Settings → Legacy Login and Personal Access Token");
    expect(e.hint).toContain("browserLogin");
    expect(findSecrets(e, [PLANTED_PASSWORD])).toEqual([]);
  });

  it("accepts a revoked PAT within the hour, then refuses it after advanceClock(3601)", async () => {
    const password = passwordOf(emulator, "coord");
    const first = client({ login: "coord", password });
    await first.call("read", READ_SHOTS);
    emulator.setPat("coord", "revoked");
    try {
      const second = client({ login: "coord", password });
      await second.call("read", READ_SHOTS);
      emulator.advanceClock(3601);
      const error = await rejectionOf(first.call("read", READ_SHOTS));
      expectPatRefused(error);
      expectPatRevoked(error);
      expect(findSecrets(error, [password])).toEqual([]);
      const fresh = await rejectionOf(client({ login: "coord", password }).call("read", READ_SHOTS));
      expectPatRefused(fresh);
    } finally {
      emulator.setPat("coord", "valid");
    }
  });

  it("refuses a PAT revoked before it was ever exchanged", async () => {
    const error = await rejectionOf(client({ login: "revoked", password: passwordOf(emulator, "revoked") }).call("read", READ_SHOTS));
    expectPatRefused(error);
    expectPatRevoked(error);
  });
});

describe("legacyLoginAuth on an SSO site", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "sso", fixtures: "demo" });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("points to @sg/auth-session", async () => {
    const password = passwordOf(emulator, "coord");
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password }) });
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    expect(error).toBeInstanceOf(SgSsoSiteError);
    const e = error as SgSsoSiteError;
    expect(e.code).toBe(LegacyErrorCode.SSO_SITE);
    expect(e.hint).toContain("@sg/auth-session");
    expect(e.hint).toContain("browserLogin");
    expect(e.hint).toContain("_session_id");
    expect(findSecrets(e, [password])).toEqual([]);
    await sg.close();
  });
});
