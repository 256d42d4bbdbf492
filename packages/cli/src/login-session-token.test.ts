/** `sg login` given a session token: a session needs no login, and the hint says how to use it instead. */
import { afterAll, describe, expect, it } from "vitest";
import { sgRunner, type SgResult } from "./test-support/run-sg.js";

const runner = sgRunner();
afterAll(() => runner.cleanup());

/** Nothing is asked of this site: the command line is refused first. */
const SITE = "http://127.0.0.1:59999";
const hintOf = (r: SgResult): string => r.stderr.split("\n").find((l) => l.startsWith("hint: ")) ?? "";

describe("sg login with a session token", () => {
  it("--session-token: exit 2, with a session token's hint, not a script's", async () => {
    const r = await runner.run(["login", "--site", SITE, "--session-token", "a-session-token-value"]);
    expect(r.code).toBe(2);
    expect(hintOf(r)).toBe("hint: A session token needs no login: pass it with --session-token (or set SG_SESSION_TOKEN) to each command.");
    expect(r.stderr).not.toContain("a-session-token-value");
  });

  it("SG_SESSION_TOKEN: exit 2, saying to unset it to save a person's session instead", async () => {
    const r = await runner.run(["login", "--site", SITE], { SG_SESSION_TOKEN: "a-session-token-value" });
    expect(r.code).toBe(2);
    expect(hintOf(r)).toBe("hint: A session token needs no login: pass it with --session-token (or set SG_SESSION_TOKEN) to each command. To save a person's session with sg login instead, unset SG_SESSION_TOKEN.");
    expect(r.stderr).not.toContain("Scripts need no login");
  });

  it("a script's name and key keep the script's hint", async () => {
    const r = await runner.run(["login", "--site", SITE, "--script-name", "a_script", "--script-key", "0123456789abcdef0123456789abcdef"]);
    expect(r.code).toBe(2);
    expect(hintOf(r)).toContain("hint: Scripts need no login: pass --script-name and --script-key to each command");
  });
});
