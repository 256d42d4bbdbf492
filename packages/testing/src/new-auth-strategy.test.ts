/**
 * Tests of the strategy generator in tools/new-auth-strategy (it has no package of its own, so that adding
 * it does not change the npm workspace set). The generated package is written into a temporary copy of the
 * workspace layout, then type-checked, built and tested there: nothing is written into the repository.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkScope } from "./test-support/link-scope.js";

const repo = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const tool = join(repo, "tools/new-auth-strategy/index.mjs");
const tsc = join(repo, "node_modules/typescript/bin/tsc");
const vitest = join(repo, "node_modules/vitest/vitest.mjs");
const NAME = "zz-probe";

/** The parent's vitest variables would make the nested run think it is a worker. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !k.startsWith("NX_") && k !== "NODE_OPTIONS" && k !== "TEST"));

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [command, ...args], { cwd, encoding: "utf8", env: { ...cleanEnv(), NO_COLOR: "1", CI: "true", NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false" }, timeout: 120_000 });
}

const output = (r: SpawnSyncReturns<string>): string => `exit ${r.status}\n${r.stdout}\n${r.stderr}`;

/** The version a workspace package is at now (the generator reads the same manifests, so a "Version packages" commit keeps these tests green). */
const versionOf = (folder: string): string => (JSON.parse(readFileSync(join(repo, "packages", folder, "package.json"), "utf8")) as { version: string }).version;

let root: string;

/**
 * A temporary workspace: the root tsconfig, the package.json/tsconfig files the generator reads, a
 * node_modules of links into the repository's (a stale link to a deleted @sg package is left out), and @sg/testing compiled into the temp dir (its dist in the
 * repository may not be built when this package's tests run).
 */
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "sg-new-auth-"));
  cpSync(join(repo, "tsconfig.base.json"), join(root, "tsconfig.base.json"));
  cpSync(join(repo, "LICENSE"), join(root, "LICENSE"));
  for (const pkg of ["core", "transport", "emulator", "testing"]) {
    mkdirSync(join(root, "packages", pkg), { recursive: true });
    for (const file of ["package.json", "tsconfig.json", "tsconfig.lib.json"]) cpSync(join(repo, "packages", pkg, file), join(root, "packages", pkg, file));
  }
  const modules = join(root, "node_modules");
  mkdirSync(join(modules, "@sg"), { recursive: true });
  for (const entry of readdirSync(join(repo, "node_modules"))) {
    if (entry !== "@sg") symlinkSync(join(repo, "node_modules", entry), join(modules, entry));
  }
  linkScope(join(repo, "node_modules/@sg"), join(modules, "@sg"), ["testing"]);
  const kit = join(root, "sg-testing");
  mkdirSync(kit);
  cpSync(join(repo, "packages/testing/package.json"), join(kit, "package.json"));
  const built = run(tsc, ["-p", join(repo, "packages/testing/tsconfig.lib.json"), "--outDir", join(kit, "dist"), "--tsBuildInfoFile", join(kit, "tsbuildinfo")], repo);
  expect(built.status, output(built)).toBe(0);
  symlinkSync(kit, join(modules, "@sg/testing"));
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("tools/new-auth-strategy", () => {
  it("writes the package, its test and a changeset", () => {
    const r = run(tool, [NAME, "--root", root], repo);
    expect(r.status, output(r)).toBe(0);
    const dir = join(root, "packages/auth-zz-probe");
    const files = ["package.json", "tsconfig.json", "tsconfig.lib.json", "README.md", "LICENSE", "src/index.ts", "src/zz-probe-auth.ts", "src/zz-probe.test.ts"];
    for (const f of files) expect(existsSync(join(dir, f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    const core = versionOf("core");
    expect(pkg).toMatchObject({
      name: "@sg/auth-zz-probe",
      type: "module",
      // the plugins' peer rule (tools/release-checks/src/peer-ranges.mjs): from today's core up to its next major
      peerDependencies: { "@sg/core": `>=${core} <${Number(core.split(".")[0]) + 1}.0.0` },
      devDependencies: { "@sg/core": core, "@sg/transport": versionOf("transport"), "@sg/emulator": versionOf("emulator"), "@sg/testing": versionOf("testing") },
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
      scripts: { build: "tsc -p tsconfig.lib.json", typecheck: "tsc -p tsconfig.json" },
    });
    expect(JSON.parse(readFileSync(join(dir, "tsconfig.lib.json"), "utf8"))).toEqual(JSON.parse(readFileSync(join(repo, "packages/core/tsconfig.lib.json"), "utf8")));
    expect(readFileSync(join(dir, "src/index.ts"), "utf8")).toContain('export { zzProbeAuth } from "./zz-probe-auth.js";');
    expect(readFileSync(join(dir, "src/zz-probe.test.ts"), "utf8")).toContain("await assertAuthStrategy({");
    expect(readFileSync(join(root, ".changeset/zz-probe-initial.md"), "utf8")).toMatch(/^---\n"@sg\/auth-zz-probe": minor\n---\n\nNew package `@sg\/auth-zz-probe`: `zzProbeAuth\(\)`/);
    expect(r.stdout).toContain("CREATE packages/auth-zz-probe/src/zz-probe.test.ts");
  });

  it("generates a package that type-checks (tests included) and builds", () => {
    const dir = join(root, "packages/auth-zz-probe");
    const typecheck = run(tsc, ["-p", "tsconfig.json"], dir);
    expect(typecheck.status, output(typecheck)).toBe(0);
    const build = run(tsc, ["-p", "tsconfig.lib.json"], dir);
    expect(build.status, output(build)).toBe(0);
    expect(readFileSync(join(dir, "dist/index.d.ts"), "utf8")).toContain("zzProbeAuth");
    expect(existsSync(join(dir, "dist/zz-probe.test.js"))).toBe(false);
  }, 60_000);

  it("generates a test that runs the conformance kit and passes", () => {
    const r = run(vitest, ["run", "--reporter=default"], join(root, "packages/auth-zz-probe"));
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+2 passed \(2\)/);
  }, 120_000);

  it("refuses to overwrite and rejects bad names", () => {
    const again = run(tool, [NAME, "--root", root], repo);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/refusing to overwrite packages\/auth-zz-probe\/package\.json/);
    const bad = run(tool, ["Bad_Name", "--root", root], repo);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/expected a kebab-case name such as 'vault'.*got "Bad_Name"/);
  });

  it("runs as an nx generator (dry run, nothing written)", () => {
    const r = run(join(repo, "node_modules/nx/dist/bin/nx.js"), ["g", "./tools/new-auth-strategy/generators.json:auth-strategy", "zz-dry", "--dry-run", "--no-interactive"], repo);
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toContain("CREATE packages/auth-zz-dry/src/zz-dry-auth.ts");
    expect(r.stdout).toContain("CREATE .changeset/zz-dry-initial.md");
    expect(existsSync(join(repo, "packages/auth-zz-dry"))).toBe(false);
  }, 60_000);
});
