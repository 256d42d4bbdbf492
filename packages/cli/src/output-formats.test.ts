import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;
const dir = mkdtempSync(join(tmpdir(), "sg-cli-output-"));
/** More rows than a spread of one argument per row fits on the call stack (about 125k). */
const MANY = 130_000;
let big: EmulatorHandle;
let site: EmulatorHandle;
let bigEnv: Record<string, string> = {};
let env: Record<string, string> = {};

beforeAll(async () => {
  [big, site] = await Promise.all([startEmulator({ rows: MANY, pageSize: 5000 }), startEmulator({})]);
  bigEnv = scriptEnvOf(big);
  env = scriptEnvOf(site);
});

afterAll(async () => {
  await Promise.all([big?.close(), site?.close()]);
  runner.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("table of many rows", () => {
  it("prints every one of more than 125k records (find --all) and groups (summarize)", async () => {
    const found = await sg(["find", "Shot", "--all", "--fields", "code", "--format", "table"], bigEnv);
    expect(found.stderr).toBe("");
    expect(found.code).toBe(0);
    const count = Number(/\((\d+) records\)\n$/.exec(found.stdout)?.[1]);
    expect(count).toBeGreaterThan(MANY);
    expect(found.stdout.split("\n").length).toBe(count + 4);

    const grouped = await sg(["summarize", "Shot", "id:count", "--grouping", "code:exact", "--format", "table"], bigEnv);
    expect(grouped.stderr).toBe("");
    expect(grouped.code).toBe(0);
    expect(Number(/\((\d+) records\)\n$/.exec(grouped.stdout)?.[1])).toBeGreaterThan(MANY);
  });
});

describe("JSON arguments with a byte order mark", () => {
  it("reads @file and standard input that start with a UTF-8 BOM", async () => {
    const filters = '[["code", "is", "SQ010_0010"]]';
    const file = join(dir, "filters.json");
    writeFileSync(file, `\ufeff${filters}`);
    const fromFile = await sg(["find", "Shot", `@${file}`, "--fields", "code", "--format", "jsonl"], env);
    expect(fromFile.stderr).toBe("");
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain('"code":"SQ010_0010"');
    const fromStdin = await sg(["find", "Shot", "-", "--fields", "code", "--format", "jsonl"], env, undefined, `\ufeff${filters}`);
    expect(fromStdin.stderr).toBe("");
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout.trim().split("\n")).toHaveLength(1);
    // A BOM alone is still empty input.
    const empty = await sg(["find", "Shot", "-"], env, undefined, "\ufeff");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("filters from standard input is empty");
  });
});

/** The data of a Shot whose code is `code`, as JSON. */
const shot = (code: string): string => JSON.stringify({ code, project: { type: "Project", id: 1 } });
/** `ショット` in Shift-JIS, as a Japanese Windows editor saves it. */
const SJIS_SHOT = Buffer.from([0x83, 0x56, 0x83, 0x87, 0x83, 0x62, 0x83, 0x67]);
/** The writes the emulator received. */
const creates = (): number => site.requests().filter((r) => r.method_name === "create").length;

/** The code of the Shot `sg create` printed (JSON), read back from the site. */
async function codeOf(created: { stdout: string }): Promise<unknown> {
  const id = (JSON.parse(created.stdout) as { id: number }).id;
  const found = await sg(["find", "Shot", JSON.stringify([["id", "is", id]]), "--fields", "code", "--format", "json"], env);
  return (JSON.parse(found.stdout) as { code: unknown }[])[0]?.code;
}

describe("JSON arguments that are not UTF-8", () => {
  it("refuses a Shift-JIS @file and standard input (exit 2, how to convert it), sending nothing", async () => {
    const bytes = Buffer.concat([Buffer.from('{"code":"'), SJIS_SHOT, Buffer.from('_0010","project":{"type":"Project","id":1}}')]);
    const file = join(dir, "sjis.json");
    writeFileSync(file, bytes);
    const before = creates();
    const fromFile = await sg(["create", "Shot", `@${file}`, "--format", "json"], env);
    expect(fromFile.code, fromFile.stderr).toBe(2);
    expect(fromFile.stderr).toContain(`data from ${file} is not UTF-8 text`);
    expect(fromFile.stderr).toContain("iconv -f SHIFT_JIS -t UTF-8");
    expect(fromFile.stderr).toContain("Set-Content -Encoding utf8");
    const fromStdin = await sg(["create", "Shot", "-", "--format", "json"], env, undefined, bytes);
    expect(fromStdin.code, fromStdin.stderr).toBe(2);
    expect(fromStdin.stderr).toContain("data from standard input is not UTF-8 text");
    expect(creates()).toBe(before);
  });

  it("reads UTF-16 with a byte order mark (Windows PowerShell 5.1's Out-File), little- and big-endian", async () => {
    const file = join(dir, "utf16le.json");
    writeFileSync(file, Buffer.from(`\ufeff${shot("ショット_utf16le 🎬")}`, "utf16le"));
    const fromFile = await sg(["create", "Shot", `@${file}`, "--format", "json"], env);
    expect(fromFile.stderr).toBe("");
    expect(fromFile.code).toBe(0);
    expect(await codeOf(fromFile)).toBe("ショット_utf16le 🎬");
    const bigEndian = Buffer.from(`\ufeff${shot("ショット_utf16be")}`, "utf16le").swap16();
    const fromStdin = await sg(["create", "Shot", "-", "--format", "json"], env, undefined, bigEndian);
    expect(fromStdin.stderr).toBe("");
    expect(fromStdin.code).toBe(0);
    expect(await codeOf(fromStdin)).toBe("ショット_utf16be");
  });

  it("refuses UTF-16 that is not valid (half a character at the end, a lone surrogate), sending nothing", async () => {
    const before = creates();
    const cut = Buffer.from(`\ufeff${shot("x")}`, "utf16le").subarray(0, -1);
    const odd = await sg(["create", "Shot", "-"], env, undefined, cut);
    expect(odd.code, odd.stderr).toBe(2);
    expect(odd.stderr).toContain("data from standard input is not UTF-8 text (nor UTF-16 with a byte order mark)");
    const lone = await sg(["create", "Shot", "-"], env, undefined, Buffer.from('\ufeff{"code": "\ud83c_0010"}', "utf16le"));
    expect(lone.code, lone.stderr).toBe(2);
    // UTF-16 without its byte order mark is valid UTF-8 (ASCII with zero bytes): the encoding is named, not "not JSON"
    const unmarked = await sg(["create", "Shot", "-"], env, undefined, Buffer.from(shot("x"), "utf16le"));
    expect(unmarked.code, unmarked.stderr).toBe(2);
    expect(unmarked.stderr).toContain("data from standard input is not UTF-8 text (nor UTF-16 with a byte order mark)");
    expect(creates()).toBe(before);
  });

  it("refuses filters and a --schema-file that are not UTF-8 the same way", async () => {
    const filters = Buffer.concat([Buffer.from('[["code", "is", "'), SJIS_SHOT, Buffer.from('"]]')]);
    const found = await sg(["find", "Shot", "-"], env, undefined, filters);
    expect(found.code, found.stderr).toBe(2);
    expect(found.stderr).toContain("filters from standard input is not UTF-8 text");
    const schema = join(dir, "schema.json");
    writeFileSync(schema, Buffer.concat([Buffer.from('{"Shot": {"'), SJIS_SHOT, Buffer.from('": {}}}')]));
    const types = await sg(["typegen", "--schema-file", schema]);
    expect(types.code, types.stderr).toBe(2);
    expect(types.stderr).toContain(`--schema-file from ${schema} is not UTF-8 text`);
  });
});

describe("help and a bare sg", () => {
  it("a bare sg prints the usage on stderr and exits 2; sg --help prints it on stdout and exits 0", async () => {
    const bare = await sg([], env);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toContain("Usage: sg <command>");
    const bareWithOption = await sg(["--format", "json"], env);
    expect(bareWithOption.code).toBe(2);
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const help = await sg(args, env);
      expect(help.code, args.join(" ")).toBe(0);
      expect(help.stderr).toBe("");
      expect(help.stdout).toContain("Usage: sg <command>");
    }
  });

  it("shows every short option and the whole exit status table", async () => {
    const help = await sg(["--help"], env);
    expect(help.stdout).toMatch(/-h, --help\b/);
    expect(help.stdout).toMatch(/-v, --version\b/);
    for (const status of ["0", "1", "2", "3", "4", "5", "6", "7", "130"]) expect(help.stdout).toMatch(new RegExp(`^  ${status} +\\S`, "m"));
    expect(help.stdout).toContain("143");
    const download = await sg(["help", "download"], env);
    expect(download.stdout).toMatch(/-o, --out <file>/);
  });
});

describe("csv", () => {
  it("drops a field given twice in --fields (the first place wins)", async () => {
    const r = await sg(["find", "Shot", '[["id", "is", 1]]', "--fields", "code,description,code", "--format", "csv"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\r\n")[0]).toBe("type,id,code,description");
    expect(r.stdout.split("\r\n")[1]).toMatch(/^Shot,1,SQ010_0010,/);
  });

  it("joins tags with ';' and quotes a tag that holds ';' or '\"', so the list splits back as it was", async () => {
    const tags = ["plain", "a;b", 'say "hi"'];
    const update = await sg(["update", "Shot", "2", JSON.stringify({ tag_list: tags })], env);
    expect(update.code, update.stderr).toBe(0);
    const r = await sg(["find", "Shot", '[["id", "is", 2]]', "--fields", "tag_list", "--format", "csv"], env);
    expect(r.code, r.stderr).toBe(0);
    // The cell (CSV-quoted as a whole) holds: plain;"a;b";"say ""hi"""
    expect(r.stdout.split("\r\n")[1]).toBe(`Shot,2,"plain;""a;b"";""say """"hi"""""""`);
  });
});
