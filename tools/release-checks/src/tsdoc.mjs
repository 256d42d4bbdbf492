// TSDoc gate: every name a package exports from its entry point carries a doc comment where it is declared,
// and so does every member of an exported interface or class.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const REEXPORT = /export\s+(?:type\s+)?\{([^}]*)\}\s+from\s+["']([^"']+)["']/g;
const STAR = /export\s+\*\s+from\s+["']([^"']+)["']/g;

function declarationIndex(lines, name) {
  const re = new RegExp(`^export\\s+(?:declare\\s+)?(?:abstract\\s+)?(?:function|const|let|class|interface|type|enum)\\s+${name.replace(/\$/g, "\\$")}\\b`);
  return lines.findIndex((l) => re.test(l.trim()));
}

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

/** Every undocumented public declaration of the built package at `dir`, as `file:line: text`. */
export function undocumentedInPackage(dir) {
  const out = [];
  const seen = new Set();
  const visitEntry = (file, names) => {
    if (!existsSync(file)) return;
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    const check = (name) => {
      const key = `${file}#${name}`;
      if (seen.has(key)) return;
      seen.add(key);
      const at = declarationIndex(lines, name);
      if (at < 0) return;
      if (!hasDocBefore(lines, at)) out.push(`${relative(dir, file)}:${at + 1}: ${lines[at].trim().slice(0, 90)}`);
      if (/\b(interface|class)\b/.test(lines[at])) for (const m of undocumentedMembers(lines, at)) out.push(`${relative(dir, file)}:${m}`);
    };
    if (names === "*") {
      for (const l of lines) {
        const m = /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:function|const|let|class|interface|type|enum)\s+([\w$]+)/.exec(l.trim());
        if (m) check(m[1]);
      }
    } else for (const n of names) check(n);
    for (const m of text.matchAll(REEXPORT)) {
      const target = join(dirname(file), m[2].replace(/\.js$/, ".d.ts"));
      const list = m[1].split(",").map((s) => s.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]).filter(Boolean);
      const mine = names === "*" ? list : list;
      visitEntry(target, mine);
    }
    for (const m of text.matchAll(STAR)) visitEntry(join(dirname(file), m[1].replace(/\.js$/, ".d.ts")), "*");
  };
  visitEntry(join(dir, "dist", "index.d.ts"), "*");
  return out;
}
