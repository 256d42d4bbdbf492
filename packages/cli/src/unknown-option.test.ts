/**
 * An unknown option gets a hint that says what it is called here: the names people bring from other clients (`--pat`,
 * Python's `--api-key`, `--passphrase`, `--sudo_as_login`), and the nearest known flag for a typo. A value given with
 * it is never echoed (it may be a secret). Driven through the built `sg`; no site is needed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
afterAll(() => runner.cleanup());

/** The usage error of `sg find Shot <args>`: exit 2, its message and hint lines. */
async function refused(args: readonly string[]): Promise<{ message: string; hint: string; all: string }> {
  const run = await runner.run(["find", "Shot", ...args], { SG_SITE: "https://mystudio.example.com" });
  expect(run.code, run.stderr).toBe(2);
  const [message = "", hint = ""] = run.stderr.split("\n");
  expect(hint, run.stderr).toMatch(/^hint: /);
  return { message, hint: hint.slice("hint: ".length), all: run.stderr + run.stdout };
}

describe("an unknown option's hint", () => {
  it("--pat: a client never sends the PAT, it is bound to the account; how to bind it, then --login and --password; never the value", async () => {
    for (const args of [["--pat", "marker-pat-value-1"], ["--pat=marker-pat-value-1"], ["--personal-access-token=marker-pat-value-1"]]) {
      const { message, hint, all } = await refused(args);
      expect(message).toMatch(/^sg: Unknown option '--(pat|personal-access-token)'/);
      expect(hint).toContain("never sends the Personal Access Token itself");
      expect(hint).toContain("Legacy Login and Personal Access Token");
      expect(hint).toContain("--login");
      expect(hint).toContain("--password");
      expect(all).not.toContain("marker-pat-value-1");
    }
  });

  it("names from other clients: --api-key and --key → --script-key, --passphrase → --password, --sudo_as_login → --sudo-as", async () => {
    for (const [given, flag] of [
      ["--api-key", "--script-key"],
      ["--key", "--script-key"],
      ["--passphrase", "--password"],
      ["--sudo_as_login", "--sudo-as"],
      ["--sudo-as-login", "--sudo-as"],
    ] as const) {
      const { hint, all } = await refused([`${given}=marker-secret-value-2`]);
      expect(hint, given).toContain(`use ${flag}`);
      expect(all).not.toContain("marker-secret-value-2");
    }
  });

  it("a typo: the nearest known flag", async () => {
    expect((await refused(["--scrpit-key", "k"])).hint).toContain("Did you mean --script-key?");
    expect((await refused(["--limt", "3"])).hint).toContain("Did you mean --limit?");
  });

  it("--session and --token: --session-token, never echoing the value", async () => {
    for (const given of ["--session", "--token"]) {
      const { hint, all } = await refused([`${given}=marker-secret-value-3`]);
      expect(hint, given).toContain("use --session-token");
      expect(all).not.toContain("marker-secret-value-3");
    }
  });

  it("a typo is guessed only among the flags the command takes, and never as --allow-http", async () => {
    // --browser is sg login's, --field sg upload's: sg find refuses both.
    expect((await refused(["--browse"])).hint).not.toContain("--browser");
    expect((await refused(["--feild=code"])).hint).not.toMatch(/--field\b(?!s)/);
    expect((await refused(["--allow-https"])).hint).not.toContain("--allow-http");
    // Another command's own flag is still guessed there.
    const login = await runner.run(["login", "--browse"], { SG_SITE: "https://mystudio.example.com" });
    expect(login.stderr).toContain("Did you mean --browser?");
  });

  it("nothing near: the list of options, as before", async () => {
    expect((await refused(["--zzzzzzzzzz"])).hint).toBe("Run `sg help` for the list of commands and options.");
  });
});
