// Import-boundary gate: no package imports another's internals, an undeclared dependency, or a package the
// architecture's dependency rule forbids; relative imports never leave their package.
import { builtinModules } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { boundRequireCalls } from "./require-bindings.mjs";
import { TEST_FILE } from "./test-files.mjs";
import { sourceFiles, workspacePackages } from "./workspace.mjs";

/**
 * Which @sg packages each package's shipped code may import (architecture.md §2). An `@sg/auth-*` package not
 * listed gets `["@sg/core"]`; any other unlisted `@sg` package that imports an `@sg` package is reported.
 */
export const ALLOWED_SG_IMPORTS = {
  "@sg/core": [],
  "@sg/transport": ["@sg/core"],
  "@sg/auth-script": ["@sg/core"],
  "@sg/auth-legacy-pat": ["@sg/core"],
  "@sg/auth-session": ["@sg/core"],
  "@sg/entities": ["@sg/core"],
  "@sg/emulator": ["@sg/core"],
  "@sg/testing": ["@sg/core", "@sg/transport", "@sg/emulator"],
  "@sg/cli": ["@sg/core", "@sg/transport", "@sg/auth-script", "@sg/auth-legacy-pat", "@sg/auth-session", "@sg/entities", "@sg/emulator"],
};

const BUILTINS = new Set(builtinModules);
// Static imports and re-exports; then calls with one literal argument (quotes, or a template without `${}`) of
// `import(…)`, `require(…)` and `createRequire(…)(…)`. A require function kept in a binding is require-bindings.mjs's.
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|(?:\bimport|\brequire|\bcreateRequire\s*\([^)]*\))\s*\(\s*(["'`])([^"'`]+)\2\s*\)/dg;

/**
 * Module specifiers a source text imports (static, re-exports, literal dynamic imports and `require`s, and calls of a
 * require function held in a binding, see require-bindings.mjs), in the order they appear. `file` picks the parser
 * (TypeScript for .ts). Throws when a file that names `createRequire` cannot be parsed.
 */
export function importsOf(text, file = "x.ts") {
  // Comments are blanked, not removed, so that positions stay those of `text`.
  const blank = (s) => s.replace(/[^\n]/g, " ");
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/(^|[^:"'`])(\/\/.*)$/gm, (_, a, b) => a + blank(b));
  const found = new Map();
  for (const m of noComments.matchAll(IMPORT_RE)) if (!m[3]?.includes("${")) found.set(m.indices[1]?.[0] ?? m.indices[3][0], m[1] ?? m[3]);
  // Parsing is slow (seconds for the repository): only a file that names `createRequire`, or `require` other than to
  // call it, can hold a require function in a binding.
  if (/\bcreateRequire\b|\brequire\b(?!\s*\()/.test(text)) for (const c of boundRequireCalls(text, file)) found.set(c.start + 1, c.spec);
  return [...found].sort(([a], [b]) => a - b).map(([, spec]) => spec);
}

function splitSpecifier(spec) {
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const sub = spec.slice(name.length).replace(/^\//, "");
  return { name, sub };
}

const isTestFile = (rel) => TEST_FILE.test(rel);

/** The targets of an `imports` (or `exports`) entry: a string, or every string in its condition objects. */
function targetsOf(entry) {
  if (typeof entry === "string") return [entry];
  return entry !== null && typeof entry === "object" ? Object.values(entry).flatMap(targetsOf) : [];
}

/**
 * What is wrong with the package's own subpath import `spec` (`#name`, used to pick a module by condition, e.g. Node's
 * modules under `node` and a stand-in elsewhere): it must be a key of the manifest's `imports`, and each of its
 * targets a file of the package (`./…`) or a Node built-in (`node:…`), never another package.
 */
function ownImportProblems(manifest, spec) {
  const imports = manifest.imports ?? {};
  if (!Object.prototype.hasOwnProperty.call(imports, spec)) return [`imports '${spec}', which its package.json "imports" does not declare`];
  return targetsOf(imports[spec])
    .filter((target) => !target.startsWith("./") && !target.startsWith("node:"))
    .map((target) => `'${spec}' maps to '${target}', which is neither a file of the package nor a Node built-in`);
}

/** Every boundary violation in the workspace at `root`, as readable strings. */
export function checkBoundaries(root) {
  const packages = workspacePackages(root);
  // Test files may use the workspace's own tooling (vitest, typescript), declared once at the root.
  const rootManifest = existsSync(join(root, "package.json")) ? JSON.parse(readFileSync(join(root, "package.json"), "utf8")) : {};
  const tooling = new Set(Object.keys(rootManifest.devDependencies ?? {}));
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const problems = [];
  for (const pkg of packages) {
    const m = pkg.manifest;
    const runtime = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
    const dev = new Set(Object.keys(m.devDependencies ?? {}));
    for (const file of sourceFiles(pkg.dir)) {
      const test = isTestFile(file.rel);
      const where = `${m.name} ${file.rel}`;
      let specs;
      try {
        specs = importsOf(readFileSync(file.full, "utf8"), file.rel);
      } catch (e) {
        problems.push(`${where}: cannot be parsed, so its imports were not checked (${e.message})`);
        continue;
      }
      for (const spec of specs) {
        if (spec.startsWith(".")) {
          const target = resolve(dirname(file.full), spec);
          if (relative(pkg.dir, target).startsWith("..")) problems.push(`${where}: relative import '${spec}' leaves the package`);
          continue;
        }
        if (spec.startsWith("#")) {
          problems.push(...ownImportProblems(m, spec).map((p) => `${where}: ${p}`));
          continue;
        }
        if (spec.startsWith("node:") || BUILTINS.has(spec.split("/")[0])) continue;
        const { name, sub } = splitSpecifier(spec);
        if (name === m.name) {
          problems.push(`${where}: imports its own package by name ('${spec}'); use a relative import`);
          continue;
        }
        if (!runtime.has(name) && !(test && (dev.has(name) || tooling.has(name)))) {
          problems.push(`${where}: imports '${name}', which is not declared in ${test ? "dependencies, peerDependencies or devDependencies" : "dependencies or peerDependencies"}`);
        }
        const target = byName.get(name);
        if (target && sub) {
          const exportsMap = target.manifest.exports ?? {};
          if (!Object.prototype.hasOwnProperty.call(exportsMap, `./${sub}`)) problems.push(`${where}: imports '${spec}', an internal path that ${name} does not export`);
        }
        if (target && !test && name.startsWith("@sg/")) {
          // A new auth strategy (e.g. one made by `npm run new:auth`) plugs into core only, like the shipped ones;
          // any other new @sg package must be given its rule rather than be left unchecked.
          const allowed = ALLOWED_SG_IMPORTS[m.name] ?? (m.name.startsWith("@sg/auth-") ? ["@sg/core"] : undefined);
          if (!allowed && m.name.startsWith("@sg/")) problems.push(`${where}: ${m.name} has no entry in the dependency rule (ALLOWED_SG_IMPORTS in tools/release-checks/src/boundaries.mjs); add one`);
          else if (allowed && !allowed.includes(name)) problems.push(`${where}: imports '${name}', which the dependency rule does not allow for ${m.name}`);
        }
      }
    }
  }
  return problems;
}

