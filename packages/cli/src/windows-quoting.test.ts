/**
 * Windows PowerShell 5.1 strips the inner `"` of a program's arguments, so `sg find Shot '[["code","is","SH010"]]'`
 * arrives as `[[code,is,SH010]]`. The built `sg` is given that stripped form directly (it fails before connecting).
 */
import { afterAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
afterAll(() => runner.cleanup());
const site = { SG_SITE: "http://127.0.0.1:9", SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: "k" };
const STRIPPED = "It has no double quotes: the shell probably removed them (Windows PowerShell 5.1 does, inside a program's arguments); pass the JSON as @file.json, or pipe it to - (standard input).";

describe("a JSON argument whose double quotes the shell removed", () => {
  it.each([
    ["find Shot", ["find", "Shot", "[[code,is,SH010]]"]],
    ["create Shot", ["create", "Shot", "{code:SH010}"]],
  ])("sg %s: exit 2, the hint says the quotes were removed and how to pass JSON", async (_what, args) => {
    const r = await runner.run(args, site);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`hint: ${STRIPPED} Example: `);
  });

  it("not for JSON that has its quotes (broken otherwise), nor for standard input", async () => {
    const broken = await runner.run(["find", "Shot", '[["code","is",'], site);
    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.stderr).toContain("hint: Example: ");
    expect(broken.stderr).not.toContain("double quotes");
    const piped = await runner.run(["find", "Shot", "-"], site, undefined, "[[code,is,SH010]]");
    expect(piped.code, piped.stderr).toBe(2);
    expect(piped.stderr).not.toContain("double quotes");
  });
});
