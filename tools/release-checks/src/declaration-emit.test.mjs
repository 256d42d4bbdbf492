import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatedSchema } from "./typegen-fixture.mjs";
import { repoRoot } from "./workspace.mjs";

// A user library built with `declaration: true` whose functions return what @sg/entities computes (no annotation):
// the compiler writes those types into the library's .d.ts, naming each type it can by its export and writing out
// the others in full. A helper type @sg/entities did not export (`RequiredKeys`) was written out as an index the
// consumer's compiler refuses (TS2536), so a library that compiled gave its users a .d.ts that did not. So were the
// record of a write helper generic in the entity type, as TypeScript 5.4 (the floor) writes it (`Simplify` of it, as a
// mapped type indexed by keys that compiler cannot prove: TS2536), and the default summary list of `summarize`, written
// out in full where the library passes the method on (its own constraint no longer met: TS2344). The library is built
// with each compiler, the workspace's tsc and the floor, and each compiles a consumer of each .d.ts, skipLibCheck false.
const floorDir = dirname(createRequire(import.meta.url).resolve("typescript/package.json"));
const floor = JSON.parse(readFileSync(join(floorDir, "package.json"), "utf8")).version;
const COMPILERS = {
  "the workspace's tsc": [join(repoRoot, "node_modules", ".bin", "tsc"), []],
  [`TypeScript ${floor}`]: [process.execPath, [join(floorDir, "bin", "tsc")]],
};
/** Each pair of the compiler that builds the library and the one that compiles its consumer. */
const PAIRS = Object.keys(COMPILERS).flatMap((builder) => Object.keys(COMPILERS).map((consumer) => [builder, consumer]));

/** The library: helpers generic in the entity type (the README's pattern), their return types inferred. */
const LIBRARY = `import type { Client } from "@sg/core";
import { entityApi, type EntityApi, type EntityData, type EntityTypeName } from "@sg/entities";
import { sgFieldTypes, type SgSchema } from "./sg-schema.js";

export function makeHelpers(client: Client) {
  const sg = entityApi<SgSchema>(client, { fieldTypes: sgFieldTypes });
  return {
    async save<E extends "Shot" | "Asset">(type: E, id: number, data: EntityData<SgSchema, E>) { return sg.update(type, id, data); },
    async make<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E, "create">) { return sg.create(type, data, ["code"]); },
    async codes<E extends "Shot" | "Asset">(type: E) { return sg.find(type, [], ["code", "description"]); },
    async shots(extra: boolean) { return sg.find("Shot", [], extra ? (["code", "description"] as const) : (["code"] as const)); },
    async created(extra: boolean) { return sg.create("Shot", { code: "x" }, extra ? (["code", "description"] as const) : (["code"] as const)); },
    summarize: sg.summarize,
    async counts() { return sg.summarize("Shot", [], [{ field: "id", type: "count" }, { field: "sg_cut_in", type: "maximum" }]); },
    async both<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E>) {
      return sg.batch([{ request_type: "update", entity_type: type, entity_id: 1, data }, { request_type: "create", entity_type: "Shot", data: { code: "x" }, return_fields: ["sg_sequence.Sequence.code"] }] as const);
    },
  };
}
export async function saveShotOrAsset<E extends "Shot" | "Asset">(client: Client, type: E, data: EntityData<SgSchema, E, "create">) {
  return entityApi<SgSchema>(client).create(type, data);
}
export async function makeShotOrAsset<E extends "Shot" | "Asset">(sg: EntityApi<SgSchema>, type: E, data: EntityData<SgSchema, E, "create">) {
  return sg.create(type, data);
}
export async function makeCoded<E extends "Shot" | "Asset">(sg: EntityApi<SgSchema>, type: E, code: string) {
  return sg.create(type, { code });
}
export async function saveAny<E extends EntityTypeName<SgSchema>>(sg: EntityApi<SgSchema>, type: E, id: number, data: EntityData<SgSchema, E, "update">) {
  return sg.update(type, id, data);
}
`;

/** The consumer: calls each helper and reads its results. */
const CONSUMER = `import type { Client } from "@sg/core";
import { entityApi } from "@sg/entities";
import { makeCoded, makeHelpers, makeShotOrAsset, saveAny, saveShotOrAsset } from "../lib/dist/helpers.js";
import type { SgSchema } from "../lib/dist/sg-schema.js";
declare const client: Client;
export async function use(): Promise<unknown[]> {
  const h = makeHelpers(client);
  const saved = await h.save("Shot", 1, { code: "x" });
  const made = await h.make("Asset", { code: "a" });
  const [found] = await h.codes("Shot");
  const [shot] = await h.shots(true);
  const created = await h.created(false);
  const [updated, batched] = await h.both("Asset", { code: "b" });
  const one = await saveShotOrAsset(client, "Shot", { code: "y" });
  const sg = entityApi<SgSchema>(client);
  const asset = await makeShotOrAsset(sg, "Asset", { code: "c" });
  const coded = await makeCoded(sg, "Shot", "d");
  const any = await saveAny(sg, "Version", 2, { code: "e" });
  const sums = await h.summarize("Shot", [], [{ field: "sg_cut_in", type: "sum" }]);
  const counts = await h.counts();
  const total: number = sums.summaries.sg_cut_in + counts.summaries.id;
  return [saved.id, made.code, found?.description, shot?.code, shot?.description, created.code, updated.id, batched["sg_sequence.Sequence.code"], one.type, asset.code, coded.code, any.code, total, counts.summaries.sg_cut_in];
}
`;

// A scratch folder inside the repository, so `@sg/*` resolve through the workspace's node_modules to the built packages.
const scratch = mkdtempSync(join(repoRoot, "tools", "release-checks", ".snippets-declaration-emit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a compiler on a tsconfig; its output ("" when it succeeds). */
function tsc(command, args, project) {
  try {
    execFileSync(command, [...args, "-p", project, "--pretty", "false"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return "";
  } catch (e) {
    return `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
}

/** The folder of a library built by compiler `builder` (built once per compiler), with its consumer's folder next to it. */
const built = new Map();
function library(builder) {
  if (!built.has(builder)) {
    const [command, args] = COMPILERS[builder];
    const dir = mkdtempSync(join(scratch, "d-"));
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "lib", "helpers.ts"), LIBRARY);
    writeFileSync(join(dir, "lib", "sg-schema.ts"), generatedSchema());
    writeFileSync(join(dir, "lib", "tsconfig.json"), JSON.stringify({ compilerOptions: { ...BASE, declaration: true, outDir: "dist" }, files: ["helpers.ts", "sg-schema.ts"] }));
    built.set(builder, { dir, output: tsc(command, args, join(dir, "lib", "tsconfig.json")) });
  }
  return built.get(builder);
}

const BASE = { target: "ES2022", lib: ["ES2022"], module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], strict: true, skipLibCheck: false };

describe("the declarations a user library emits", () => {
  it.each(PAIRS)("built by %s, compile for its consumers with %s, skipLibCheck false", (builder, consumer) => {
    const { dir, output } = library(builder);
    expect(output).toBe("");
    expect(readFileSync(join(dir, "lib", "dist", "helpers.d.ts"), "utf8")).toContain("makeHelpers");
    const app = mkdtempSync(join(dir, "app-"));
    writeFileSync(join(app, "consumer.ts"), CONSUMER);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...BASE, noEmit: true }, files: ["consumer.ts"] }));
    const [command, args] = COMPILERS[consumer];
    const errors = tsc(command, args, join(app, "tsconfig.json"));
    expect(errors.split("\n").filter((l) => /error TS/.test(l)).map((l) => l.slice(0, 300))).toEqual([]);
  }, 600_000);
});
