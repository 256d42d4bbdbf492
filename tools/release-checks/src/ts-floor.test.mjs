import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatedSchema } from "./typegen-fixture.mjs";
import { repoRoot } from "./workspace.mjs";

// The oldest TypeScript a consumer may compile @sg/* with, skipLibCheck false: the `typescript` devDependency of this
// package (an exact version, installed in tools/release-checks/node_modules only; the workspace's own tsc is the
// root's). The README states it; a .d.ts construct newer than it (NoInfer is 5.4's, `Uint8Array<…>` 5.7's) fails here.
const floorDir = dirname(createRequire(import.meta.url).resolve("typescript/package.json"));
const floor = JSON.parse(readFileSync(join(floorDir, "package.json"), "utf8")).version;

/** The module settings a consumer's tsconfig may use: Node's own resolution and a bundler's. */
const MODES = [
  { module: "Node16", moduleResolution: "Node16" },
  { module: "ESNext", moduleResolution: "Bundler" },
];

// A scratch folder inside the repository, so `@sg/*` resolve through the workspace's node_modules to the built packages.
const scratch = mkdtempSync(join(repoRoot, "tools", "release-checks", ".snippets-ts-floor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the TypeScript floor", () => {
  it("is the version the README states", () => {
    expect(readFileSync(join(repoRoot, "README.md"), "utf8")).toContain(`TypeScript ${floor} or later`);
  });

  it("is not the workspace's own tsc", () => {
    const own = realpathSync(join(repoRoot, "node_modules", ".bin", "tsc"));
    expect(own.startsWith(join(realpathSync(repoRoot), "node_modules", "typescript") + "/")).toBe(true);
    expect(realpathSync(floorDir)).not.toBe(dirname(dirname(own)));
  });

  it.each(MODES.map((m) => [`${m.module}/${m.moduleResolution}`, m]))(`a program using every package compiles with TypeScript ${floor}, skipLibCheck false, module %s`, (_name, mode) => {
    const dir = mkdtempSync(join(scratch, "m-"));
    copyFileSync(join(import.meta.dirname, "ts-floor-consumer.ts"), join(dir, "consumer.ts"));
    writeFileSync(join(dir, "sg-schema.ts"), generatedSchema());
    const compilerOptions = { target: "ES2022", lib: ["ES2022"], ...mode, types: ["node"], strict: true, noEmit: true, skipLibCheck: false };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer.ts", "sg-schema.ts"] }));
    let output = "";
    try {
      execFileSync(process.execPath, [join(floorDir, "bin", "tsc"), "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
    expect(output).toBe("");
  }, 600_000);
});
