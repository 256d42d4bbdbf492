// TSDoc gate: every name a package exports from its entry point carries a doc comment where it is declared,
// and so does every member of an exported interface or class.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const DECL = String.raw`(?:declare\s+)?(?:abstract\s+)?(?:function|const|let|var|class|interface|type|enum|namespace)\s+`;
const esc = (name) => name.replace(/\$/g, "\\$");
// `export { a, b as c }` and `export type { … }`, with or without `from "…"`; `import { a as b } from "…"`.
const EXPORT_LIST = /(?:^|\n)\s*export\s+(?:type\s+)?\{([^}]*)\}(?:\s*from\s*["']([^"']+)["'])?/g;
const IMPORT_LIST = /(?:^|\n)\s*import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']([^"']+)["']/g;
const STAR = /(?:^|\n)\s*export\s+\*\s+from\s+["']([^"']+)["']/g;
// `export * as ns from "…"` and `import * as ns from "…"` (a namespace, then exported by an `export { ns }` list).
const NS_EXPORT = /^export\s+(?:type\s+)?\*\s+as\s+([\w$]+)\s+from\s+["']([^"']+)["']/;
const NS_IMPORT = /^import\s+(?:type\s+)?\*\s+as\s+([\w$]+)\s+from\s+["']([^"']+)["']/;
/** The line and specifier of the namespace `name` a `pattern` line (NS_EXPORT, NS_IMPORT) of `lines` binds. */
const namespaceLine = (lines, pattern, name) => {
  const at = lines.findIndex((l) => pattern.exec(l.trim())?.[1] === name);
  return at < 0 ? undefined : { at, spec: pattern.exec(lines[at].trim())[2] };
};

/** `[local, exported]` pairs of a `{ a, type b as c }` list. */
const pairs = (list) =>
  list
    .split(",")
    .map((s) => s.trim().replace(/^type\s+/, ""))
    .filter(Boolean)
    .map((s) => {
      const [local, exported = local] = s.split(/\s+as\s+/);
      return [local, exported];
    });

/** The line of the declaration of `name` in a .d.ts (exported or not: `declare function x(); export { x };`). */
function declarationIndex(lines, name) {
  const re = new RegExp(`^(?:export\\s+)?(?:default\\s+)?${DECL}${esc(name)}\\b`);
  return lines.findIndex((l) => re.test(l.trim()));
}

/** The line of an `export default function|class|interface …` declaration. */
const defaultDeclarationIndex = (lines) => lines.findIndex((l) => /^export\s+default\s+(?:declare\s+)?(?:abstract\s+)?(?:function|class|interface)\b/.test(l.trim()));

function hasDocBefore(lines, index) {
  for (let i = index - 1; i >= 0; i--) {
    const t = lines[i].trim();
    if (t === "") continue;
    return t.endsWith("*/");
  }
  return false;
}

/** Members (depth-1 lines) of the interface or class declared at `index` that have no doc comment. */
function undocumentedMembers(lines, index) {
  const out = [];
  let depth = 0;
  let started = false;
  let inComment = false;
  let lastWasDoc = false;
  for (let i = index; i < lines.length; i++) {
    const t = lines[i].trim();
    if (inComment) {
      if (t.endsWith("*/")) {
        inComment = false;
        lastWasDoc = true;
      }
      continue;
    }
    if (t.startsWith("/**")) {
      inComment = !t.endsWith("*/");
      lastWasDoc = t.endsWith("*/");
      continue;
    }
    if (started && depth === 1 && t !== "" && !t.startsWith("}") && !t.startsWith("private ") && !t.startsWith("#private") && !t.startsWith("//")) {
      if (!lastWasDoc) out.push(`${i + 1}: ${t.slice(0, 90)}`);
      lastWasDoc = false;
    }
    for (const ch of t.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "")) {
      if (ch === "{") {
        depth++;
        started = true;
      } else if (ch === "}") depth--;
    }
    if (started && depth === 0) break;
  }
  return out;
}

/**
 * Every undocumented public declaration of the built package at `dir`, as `file:line: text`, and every exported name
 * whose declaration the gate cannot find (a failure, never a skip). Each name the entry point exports is followed
 * through `export { a as b } from`, `export *`, `import { a } …; export { a }`, `export default` and local
 * `declare …` lines. A namespace export (`export * as ns from`, or `import * as ns …; export { ns }`) needs its own
 * doc comment, and every name of its module (`default` too, since `ns.default` reaches it) is checked as one of its
 * members. A name re-exported from another package is that package's gate's concern (a namespace of one still needs
 * its own comment).
 */
export function undocumentedInPackage(dir) {
  const out = [];
  const seen = new Set();
  const texts = new Map();
  const read = (file) => {
    if (!texts.has(file)) texts.set(file, existsSync(file) ? readFileSync(file, "utf8") : undefined);
    return texts.get(file);
  };
  const target = (file, spec) => join(dirname(file), spec.replace(/\.js$/, ".d.ts"));
  const where = (file) => relative(dir, file);
  const report = (file, lines, at) => {
    if (!hasDocBefore(lines, at)) out.push(`${where(file)}:${at + 1}: ${lines[at].trim().slice(0, 90)}`);
    if (/\b(interface|class)\b/.test(lines[at])) for (const m of undocumentedMembers(lines, at)) out.push(`${where(file)}:${m}`);
  };
  /**
   * A namespace export (`export * as ns from`, or `import * as ns from` then `export { ns }`): its own doc comment (on
   * that line, or for an import on it or on the `export { … }` that lists it), and every name of the target module,
   * `default` included, checked as a member of the namespace.
   */
  const reportNamespace = (file, lines, at, spec, listAt = -1) => {
    if (!hasDocBefore(lines, at) && !(listAt >= 0 && hasDocBefore(lines, listAt))) out.push(`${where(file)}:${at + 1}: ${lines[at].trim().slice(0, 90)}`);
    const t = spec.startsWith(".") ? target(file, spec) : undefined;
    if (t && !seen.has(`${t}#* as`)) {
      seen.add(`${t}#* as`);
      checkAll(t);
    }
  };
  /** Whether `file` exports `name`, directly or through `export *`. */
  const exportsName = (file, name, depth = 0) => {
    const text = read(file);
    if (text === undefined || depth > 20) return false;
    if (name === "default" ? /(?:^|\n)\s*export\s+default\b/.test(text) : new RegExp(`(?:^|\\n)\\s*export\\s+${DECL}${esc(name)}\\b`).test(text)) return true;
    for (const m of text.matchAll(EXPORT_LIST)) if (pairs(m[1]).some(([, e]) => e === name)) return true;
    if (namespaceLine(text.split("\n"), NS_EXPORT, name)) return true;
    for (const m of text.matchAll(STAR)) if (m[1].startsWith(".") && name !== "default" && exportsName(target(file, m[1]), name, depth + 1)) return true;
    return false;
  };
  /** Check the declaration of `name` as it is known locally in `file` (declared there, or imported into it). */
  const checkLocal = (file, name, exported) => {
    const text = read(file);
    const lines = text.split("\n");
    const at = declarationIndex(lines, name);
    if (at >= 0) return report(file, lines, at);
    for (const m of text.matchAll(IMPORT_LIST)) {
      const hit = pairs(m[1]).find(([, local]) => local === name);
      if (hit) return m[2].startsWith(".") ? check(target(file, m[2]), hit[0]) : undefined;
    }
    const ns = namespaceLine(lines, NS_IMPORT, name);
    if (ns) {
      const list = [...text.matchAll(EXPORT_LIST)].find((m) => m[2] === undefined && pairs(m[1]).some(([local]) => local === name));
      return reportNamespace(file, lines, ns.at, ns.spec, list ? text.slice(0, list.index + list[0].search(/\S/)).split("\n").length - 1 : -1);
    }
    out.push(`${where(file)}: exports '${exported}', but its declaration '${name}' was not found`);
  };
  /** Check the exported `name` of `file`. */
  const check = (file, name) => {
    const key = `${file}#${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const text = read(file);
    if (text === undefined) return out.push(`${where(file)}: not found, but '${name}' is exported from it`);
    const lines = text.split("\n");
    if (name === "default") {
      const at = defaultDeclarationIndex(lines);
      if (at >= 0) return report(file, lines, at);
      const m = /(?:^|\n)\s*export\s+default\s+([\w$]+)\s*;/.exec(text);
      if (m) return checkLocal(file, m[1], name);
    } else {
      const at = lines.findIndex((l) => new RegExp(`^export\\s+${DECL}${esc(name)}\\b`).test(l.trim()));
      if (at >= 0) return report(file, lines, at);
      const ns = namespaceLine(lines, NS_EXPORT, name);
      if (ns) return reportNamespace(file, lines, ns.at, ns.spec);
    }
    for (const m of text.matchAll(EXPORT_LIST)) {
      const hit = pairs(m[1]).find(([, e]) => e === name);
      if (!hit) continue;
      if (m[2] === undefined) return checkLocal(file, hit[0], name);
      return m[2].startsWith(".") ? check(target(file, m[2]), hit[0]) : undefined;
    }
    for (const m of text.matchAll(STAR)) if (m[1].startsWith(".") && name !== "default" && exportsName(target(file, m[1]), name)) return check(target(file, m[1]), name);
    out.push(`${where(file)}: exports '${name}', but its declaration was not found`);
  };
  /** Check every name `file` exports (all but `default` when reached through `export *`). */
  const checkAll = (file, star = false) => {
    const text = read(file);
    if (text === undefined) return out.push(`${where(file)}: not found`);
    for (const l of text.split("\n")) {
      const m = new RegExp(`^export\\s+${DECL}([\\w$]+)`).exec(l.trim()) ?? NS_EXPORT.exec(l.trim());
      if (m) check(file, m[1]);
    }
    // `export *` passes on every name but `default`.
    if (!star && /(?:^|\n)\s*export\s+default\b/.test(text)) check(file, "default");
    for (const m of text.matchAll(EXPORT_LIST)) for (const [, e] of pairs(m[1])) if (!star || e !== "default") check(file, e);
    for (const m of text.matchAll(STAR)) if (m[1].startsWith(".") && !seen.has(`${target(file, m[1])}#*`)) {
      seen.add(`${target(file, m[1])}#*`);
      checkAll(target(file, m[1]), true);
    }
  };
  checkAll(join(dir, "dist", "index.d.ts"));
  return out;
}
