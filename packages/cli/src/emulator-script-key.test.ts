import { afterAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
afterAll(() => runner.cleanup());

/** A key planted in the refused arguments: it must appear nowhere in what `sg` prints. */
const MARKER = "PlantedKey5b2d8e0c91f4a7";

describe("sg emulator with a refused --script", { timeout: 30_000 }, () => {
  // `--script pipeline KEY` (a space for the colon): the emulator's parser quoted the key as an unexpected argument.
  it("tells the argument by its position, never its text, with --debug and SG_DEBUG=1 too", async () => {
    const runs: [string[], Record<string, string>][] = [
      [["emulator", "--script", "pipeline", MARKER], {}],
      [["emulator", "--script", "pipeline:", MARKER], {}],
      [["emulator", "--script", "pipeline:", `--${MARKER}`], {}],
      [["emulator", "--script", "pipeline", MARKER, "--debug"], {}],
      [["emulator", "--script", "pipeline", MARKER], { SG_DEBUG: "1" }],
    ];
    for (const [args, env] of runs) {
      const r = await runner.run(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/argument 3 is not a (known )?flag .*a --script value is NAME:KEY, with no space/);
      expect(r.stderr).toMatch(/usage: sg emulator/);
      expect(r.stderr + r.stdout, args.join(" ")).not.toContain(MARKER);
    }
  });

  // After a whole NAME:KEY, a mistyped flag cannot be the key: it is named, with the flag meant, and --script is not blamed.
  it("names a mistyped flag after a whole --script NAME:KEY, never the key", async () => {
    const r = await runner.run(["emulator", "--script", `a:${MARKER}`, "--prot", "8080"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("sg: argument 3, --prot, is not a known flag: did you mean --port?");
    expect(r.stderr).not.toContain("NAME:KEY, with no space");
    expect(r.stderr + r.stdout).not.toContain(MARKER);
  });

  it("says in its help that the key is never shown", async () => {
    const help = await runner.run(["emulator", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--script NAME:KEY.*KEY of --script is never shown/);
  });
});
