import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertAuthStrategy, checkAuthStrategy } from "./index.js";
import { envScriptAuth } from "./test-support/env-script-auth.js";

const example = readFileSync(new URL("./test-support/env-script-auth.ts", import.meta.url), "utf8");
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

// The conformance kit starts an emulator and makes hundreds of calls, and gives each check 20 s of its own:
// vitest's 5 s default would cut it short on a busy CI machine. This is a bound for hangs, not a speed check.
describe("the README's 'Write your own strategy' example", { timeout: 60_000 }, () => {
  it("is in the README verbatim", () => {
    expect(readme).toContain("## Write your own strategy");
    expect(readme).toContain(example.trim());
  });

  it("passes the conformance kit, as the README says", async () => {
    await assertAuthStrategy({
      name: "@acme/sg-auth-env",
      create: (env) => envScriptAuth({ env: { SG_SCRIPT_NAME: env.card.scripts[0]!.name, SG_SCRIPT_KEY: env.card.scripts[0]!.key } }),
      invalidOptions: [
        () => envScriptAuth({ env: {} }),
        () => envScriptAuth({ env: { SG_SCRIPT_NAME: "pipeline", SG_SCRIPT_KEY: "   " } }),
      ],
      secrets: (env) => [env.card.scripts[0]!.key],
      refreshes: "never",
    });
  });

  it("says which variable is missing without echoing the key", () => {
    expect(() => envScriptAuth({ env: { SG_SCRIPT_NAME: "pipeline" } })).toThrow(
      /^@acme\/sg-auth-env: env\.SG_SCRIPT_KEY: expected a non-empty variable, got undefined$/,
    );
    expect(() => envScriptAuth({ env: { SG_SCRIPT_NAME: " ", SG_SCRIPT_KEY: "k" } })).toThrow(/env\.SG_SCRIPT_NAME: expected a non-empty variable, got string " "/);
  });

  it("reports expiry-refresh as skipped for script keys, which do not expire", async () => {
    const report = await checkAuthStrategy({
      name: "@acme/sg-auth-env",
      create: (env) => envScriptAuth({ env: { SG_SCRIPT_NAME: env.card.scripts[0]!.name, SG_SCRIPT_KEY: env.card.scripts[0]!.key } }),
      invalidOptions: [() => envScriptAuth({ env: {} })],
      secrets: (env) => [env.card.scripts[0]!.key],
      refreshes: "never",
      concurrency: 10,
    });
    expect(report.checks.find((c) => c.id === "expiry-refresh")?.status).toBe("skipped");
    expect(report.passed).toBe(true);
  });
});
