// The src/version.ts of each package whose build writes it (`node …/write-version.mjs` in its package.json scripts),
// rewritten from the package's manifest.
//
// Run after `changeset version` (root `npm run version-packages`): the build writes the file too, but nx replays a
// cached build (same sources, same outputs) without running it, so a "Version packages" commit could keep the old
// version in src/version.ts, which `.ci/run` refuses ("stale src/version.ts").
//
//   node tools/release-checks/src/version-files.mjs          # report stale files (exit 1 if any)
//   node tools/release-checks/src/version-files.mjs --write  # rewrite them
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot, workspacePackages } from "./workspace.mjs";

const WRITE_VERSION = /\bnode\s+("?)([^\s"&;|]*write-version\.mjs)\1/;

/** The script a package's scripts run to write its src/version.ts (an absolute path), or undefined when none does. */
function versionWriter(pkg) {
  for (const script of Object.values(pkg.manifest.scripts ?? {})) {
    const m = WRITE_VERSION.exec(script);
    if (m) return resolve(pkg.dir, m[2]);
  }
  return undefined;
}

/** The packages at `root` whose scripts write src/version.ts. */
export function versionFileUsers(root = repoRoot) {
  return workspacePackages(root).filter((pkg) => versionWriter(pkg) !== undefined);
}

const PACKAGE_VERSION = /^export const PACKAGE_VERSION = "([^"]*)";$/m;

/** The packages at `root` whose src/version.ts does not name the version of their package.json, with what it names. */
export function staleVersionFiles(root = repoRoot) {
  const stale = [];
  for (const pkg of versionFileUsers(root)) {
    const file = join(pkg.dir, "src", "version.ts");
    const found = existsSync(file) ? PACKAGE_VERSION.exec(readFileSync(file, "utf8"))?.[1] : undefined;
    if (found !== pkg.manifest.version) stale.push({ pkg, found });
  }
  return stale;
}

/** Runs each package's own version writer in its folder (as its build does); returns the packages written. */
export function writeVersionFiles(root = repoRoot) {
  const users = versionFileUsers(root);
  for (const pkg of users) {
    const writer = versionWriter(pkg);
    if (!existsSync(writer)) throw new Error(`release-checks: ${pkg.manifest.name}'s scripts run ${writer}, which does not exist`);
    execFileSync(process.execPath, [writer], { cwd: pkg.dir, stdio: "inherit" });
  }
  return users;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--write")) {
    for (const pkg of writeVersionFiles()) console.log(`${pkg.manifest.name}: src/version.ts → ${pkg.manifest.version}`);
  } else {
    const stale = staleVersionFiles();
    for (const { pkg, found } of stale) console.log(`${pkg.manifest.name}: src/version.ts names ${found ?? "no version"}, package.json ${pkg.manifest.version}`);
    if (stale.length > 0) {
      console.error("run `node tools/release-checks/src/version-files.mjs --write` (part of `npm run version-packages`)");
      process.exit(1);
    }
  }
}
