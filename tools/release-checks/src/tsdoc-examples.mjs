// TSDoc example gate: every ```ts block in a doc comment of a public package's shipped source is a program a reader
// may paste, so it is type-checked against the built packages (tsdoc-examples.test.mjs) — under `lib: ES2022` and
// under `lib: ES2022 + DOM` (a default tsconfig loads DOM, whose web-stream types differ from node:stream/web's), so
// an example must compile with either. Examples are fragments: the names of the public packages they use are imported
// for them (the example's own package first), the names the surrounding prose takes as given are declared (GIVEN),
// and `…` stands for whatever the reader fills in (it becomes a spread of `any`). An `@example` tag must hold a ```ts
// block, or it would escape the check.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { definesName } from "./code-names.mjs";
import { TEST_FILE } from "./test-files.mjs";
import { repoRoot, sourceFiles } from "./workspace.mjs";

/** The libs each example is compiled under: Node's types with ES2022 alone, and with the DOM lib a default tsconfig loads. */
export const LIBS = { es2022: ["ES2022"], dom: ["ES2022", "DOM", "DOM.Iterable"] };

/** Names the prose around examples takes as given, declared only when the example uses and does not define them. */
export const GIVEN = {
  site: "declare const site: string;",
  auth: "declare const auth: import('@sg/core').AuthStrategy;",
  client: "declare const client: import('@sg/core').Client;",
  api: "declare const api: import('@sg/entities').EntityApi<MySite>;",
  MySite: "type MySite = import('@sg/entities').LooseSchema;",
  fieldTypes: "declare const fieldTypes: import('@sg/entities').FieldTypeMap;",
  version: "declare const version: { sg_uploaded_movie: import('@sg/entities').AttachmentInput };",
  signal: "declare const signal: AbortSignal;",
  vaultAuth: "declare function vaultAuth(options: { site: string }): import('@sg/core').AuthStrategy;",
};

/** The opening fence of a ```ts block in a doc comment's text, its indent (in a list) captured. */
const FENCE = /^([ \t]*)```(?:ts|typescript)\s*$/;

/** `{ file, line, code }` for each ```ts block of a doc comment in `text` (`line`: 1-based, of the fence). */
export function examplesOf(text, file) {
  const out = [];
  for (const c of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const first = text.slice(0, c.index).split("\n").length;
    const lines = c[0].split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, "").replace(/\s*\*\/$/, ""));
    for (let i = 0; i < lines.length; i++) {
      // A fence may be indented (in a list under @remarks): its code loses that indent.
      const open = FENCE.exec(lines[i]);
      if (!open) continue;
      const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
      if (end < 0) break;
      const indent = new RegExp(`^[ \\t]{0,${open[1].length}}`);
      out.push({ file, line: first + i, code: lines.slice(i + 1, end).map((l) => l.replace(indent, "")).join("\n") });
      i = end;
    }
  }
  return out;
}

/** `file:line` of each `@example` tag in a doc comment of `text` whose section holds no ```ts block (so is not checked). */
export function fencelessExamples(text, file) {
  const out = [];
  for (const c of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const first = text.slice(0, c.index).split("\n").length;
    const lines = c[0].split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, ""));
    lines.forEach((l, i) => {
      if (!/^@example\b/.test(l)) return;
      const next = lines.findIndex((m, j) => j > i && /^@\w/.test(m));
      if (!lines.slice(i, next < 0 ? undefined : next).some((m) => FENCE.test(m))) out.push(`${file}:${first + i}`);
    });
  }
  return out;
}

/** The examples of a package's shipped source (test files excluded); with `find` = fencelessExamples, its unchecked `@example`s. */
export const packageExamples = (pkg, find = examplesOf) =>
  sourceFiles(pkg.dir)
    .filter((f) => !TEST_FILE.test(f.rel))
    .flatMap((f) => find(readFileSync(f.full, "utf8"), `${pkg.folder}/${f.rel}`).map((e) => (typeof e === "string" ? e : { ...e, pkg: pkg.manifest.name })));

/** Names declared `export` as a type in a package's built .d.ts files (whether its entry passes them on is tsc's to say). */
export function typeNames(pkgDir) {
  const names = new Set();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".d.ts")) {
        const text = readFileSync(join(d, e.name), "utf8");
        for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?(?:interface|type|class|enum)\s+([\w$]+)/gm)) names.add(m[1]);
        for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) for (const p of m[1].split(",")) names.add(p.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop());
      }
    }
  };
  walk(join(pkgDir, "dist"));
  names.delete("");
  return names;
}

/**
 * The module text for an example: imports of the public names it uses (`exports`: `[{ name, values, types }]` per
 * package, the example's own package first), the givens it uses, then its code with `…` as a spread of `any`.
 */
export function exampleModule(example, exports) {
  const code = example.code.replace(/…/g, "...(undefined as any)");
  const defines = (name) => definesName(code, name);
  const bare = code.replace(/\/\/.*$/gm, "").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
  // Property names (`{ site: …`) are not uses; shorthand properties (`{ site }`) are.
  const used = new Set(bare.replace(/(?<=[{,]\s*)[A-Za-z_$][\w$]*\??\s*:/g, "").match(/(?<![.\w$])[A-Za-z_$][\w$]*/g));
  const free = [...used].filter((n) => !defines(n));
  const taken = new Set(free.filter((n) => GIVEN[n]));
  const imports = [];
  for (const { name, values, types } of exports) {
    const value = free.filter((n) => !taken.has(n) && values.has(n));
    value.forEach((n) => taken.add(n));
    const type = free.filter((n) => !taken.has(n) && types.has(n));
    type.forEach((n) => taken.add(n));
    if (value.length) imports.push(`import { ${value.join(", ")} } from "${name}";`);
    if (type.length) imports.push(`import type { ${type.join(", ")} } from "${name}";`);
  }
  const givens = free.filter((n) => GIVEN[n]).map((n) => GIVEN[n]);
  // A given can lean on another (`api` on `MySite`).
  if (givens.some((g) => /\bMySite\b/.test(g)) && !free.includes("MySite") && !defines("MySite")) givens.push(GIVEN.MySite);
  return `${imports.join("\n")}\n${givens.join("\n")}\nexport {};\n${code}\n`;
}

/**
 * Type-check `examples` in `dir` (a folder inside the repository, so `@sg/*` resolve to the built packages), once per
 * entry of `libs`: the tsc errors of each example, `[]` when it compiles under every lib, in the order of `examples`.
 */
export function checkExamples(examples, exports, dir, libs = LIBS) {
  examples.forEach((e, i) => writeFileSync(join(dir, `example-${i}.ts`), exampleModule(e, exports.toSorted((a, b) => (b.name === e.pkg) - (a.name === e.pkg)))));
  const errors = examples.map(() => []);
  for (const [label, lib] of Object.entries(libs)) {
    const config = join(dir, `tsconfig.${label}.json`);
    const base = relative(dir, join(repoRoot, "tsconfig.base.json"));
    const compilerOptions = { noEmit: true, lib, isolatedDeclarations: false, noUnusedLocals: false, rootDir: "." };
    writeFileSync(config, JSON.stringify({ extends: base, compilerOptions, include: ["example-*.ts"] }));
    let output = "";
    try {
      execFileSync(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", config, "--pretty", "false"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
    // An error's further lines are indented; a line that names no example (a config error) fails every example.
    let last;
    for (const line of output.split("\n").filter(Boolean)) {
      const m = /^example-(\d+)\.ts\((\d+),\d+\): (.*)$/.exec(line);
      if (m) (last = errors[Number(m[1])]).push(`lib ${lib.join("+")}: line ${m[2]}: ${m[3]}`);
      else if (last && /^\s/.test(line)) last[last.length - 1] += `\n${line}`;
      else errors.forEach((list) => list.push(`lib ${lib.join("+")}: ${line}`));
    }
  }
  return errors;
}
