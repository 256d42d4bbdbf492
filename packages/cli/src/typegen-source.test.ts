import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateSchemaTypes, type RawFieldSchema, type RawSiteSchema } from "./typegen.js";

// What generateSchemaTypes writes for schemas a site may really hold, compiled by the repository's tsc where it matters.
const here = dirname(fileURLToPath(import.meta.url));
const TSC = resolve(here, "../../../node_modules/.bin/tsc");
// Inside the package, so that `@sg/entities` resolves as it does for a user of the generated module.
const dir = mkdtempSync(join(here, "..", ".typegen-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A field of `data_type` with display name `name`, writable unless `editable` is false. */
function field(dataType: string, name = "", editable = true, properties: RawFieldSchema["properties"] = {}): RawFieldSchema {
  return { data_type: { value: dataType }, name: { value: name }, editable: { value: editable }, properties };
}

let count = 0;
/**
 * Compile `files` (name → text) with tsc in a folder of their own under `compilerOptions` (strict, NodeNext, plus
 * `extra`); with `outDir` it emits JavaScript there. Returns tsc's output, empty when it compiled.
 */
async function tsc(files: Readonly<Record<string, string>>, extra: Record<string, unknown> = {}): Promise<{ readonly folder: string; readonly output: string }> {
  const folder = join(dir, String(++count));
  mkdirSync(folder);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [], ...extra };
  writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
  const output = await promisify(execFile)(TSC, ["-p", join(folder, "tsconfig.json")]).then(
    (r) => r.stdout + r.stderr,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}` || "tsc failed",
  );
  return { folder, output };
}

describe("generateSchemaTypes: display names in TSDoc comments", () => {
  const schema: RawSiteSchema = {
    CustomEntity01: { code: field("text", "Code @deprecated"), sg_reviewer: field("text", "Reviewer @john {@link Shot} */ @see x") },
    Shot: { code: field("text", "@internal Shot Code") },
  };
  const entities = { CustomEntity01: { name: { value: "Vendor @deprecated" } }, Shot: { name: { value: "Reviewer @john" } } };

  it("never lets an `@` in a label start a JSDoc tag (or `*/` end the comment), and the module still compiles", async () => {
    const out = generateSchemaTypes(schema, { entities });
    const comments = out.split("\n").filter((l) => l.trimStart().startsWith("/**"));
    expect(comments.length).toBeGreaterThan(4);
    for (const line of comments) {
      expect(line).not.toMatch(/@/);
      expect(line.indexOf("*/")).toBe(line.length - 2);
    }
    // The labels are still there to read in a hover.
    expect(out).toContain('/** CustomEntity01 ("Vendor ＠deprecated") */');
    expect(out).toContain("/** Reviewer ＠john {＠link Shot} *\\/ ＠see x (text) */");
    expect((await tsc({ "sg-schema.ts": out })).output).toBe("");
  });
});

describe("generateSchemaTypes: cached_display_name", () => {
  it("is read-only though the site calls it editable (sites refuse to set it), so a create or update setting it does not compile", async () => {
    const schema: RawSiteSchema = { Shot: { code: field("text", "Shot Code"), cached_display_name: field("text", "Cached Display Name") } };
    const out = generateSchemaTypes(schema);
    expect(out).toContain('  /** Cached Display Name (text) read-only */\n  readonly cached_display_name: { readonly type: "text"; readonly value: string | null; readonly editable: false };');
    const use = [
      'import type { Client } from "@sg/core";',
      'import { entityApi } from "@sg/entities";',
      'import type { SgSchema } from "./sg-schema.js";',
      "declare const client: Client;",
      "const api = entityApi<SgSchema>(client);",
      "export async function main(): Promise<void> {",
      '  await api.create("Shot", { code: "x" });',
      "  // @ts-expect-error sites refuse to set cached_display_name",
      '  await api.create("Shot", { code: "x", cached_display_name: "x" });',
      "  // @ts-expect-error nor in an update",
      '  await api.update("Shot", 1, { cached_display_name: "x" });',
      "}",
      "",
    ].join("\n");
    expect((await tsc({ "sg-schema.ts": out, "use.ts": use })).output).toBe("");
  });
});

describe("generateSchemaTypes: names the module cannot take as they are", () => {
  it("keeps an entity type or field named __proto__ an own key of sgFieldTypes, not its prototype", async () => {
    // As JSON.parse reads a schema file: "__proto__" is then an own key.
    const schema = JSON.parse(
      JSON.stringify({ Shot: { created_at: field("date_time") } }).replace(
        /^\{/,
        `{"__proto__": {"__proto__": ${JSON.stringify(field("date"))}, "due": ${JSON.stringify(field("date"))}}, `,
      ),
    ) as RawSiteSchema;
    expect(Object.keys(schema)).toEqual(["__proto__", "Shot"]);
    const out = generateSchemaTypes(schema);
    const { folder, output } = await tsc({ "sg-schema.ts": out }, { noEmit: false, outDir: "js" });
    expect(output).toBe("");
    const { sgFieldTypes } = (await import(pathToFileURL(join(folder, "js", "sg-schema.js")).href)) as { sgFieldTypes: Record<string, Record<string, string>> };
    expect(Object.getPrototypeOf(sgFieldTypes)).toBe(Object.prototype);
    expect(Object.keys(sgFieldTypes)).toEqual(["Shot", "__proto__"]);
    const own = Object.getOwnPropertyDescriptor(sgFieldTypes, "__proto__")?.value as Record<string, string>;
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
    expect(Object.entries(own)).toEqual([["__proto__", "date"], ["due", "date"]]);
  });

  it("refuses a typeName that is no identifier or names another type of the module, naming the option", () => {
    const schema: RawSiteSchema = { Shot: { code: field("text") } };
    for (const [typeName, why] of [
      ["Site Schema", "is not a name a type can have: expected an ASCII identifier (letters, digits, _ and $, not starting with a digit) that is not a reserved word"],
      ["string", "is not a name a type can have: expected an ASCII identifier (letters, digits, _ and $, not starting with a digit) that is not a reserved word"],
      // Type operators: `keyof keyof` (the module's SgEntityType) does not parse; `intrinsic` is refused by TypeScript 5.
      ...["keyof", "readonly", "unique", "infer", "intrinsic"].map((word) => [word, "is not a name a type can have: expected an ASCII identifier (letters, digits, _ and $, not starting with a digit) that is not a reserved word"]),
      ["ShotFields", "is a name the module already gives to the fields of entity type Shot: choose another name"],
      ["SgEntityType", "is a name the module already gives another type: choose another name"],
    ]) {
      expect(() => generateSchemaTypes(schema, { typeName })).toThrow(new TypeError(`@sg/cli generateSchemaTypes: options.typeName ${JSON.stringify(typeName)} ${why}`));
    }
    // A name no generated type has is taken, an entity type's own name included.
    expect(generateSchemaTypes(schema, { typeName: "Shot" })).toContain("export type Shot = {");
  });
});

describe("generateSchemaTypes: imports", () => {
  it("imports EntityLink only when a field holds links, so the module compiles under noUnusedLocals", async () => {
    const plain = generateSchemaTypes({ Note: { subject: field("text"), due: field("date") } });
    expect(plain).not.toContain("EntityLink");
    const linked = generateSchemaTypes({ Note: { subject: field("text"), addressings_to: field("addressing") } });
    expect(linked).toContain('import type { EntityLink } from "@sg/entities";\n\n/** The value of a file/link');
    for (const out of [plain, linked]) expect((await tsc({ "sg-schema.ts": out }, { noUnusedLocals: true })).output).toBe("");
  });
});
