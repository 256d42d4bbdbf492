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
    const text = `[1,\n${"7, ".repeat(40)}"a\u001b]0;title\u0007" x, "${"b".repeat(100)}"]`;
    const r = await sg(["batch", "-"], env(), undefined, text);
    expect(r.code).toBe(2);
    // A string cut by the excerpt's edge is shown as far as the edge (only a secret's value is blanked).
    expect(r.stderr.split("\n")[0]).toBe(
      `sg: requests from standard input is not valid JSON: Bad control character in string literal in JSON at position 126 ` +
        `(line 2, column 123): … 7, 7, 7, 7, 7, 7, 7, 7, 7, "a␛]0;title␇" x, "bbbbbbbbbbbbbb…`,
    );
  });

  // The excerpt was cut first and scrubbed after: the value of a field whose name the cut left out, and the end of the
  // script key, were printed (also inline, and again by --debug).
  it("shows no secret in the excerpt: fields named as secrets, the script key, whichever way the JSON is given", async () => {
    const key = "MRKkey0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6END";
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-json-secret-"));
    try {
      const texts = [
        '[{"request_type":"update","entity_type":"HumanUser","entity_id":3,"data":{"sg_password2":"MRKpass-0123456789abcdef" "sg_x":1}}]',
        `[{"request_type":"update","entity_type":"Shot","entity_id":3,"data":{"description":"${key}" "sg_x":1}}]`,
      ];
      for (const [i, text] of texts.entries()) {
        const path = join(dir, `bad${i}.json`);
        writeFileSync(path, text);
        for (const argv of [["batch", `@${path}`], ["batch", text], ["batch", text, "--debug"], ["update", "Shot", "3", text.slice(text.indexOf('"data":') + 7, -2)]]) {
          const r = await sg(argv, { ...env(), SG_SCRIPT_KEY: key });
          expect(r.code).toBe(2);
          expect(r.stderr).toContain("is not valid JSON");
          expect(r.stderr).toMatch(/\(line 1, column \d+\): /);
          expect(r.stderr).not.toContain("MRK");
          for (let j = 0; j + 5 <= key.length; j++) expect(r.stderr).not.toContain(key.slice(j, j + 5));
          expect(r.stdout).toBe("");
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
