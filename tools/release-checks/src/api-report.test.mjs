import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apiReport, apiReportProblem, reportFile } from "./api-report.mjs";
import { publicPackages, repoRoot } from "./workspace.mjs";

/** A package `name` at `dir` with `files` (path → lines) and one `exports` entry. */
function plant(dir, name, files) {
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), lines.join("\n"));
  }
  const manifest = { name, type: "module", exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" } };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest));
  return manifest;
}

// Each report builds a program with lib and @types/node: seconds on a busy machine, past vitest's 5 s default.
describe("the public API of each package is the one its committed report lists", { timeout: 120_000 }, () => {
  it.each(publicPackages().map((p) => [p.manifest.name, p]))("%s: the built API matches tools/release-checks/api/", (_name, pkg) => {
    const file = reportFile(pkg.folder);
    const committed = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    expect(apiReportProblem(pkg.manifest.name, committed, apiReport(pkg.dir, pkg.manifest), relative(repoRoot, file))).toBeUndefined();
  });

  const scratch = realpathSync(mkdtempSync(join(tmpdir(), "sg-api-report-")));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const version1 = [
    'import type { Plan } from "./plan.js";',
    "/** Options. */",
    "export interface Options {",
    "    /** How many. */",
    "    readonly retries: number;",
    "}",
    "export declare class Api {",
    "    #secret;",
    "    private hidden;",
    "    readonly name: string;",
    "    constructor(options?: Options);",
    "    plan(): Promise<Plan>;",
    "}",
    "export type Shape = { readonly kind: \"a\"; size?: number };",
    "export type Kind = \"a\" | \"b\";",
    "export declare function make(n: number): Api;",
    "export declare function make(s: string): Api;",
    "export declare const LIMIT = 5;",
    "declare const renamed: Kind;",
    "export { renamed as defaultKind };",
    "export type { Plan };",
  ];
  const pkg = join(scratch, "fixture");
  const manifest = plant(pkg, "@fx/api", { "dist/index.d.ts": version1, "dist/plan.d.ts": ["export interface Plan { readonly steps: number }"] });
  const committed = apiReport(pkg, manifest);

  it("lists every export in order with its declarations, and the public members of interfaces, classes and object type aliases, without comments", () => {
    expect(committed.split("\n").slice(committed.split("\n").indexOf("## @fx/api"))).toEqual([
      "## @fx/api",
      "",
      "- class Api",
      "  - readonly name: string",
      "  - constructor(options?: Options)",
      "  - plan(): Promise<Plan>",
      "- type Kind = \"a\" | \"b\"",
      "- const LIMIT = 5",
      "- interface Options",
      "  - readonly retries: number",
      "- interface Plan",
      "  - readonly steps: number",
      "- type Shape = {…}",
      "  - readonly kind: \"a\"",
      "  - size?: number",
      "- const defaultKind: Kind (declared as renamed)",
      "- function make(n: number): Api",
      "- function make(s: string): Api",
      "",
    ]);
    expect(apiReportProblem("@fx/api", committed, apiReport(pkg, manifest))).toBeUndefined();
  });

  it("fails on an added option, export or member (also one another declaration has) with the lines added and what to do, and on a removal or a changed type", () => {
    const changed = version1
      .map((l) => (l === "    readonly retries: number;" ? "    readonly retries: number;\n    readonly timeoutMs?: number;\n    readonly name: string;" : l))
      .map((l) => (l === "export type Kind = \"a\" | \"b\";" ? "export type Kind = \"a\";" : l))
      .filter((l) => l !== "export declare function make(s: string): Api;")
      .concat(["export declare function extra(): void;"]);
    plant(pkg, "@fx/api", { "dist/index.d.ts": changed });
    const problem = apiReportProblem("@fx/api", committed, apiReport(pkg, manifest), "api/fixture.api.md");
    expect(problem).toContain("@fx/api: the built public API differs from api/fixture.api.md.");
    expect(problem).toContain("Added (in the build, not in the report):\n+ - type Kind = \"a\"\n+   - readonly timeoutMs?: number (in interface Options)\n+   - readonly name: string (in interface Options)\n+ - function extra(): void\n");
    expect(problem).toContain("Removed or changed (in the report, not in the build):\n- - type Kind = \"a\" | \"b\"\n- - function make(s: string): Api\n");
    expect(problem).toContain("Regenerate it with `npm run api-report`");
    expect(problem).toContain("needs a `minor` changeset that names what it adds");
    expect(problem).toContain("see CONTRIBUTING.md, Releasing step 1");
    plant(pkg, "@fx/api", { "dist/index.d.ts": version1 });
  });

  it("fails for a package without a committed report", () => {
    expect(apiReportProblem("@fx/api", undefined, committed, "api/fixture.api.md")).toBe(
      "@fx/api: no API report at api/fixture.api.md; write it with `npm run api-report` and commit it.",
    );
  });
});
