import { describe, expect, it } from "vitest";
import { scrubText } from "@sg/core";
import { formatError, UsageError } from "./exit-codes.js";
import { errorInFlagWords, inFlagWords } from "./flag-words.js";
import { emulatorSuite } from "./test-support/emulator-suite.js";

// A bad value is one line naming the flag or variable (README "Connection"), also when a library caught it.
const { sg, env } = emulatorSuite();

/** The library names that must never reach a person. */
const LIBRARY_NAMES = /options\.|filterOperator|multiEntityUpdateModes|sudoAsLogin|scriptKey|legacyLoginAuth|@sg\/auth-legacy-pat/;

describe("errors a library caught name the flag, not its option", () => {
  it("for --filter-operator, --mode and --grouping", async () => {
    const cases: [string[], string][] = [
      [["find", "Shot", '{"filter_operator": "all", "filters": [["code", "is", "x"]]}', "--filter-operator", "any"], 'sg: --filter-operator: expected no --filter-operator when filters are a single group, got string "any"'],
      [["update", "Shot", "1", '{"code": "x"}', "--mode", "assets=add"], 'sg: --mode assets: expected a field that is also in data (code), got string "assets"'],
      [["summarize", "Shot", "id:count", "--grouping", "sg_status_list:exact:up"], "sg: --grouping[0].direction: expected one of 'asc', 'desc', got string \"up\""],
    ];
    for (const [args, line] of cases) {
      const r = await sg(args, env());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(line);
      expect(r.stderr).not.toMatch(LIBRARY_NAMES);
    }
  });

  it("for --sudo-as and SG_SUDO_AS, as the value was given", async () => {
    const flag = await sg(["find", "Shot", "--sudo-as", "inactive"], env());
    expect(flag.code, flag.stderr).toBe(3);
    expect(flag.stderr.split("\n")[0]).toContain("cannot act as 'inactive' (--sudo-as)");
    const variable = await sg(["find", "Shot"], { ...env(), SG_SUDO_AS: "inactive" });
    expect(variable.stderr.split("\n")[0]).toContain("cannot act as 'inactive' (SG_SUDO_AS)");
    for (const r of [flag, variable]) expect(r.stderr).not.toMatch(LIBRARY_NAMES);
  });

  it("for --script-key, whose hint tells a person how to log in with flags", async () => {
    const r = await sg(["find", "Shot", "--script-key", "tooshort"], env());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("a person logs in with --login and --password (or `sg login`).");
    expect(r.stderr).not.toMatch(LIBRARY_NAMES);
  });

  it("leaves the site's own words as the site wrote them, though they hold an option's name", async () => {
    const cases: [string[], string][] = [
      [["find", "Shot", "--fields", "code,sessionToken"], "sg: Shot.sessionToken doesn't exist"],
      [["find", "Shot", '[["retiredOnly","is",1]]'], "sg: Shot.retiredOnly doesn't exist"],
      [["create", "Shot", '{"code":"x","authToken":1}'], "sg: Shot.authToken doesn't exist"],
    ];
    for (const [args, line] of cases) {
      const r = await sg(args, env());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(line);
      expect(r.stderr).not.toMatch(/--session-token|--retired|--2fa-code/);
    }
  });

  it("rewrites after the secrets were scrubbed, so that a rewrite never hides one from the scrubbing", () => {
    const secret = "pw.sessionToken.9";
    const shown = formatError(new UsageError(`the passphrase '${secret}' was refused`), false, (t) => scrubText(t, [secret]), undefined, (t, part) => errorInFlagWords(undefined, t, part));
    expect(shown).not.toContain("pw.");
    expect(shown).not.toContain("--session-token");
  });

  it("leaves other words alone", () => {
    expect(inFlagWords("the login and password of scriptKeys")).toBe("the login and password of scriptKeys");
    expect(inFlagWords("@sg/entities: requests[1].entity_id: expected a number")).toBe("@sg/entities: requests[1].entity_id: expected a number");
  });
});
