// The plugins' peer range on @sg/core, and the CLI's dependency range on it: `>=<floor> <<core major + 1>.0.0`.
//
// changesets rewrites a peer range that a core major leaves into an open `>=x.y.z` (no upper bound, so a later
// core major would release no plugin). Run after `changeset version` (root `npm run version-packages`), this puts
// the upper bound back at core's next major and keeps each plugin's floor, moving it to `<major>.0.0` when
// core's major moved past it. The pack gate checks every published range with `peerRangeProblem`.
//
//   node tools/release-checks/src/peer-ranges.mjs          # report ranges that need fixing (exit 1 if any)
//   node tools/release-checks/src/peer-ranges.mjs --write  # fix them in place
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareVersions, parseVersion } from "./versions.mjs";
import { repoRoot, workspacePackages } from "./workspace.mjs";

/** The package the plugins peer-depend on. */
export const CORE = "@sg/core";

const RANGE = /^>=(\d+\.\d+\.\d+) <(\d+)\.0\.0$/;

/** Why `range` is not a valid @sg/core peer range while core is at `coreVersion`, or undefined when it is. */
export function peerRangeProblem(range, coreVersion) {
  const [major] = parseVersion(coreVersion);
  const expected = `">=<floor> <${major + 1}.0.0" with a floor from ${major}.0.0 up to ${coreVersion}`;
  const m = RANGE.exec(String(range));
  if (!m) return `${JSON.stringify(range)} is not of the form ${expected}`;
  const [floor, upper] = [m[1], Number(m[2])];
  if (upper !== major + 1) return `${JSON.stringify(range)} ends at ${upper}.0.0, not at core's next major: expected ${expected}`;
  if (parseVersion(floor)[0] !== major) return `${JSON.stringify(range)} starts in another major than core ${coreVersion}: expected ${expected}`;
  if (compareVersions(floor, coreVersion) > 0) return `${JSON.stringify(range)} starts above core's version ${coreVersion}: expected ${expected}`;
  return undefined;
}

/** The range `range` becomes for core at `coreVersion`: its floor kept (or `<major>.0.0` when core's major moved), its upper bound core's next major. */
export function fixedPeerRange(range, coreVersion) {
  const [major] = parseVersion(coreVersion);
  const found = /(\d+\.\d+\.\d+)/.exec(String(range));
  if (!found) throw new Error(`peer range ${JSON.stringify(range)} names no version to keep as its floor`);
  let floor = found[1];
  if (parseVersion(floor)[0] !== major || compareVersions(floor, coreVersion) > 0) floor = `${major}.0.0`;
  return `>=${floor} <${major + 1}.0.0`;
}

/**
 * The manifest fields whose @sg/core range takes this form: the plugins' peer range, and the range of a package that
 * depends on core (the CLI, an app: a `^0.x` range there would make npm nest a second core in an app on another minor).
 */
export const RANGE_FIELDS = ["peerDependencies", "dependencies"];

/** Each package under `root`/packages whose @sg/core range (see `RANGE_FIELDS`) is not what `fixedPeerRange` makes of it. */
export function peerRangeFixes(root = repoRoot) {
  const packages = workspacePackages(root);
  const core = packages.find((p) => p.manifest.name === CORE);
  if (!core) throw new Error(`no ${CORE} package under ${join(root, "packages")}`);
  const fixes = [];
  for (const pkg of packages) {
    for (const field of RANGE_FIELDS) {
      const from = pkg.manifest[field]?.[CORE];
      if (from === undefined) continue;
      const to = fixedPeerRange(from, core.manifest.version);
      if (to !== from) fixes.push({ pkg, field, from, to });
    }
  }
  return fixes;
}

/** Writes the fixes of `peerRangeFixes(root)` into the manifests; returns them. */
export function writePeerRanges(root = repoRoot) {
  const fixes = peerRangeFixes(root);
  for (const { pkg, field, to } of fixes) {
    const file = join(pkg.dir, "package.json");
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    manifest[field][CORE] = to;
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return fixes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes("--write");
  const fixes = write ? writePeerRanges() : peerRangeFixes();
  for (const { pkg, field, from, to } of fixes) console.log(`${pkg.manifest.name}: ${field}["${CORE}"] ${JSON.stringify(from)} ${write ? "→" : "should be"} ${JSON.stringify(to)}`);
  if (!write && fixes.length > 0) {
    console.error("run `node tools/release-checks/src/peer-ranges.mjs --write` (part of `npm run version-packages`)");
    process.exit(1);
  }
}
