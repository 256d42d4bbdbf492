import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgFault } from "@sg/core";
import type { Client } from "@sg/core";
import { SessionErrorCode, explainSudoFault, sessionAuth, withSudoHints } from "./index.js";
import { IDLE, READ_SHOTS, count, demoSite, loginFor } from "./test-support/session-site.js";

const PLANTED_TOKEN = "planted-session-token-5ud0a9c2e5b1d";

describe("sessionAuth sudoAsLogin option", () => {
  it("is accepted, and shown by inspect and toJSON (never the token)", () => {
    const auth = sessionAuth({ sessionToken: PLANTED_TOKEN, sudoAsLogin: "coord" });
    expect(inspect(auth)).toContain("sudoAsLogin: 'coord'");
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ name: "@sg/auth-session", sudoAsLogin: "coord", refresh: false, refreshes: 0 });
    expect(findSecrets(auth, [PLANTED_TOKEN])).toEqual([]);
  });
});

/** `error` is the explained sudo refusal `code`: an `SgAuthError` whose reason and hint match, prefixed by the package. */
function expectSudoRefusal(error: unknown, code: string, reason: RegExp, hint: RegExp): SgAuthError {
  expect(error).toBeInstanceOf(SgAuthError);
  const e = error as SgAuthError;
  expect([e.code, e.reason, e.hint]).toEqual([code, expect.stringMatching(/^@sg\/auth-session: the session's user cannot act as /), expect.stringMatching(hint)]);
  expect(e.reason).toMatch(reason);
  return e;
}

describe("sessionAuth with sudoAsLogin against the emulator", () => {
  const demo = demoSite();
  const { client } = demo;
  let coordId: number;
  const createShot = (sg: Client, code: string): Promise<{ created_by?: { type: string; id: number } }> =>
    sg.call("create", {
      type: "Shot",
      fields: [
        { field_name: "code", value: code },
        { field_name: "project", value: { type: "Project", id: demo.emulator.card.projects[0]!.id } },
      ],
      return_fields: ["created_by"],
    });
  const sent = (method: string): (string | null)[] =>
    demo.emulator
      .requests()
      .filter((r) => r.method_name === method)
      .map((r) => r.sudoAsLogin);

  beforeAll(async () => {
    const sg = client(sessionAuth({ sessionToken: await loginFor(demo.emulator, "admin") }));
    const found = await sg.call<{ entities: { id: number }[] }>("read", {
      ...READ_SHOTS,
      type: "HumanUser",
      filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: ["coord"] }] },
      return_fields: ["id"],
    });
    coordId = found.entities[0]!.id;
  });

  it("an admin's session acts as the target: created_by is the target, sudo_as_login goes with every call", async () => {
    const sg = client(sessionAuth({ sessionToken: await loginFor(demo.emulator, "admin"), sudoAsLogin: "coord" }));
    const created = await createShot(sg, "session_sudo_010");
    expect(created.created_by).toMatchObject({ type: "HumanUser", id: coordId });
    await sg.call("read", READ_SHOTS);
    expect(sent("create")).toEqual(["coord"]);
    expect(sent("read")).toEqual(["coord"]);
    expect(await sg.credentials()).toMatchObject({ kind: "session", sudoAsLogin: "coord" });
  });

  it("keeps acting as the target with the token refresh() returns", async () => {
    let refreshed = 0;
    const sg = client(sessionAuth({ sessionToken: await loginFor(demo.emulator, "admin"), sudoAsLogin: "coord", refresh: async () => (refreshed++, loginFor(demo.emulator, "admin")) }));
    await createShot(sg, "session_sudo_020");
    demo.emulator.advanceClock(IDLE + 1);
    const again = await createShot(sg, "session_sudo_030");
    expect(refreshed).toBe(1);
    expect(again.created_by).toMatchObject({ type: "HumanUser", id: coordId });
    // The first create, the one refused with the expired token, and its re-send with the new one.
    expect(sent("create")).toEqual(["coord", "coord", "coord"]);
  });

  it("explains the refusal of the target on the call re-sent with the token refresh() returned, refreshing once", async () => {
    let refreshed = 0;
    let latest = "";
    const refresh = async (): Promise<string> => (refreshed++, (latest = await loginFor(demo.emulator, "admin")));
    const sg = client(sessionAuth({ sessionToken: await loginFor(demo.emulator, "admin"), sudoAsLogin: "inactive", refresh }));
    const reason = /'inactive' \(sudoAsLogin\): that HumanUser account is inactive$/;
    const hint = /Activate 'inactive' under Admin → People/;
    expectSudoRefusal(await rejectionOf(sg.call("read", READ_SHOTS)), SessionErrorCode.SUDO_INACTIVE_USER, reason, hint);
    demo.emulator.advanceClock(IDLE + 1);
    // Refused as expired, refreshed by onRejected, re-sent once, and the target refused: explained by explain().
    const e = expectSudoRefusal(await rejectionOf(sg.call("read", READ_SHOTS)), SessionErrorCode.SUDO_INACTIVE_USER, reason, hint);
    expect(e.errorCode).toBe(102);
    expect(refreshed).toBe(1);
    expect(sent("read")).toEqual(["inactive", "inactive", "inactive"]);
    expect(findSecrets(e, [latest])).toEqual([]);
  });

  it("a fault about writing can_impersonate_this_user is no sudo refusal: withSudoHints and explainSudoFault pass it through", async () => {
    const sg = withSudoHints(client(sessionAuth({ sessionToken: await loginFor(demo.emulator, "admin") })));
    const raw = await rejectionOf(sg.call("update", { type: "HumanUser", id: coordId, fields: [{ field_name: "can_impersonate_this_user", value: false }] }));
    expect(raw).toBeInstanceOf(SgFault);
    expect(raw).toMatchObject({ code: "SG_FAULT", errorCode: 104, serverMessage: expect.stringMatching(/can_impersonate_this_user is not writable through the API/) });
    expect(explainSudoFault(raw, { sudoAsLogin: "coord" })).toBe(raw);
  });

  it.each([
    ["private", SessionErrorCode.SUDO_NOT_ALLOWED, /'private' \(sudoAsLogin\): that user does not allow being impersonated$/, /Can impersonate this user/],
    ["inactive", SessionErrorCode.SUDO_INACTIVE_USER, /'inactive' \(sudoAsLogin\): that HumanUser account is inactive$/, /Activate .* under Admin → People/],
    ["nobody-here", SessionErrorCode.SUDO_UNKNOWN_USER, /'nobody-here' \(sudoAsLogin\): no HumanUser has that login, or the user is retired$/, /login shown under Admin → People.*not the name/],
  ])("explains the refusal of the target '%s' from call(), without calling refresh()", async (target, code, reason, hint) => {
    let refreshed = 0;
    const token = await loginFor(demo.emulator, "admin");
    const sg = client(sessionAuth({ sessionToken: token, sudoAsLogin: target, refresh: async () => (refreshed++, loginFor(demo.emulator, "admin")) }));
    const e = expectSudoRefusal(await rejectionOf(sg.call("read", READ_SHOTS)), code, reason, hint);
    expect(e.errorCode).toBe(102);
    // The token is fine: a new one would be refused the same way (and a browserLogin refresh would open a page).
    expect(refreshed).toBe(0);
    expect(count(demo.emulator, "read")).toBe(1);
    expect(findSecrets(e, [token])).toEqual([]);
  });

  it("a session user whose role may not sudo gets the permission fault from call(); withSudoHints and explainSudoFault explain it", async () => {
    const token = await loginFor(demo.emulator, "coord");
    const raw = await rejectionOf(client(sessionAuth({ sessionToken: token, sudoAsLogin: "admin" })).call("read", READ_SHOTS));
    expect(raw).toBeInstanceOf(SgFault);
    expect((raw as SgFault).errorCode).toBe(104);
    const hinted = withSudoHints(client(sessionAuth({ sessionToken: token, sudoAsLogin: "admin" })), { sudoAsLogin: "admin", secrets: [token] });
    const e = expectSudoRefusal(
      await rejectionOf(hinted.call("read", READ_SHOTS)),
      SessionErrorCode.SUDO_FORBIDDEN,
      /'admin' \(sudoAsLogin\): its permission role does not allow 'sudo'$/,
      /Admin → Permissions.*drop sudoAsLogin/,
    );
    expect(e.cause).toBeInstanceOf(SgFault);
    expect(findSecrets(e, [token])).toEqual([]);
    expect(inspect(hinted)).not.toContain(token);
    const explained = explainSudoFault(raw, { sudoAsLogin: "admin" }) as SgAuthError;
    expect([explained.code, explained.reason]).toEqual([e.code, e.reason]);
    expect(explainSudoFault(e)).toBe(e);
    const unrelated = await rejectionOf(withSudoHints(client(sessionAuth({ sessionToken: token }))).call("read", { ...READ_SHOTS, type: "NoSuchEntity" }));
    expect(unrelated).toBeInstanceOf(SgFault);
    expect(explainSudoFault(unrelated)).toBe(unrelated);
  });
});
