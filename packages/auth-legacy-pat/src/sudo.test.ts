import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgFault, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { LegacyErrorCode, explainSudoFault, legacyLoginAuth, withSudoHints } from "./index.js";
import type { LegacyLoginOptions } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

const PLANTED_PASSWORD = "planted-passphrase-5ud0c0ffee";

describe("legacyLoginAuth sudoAsLogin option", () => {
  it("is accepted, and shown by inspect and toJSON (never the password)", () => {
    const auth = legacyLoginAuth({ login: "admin", password: PLANTED_PASSWORD, sudoAsLogin: "coord" });
    expect(inspect(auth)).toContain("sudoAsLogin: 'coord'");
    expect(JSON.stringify(auth)).toContain('"sudoAsLogin":"coord"');
    expect(findSecrets(auth, [PLANTED_PASSWORD])).toEqual([]);
  });
});

/** The Shot create every sudo test makes, asking for `created_by`. */
const createShot = (sg: Client, emulator: Emulator, code: string): Promise<{ created_by?: { type: string; id: number } }> =>
  sg.call("create", {
    type: "Shot",
    fields: [
      { field_name: "code", value: code },
      { field_name: "project", value: { type: "Project", id: emulator.card.projects[0]!.id } },
    ],
    return_fields: ["created_by"],
  });

/** The id of the HumanUser with `login`, read with that user's own login. */
async function userId(emulator: Emulator, login: string): Promise<number> {
  const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "admin", password: passwordOf(emulator, "admin") }) });
  try {
    const found = await sg.call<{ entities: { id: number }[] }>("read", {
      ...READ_SHOTS,
      type: "HumanUser",
      filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: [login] }] },
      return_fields: ["id"],
    });
    return found.entities[0]!.id;
  } finally {
    await sg.close();
  }
}

/** `error` is the explained sudo refusal `code`: an `SgAuthError` whose reason and hint match, prefixed by the package. */
function expectSudoRefusal(error: unknown, code: string, reason: RegExp, hint: RegExp): SgAuthError {
  expect(error).toBeInstanceOf(SgAuthError);
  const e = error as SgAuthError;
  expect([e.code, e.reason, e.hint]).toEqual([code, expect.stringMatching(/^@sg\/auth-legacy-pat: /), expect.stringMatching(hint)]);
  expect(e.reason).toMatch(reason);
  return e;
}

/** The requests for `method` in the emulator's log, as (auth, sudo_as_login) pairs. */
const sent = (emulator: Emulator, method: string): { auth: string; sudoAsLogin: string | null }[] =>
  emulator
    .requests()
    .filter((r) => r.method_name === method)
    .map((r) => ({ auth: r.auth, sudoAsLogin: r.sudoAsLogin }));

describe.each(["default", "identity"] as const)("legacyLoginAuth with sudoAsLogin on a %s site", (authMode) => {
  let emulator: Emulator;
  let coordId: number;
  const IDLE = 60;
  const clients: Client[] = [];
  const client = (options: Partial<LegacyLoginOptions> & Pick<LegacyLoginOptions, "login">): Client => {
    const c = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ password: passwordOf(emulator, options.login), ...options }) });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode, fixtures: "demo", sessionIdleSeconds: IDLE });
    coordId = await userId(emulator, "coord");
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    for (const c of clients) await c.close();
    await emulator.close();
  });

  it("an admin acts as the target: created_by is the target, sudo_as_login goes with every call of the session", async () => {
    const sg = client({ login: "admin", sudoAsLogin: "coord" });
    const created = await createShot(sg, emulator, "sudo_010");
    expect(created.created_by).toMatchObject({ type: "HumanUser", id: coordId });
    await sg.call("read", READ_SHOTS);
    // The session is the admin's own: sudo goes with the calls that use it, not with the login.
    expect(sent(emulator, "get_session_token")).toEqual([{ auth: "user", sudoAsLogin: null }]);
    expect(sent(emulator, "create")).toEqual([{ auth: "session", sudoAsLogin: "coord" }]);
    expect(sent(emulator, "read")).toEqual([{ auth: "session", sudoAsLogin: "coord" }]);
    expect(await sg.credentials()).toMatchObject({ kind: "session", sudoAsLogin: "coord" });
  });

  it("keeps acting as the target after the session expired and the strategy logged in again", async () => {
    const sg = client({ login: "admin", sudoAsLogin: "coord" });
    await createShot(sg, emulator, "sudo_020");
    emulator.advanceClock(IDLE + 1);
    const again = await createShot(sg, emulator, "sudo_030");
    expect(again.created_by).toMatchObject({ type: "HumanUser", id: coordId });
    expect(count(emulator, "get_session_token")).toBe(2);
    expect(sent(emulator, "create")).toEqual(Array(3).fill({ auth: "session", sudoAsLogin: "coord" }));
  });

  it("with keepSession: false sends sudo_as_login with each login", async () => {
    const sg = client({ login: "admin", sudoAsLogin: "coord", keepSession: false });
    const created = await createShot(sg, emulator, "sudo_040");
    expect(created.created_by).toMatchObject({ type: "HumanUser", id: coordId });
    expect(sent(emulator, "create")).toEqual([{ auth: "user", sudoAsLogin: "coord" }]);
    expect(count(emulator, "get_session_token")).toBe(0);
  });

  it.each([
    ["private", LegacyErrorCode.SUDO_NOT_ALLOWED, /'admin' cannot act as 'private' \(sudoAsLogin\): that user does not allow being impersonated/, /Can impersonate this user/],
    ["inactive", LegacyErrorCode.SUDO_INACTIVE_USER, /'admin' cannot act as 'inactive' \(sudoAsLogin\): that HumanUser account is inactive/, /Activate .* under Admin → People/],
    ["nobody-here", LegacyErrorCode.SUDO_UNKNOWN_USER, /'admin' cannot act as 'nobody-here' \(sudoAsLogin\): no HumanUser has that login/, /login shown under Admin → People.*not the name/],
  ])("explains the refusal of the target '%s' from call(), without logging in again", async (target, code, message, hint) => {
    const sg = client({ login: "admin", sudoAsLogin: target });
    const e = expectSudoRefusal(await rejectionOf(sg.call("read", READ_SHOTS)), code, message, hint);
    expect(e.errorCode).toBe(102);
    // The session is fine: the refusal is the target's, so no new login goes out and the call is not re-sent.
    expect(count(emulator, "get_session_token")).toBe(1);
    expect(count(emulator, "read")).toBe(1);
    const token = (await sg.credentials()) as { sessionToken: string };
    expect(findSecrets(e, [passwordOf(emulator, "admin"), token.sessionToken])).toEqual([]);
  });

  it("explains the refusal of the target on the call re-sent after the session expired, with no login more", async () => {
    const sg = client({ login: "admin", sudoAsLogin: "inactive" });
    const hint = /Activate 'inactive' under Admin → People/;
    const reason = /'admin' cannot act as 'inactive' \(sudoAsLogin\): that HumanUser account is inactive$/;
    expectSudoRefusal(await rejectionOf(sg.call("read", READ_SHOTS)), LegacyErrorCode.SUDO_INACTIVE_USER, reason, hint);
    emulator.advanceClock(IDLE + 1);
    // Refused as expired, logged in again by onRejected, re-sent once, and the target refused: explained by explain(),
    // not thrown raw as "Check the credentials" (the password is fine).
    const e = expectSudoRefusal(await rejectionOf(sg.call("read", READ_SHOTS)), LegacyErrorCode.SUDO_INACTIVE_USER, reason, hint);
    expect(e.errorCode).toBe(102);
    expect(e.cause).toMatchObject({ serverMessage: expect.stringMatching(/^Cannot 'sudo' - inactive user account/) });
    expect(count(emulator, "get_session_token")).toBe(2);
    expect(sent(emulator, "read")).toEqual(Array(3).fill({ auth: "session", sudoAsLogin: "inactive" }));
    const token = (await sg.credentials()) as { sessionToken: string };
    expect(findSecrets(e, [passwordOf(emulator, "admin"), token.sessionToken])).toEqual([]);
  });

  it("a fault about writing can_impersonate_this_user is no sudo refusal: withSudoHints and explainSudoFault pass it through", async () => {
    const sg = withSudoHints(client({ login: "admin" }), { login: "admin" });
    const raw = await rejectionOf(sg.call("update", { type: "HumanUser", id: coordId, fields: [{ field_name: "can_impersonate_this_user", value: false }] }));
    expect(raw).toBeInstanceOf(SgFault);
    expect(raw).toMatchObject({ code: "SG_FAULT", errorCode: 104, serverMessage: expect.stringMatching(/can_impersonate_this_user is not writable through the API/) });
    expect(explainSudoFault(raw, { login: "admin", sudoAsLogin: "coord" })).toBe(raw);
  });

  it("with keepSession: false a refused target is not taken for a refused login, nor held back by the cool-down", async () => {
    const sg = client({ login: "admin", sudoAsLogin: "private", keepSession: false });
    for (let i = 0; i < 2; i++) {
      const error = await rejectionOf(sg.call("read", READ_SHOTS));
      expect((error as SgAuthError).code).toBe(LegacyErrorCode.SUDO_NOT_ALLOWED);
    }
    expect(count(emulator, "read")).toBe(2);
  });

  it("a login whose role may not sudo gets the permission fault from call(); withSudoHints and explainSudoFault explain it", async () => {
    const password = passwordOf(emulator, "coord");
    const raw = await rejectionOf(client({ login: "coord", sudoAsLogin: "admin" }).call("read", READ_SHOTS));
    expect(raw).toBeInstanceOf(SgFault);
    expect((raw as SgFault).errorCode).toBe(104);
    const hinted = withSudoHints(client({ login: "coord", sudoAsLogin: "admin" }), { login: "coord", sudoAsLogin: "admin" });
    const e = expectSudoRefusal(
      await rejectionOf(hinted.call("read", READ_SHOTS)),
      LegacyErrorCode.SUDO_FORBIDDEN,
      /: 'coord' cannot act as 'admin' \(sudoAsLogin\): its permission role does not allow 'sudo'$/,
      /Admin → Permissions.*drop sudoAsLogin/,
    );
    expect(e.cause).toBeInstanceOf(SgFault);
    expect(findSecrets(e, [password])).toEqual([]);
    expect(inspect(hinted)).not.toContain(password);
    // The same explanation where the error is caught; an explained or unrelated error is left as it is.
    const explained = explainSudoFault(raw, { login: "coord", sudoAsLogin: "admin" }) as SgAuthError;
    expect([explained.code, explained.reason]).toEqual([e.code, e.reason]);
    expect(explainSudoFault(e)).toBe(e);
    const unrelated = await rejectionOf(client({ login: "admin" }).call("read", { ...READ_SHOTS, type: "NoSuchEntity" }));
    expect(explainSudoFault(unrelated)).toBe(unrelated);
  });

  it("after a login with a two-factor code, the session's calls carry sudo_as_login too", async () => {
    const code = emulator.issueTwoFactorCode("artist");
    const sg = withSudoHints(client({ login: "artist", sudoAsLogin: "coord", twoFactor: async () => code }), { login: "artist" });
    const error = await rejectionOf(sg.call("read", READ_SHOTS));
    // artist may not sudo: the refusal shows that sudo_as_login went with the session's call.
    expect((error as SgAuthError).code).toBe(LegacyErrorCode.SUDO_FORBIDDEN);
    expect((error as SgAuthError).reason).toContain("'artist' cannot act as 'coord'");
    expect(sent(emulator, "get_session_token")).toEqual([
      { auth: "user", sudoAsLogin: null },
      { auth: "user", sudoAsLogin: null },
    ]);
    expect(sent(emulator, "read")).toEqual([{ auth: "session", sudoAsLogin: "coord" }]);
  });
});
