import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attwProblems, missingFiles, packedFiles, publintProblems, unexpectedFiles } from "./pack.mjs";
import { publicPackages, repoRoot } from "./workspace.mjs";

const packages = publicPackages();
const license = readFileSync(join(repoRoot, "LICENSE"), "utf8");

describe("the unexpected-file rule", () => {
  it("flags sources, tests, build info and benchmark scripts but not dist, docs or shipped data", () => {
    const files = ["package.json", "README.md", "LICENSE", "dist/index.js", "bin/sg.js", "dist/a.test.js", "src/index.ts", "dist/tsconfig.lib.tsbuildinfo", "NOTICE", "data/schema.json", "dist/bench.js", "dist/bench.d.ts", "dist/bench-soak.js.map", "dist/benchmark-free.js"];
    expect(unexpectedFiles(files)).toEqual(["dist/a.test.js", "src/index.ts", "dist/tsconfig.lib.tsbuildinfo", "NOTICE", "data/schema.json", "dist/bench.js", "dist/bench.d.ts", "dist/bench-soak.js.map"]);
    expect(unexpectedFiles(files, { shipsData: true })).toEqual(["dist/a.test.js", "src/index.ts", "dist/tsconfig.lib.tsbuildinfo", "dist/bench.js", "dist/bench.d.ts", "dist/bench-soak.js.map"]);
    expect(missingFiles(["package.json"])).toContain("LICENSE");
  });
});

describe.each(packages.map((p) => [p.manifest.name, p]))("%s as published", (_name, pkg) => {
  const shipsData = pkg.manifest.name === "@sg/emulator";

  it("packs dist, README and LICENSE (and the schema NOTICE where it ships) and nothing else", () => {
    const files = packedFiles(pkg.dir);
    expect(unexpectedFiles(files, { shipsData })).toEqual([]);
    expect(missingFiles(files, { shipsData })).toEqual([]);
    expect(readFileSync(join(pkg.dir, "LICENSE"), "utf8")).toBe(license);
  }, 60_000); // spawns `npm pack --dry-run` (1.5 s under CI load already): a bound for hangs, like its siblings

  it("passes publint", async () => {
    expect(await publintProblems(pkg.dir)).toEqual([]);
  }, 60_000);

  it("passes are-the-types-wrong (ESM-only profile)", () => {
    expect(attwProblems(pkg.dir)).toEqual([]);
  }, 60_000);

  it("declares what users need to install it", () => {
    const m = pkg.manifest;
    expect(m.license).toBe("BSD-3-Clause");
    expect(m.type).toBe("module");
    expect(m.engines?.node).toMatch(/>=20/);
    expect(m.exports?.["."]?.types).toBe("./dist/index.d.ts");
    for (const range of Object.values(m.peerDependencies ?? {})) expect(range).toBe(">=0.1.0 <1.0.0");
  });
});

describe("command-line packages", () => {
  it.each([["@sg/cli", "sg"], ["@sg/emulator", "sg-emulator"]])("%s links its '%s' bin to a committed, executable wrapper (so npm ci can link it before the build)", (name, bin) => {
    const pkg = packages.find((p) => p.manifest.name === name);
    const target = pkg.manifest.bin?.[bin];
    expect(target).toMatch(/^\.\/bin\/[\w-]+\.js$/);
    const mode = statSync(join(pkg.dir, target)).mode;
    expect(mode & 0o111).not.toBe(0);
    expect(readFileSync(join(pkg.dir, target), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
