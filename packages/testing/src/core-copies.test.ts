// The kit and the strategy under test may get their errors from two copies of @sg/core (a strategy `npm link`ed, or
// built on an app's core while the kit has its own): a refusal is recognised by its class, whichever copy made it,
// with any code the strategy gives it; a forged code is no refusal. Copy B is core's built package copied to a
// directory of its own, so that its classes are not the ones this kit imports.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAuthError, isSgError } from "./harness.js";

type Core = typeof import("@sg/core");

let dir = "";
let B: Core;

beforeAll(async () => {
  const core = dirname(dirname(fileURLToPath(import.meta.resolve("@sg/core"))));
  dir = mkdtempSync(join(tmpdir(), "sg-testing-core-copy-"));
  cpSync(join(core, "package.json"), join(dir, "package.json"));
  cpSync(join(core, "dist"), join(dir, "dist"), { recursive: true });
  B = (await import(pathToFileURL(join(dir, "dist", "index.js")).href)) as Core;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("errors of another copy of @sg/core", () => {
  it("a refusal of the other copy with a strategy's own code is a refusal; an outage of it is an SgError", () => {
    class VaultRefused extends B.SgAuthError {}
    expect(isAuthError(new B.SgAuthError("refused", { code: "VAULT_REFUSED" }))).toBe(true);
    expect(isAuthError(new VaultRefused("refused", { code: "VAULT_REFUSED" }))).toBe(true);
    expect(isSgError(new B.SgHttpError("vault down", { status: 503, code: "VAULT_DOWN" }))).toBe(true);
    expect(isAuthError(new B.SgHttpError("vault down", { status: 503 }))).toBe(false);
  });

  it("a plain error or object with an SG_ code is neither", () => {
    const forged = Object.assign(new Error("refused"), { code: "SG_AUTH_FAILED" });
    for (const value of [forged, { code: "SG_AUTH_FAILED" }]) {
      expect(isAuthError(value)).toBe(false);
      expect(isSgError(value)).toBe(false);
    }
  });
});
