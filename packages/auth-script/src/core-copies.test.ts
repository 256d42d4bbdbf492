// A refusal made by another copy of @sg/core (the transport's nested one, or this package `npm link`ed into an app)
// is explained as one made by this package's core: a wrong name or key is said so. Copy B is core's built package
// copied to a directory of its own, so that its classes are not the ones this package imports.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScriptErrorCode, SgScriptAuthError, explainScriptFault } from "./index.js";

type Core = typeof import("@sg/core");

let dir = "";
let B: Core;

beforeAll(async () => {
  const core = dirname(dirname(fileURLToPath(import.meta.resolve("@sg/core"))));
  dir = mkdtempSync(join(tmpdir(), "sg-auth-script-core-copy-"));
  cpSync(join(core, "package.json"), join(dir, "package.json"));
  cpSync(join(core, "dist"), join(dir, "dist"), { recursive: true });
  B = (await import(pathToFileURL(join(dir, "dist", "index.js")).href)) as Core;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("explainScriptFault with errors of another copy of @sg/core", () => {
  it("explains a plain refusal (fault 102) as a wrong name or key", () => {
    const explained = explainScriptFault(new B.SgAuthError("refused", { errorCode: 102, method: "read" }), { scriptName: "etl" });
    expect(explained).toBeInstanceOf(SgScriptAuthError);
    expect(explained).toMatchObject({ code: ScriptErrorCode.REJECTED, method: "read" });
  });

  it("leaves a subclass of the refusal (a two-factor demand) as it is, as for this copy's", () => {
    const twoFactor = new B.SgTwoFactorRequiredError("2fa", { errorCode: 102 });
    expect(explainScriptFault(twoFactor)).toBe(twoFactor);
  });
});
