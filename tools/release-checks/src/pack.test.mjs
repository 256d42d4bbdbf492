import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attwProblems, missingFiles, packedFiles, publintProblems, shippedExtras, staleDistFiles, unexpectedFiles } from "./pack.mjs";
import { CORE, peerRangeProblem } from "./peer-ranges.mjs";
import { requireResults } from "./require-check.mjs";
import { FILES_TEST_NEGATIONS, TSCONFIG_TEST_EXCLUDES } from "./test-files.mjs";
import { publicPackages, repoRoot } from "./workspace.mjs";

const packages = publicPackages();
const coreVersion = packages.find((p) => p.manifest.name === CORE).manifest.version;
const license = readFileSync(join(repoRoot, "LICENSE"), "utf8");

describe("the unexpected-file rule", () => {
  it("flags sources, tests, build info and benchmark scripts but not dist, docs, the manifest's bin targets or the known data", () => {
    const files = ["package.json", "README.md", "LICENSE", "dist/index.js", "bin/sg.js", "dist/a.test.js", "src/index.ts", "dist/tsconfig.lib.tsbuildinfo", "NOTICE", "data/schema_read.json", "dist/bench.js", "dist/bench.d.ts", "dist/bench-soak.js.map", "dist/benchmark-free.js"];
    const shipped = { bin: { sg: "./bin/sg.js" }, data: ["NOTICE", "data/schema_read.json"] };
    expect(unexpectedFiles(files)).toEqual(["bin/sg.js", "dist/a.test.js", "src/index.ts", "dist/tsconfig.lib.tsbuildinfo", "NOTICE", "data/schema_read.json", "dist/bench.js", "dist/bench.d.ts", "dist/bench-soak.js.map"]);
    expect(unexpectedFiles(files, shipped)).toEqual(["dist/a.test.js", "src/index.ts", "dist/tsconfig.lib.tsbuildinfo", "dist/bench.js", "dist/bench.d.ts", "dist/bench-soak.js.map"]);
    expect(missingFiles(["package.json"])).toContain("LICENSE");
  });

  it("flags a test file anywhere, a bin script the manifest does not name and data nobody listed", () => {
    const files = ["bin/sg.js", "bin/sg.test.js", "bin/helper.js", "bin/test-support/x.js", "data/schema_read.json", "data/schema_read.test.json", "data/extra.json", "data/__tests__/fixture.json", "NOTICE", "__tests__/x.js"];
    const shipped = { bin: "./bin/sg.js", data: ["NOTICE", "data/schema_read.json"] };
    expect(unexpectedFiles(files, shipped)).toEqual(["bin/sg.test.js", "bin/helper.js", "bin/test-support/x.js", "data/schema_read.test.json", "data/extra.json", "data/__tests__/fixture.json", "__tests__/x.js"]);
  });

  it("flags every kind of test file: specs, __tests__ folders and test helpers as well as tests", () => {
    const files = ["dist/index.js", "dist/__tests__/x.js", "dist/x.spec.js", "dist/x.spec.d.ts", "dist/test-support/site.js", "dist/a/__tests__/y.d.ts", "dist/spectrum.js", "dist/inspect.js"];
    expect(unexpectedFiles(files)).toEqual(["dist/__tests__/x.js", "dist/x.spec.js", "dist/x.spec.d.ts", "dist/test-support/site.js", "dist/a/__tests__/y.d.ts"]);
  });
});

describe("the stale-build rule", () => {
  it("flags a packed dist file whose source is gone (dist/old.js left from a deleted src/old.ts), in any folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-stale-"));
    try {
      mkdirSync(join(dir, "src", "deep"), { recursive: true });
      for (const f of ["index.ts", "deep/kept.mts", "plain.js"]) writeFileSync(join(dir, "src", f), "export {};\n");
      const files = ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/index.js.map", "dist/deep/kept.mjs", "dist/deep/kept.d.mts", "dist/plain.js", "dist/old.js", "dist/old.d.ts", "dist/old.js.map", "dist/deep/gone.d.ts.map", "bin/sg.js"];
      expect(staleDistFiles(files, dir)).toEqual(["dist/old.js", "dist/old.d.ts", "dist/old.js.map", "dist/deep/gone.d.ts.map"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CommonJS consumers", () => {
  it("every package's entry loads with require() (Node >=20.19) and gives the names import gives", () => {
    const names = packages.map((p) => p.manifest.name);
    expect(requireResults(names, join(repoRoot, "tools", "release-checks"))).toEqual(Object.fromEntries(names.map((n) => [n, "ok"])));
  }, 60_000);
});

describe.each(packages.map((p) => [p.manifest.name, p]))("%s as published", (_name, pkg) => {
  const shipped = shippedExtras(pkg.manifest);

  it("packs dist, README and LICENSE (and its bin targets, and the schema data and NOTICE where it ships) and nothing else", () => {
    const files = packedFiles(pkg.dir);
    expect(unexpectedFiles(files, shipped)).toEqual([]);
    expect(missingFiles(files, shipped)).toEqual([]);
    expect(staleDistFiles(files, pkg.dir), "built from a source file that no longer exists: rebuild from a clean dist/").toEqual([]);
    expect(readFileSync(join(pkg.dir, "LICENSE"), "utf8")).toBe(license);
  }, 60_000); // spawns `npm pack --dry-run` (1.5 s under CI load already): a bound for hangs, like its siblings

  it("passes publint", async () => {
    expect(await publintProblems(pkg.dir)).toEqual([]);
  }, 60_000);

  it("passes are-the-types-wrong (every resolution mode; a require() that resolves to ESM is allowed)", () => {
    expect(attwProblems(pkg.dir)).toEqual([]);
  }, 60_000);

  it("declares what users need to install it", () => {
    const m = pkg.manifest;
    expect(m.license).toBe("BSD-3-Clause");
    expect(m.type).toBe("module");
    // require(esm), which the `default` condition below relies on, is on by default from Node 20.19.
    expect(m.engines?.node).toBe(">=20.19");
    // `types` first, then `default` (not `import`), so that require() finds the entry as well as import.
    expect(m.exports?.["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(Object.keys(m.peerDependencies ?? {}).filter((name) => name !== CORE)).toEqual([]);
    const peer = m.peerDependencies?.[CORE];
    if (peer !== undefined) expect(peerRangeProblem(peer, coreVersion), `${m.name} peerDependencies["${CORE}"]`).toBeUndefined();
    // A package that depends on core (the CLI) takes every core of the major too: `^0.x` would make npm nest a second core.
    const dependency = m.dependencies?.[CORE];
    if (dependency !== undefined) expect(peerRangeProblem(dependency, coreVersion), `${m.name} dependencies["${CORE}"]`).toBeUndefined();
  });

  it("keeps every kind of test file out of its build and its pack", () => {
    const lib = JSON.parse(readFileSync(join(pkg.dir, "tsconfig.lib.json"), "utf8"));
    expect(lib.exclude).toEqual(expect.arrayContaining(TSCONFIG_TEST_EXCLUDES));
    expect(pkg.manifest.files).toEqual(expect.arrayContaining(FILES_TEST_NEGATIONS));
  });
});

describe("command-line packages", () => {
  it.each([["@sg/cli", "sg"], ["@sg/emulator", "sg-emulator"]])("%s links its '%s' bin to a committed, executable wrapper (so npm ci can link it before the build)", (name, bin) => {
    const pkg = packages.find((p) => p.manifest.name === name);
    const target = pkg.manifest.bin?.[bin];
    // Without a leading "./": npm publish rewrites "./bin/…" and warns that the bin "was invalid and removed" (it is
    // not; the warning would stop a release for nothing).
    expect(target).toMatch(/^bin\/[\w-]+\.js$/);
    const mode = statSync(join(pkg.dir, target)).mode;
    expect(mode & 0o111).not.toBe(0);
    expect(readFileSync(join(pkg.dir, target), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
