// Pack-content gate: what `npm pack` would publish for a package, and whether it is only what users need.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TEST_FILE } from "./test-files.mjs";

/** Paths `npm pack` would put in the tarball of the package at `dir`. */
export function packedFiles(dir) {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return JSON.parse(out)[0].files.map((f) => f.path).sort();
}

const ALWAYS = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);

/** Data files a package ships beside dist/, by name: each one listed, so a stray file (a fixture, a test) never ships. */
export const SHIPPED_DATA = {
  "@sg/emulator": ["NOTICE", "data/NOTICE", "data/schema_read.json", "data/schema_entity_read.json"],
};

/** What a package's manifest ships beside dist/: `{ bin, data }` (its `bin` field, and its data files from SHIPPED_DATA). */
export const shippedExtras = (manifest) => ({ bin: manifest.bin, data: SHIPPED_DATA[manifest.name] ?? [] });

/** The paths a manifest's `bin` field (a string or a map) points at, as the pack lists them. */
const binPaths = (bin) => (typeof bin === "string" ? [bin] : Object.values(bin ?? {})).map((p) => p.replace(/^\.\//, ""));

/**
 * Files in a pack that should not be there: a test file or test helper anywhere (TEST_FILE), and anything but dist, the
 * manifest's `bin` targets, README, LICENSE and the package's listed data files (`data`, see SHIPPED_DATA); in dist,
 * build info and benchmark scripts too.
 */
export function unexpectedFiles(files, { bin, data = [] } = {}) {
  const allowed = new Set([...ALWAYS, ...binPaths(bin), ...data]);
  return files.filter((f) => {
    if (TEST_FILE.test(f)) return true;
    if (allowed.has(f)) return false;
    if (!f.startsWith("dist/")) return true;
    // build info, and benchmark scripts (`dist/bench.js`, `dist/bench-soak.js`): none runs for a user
    return /\.tsbuildinfo$|(?:^|\/)bench(?:[-.][\w-]+)?\.(?:js|d\.ts|js\.map)$/.test(f);
  });
}

/** What tsc writes for a source: `.js`/`.mjs`/`.cjs` with their `.d.*ts` and maps, from the same name under src/. */
const BUILT = /\.(?:d\.[cm]?ts|[cm]?js)(?:\.map)?$/;
const SOURCES = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/**
 * Packed dist/ files of the package at `dir` that no source under src/ builds (tsc maps src/a/b.ts to dist/a/b.js, .d.ts
 * and maps): a build left over from a deleted source, which a clean build (`rm -rf dist`) would not make.
 */
export function staleDistFiles(files, dir) {
  return files.filter((f) => {
    if (!f.startsWith("dist/") || !BUILT.test(f)) return false;
    const base = join(dir, "src", f.slice("dist/".length).replace(BUILT, ""));
    return !SOURCES.some((ext) => existsSync(base + ext));
  });
}

/** Files a pack must contain. */
export function missingFiles(files, { bin, data = [] } = {}) {
  const need = ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts", ...binPaths(bin), ...data];
  return need.filter((f) => !files.includes(f));
}

/** publint's errors and warnings for the package at `dir`, as readable strings. */
export async function publintProblems(dir) {
  const { publint } = await import("publint");
  const { formatMessage } = await import("publint/utils");
  const { messages, pkg } = await publint({ pkgDir: dir, level: "warning", strict: true, pack: "npm" });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
}

/**
 * are-the-types-wrong problems for the package at `dir`, in every resolution mode (node10, node16 from CJS and
 * from ESM, bundler). `CJSResolvesToESM` is not a problem here: Node >=20.19 (our `engines`) loads an ES module
 * with require(), which the require gate (require-check.mjs) proves for each package.
 */
export function attwProblems(dir) {
  let out;
  try {
    out = execFileSync("npx", ["--no-install", "attw", "--pack", ".", "--format", "json"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    out = e.stdout?.toString() ?? "";
    if (!out.trim().startsWith("{")) return [`attw failed: ${(e.stderr ?? e.message).toString().slice(0, 300)}`];
  }
  const report = JSON.parse(out);
  const problems = report.analysis?.problems ?? [];
  const ignored = new Set(["CJSResolvesToESM"]);
  return problems.filter((p) => !ignored.has(p.kind)).map((p) => `${p.kind}${p.entrypoint ? ` at ${p.entrypoint}` : ""}${p.resolutionKind ? ` (${p.resolutionKind})` : ""}`);
}
