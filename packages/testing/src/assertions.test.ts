import { describe, expect, it } from "vitest";
import { SgAuthError } from "@sg/core";
import { findSecrets, rejectionOf } from "./assertions.js";

describe("findSecrets", () => {
  it("finds a secret in any rendering of an error and its causes, naming where but not the secret", () => {
    const inner = new Error("socket said hunter2-secret");
    const outer = Object.assign(new Error("outer"), { cause: inner });
    const found = findSecrets(outer, ["nothing-here", "hunter2-secret"]);
    expect(found).toContain("cause 1: message: secrets[1]");
    expect(found.join("\n")).not.toContain("hunter2-secret");
    expect(findSecrets({ token: "abc-123-token" }, ["abc-123-token"])).toEqual(["JSON: secrets[0]", "util.inspect: secrets[0]"]);
  });

  it("is empty for a clean error (our errors scrub the secrets they are told of from the outside text they carry)", () => {
    const clean = new SgAuthError("refused the key", { secrets: ["k3y-val-123"], serverMessage: "bad key k3y-val-123", cause: new Error("echo k3y-val-123") });
    expect(findSecrets(clean, ["k3y-val-123"])).toEqual([]);
  });

  it("finds a secret put into an error's own message: errors do not scrub values from their own sentences", () => {
    const leaky = new SgAuthError("refused key k3y-val-123", { secrets: ["k3y-val-123"] });
    expect(findSecrets(leaky, ["k3y-val-123"])).toContain("message: secrets[0]");
  });
});

describe("rejectionOf", () => {
  it("returns the reason, and throws when the promise fulfils", async () => {
    const reason = new Error("no");
    expect(await rejectionOf(Promise.reject(reason))).toBe(reason);
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow(/expected the promise to reject/);
  });
});
