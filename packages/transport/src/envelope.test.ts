import { describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { authParams } from "./auth-params.js";
import { buildEnvelope, encodeEnvelope, isTruthyPayload } from "./envelope.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "k3y" };

describe("isTruthyPayload (§1.3)", () => {
  it.each([undefined, null, false, 0, "", Number.NaN, [], {}])("leaves out %j", (p) => expect(isTruthyPayload(p)).toBe(false));
  it.each([1, "x", true, [0], { a: undefined }, { type: "Shot" }, [{}]])("keeps %j", (p) => expect(isTruthyPayload(p)).toBe(true));
});

describe("buildEnvelope", () => {
  it("info goes without auth, even when credentials are given", () => {
    expect(buildEnvelope("info", undefined, script)).toEqual({ method_name: "info", params: [] });
    expect(buildEnvelope("info", undefined, undefined)).toEqual({ method_name: "info", params: [] });
  });
  it("puts auth first and the payload second only when truthy", () => {
    expect(buildEnvelope("schema_read", undefined, script).params).toEqual([{ script_name: "bot", script_key: "k3y" }]);
    expect(buildEnvelope("schema_read", {}, script).params).toHaveLength(1);
    expect(buildEnvelope("batch", [{ request_type: "delete" }], script).params).toEqual([{ script_name: "bot", script_key: "k3y" }, [{ request_type: "delete" }]]);
  });
  it("refuses a non-info method without credentials and a bad method name", () => {
    expect(() => buildEnvelope("read", { a: 1 }, undefined)).toThrow(SgValidationError);
    expect(() => buildEnvelope("read; drop", {}, script)).toThrow(/@sg\/transport: method/);
  });
  it("encodes UTF-8 without escaping non-ASCII", () => {
    const bytes = encodeEnvelope(buildEnvelope("create", { code: "Noël ご" }, script));
    expect(Buffer.from(bytes).includes(Buffer.from("No\xc3\xabl \xe3\x81\x94", "latin1"))).toBe(true);
  });
  it("a payload JSON cannot encode is a validation error", () => {
    expect(() => encodeEnvelope(buildEnvelope("create", { n: 1n }, script))).toThrow(/payload: expected a JSON-serialisable payload/);
  });
});

describe("authParams (§1.4)", () => {
  it("script", () => expect(authParams(script)).toEqual({ script_name: "bot", script_key: "k3y" }));
  it("user, with and without a 2FA code", () => {
    expect(authParams({ kind: "user", login: "ann", password: "pw" })).toEqual({ user_login: "ann", user_password: "pw" });
    expect(authParams({ kind: "user", login: "ann", password: "pw", authToken: "123456" })).toEqual({ user_login: "ann", user_password: "pw", auth_token: "123456" });
  });
  it("session with reject_if_expired defaulting to true", () => {
    expect(authParams({ kind: "session", sessionToken: "tok" })).toEqual({ session_token: "tok", reject_if_expired: true });
    expect(authParams({ kind: "session", sessionToken: "tok", rejectIfExpired: false })).toEqual({ session_token: "tok", reject_if_expired: false });
  });
  it("session_uuid, sudo_as_login, then extras merged last (overriding)", () => {
    const p = authParams({ kind: "script", scriptName: "bot", scriptKey: "k", sessionUuid: "uuid-1", sudoAsLogin: "ann", extra: { product: "rv", script_name: "other" } });
    expect(p).toEqual({ script_name: "other", script_key: "k", session_uuid: "uuid-1", sudo_as_login: "ann", product: "rv" });
    expect(Object.keys(p)).toEqual(["script_name", "script_key", "session_uuid", "sudo_as_login", "product"]);
  });
  it("rejects malformed credentials without echoing secrets", () => {
    expect(() => authParams({ kind: "script", scriptName: "bot", scriptKey: "" })).toThrow(/credentials.scriptKey/);
    expect(() => authParams({ kind: "nope" } as unknown as Credentials)).toThrow(/credentials.kind/);
    let error: unknown;
    try {
      authParams({ kind: "user", login: 42 as unknown as string, password: "SECRET-pw" });
    } catch (e) {
      error = e;
    }
    // The refusal must happen for the secret check to mean anything (a swallowed non-throw passed before).
    expect(error).toBeInstanceOf(SgValidationError);
    expect(String(error)).toMatch(/credentials\.login/);
    expect(String(error)).not.toContain("SECRET-pw");
  });
});
