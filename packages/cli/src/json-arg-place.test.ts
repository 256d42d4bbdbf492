import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

// A syntax error in a big JSON file or input is found by its line and column (in characters, as editors count),
// with a short excerpt of that line: the parser's UTF-16 offset alone is wrong for byte tools after accented text.
const { sg, env } = emulatorSuite();

describe("a JSON argument that does not parse", () => {
  it("says the line and column of the error in a file, and shows that part of the line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-json-place-"));
    try {
      const path = join(dir, "requests.json");
      const good = `  {"request_type": "create", "entity_type": "Shot", "data": {"code": "Plan séquence 👍🏽 長"}},\n`;
      const text = `[\n${good.repeat(2000)}  {"request_type": "create", "entity_type": "Shot", "data": {"code": "été" "description": "x"}}\n]\n`;
      writeFileSync(path, text);
      const r = await sg(["batch", `@${path}`], env());
      expect(r.code).toBe(2);
      const position = text.indexOf('"description"');
      expect(r.stderr.split("\n")[0]).toBe(
        `sg: requests from ${path} is not valid JSON: Expected ',' or '}' after property value in JSON at position ${position} ` +
          `(line 2002, column 76): …Shot", "data": {"code": "été" "description": "x"}}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("clips a long line around the error and shows its control characters as symbols", async () => {
    const text = `[1,\n"${"a".repeat(100)}\u001b]0;title\u0007" x, "${"b".repeat(100)}"]`;
    const r = await sg(["batch", "-"], env(), undefined, text);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      `sg: requests from standard input is not valid JSON: Bad control character in string literal in JSON at position 105 ` +
        `(line 2, column 102): …${"a".repeat(30)}␛]0;title␇" x, "${"b".repeat(14)}…`,
    );
  });
});
