import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN, type SgResult } from "./test-support/run-sg.js";

// Text between the command line and the site, and between the site and a line reader, kept exact or refused.

const { sg, site, env, configDir } = emulatorSuite();
const dir = mkdtempSync(join(tmpdir(), "sg-cli-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The calls the site got so far. */
const calls = (): number => site().requests().length;

/**
 * Run `sg` through a shell, so that an argument can hold raw bytes that are not UTF-8, as `"$(cat latin1.json)"`
 * gives them (Node's own spawn takes only strings). `script` is shell text after `sg`.
 */
function shSg(script: string): Promise<SgResult> {
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", `"${process.execPath}" "${BIN}" ${script}`], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, ...env() } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("an argument whose bytes are not UTF-8 (Node hands sg U+FFFD in their place)", () => {
  it("is refused (exit 2) for an inline JSON argument, naming it and pointing to @file; nothing is sent", async () => {
    writeFileSync(join(dir, "latin1.json"), Buffer.from('{"code": "caf\xe9 latin1", "project": {"type": "Project", "id": 1}}', "latin1"));
    const before = calls();
    const r = await shSg(`create Shot "$(cat latin1.json)" --format jsonl`);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^sg: argument 2 <data-json> holds bytes that are not UTF-8 \(the command line reached sg with U\+FFFD in their place\); nothing was sent\nhint: .*@file/);
    expect(calls()).toBe(before);
    // The file itself names the bad byte, as the hint promises: its offset, its line and what it is.
    const file = await shSg("create Shot @latin1.json");
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(`data from ${join(dir, "latin1.json")} is not UTF-8 text (nor UTF-16 with a byte order mark): first at byte offset 13 (line 1), the byte 0xE9\n`);
    expect(calls()).toBe(before);
  });

  it("is refused for an option's value (--display-name) and a filter typed with a literal U+FFFD", async () => {
    writeFileSync(join(dir, "f.txt"), "hi");
    const before = calls();
    const upload = await shSg(`upload Shot 1 f.txt --display-name "$(printf 'caf\\351')"`);
    expect(upload.code, upload.stderr).toBe(2);
    expect(upload.stderr).toMatch(/^sg: --display-name holds bytes that are not UTF-8/);
    expect(calls()).toBe(before);
    const find = await sg(["find", "Shot", '[["code", "contains", "\uFFFD"]]'], env());
    expect(find.code).toBe(2);
    expect(find.stderr).toMatch(/^sg: argument 2 <filters-json> holds bytes that are not UTF-8/);
  });
});

describe("the hint for an argument whose bytes are not UTF-8 fits what the argument is", () => {
  const LATIN1_NAME = "$(printf 'caf\\351')";
  it.each([
    ["a JSON argument", `create Shot "${LATIN1_NAME}"`, /^sg: argument 2 <data-json> holds .*\nhint: Give the JSON as @file instead \(sg then names the offset of the bad byte\)/],
    ["a JSON argument's @file", `create Shot "@${LATIN1_NAME}.json"`, /^sg: argument 2 <data-json> holds .*\nhint: The file's name is not UTF-8, so sg cannot open it by that name: rename it to UTF-8 \(convmv/],
    ["upload's <file>", `upload Shot 1 "${LATIN1_NAME}.txt"`, /^sg: argument 3 <file> holds .*\nhint: The file's name is not UTF-8, .*convmv/],
    // a file sg makes: nothing to rename or link yet
    ["--out", `download 1 --out "${LATIN1_NAME}.bin"`, /^sg: --out holds .*\nhint: sg makes the file by the name given: choose a UTF-8 name/],
    ["--password", `whoami --login artist --password "p${LATIN1_NAME}"`, /^sg: --password holds .*\nhint: Type it in a terminal set to UTF-8 \(a locale such as en_US.UTF-8\), or set SG_PASSWORD to it as UTF-8 text/],
    ["--script-key", `whoami --script-name s --script-key "k${LATIN1_NAME}"`, /^sg: --script-key holds .*\nhint: Type it in a terminal set to UTF-8 .*, or set SG_SCRIPT_KEY to it/],
    ["--display-name", `upload Shot 1 f.txt --display-name "${LATIN1_NAME}"`, /^sg: --display-name holds .*\nhint: Convert the text to UTF-8 first \(iconv -f LATIN1 -t UTF-8\)/],
  ])("%s", async (_, script, expected) => {
    writeFileSync(join(dir, "f.txt"), "hi");
    const before = calls();
    const r = await shSg(script);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(expected);
    // Only a JSON argument is pointed to @file.
    if (!script.startsWith("create Shot \"$")) expect(r.stderr).not.toContain("@file");
    expect(calls()).toBe(before);
  });
});

describe("U+2028, U+2029 and U+0085 in json and jsonl output", () => {
  it("are escaped, so a line reader (Python's splitlines) sees one record per line, and the values stay exact", async () => {
    const description = "a\u2028b\u2029c\u0085d";
    const created = await sg(["create", "Shot", JSON.stringify({ code: "line_seps", description, project: { type: "Project", id: 1 } }), "--format", "jsonl"], env());
    expect(created.code, created.stderr).toBe(0);
    for (const format of ["jsonl", "json"]) {
      const r = await sg(["find", "Shot", '[["code", "is", "line_seps"]]', "--fields", "description", "--format", format], env());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/[\u2028\u2029\u0085]/);
      expect(r.stdout).toContain("a\\u2028b\\u2029c\\u0085d");
      const records = format === "jsonl" ? r.stdout.split(/\r?\n|[\u2028\u2029\u0085]/).filter(Boolean).map((l) => JSON.parse(l) as unknown) : (JSON.parse(r.stdout) as unknown[]);
      expect(records).toMatchObject([{ description }]);
    }
    expect(created.stdout).not.toMatch(/[\u2028\u2029\u0085]/);
  });
});
