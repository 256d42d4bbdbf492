import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatedSchema } from "./typegen-fixture.mjs";
import { repoRoot } from "./workspace.mjs";

// A user library built with `declaration: true` whose functions return what @sg/entities computes (no annotation):
// the compiler writes those types into the library's .d.ts, naming each type it can by its export and writing out
// the others in full. A helper type @sg/entities did not export (`RequiredKeys`) was written out as an index the
// consumer's compiler refuses (TS2536), so a library that compiled gave its users a .d.ts that did not. The workspace's
// tsc builds the library, then compiles a consumer of its .d.ts, skipLibCheck false. (TypeScript 5.4's emitter, the
// floor, still writes the record of a write generic in the entity type — `Simplify` of it — as a mapped type indexed
// by keys it cannot prove, TS2536 again: a limit of that compiler's emitter, not checked here.)
const COMPILERS = [["the workspace's tsc", join(repoRoot, "node_modules", ".bin", "tsc"), []]];

/** The library: helpers generic in the entity type (the README's pattern), their return types inferred. */
const LIBRARY = `import type { Client } from "@sg/core";
import { entityApi, type EntityData } from "@sg/entities";
import { sgFieldTypes, type SgSchema } from "./sg-schema.js";

export function makeHelpers(client: Client) {
  const sg = entityApi<SgSchema>(client, { fieldTypes: sgFieldTypes });
  return {
    async save<E extends "Shot" | "Asset">(type: E, id: number, data: EntityData<SgSchema, E>) { return sg.update(type, id, data); },
    async make<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E, "create">) { return sg.create(type, data, ["code"]); },
    async codes<E extends "Shot" | "Asset">(type: E) { return sg.find(type, [], ["code", "description"]); },
    async shots(extra: boolean) { return sg.find("Shot", [], extra ? (["code", "description"] as const) : (["code"] as const)); },
    async created(extra: boolean) { return sg.create("Shot", { code: "x" }, extra ? (["code", "description"] as const) : (["code"] as const)); },
    async both<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E>) {
      return sg.batch([{ request_type: "update", entity_type: type, entity_id: 1, data }, { request_type: "create", entity_type: "Shot", data: { code: "x" }, return_fields: ["sg_sequence.Sequence.code"] }] as const);
    },
  };
}
export async function saveShotOrAsset<E extends "Shot" | "Asset">(client: Client, type: E, data: EntityData<SgSchema, E, "create">) {
  return entityApi<SgSchema>(client).create(type, data);
}
`;

/** The consumer: calls each helper and reads its results. */
const CONSUMER = `import type { Client } from "@sg/core";
import { makeHelpers, saveShotOrAsset } from "../lib/dist/helpers.js";
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
  return [saved.id, made.code, found?.description, shot?.code, shot?.description, created.code, updated.id, batched["sg_sequence.Sequence.code"], one.type];
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

describe("the declarations a user library emits", () => {
  it.each(COMPILERS)("compile for its consumers, skipLibCheck false, with %s", (_name, command, args) => {
    const dir = mkdtempSync(join(scratch, "d-"));
    const base = { target: "ES2022", lib: ["ES2022"], module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], strict: true, skipLibCheck: false };
    mkdirSync(join(dir, "lib"));
    mkdirSync(join(dir, "app"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "lib", "helpers.ts"), LIBRARY);
    writeFileSync(join(dir, "lib", "sg-schema.ts"), generatedSchema());
    writeFileSync(join(dir, "lib", "tsconfig.json"), JSON.stringify({ compilerOptions: { ...base, declaration: true, outDir: "dist" }, files: ["helpers.ts", "sg-schema.ts"] }));
    writeFileSync(join(dir, "app", "consumer.ts"), CONSUMER);
    writeFileSync(join(dir, "app", "tsconfig.json"), JSON.stringify({ compilerOptions: { ...base, noEmit: true }, files: ["consumer.ts"] }));
    expect(tsc(command, args, join(dir, "lib", "tsconfig.json"))).toBe("");
    expect(readFileSync(join(dir, "lib", "dist", "helpers.d.ts"), "utf8")).toContain("makeHelpers");
    const errors = tsc(command, args, join(dir, "app", "tsconfig.json"));
    expect(errors.split("\n").filter((l) => /error TS/.test(l)).map((l) => l.slice(0, 300))).toEqual([]);
  }, 600_000);
});
