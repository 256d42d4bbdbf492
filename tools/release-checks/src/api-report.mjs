// Public-API report: what each public package's built entries export, one line per declaration, with the members of
// each exported interface, class and object type alias (modifiers, optionality and types as the `.d.ts` writes them,
// comments left out). The reports are committed under tools/release-checks/api/, and a test fails while the built
// API differs from them, so a change of the public surface is seen in review and gets its changeset level
// (CONTRIBUTING.md, Releasing step 1: an addition is `minor`).
//
// It reads the built `.d.ts` of each `exports` entry with the compiler API of this package's own `typescript`
// devDependency (the TypeScript floor; the workspace's TypeScript 7 has no JS API), as the forgotten-export gate does.
//
//   npm run api-report                                  # rewrite every report (after `npm run build`)
//   node tools/release-checks/src/api-report.mjs        # name the packages whose report is out of date (exit 1 if any)
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { entriesProgram, isPrivate, typeEntries } from "./forgotten-exports.mjs";
import { publicPackages, repoRoot } from "./workspace.mjs";

const ts = createRequire(import.meta.url)("typescript");

/** The folder holding the committed reports. */
export const API_DIR = fileURLToPath(new URL("../api", import.meta.url));

/** The committed report of the package in `folder` (`packages/<folder>`). */
export const reportFile = (folder) => join(API_DIR, `${folder}.api.md`);

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const flat = (text) => text.replace(/\s+/g, " ").replace(/;$/, "").trim();
const print = (node, source) => flat(printer.printNode(ts.EmitHint.Unspecified, node, source));
const EXPORT_MODIFIERS = /^(export |declare |default )+/;

/** The package a declaration file outside the reported package belongs to (its nearest package.json's name). */
function packageOf(file) {
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) {
    const manifest = join(d, "package.json");
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")).name ?? relative(repoRoot, d);
  }
  return file;
}

/** `<T extends X>` and ` extends A, B` of a declaration, as printed. */
function heading(decl, source) {
  const params = decl.typeParameters?.length ? `<${decl.typeParameters.map((p) => print(p, source)).join(", ")}>` : "";
  const heritage = (decl.heritageClauses ?? []).map((h) => ` ${print(h, source)}`).join("");
  return `${params}${heritage}`;
}

/** The report lines of one declaration exported as `name`: a line for it, and an indented line per public member. */
function declarationLines(decl, name, source) {
  const declared = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  const as = declared && declared !== name ? ` (declared as ${declared})` : "";
  const members = (list) => list.filter((m) => !isPrivate(m)).map((m) => `  - ${print(m, source)}`);
  if (ts.isInterfaceDeclaration(decl)) return [`- interface ${name}${heading(decl, source)}${as}`, ...members(decl.members)];
  if (ts.isClassDeclaration(decl)) {
    const abstract = ts.getModifiers(decl)?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword) ? "abstract " : "";
    return [`- ${abstract}class ${name}${heading(decl, source)}${as}`, ...members(decl.members)];
  }
  if (ts.isTypeAliasDeclaration(decl)) {
    if (ts.isTypeLiteralNode(decl.type)) return [`- type ${name}${heading(decl, source)} = {…}${as}`, ...members(decl.type.members)];
    return [`- type ${name}${heading(decl, source)} = ${print(decl.type, source)}${as}`];
  }
  if (ts.isFunctionDeclaration(decl)) return [`- ${print(decl, source).replace(EXPORT_MODIFIERS, "")}${as}`];
  if (ts.isVariableDeclaration(decl)) {
    const kind = decl.parent.flags & ts.NodeFlags.Const ? "const" : decl.parent.flags & ts.NodeFlags.Let ? "let" : "var";
    const type = decl.type ? `: ${print(decl.type, source)}` : "";
    const value = decl.initializer ? ` = ${print(decl.initializer, source)}` : "";
    return [`- ${kind} ${name}${type}${value}${as}`];
  }
  if (ts.isEnumDeclaration(decl)) return [`- enum ${name}${as}`, ...decl.members.map((m) => `  - ${print(m, source)}`)];
  return [`- ${ts.SyntaxKind[decl.kind]} ${name}${as}`];
}

/**
 * The report of the built package at `dir`: per `exports` entry, each exported name in order, with its declarations
 * (a name re-exported from another package is listed with that package, whose own report holds its members).
 */
export function apiReport(dir, manifest) {
  const own = `${realpathSync(dir)}/`;
  const entries = typeEntries(dir, manifest);
  const program = entriesProgram(entries);
  const checker = program.getTypeChecker();
  const lines = [
    `# ${manifest.name} public API`,
    "",
    "Generated from the built `.d.ts` by `npm run api-report` (tools/release-checks/src/api-report.mjs): do not edit.",
    "A test fails while the built API differs from this file. An addition (an export, an option, a member) needs a",
    "`minor` changeset that names it; a removal or a narrowed type is a breaking change (CONTRIBUTING.md, Releasing).",
  ];
  const exportsOf = (moduleSymbol, prefix) => {
    const out = [];
    const names = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const s of names) {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      const name = `${prefix}${s.name}`;
      const decls = target.declarations ?? [];
      if (!decls.length) {
        out.push(`- ${name}: cannot be resolved`);
        continue;
      }
      for (const decl of decls) {
        const source = decl.getSourceFile();
        const file = realpathSync(source.fileName);
        if (ts.isSourceFile(decl) || ts.isModuleDeclaration(decl)) {
          out.push(`- namespace ${name}`, ...exportsOf(target, `${name}.`));
          break;
        }
        if (!file.startsWith(own) || file.slice(own.length).includes("node_modules/")) {
          out.push(`- ${name} (re-exported from ${packageOf(file)})`);
          break;
        }
        out.push(...declarationLines(decl, name, source));
      }
    }
    return out;
  };
  for (const [entry, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    lines.push("", `## ${entry}`, "");
    if (!moduleSymbol) lines.push(`- ${relative(dir, file)} is not a module the compiler can read`);
    else lines.push(...exportsOf(moduleSymbol, ""));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The lines of a report keyed by what they are in: a member line by its entry and declaration (the same member in
 * two interfaces is two lines), shown with the declaration's kind and name (`  - size?: number (in type Shape)`).
 */
function keyedLines(report) {
  const out = new Map();
  let entry = "";
  let owner = "";
  for (const line of report.split("\n")) {
    if (!line) continue;
    if (line.startsWith("## ")) entry = line;
    else if (line.startsWith("- ")) owner = line;
    if (line.startsWith("  - ")) out.set(`${entry}\n${owner}\n${line}`, `${line} (in ${/^- (?:abstract )?(\S+ [^\s<(:=]+)/.exec(owner)?.[1] ?? owner})`);
    else out.set(`${entry}\n${line}`, line);
  }
  return out;
}

/**
 * What is wrong with `committed` (the report file's text, or undefined when there is none) for the built API
 * `built`, as a message naming the lines added and removed; undefined when they agree.
 */
export function apiReportProblem(name, committed, built, file = "its report") {
  if (committed === built) return undefined;
  if (committed === undefined) return `${name}: no API report at ${file}; write it with \`npm run api-report\` and commit it.`;
  const before = keyedLines(committed);
  const after = keyedLines(built);
  const added = [...after].filter(([key]) => !before.has(key)).map(([, shown]) => shown);
  const removed = [...before].filter(([key]) => !after.has(key)).map(([, shown]) => shown);
  return [
    `${name}: the built public API differs from ${file}.`,
    ...(added.length ? ["Added (in the build, not in the report):", ...added.map((l) => `+ ${l}`)] : []),
    ...(removed.length ? ["Removed or changed (in the report, not in the build):", ...removed.map((l) => `- ${l}`)] : []),
    ...(!added.length && !removed.length ? ["The same lines in another order."] : []),
    "Regenerate it with `npm run api-report` (after `npm run build`) and commit it with the change. A change that adds to",
    "the API (an export, an option, a member) needs a `minor` changeset that names what it adds; one that removes or",
    "narrows something breaks code written against a published version: see CONTRIBUTING.md, Releasing step 1.",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes("--write");
  let stale = 0;
  for (const pkg of publicPackages()) {
    const file = reportFile(pkg.folder);
    const built = apiReport(pkg.dir, pkg.manifest);
    const committed = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (write) {
      if (committed !== built) writeFileSync(file, built);
      console.log(`${pkg.manifest.name}: ${relative(repoRoot, file)}${committed === built ? " (unchanged)" : ""}`);
    } else {
      const problem = apiReportProblem(pkg.manifest.name, committed, built, relative(repoRoot, file));
      if (problem) {
        console.error(problem);
        stale++;
      }
    }
  }
  if (stale) process.exit(1);
}
