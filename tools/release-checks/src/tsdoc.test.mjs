import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { undocumentedInPackage } from "./tsdoc.mjs";
import { publicPackages } from "./workspace.mjs";

describe("TSDoc on every public declaration", () => {
  it.each(publicPackages().map((p) => [p.manifest.name, p]))("%s documents every export and every member of its exported interfaces and classes", (_name, pkg) => {
    expect(undocumentedInPackage(pkg.dir)).toEqual([]);
  });

  const scratch = mkdtempSync(join(tmpdir(), "sg-tsdoc-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("finds what is missing in a planted package, following re-exports and skipping unexported names", () => {
    mkdirSync(join(scratch, "dist"), { recursive: true });
    writeFileSync(join(scratch, "dist", "index.d.ts"), 'export { a, B } from "./mod.js";\nexport type { C } from "./mod.js";\n/** Documented. */\nexport declare const d = 1;\nexport declare function e(): void;\n');
    writeFileSync(
      join(scratch, "dist", "mod.d.ts"),
      [
        "/** Documented. */",
        "export declare function a(): void;",
        "export interface B {",
        "    /** Documented. */",
        "    readonly ok: string;",
        "    readonly missing: number;",
        "}",
        "/** Documented. */",
        "export declare class C {",
        "    method(): void;",
        "}",
        "export declare function notReexported(): void;",
      ].join("\n"),
    );
    const found = undocumentedInPackage(scratch);
    expect(found).toEqual([
      "dist/index.d.ts:5: export declare function e(): void;",
      "dist/mod.d.ts:3: export interface B {",
      "dist/mod.d.ts:6: readonly missing: number;",
      "dist/mod.d.ts:10: method(): void;",
    ]);
  });

  it("follows export lists of local declarations, renames, imports, default exports and export *, and fails on a name it cannot resolve", () => {
    const pkg = join(scratch, "listed");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(
      join(pkg, "dist", "index.d.ts"),
      [
        'import { imported } from "./lib.js";', // 1
        "declare function listedUndocumented(): void;", // 2
        "declare const constListed = 1;", // 3
        "declare class ListedClass {", // 4
        "    method(): void;", // 5
        "}", // 6
        "/** Documented. */", // 7
        "declare function documented(): void;", // 8
        "declare function renamed(): void;", // 9
        "export default function defaultExport(): void;", // 10
        "export {", // 11
        "    listedUndocumented,", // 12
        "    constListed,", // 13
        "    ListedClass,", // 14
        "    documented,", // 15
        "    renamed as publicName,", // 16
        "    imported,", // 17
        "    ghost,", // 18
        "};", // 19
        'export { inner as outer } from "./lib.js";', // 20
        'export * from "./star.js";', // 21
        'export { isFieldPath } from "@sg/core";', // 22
      ].join("\n"),
    );
    writeFileSync(
      join(pkg, "dist", "lib.d.ts"),
      ["declare function imported(): void;", "/** Documented. */", "export declare function inner(): void;", "export { imported };"].join("\n"),
    );
    writeFileSync(
      join(pkg, "dist", "star.d.ts"),
      ["declare const starred: number;", "export { starred };", "export default function notPassedOn(): void;"].join("\n"),
    );
    expect(undocumentedInPackage(pkg)).toEqual([
      "dist/index.d.ts:10: export default function defaultExport(): void;",
      "dist/index.d.ts:2: declare function listedUndocumented(): void;",
      "dist/index.d.ts:3: declare const constListed = 1;",
      "dist/index.d.ts:4: declare class ListedClass {",
      "dist/index.d.ts:5: method(): void;",
      "dist/index.d.ts:9: declare function renamed(): void;",
      "dist/lib.d.ts:1: declare function imported(): void;",
      "dist/index.d.ts: exports 'ghost', but its declaration 'ghost' was not found",
      "dist/star.d.ts:1: declare const starred: number;",
    ]);
  });

  it("holds a namespace export (export * as ns, or import * as ns then export { ns }) to its own doc comment and checks every name of its module", () => {
    const pkg = join(scratch, "namespaces");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(
      join(pkg, "dist", "index.d.ts"),
      [
        "/** Documented. */", // 1
        'export * as documented from "./ns.js";', // 2
        'export * as bare from "./ns.js";', // 3
        'import * as listed from "./listed.js";', // 4
        'import * as undocumentedListed from "./listed.js";', // 5
        "/** Documented. */", // 6
        "export { listed };", // 7
        "export { undocumentedListed as renamedListed };", // 8
        'export * from "./star.js";', // 9
        "/** Documented. */", // 10
        'export * as core from "@sg/core";', // 11
        'export * as undocumentedCore from "@sg/core";', // 12
      ].join("\n"),
    );
    writeFileSync(join(pkg, "dist", "ns.d.ts"), ["/** Documented. */", "export declare const inNs = 1;", "export declare function undocumentedInNs(): void;", "export default function nsDefault(): void;"].join("\n"));
    writeFileSync(join(pkg, "dist", "listed.d.ts"), ["export declare const undocumentedInListed = 1;"].join("\n"));
    writeFileSync(join(pkg, "dist", "star.d.ts"), ['export * as passedOn from "./deep.js";'].join("\n"));
    writeFileSync(join(pkg, "dist", "deep.d.ts"), ["/** Documented. */", "export declare const deep = 1;"].join("\n"));
    expect(undocumentedInPackage(pkg)).toEqual([
      "dist/ns.d.ts:3: export declare function undocumentedInNs(): void;",
      "dist/ns.d.ts:4: export default function nsDefault(): void;",
      'dist/index.d.ts:3: export * as bare from "./ns.js";',
      'dist/index.d.ts:12: export * as undocumentedCore from "@sg/core";',
      "dist/listed.d.ts:1: export declare const undocumentedInListed = 1;",
      'dist/index.d.ts:5: import * as undocumentedListed from "./listed.js";',
      'dist/star.d.ts:1: export * as passedOn from "./deep.js";',
    ]);
  });

  it("fails on a default export of a name it cannot resolve", () => {
    const pkg = join(scratch, "default-ghost");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(join(pkg, "dist", "index.d.ts"), "export default ghost;\n");
    expect(undocumentedInPackage(pkg)).toEqual(["dist/index.d.ts: exports 'default', but its declaration 'ghost' was not found"]);
  });
});
