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
});
