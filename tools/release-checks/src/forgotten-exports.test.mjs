import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { forgottenExports, typeEntries } from "./forgotten-exports.mjs";
import { publicPackages } from "./workspace.mjs";

/** A package `name` at `dir` with `files` (path → lines) and an `exports` map. */
function plant(dir, name, exports, files) {
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), lines.join("\n"));
  }
  const manifest = { name, type: "module", exports };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest));
  return manifest;
}

// Each check builds a program with lib and @types/node: seconds on a busy machine, past vitest's 5 s default.
describe("every type a public declaration uses is exported by name", { timeout: 120_000 }, () => {
  it.each(publicPackages().map((p) => [p.manifest.name, p]))("%s exports every type its entries' declarations use", (_name, pkg) => {
    expect(typeEntries(pkg.dir, pkg.manifest).length).toBeGreaterThan(0);
    expect(forgottenExports(pkg.dir, pkg.manifest)).toEqual([]);
  });

  const scratch = realpathSync(mkdtempSync(join(tmpdir(), "sg-forgotten-")));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const entry = { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./extra": { types: "./dist/extra.d.ts" }, "./package.json": "./package.json" };

  it("reports a type used through a parameter, a return type, a property, an alias chain, a constraint, a base type, a generic alias outside an alias or as a property, method or index signature type in an alias's object type, in every entry", () => {
    const pkg = join(scratch, "forgotten");
    const manifest = plant(pkg, "@fx/forgotten", entry, {
      "dist/index.d.ts": [
        'import type { Plan } from "./plan.js";',
        "interface ParamOptions { readonly deep: boolean }",
        "interface Settings { readonly retries: number }",
        "type Chained = Middle | null;",
        "type Middle = { readonly end: End };",
        "interface End { readonly n: number }",
        "interface Bound { readonly id: number }",
        "interface Base { readonly base: string }",
        "type Wrapped<T> = { readonly value: T };",
        "type Held<T> = { readonly held: T };",
        "type Called<T> = { readonly called: T };",
        "type Indexed<T> = { readonly indexed: T };",
        "/** Uses. */",
        "export declare function take(options: ParamOptions): void;",
        "export declare class Api {",
        "    plan(): Promise<Plan>;",
        "    private hidden;",
        "}",
        "export interface Client { readonly settings: Settings }",
        "export declare const chained: Chained;",
        "export declare function pick<T extends Bound>(item: T): T;",
        "export interface Child extends Base { readonly child: string }",
        "export declare function wrap(): Wrapped<number>;",
        "export type Holder = { readonly item: Held<string>; run(x: Called<number>): void; readonly [k: string]: Indexed<boolean> | Held<string> | ((x: Called<number>) => void) } | null;",
        "export type { Shared } from \"./shared.js\";",
      ],
      "dist/plan.d.ts": ["export interface Plan { readonly steps: number }"],
      "dist/shared.d.ts": ["export interface Shared { readonly s: string }", "export interface NotPassedOn { readonly x: number }", "export interface Shared { readonly more?: NotPassedOn }"],
      "dist/extra.d.ts": ['import type { Shared } from "./shared.js";', "export declare function extra(s: Shared): void;"],
    });
    expect(forgottenExports(pkg, manifest)).toEqual([
      '@fx/forgotten: Plan (used by Api.plan\'s return type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Base (used by Child\'s base type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Settings (used by Client.settings\'s type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Held (used by Holder.item\'s type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Called (used by Holder.run\'s parameter x) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Indexed (used by Holder\'s index signature) is not exported from "@fx/forgotten"',
      '@fx/forgotten: NotPassedOn (used by Shared.more\'s type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Chained (used by chained\'s type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Middle (used by Chained\'s type, reached from chained\'s type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: End (used by Middle.end\'s type, reached from chained\'s type) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Bound (used by pick\'s constraint of T) is not exported from "@fx/forgotten"',
      '@fx/forgotten: ParamOptions (used by take\'s parameter options) is not exported from "@fx/forgotten"',
      '@fx/forgotten: Wrapped (used by wrap\'s return type) is not exported from "@fx/forgotten"',
      '@fx/forgotten/extra: Shared (used by extra\'s parameter s) is not exported from "@fx/forgotten/extra"',
      '@fx/forgotten/extra: NotPassedOn (used by Shared.more\'s type, reached from extra\'s parameter s) is not exported from "@fx/forgotten/extra"',
    ]);
  });

  it("passes a type exported, re-exported, renamed, `export type`d, from a dependency, from lib, or computed by an exported alias (in the object types of its helpers too)", () => {
    const pkg = join(scratch, "complete");
    plant(join(pkg, "node_modules", "@fx", "dep"), "@fx/dep", { ".": { types: "./index.d.ts" } }, {
      "index.d.ts": ["export interface FromDep { readonly d: number }", "export interface DepOnly { readonly o: number }"],
    });
    const manifest = plant(pkg, "@fx/complete", { ".": { types: "./dist/index.d.ts" } }, {
      "dist/index.d.ts": [
        'import type { DepOnly, FromDep } from "@fx/dep";',
        'import type { Listed, Renamed } from "./mod.js";',
        'export { Reexported } from "./mod.js";',
        'export type { Listed, Renamed as Public } from "./mod.js";',
        'export type { FromDep } from "@fx/dep";',
        "declare const CODE = \"SG_CODE\";",
        "type Widen<V> = V extends Date ? Date | string : V;",
        "type Relation = \"is\" | \"is_not\";",
        "interface PrivateOnly { readonly p: number }",
        "export interface Direct { readonly n: number }",
        "export declare const Codes: { readonly CODE: typeof CODE };",
        "export type Operand<V> = Widen<V>;",
        "export type Operands<R> = R extends Relation ? [number] : [];",
        "type Inner<V> = { readonly v: V };",
        "type Shape<V> = V extends string ? { readonly wrapped: Inner<V> } : never;",
        "export type Shaped<V> = Shape<V>;",
        "export declare class Api<T extends Direct = Direct> {",
        "    private secret: PrivateOnly;",
        "    #own;",
        "    run(listed: Listed, renamed: Renamed, dep: FromDep, only: DepOnly): Promise<Map<string, T>>;",
        "    again(r: import(\"./mod.js\").Reexported): ReadonlyArray<Direct>;",
        "}",
      ],
      "dist/mod.d.ts": ["export interface Listed { readonly l: number }", "export interface Renamed { readonly r: number }", "export declare class Reexported {}"],
    });
    expect(forgottenExports(pkg, manifest)).toEqual([]);
  });

  it("reports a helper alias applied, in any position, by an alias a return type reaches (a user's declarations may write it out), not one only a parameter reaches", () => {
    const pkg = join(scratch, "results");
    const manifest = plant(pkg, "@fx/results", { ".": { types: "./dist/index.d.ts" } }, {
      "dist/index.d.ts": [
        "type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];",
        "type Checked<T> = T extends string ? T : never;",
        "type Deeper<T> = T extends number ? Checked<T> : T;",
        "export type Written<T> = { readonly [K in RequiredKeys<T>]: T[K] };",
        "export type Shown<T> = Deeper<T>;",
        "export type Arg<T> = Checked<T>;",
        "export interface Api {",
        "    update<T>(data: T): Promise<Written<T>>;",
        "    take<T>(data: Arg<T>): void;",
        "}",
        "export declare function show<T>(value: T): Shown<T> | null;",
        "export {};",
      ],
    });
    expect(forgottenExports(pkg, manifest)).toEqual([
      '@fx/results: RequiredKeys (used by Written\'s constraint of K, reached from Api.update\'s return type) is not exported from "@fx/results"',
      '@fx/results: Deeper (used by Shown\'s type, reached from show\'s return type) is not exported from "@fx/results"',
      '@fx/results: Checked (used by Deeper\'s type, reached from show\'s return type) is not exported from "@fx/results"',
    ]);
  });

  it("fails on a type it cannot resolve, never skips it", () => {
    const pkg = join(scratch, "unresolved");
    const manifest = plant(pkg, "@fx/unresolved", { ".": { types: "./dist/index.d.ts" } }, {
      "dist/index.d.ts": ["export declare function take(x: Ghost): void;"],
    });
    expect(forgottenExports(pkg, manifest)).toEqual(["@fx/unresolved: Ghost (used by take's parameter x) cannot be resolved"]);
  });
});
