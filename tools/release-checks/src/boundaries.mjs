// Import-boundary gate: no package imports another's internals, an undeclared dependency, or a package the
// architecture's dependency rule forbids; relative imports never leave their package.
import { builtinModules } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { parseSource } from "./parse-source.mjs";
import { boundRequireCalls } from "./require-bindings.mjs";
import { TEST_FILE } from "./test-files.mjs";
import { shippedCode, workspacePackages } from "./workspace.mjs";

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
const literal = (node) =>
  node?.type === "StringLiteral" ? node : node?.type === "TemplateLiteral" && node.expressions.length === 0 ? { start: node.start, value: node.quasis[0].value.cooked } : undefined;
const named = (node, name) => node?.type === "Identifier" && node.name === name;
const NOT_CHILD = new Set(["loc", "extra", "leadingComments", "trailingComments", "innerComments", "comments", "tokens"]);

/**
 * The literal specifier node of a `createRequire(…)(…)` call (also `m.createRequire(…)(…)`), the one load TypeScript's
 * walk below does not see; a require function kept in a binding is require-bindings.mjs's.
 */
function createRequired(node) {
  if (node.type !== "CallExpression" && node.type !== "OptionalCallExpression") return undefined;
  const c = node.callee;
  const create = (c.type === "CallExpression" || c.type === "OptionalCallExpression") && (named(c.callee, "createRequire") || (c.callee.type === "MemberExpression" && named(c.callee.property, "createRequire")));
  return create ? literal(node.arguments[0]) : undefined;
}

const KIND = { ts: ts.ScriptKind.TS, tsx: ts.ScriptKind.TSX, js: ts.ScriptKind.JS, jsx: ts.ScriptKind.JSX };
const isText = (n) => n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n));

/** The literal specifier node a TypeScript node loads: import/export … from, `import x = require(…)`, `import(…)`, `require(…)`, `import("…")` types. */
function tsLoadedBy(n) {
  if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) return n.moduleSpecifier;
  if (ts.isExternalModuleReference(n)) return n.expression;
  if (ts.isImportTypeNode(n)) return ts.isLiteralTypeNode(n.argument) ? n.argument.literal : undefined;
  if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === "require"))) return n.arguments[0];
  return undefined;
}

/**
 * Module specifiers a source text imports, in the order they appear: static imports and re-exports, `import x =
 * require(…)`, `typeof import(…)`, and `import(…)`/`require(…)` with a literal specifier, read from TypeScript's parse
 * (`ts.createSourceFile`, by extension), so strings, template strings, comments and regex literals are never read as
 * code; and in a file that names `createRequire` (or `require` other than to call it), `createRequire(…)(…)` and calls
 * of a require function held in a binding (require-bindings.mjs), read from Babel's parse. Throws when such a file
 * cannot be parsed.
 */
export function importsOf(text, file = "x.ts") {
  // Keyed by the offset of the specifier's opening quote, where TypeScript and Babel agree.
  const found = new Map();
  const ext = /\.[cm]?([jt]sx?)$/.exec(file)?.[1] ?? "ts";
  // Doc comments are left unparsed (an `import("…")` in one is not code) and parents unset: a quarter faster.
  // TypeScript takes a text with U+FFFD in its first 256 characters for a binary file and reads nothing of it: a
  // space in its place (same length, so offsets hold) is read as text. Only a string or comment can hold one.
  const head = text.slice(0, 256).replaceAll("\uFFFD", " ");
  const sf = ts.createSourceFile(file, head + text.slice(256), { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, KIND[ext]);
  const visit = (n) => {
    const spec = tsLoadedBy(n);
    if (isText(spec)) found.set(ts.skipTrivia(text, spec.pos), spec.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  // Parsing is slow (seconds for the repository): only a file that names `createRequire`, or `require` other than to
  // call it, can hold a require function in a binding.
  if (/\bcreateRequire\b|\brequire\b(?!\s*\()/.test(text)) {
    const ast = parseSource(text, file);
    const walk = (node) => {
      const spec = createRequired(node);
      if (spec) found.set(spec.start, spec.value);
      for (const [key, value] of Object.entries(node)) {
        if (NOT_CHILD.has(key) || !value || typeof value !== "object") continue;
        for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child.type === "string") walk(child);
      }
    };
    walk(ast.program);
    for (const c of boundRequireCalls(ast, file)) found.set(c.start, c.spec);
  }
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
    for (const file of shippedCode(pkg.dir)) {
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

