import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let env: Record<string, string> = {};
const dir = mkdtempSync(join(tmpdir(), "sg-cli-schema-file-"));

beforeAll(async () => {
  site = await startEmulator({});
  env = scriptEnvOf(site);
});

afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
  runner.cleanup();
});

/** Save what `sg <args>` prints to a file, as `sg … > name` would. */
async function save(name: string, args: readonly string[]): Promise<string> {
  const r = await sg(args, env);
  expect(r.code, r.stderr).toBe(0);
  const file = join(dir, name);
  writeFileSync(file, r.stdout);
  return file;
}

const HINT = "hint: Save the whole schema with `sg schema --all --format json > schema.json`, or run `sg typegen` against the site.\n";

describe("sg typegen --schema-file", () => {
  it("refuses what `sg schema --format json` saves (schema_entity_read), naming it and how to save schema_read: exit 2", async () => {
    const file = await save("entities.json", ["schema", "--format", "json"]);
    const r = await sg(["typegen", "--schema-file", file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `sg: --schema-file ${file} holds schema_entity_read's answer (entity types with only their name and visibility, what \`sg schema --format json\` writes), not schema_read's answer (entity type → field → {data_type, properties, …})\n${HINT}`,
    );
  });

  it("refuses one entity type's fields, one field, a list, an empty object and a whole reply, each by name", async () => {
    const cases: [string, string][] = [
      [await save("shot.json", ["schema", "Shot", "--format", "json"]), "one entity type's fields (schema_field_read, what `sg schema <Entity> --format json` writes)"],
      [await save("code.json", ["schema", "Shot", "code", "--format", "json"]), "one field's schema (what `sg schema <Entity> <field> --format json` writes)"],
    ];
    for (const [name, text, got] of [
      ["list.json", "[]", "a JSON list (such as the rows of `sg schema --format jsonl|csv`)"],
      ["empty.json", "{}", "an empty object"],
      ["reply.json", '{"results": {"Shot": {}}}', "a whole api3 reply ({results: …}), not its results"],
      ["null.json", "null", "a JSON null"],
    ] as const) {
      writeFileSync(join(dir, name), text);
      cases.push([join(dir, name), got]);
    }
    for (const [file, got] of cases) {
      const r = await sg(["typegen", "--schema-file", file]);
      expect(r.code, file).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toBe(`sg: --schema-file ${file} holds ${got}, not schema_read's answer (entity type → field → {data_type, properties, …})`);
    }
  });

  it("takes what `sg schema --all --format json` saves (schema_read) and types every field from it", async () => {
    const file = await save("schema.json", ["schema", "--all", "--format", "json"]);
    const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, { data_type: { value: string } }>>;
    expect(saved["Shot"]?.["sg_status_list"]?.data_type.value).toBe("status_list");
    const r = await sg(["typegen", "--schema-file", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('readonly sg_status_list: { readonly type: "status_list"; readonly value: "cbb" | "fin" | "hld" | "ip" | "omt" | "rdy" | "wtg" | null };');
    expect(r.stdout).toContain('readonly sg_sequence: { readonly type: "entity"; readonly value: EntityLink<"Sequence"> | null };');
    // Offline from the saved file, the same bytes as online from the site, to a file as to stdout.
    const online = await sg(["typegen"], env);
    expect(online.code, online.stderr).toBe(0);
    expect(r.stdout).toBe(online.stdout);
    const [live, offline] = [join(dir, "live.ts"), join(dir, "offline.ts")];
    expect((await sg(["typegen", "--out", live], env)).code).toBe(0);
    expect((await sg(["typegen", "--schema-file", file, "--out", offline])).code).toBe(0);
    expect(readFileSync(offline).equals(readFileSync(live))).toBe(true);
  });

  it("reads - as standard input, as every JSON argument does (a byte order mark skipped, the same size limit)", async () => {
    const file = await save("piped.json", ["schema", "--all", "--format", "json"]);
    const text = readFileSync(file, "utf8");
    const fromFile = await sg(["typegen", "--schema-file", file]);
    const piped = await sg(["typegen", "--schema-file", "-"], {}, undefined, `\uFEFF${text}`);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(fromFile.stdout);
    const entities = await sg(["typegen", "--schema-file", "-"], {}, undefined, '{"Shot": {"name": "Shot", "visible": true}}');
    expect(entities.code).toBe(2);
    expect(entities.stderr.split("\n")[0]).toMatch(/^sg: --schema-file from standard input holds /);
    const empty = await sg(["typegen", "--schema-file", "-"], {}, undefined, "");
    expect(empty.code).toBe(2);
    expect(empty.stderr.split("\n")[0]).toBe("sg: --schema-file from standard input is empty");
    const big = await sg(["typegen", "--schema-file", "-"], { SG_MAX_JSON_ARG_BYTES: "100" }, undefined, text);
    expect(big.code).toBe(2);
    expect(big.stderr.split("\n")[0]).toBe("sg: --schema-file from standard input is over the 100-byte limit of a JSON argument");
    const missing = await sg(["typegen", "--schema-file", join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n")[0]).toBe(`sg: cannot read --schema-file ${join(dir, "nope.json")} (ENOENT)`);
  });

  it("counts the entity types it wrote, and names those it left out (names that are not ASCII identifiers)", async () => {
    const text = (type: string): string => `"${type}": {"code": {"data_type": {"value": "text"}}}`;
    const file = join(dir, "odd-names.json");
    writeFileSync(file, `{${["Shot", "Bad Name", "Asset", "1st", "Ünïcode", "Sh\\u001b[2Jot"].map(text).join(", ")}}`);
    const out = join(dir, "odd-names.ts");
    const r = await sg(["typegen", "--schema-file", file, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const left = 'warning: left out 4 entity types whose name is not an ASCII identifier (no type can be named after it): "1st", "Bad Name", "Sh\\u001b[2Jot", "Ünïcode"\n';
    expect(r.stderr).toBe(`wrote 2 entity types to ${out}\n${left}`);
    expect(readFileSync(out, "utf8").match(/^export type \w+Fields/gm)).toEqual(["export type AssetFields", "export type ShotFields"]);
    const piped = await sg(["typegen", "--schema-file", file]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe(left);
  });

  it("sg schema --all: one row per field in the other formats, and no entity type with it", async () => {
    const csv = await sg(["schema", "--all", "--format", "csv"], env);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.split("\r\n");
    expect(lines[0]).toBe("entity_type,field,name,data_type,editable,mandatory,valid");
    expect(lines.filter((l) => l.startsWith("Shot,sg_status_list,"))).toHaveLength(1);
    const both = await sg(["schema", "Shot", "--all"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe("sg: 'sg schema --all' takes no entity type: it reads every entity type's fields\nhint: Run `sg schema <Entity>` for one entity type, or `sg schema --all` alone.\n");
  });
});

describe("sg typegen --out", () => {
  it("creates the file's missing folders, as `sg typegen --out src/sg-schema.ts` in a new project needs", async () => {
    const out = join(dir, "new-project", "src", "sg-schema.ts");
    const r = await sg(["typegen", "--out", out], env);
    expect(r.stderr).toMatch(/^wrote \d+ entity types to /);
    expect(r.stderr).toBe(`wrote ${/\d+/.exec(r.stderr)?.[0]} entity types to ${out}\n`);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("export type SgSchema");
  });
});
