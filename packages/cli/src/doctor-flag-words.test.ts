/**
 * `sg doctor` gives its advice in flags and commands, as a failed command's hint does, never the libraries' option
 * or function names (`legacyLoginAuth from @sg/auth-legacy-pat`, `scriptKey`).
 */
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

const { sg, env } = emulatorSuite();

describe("sg doctor's advice for a value a library refused", () => {
  it("names flags and commands, in text and json, as sg whoami's hint does", async () => {
    const short = { ...env(), SG_SCRIPT_KEY: "short" };
    const who = await sg(["whoami"], short);
    expect(who.code).toBe(2);
    expect(who.stderr).toContain("a person logs in with --login and --password (or `sg login`).");
    const json = await sg(["doctor", "--format", "json"], short);
    expect(json.code).toBe(7);
    const login = (JSON.parse(json.stdout) as { checks: { name: string; detail: string; why?: string; fix?: string }[] }).checks.find((c) => c.name === "login");
    expect(login?.fix).toContain("a person logs in with --login and --password (or `sg login`).");
    expect(login?.detail).toContain("SG_SCRIPT_KEY must be");
    const text = await sg(["doctor", "--format", "table"], short);
    expect(text.code).toBe(7);
    expect(text.stdout).toContain("fix: ");
    for (const out of [json.stdout, text.stdout]) {
      expect(out).not.toContain("legacyLoginAuth");
      expect(out).not.toContain("@sg/auth-legacy-pat");
      expect(out).not.toMatch(/\bscriptKey\b/);
    }
  });
});
