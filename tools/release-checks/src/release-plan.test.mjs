import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assembleReleasePlan from "@changesets/assemble-release-plan";
import { read } from "@changesets/config";
import { getPackages } from "@manypkg/get-packages";
import { afterAll, describe, expect, it } from "vitest";
import { CORE, peerRangeProblem, writePeerRanges } from "./peer-ranges.mjs";
import { versionFileUsers, writeVersionFiles } from "./version-files.mjs";
import { bumpVersion } from "./versions.mjs";
import { repoRoot, workspacePackages } from "./workspace.mjs";

const PLUGINS = ["@sg/transport", "@sg/auth-script", "@sg/auth-legacy-pat", "@sg/auth-session", "@sg/entities"];

// The release plan changesets would make for a set of changesets, computed with changesets' own planner
// over the real packages and config of the workspace at `root` (this repository unless told).
async function plan(releases, root = repoRoot) {
  const packages = await getPackages(root);
  const config = await read(root, packages);
  const changesets = [{ id: "test-change", summary: "test", releases }];
  const result = (assembleReleasePlan.default ?? assembleReleasePlan)(changesets, packages, config, undefined);
  return Object.fromEntries(result.releases.filter((r) => r.type !== "none").map((r) => [r.name, `${r.type} ${r.newVersion}`]));
}

/** The version a package at `root` is at now (expected versions follow the manifests, so a "Version packages" commit keeps this test green). */
const versionOf = (name, root = repoRoot) => workspacePackages(root).find((p) => p.manifest.name === name).manifest.version;
const expected = (name, type, root = repoRoot) => `${type} ${bumpVersion(versionOf(name, root), type)}`;

describe("independent releases with changesets", () => {
  it("a patch to one auth package bumps only that package", async () => {
    expect(await plan([{ name: "@sg/auth-script", type: "patch" }])).toEqual({ "@sg/auth-script": expected("@sg/auth-script", "patch") });
  });

  it("a core minor does not force a bump, let alone a major, on the plugins that peer-depend on it", async () => {
    const p = await plan([{ name: CORE, type: "minor" }]);
    expect(p[CORE]).toBe(expected(CORE, "minor"));
    // "Does not force a bump": no release at all (CONTRIBUTING: a core minor bumps no plugin). Asserting only
    // "not major" let a patch or minor bump of every plugin through.
    for (const plugin of PLUGINS) {
      expect(p[plugin], plugin).toBeUndefined();
    }
    // Nor on the kit (a peer of core too) or the CLI (whose dependency range on core takes every core minor).
    expect(p["@sg/testing"]).toBeUndefined();
    expect(p["@sg/cli"]).toBeUndefined();
  });

  it("private workspace packages are never released", async () => {
    const p = await plan([{ name: CORE, type: "patch" }]);
    expect(Object.keys(p).filter((n) => n.startsWith("@sg-internal/"))).toEqual([]);
  });
});

describe("a core major", () => {
  // A copy of the workspace's manifests and changesets config, versioned there by the real `changeset version`.
  const scratch = mkdtempSync(join(tmpdir(), "sg-release-plan-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, workspaces: ["packages/*"] }));
  mkdirSync(join(scratch, ".changeset"));
  cpSync(join(repoRoot, ".changeset", "config.json"), join(scratch, ".changeset", "config.json"));
  // changesets loads its changelog writer from the workspace's node_modules.
  symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"));
  for (const pkg of workspacePackages(repoRoot)) {
    mkdirSync(join(scratch, "packages", pkg.folder, "src"), { recursive: true });
    cpSync(join(pkg.dir, "package.json"), join(scratch, "packages", pkg.folder, "package.json"));
  }
  // The committed src/version.ts files (at the versions before the bump) and the script that writes them.
  for (const pkg of versionFileUsers(repoRoot)) cpSync(join(pkg.dir, "src", "version.ts"), join(scratch, "packages", pkg.folder, "src", "version.ts"));
  mkdirSync(join(scratch, "tools"));
  cpSync(join(repoRoot, "tools", "write-version.mjs"), join(scratch, "tools", "write-version.mjs"));
  const versionPackages = (bump) => {
    writeFileSync(join(scratch, ".changeset", `core-${bump}.md`), `---\n"${CORE}": ${bump}\n---\n\nA breaking change.\n`);
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "@changesets", "cli", "bin.js"), "version"], { cwd: scratch, stdio: "pipe" });
    // What `npm run version-packages` runs after changesets (see the root package.json).
    writePeerRanges(scratch);
    writeVersionFiles(scratch);
  };
  const peerOf = (name) => workspacePackages(scratch).find((p) => p.manifest.name === name).manifest.peerDependencies[CORE];

  it("releases every plugin, and the version step leaves each with a range that admits the new core and ends at its next major", async () => {
    expect(rootManifest.scripts["version-packages"]).toMatch(
      /^changeset version && node tools\/release-checks\/src\/peer-ranges\.mjs --write && node tools\/release-checks\/src\/version-files\.mjs --write && /,
    );
    const p = await plan([{ name: CORE, type: "major" }], scratch);
    expect(p[CORE]).toBe(expected(CORE, "major", scratch));
    for (const plugin of PLUGINS) expect(p[plugin], plugin).toBeDefined();

    versionPackages("major");
    const core = versionOf(CORE, scratch);
    const [major] = core.split(".").map(Number);
    expect(core).toBe(`${major}.0.0`);
    for (const plugin of PLUGINS) {
      expect(peerOf(plugin), plugin).toBe(`>=${core} <${major + 1}.0.0`);
      expect(peerRangeProblem(peerOf(plugin), core), plugin).toBeUndefined();
    }
    // The CLI depends on core (it is an app) with the plugins' range, so that npm does not nest a second core in an
    // app on another core minor; changesets rewrites that range as it does the peer ranges.
    const cliCore = workspacePackages(scratch).find((p) => p.manifest.name === "@sg/cli").manifest.dependencies[CORE];
    expect(cliCore).toBe(`>=${core} <${major + 1}.0.0`);

    // The version step itself rewrites src/version.ts: nx may replay a cached build that would not, and `.ci/run`
    // fails a "Version packages" commit whose src/version.ts is stale. Every package that names its own version is
    // released with this core major (the transport is a plugin), so each file must hold its package's new version.
    const users = versionFileUsers(scratch);
    expect(users.map((p) => p.manifest.name)).toContain("@sg/transport");
    for (const pkg of users) {
      expect(pkg.manifest.version, pkg.manifest.name).not.toBe(versionOf(pkg.manifest.name));
      expect(readFileSync(join(pkg.dir, "src", "version.ts"), "utf8"), pkg.manifest.name).toContain(`export const PACKAGE_VERSION = "${pkg.manifest.version}";`);
    }

    // An open `>=x.y.z` (what changesets writes) would admit the next core major and release no plugin with it.
    const next = await plan([{ name: CORE, type: "major" }], scratch);
    expect(next[CORE]).toBe(expected(CORE, "major", scratch));
    for (const plugin of PLUGINS) expect(next[plugin], plugin).toBeDefined();
  }, 60_000);
});
