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
