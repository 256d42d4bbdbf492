import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkBoundaries, importsOf } from "./boundaries.mjs";
import { repoRoot } from "./workspace.mjs";

describe("import boundaries", () => {
  // Parsing every shipped and test file takes ~3 s alone, several times that on a loaded CI machine.
  it("the repository has no boundary violation", () => {
    expect(checkBoundaries(repoRoot)).toEqual([]);
  }, 120_000);

  const scratch = mkdtempSync(join(tmpdir(), "sg-boundaries-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const pkg = (folder, manifest, files) => {
    mkdirSync(join(scratch, "packages", folder, "src"), { recursive: true });
    writeFileSync(join(scratch, "packages", folder, "package.json"), JSON.stringify(manifest));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(scratch, "packages", folder, "src", name), text);
  };

  it("catches each kind of violation in a planted workspace", () => {
    pkg("core", { name: "@sg/core", exports: { ".": "./dist/index.js" } }, { "index.ts": "export const x = 1;\n" });
    pkg("transport", { name: "@sg/transport", exports: { ".": "./dist/index.js" } }, { "index.ts": "export {};\n" });
    pkg("emulator", { name: "@sg/emulator", dependencies: { "@sg/core": "1", "@sg/transport": "1" }, exports: { ".": "./dist/index.js" } }, {
      "index.ts": [
        'import { x } from "@sg/core/dist/errors.js";',
        'import { y } from "@sg/transport";',
        'import _ from "lodash";',
        'import { z } from "../../core/src/index.js";',
        'import { readFile } from "node:fs";',
        'import { ok } from "./ok.js";',
        "// import { commented } from \"left-pad\";",
      ].join("\n"),
      "ok.ts": "export const ok = 1;\n",
      "thing.test.ts": 'import { describe } from "vitest";\n',
    });
    const problems = checkBoundaries(scratch);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/@sg\/emulator src\/index.ts: imports '@sg\/core\/dist\/errors.js', an internal path/),
        expect.stringMatching(/imports '@sg\/transport', which the dependency rule does not allow/),
        expect.stringMatching(/imports 'lodash', which is not declared/),
        expect.stringMatching(/relative import '..\/..\/core\/src\/index.js' leaves the package/),
        expect.stringMatching(/thing.test.ts: imports 'vitest', which is not declared/),
      ]),
    );
    expect(problems.join("\n")).not.toMatch(/node:fs|\.\/ok\.js|left-pad/);
    expect(problems).toHaveLength(5);
  });

  it("takes a package's own '#' imports only as its package.json \"imports\" declares them, to its own files or Node built-ins", () => {
    const imports = { "#files": { node: "./dist/files.js", default: "./dist/files-stand-in.js" }, "#os": { node: "node:os", default: "./dist/os.js" }, "#leak": { node: "lodash", default: "./dist/x.js" } };
    pkg("gizmo", { name: "@sg/gizmo", imports }, { "index.ts": 'import { a } from "#files";\nimport { b } from "#os";\nimport { c } from "#leak";\nconst d = await import("#missing");\n' });
    const problems = checkBoundaries(scratch).filter((p) => /^@sg\/gizmo /.test(p));
    expect(problems).toEqual([
      "@sg/gizmo src/index.ts: '#leak' maps to 'lodash', which is neither a file of the package nor a Node built-in",
      "@sg/gizmo src/index.ts: imports '#missing', which its package.json \"imports\" does not declare",
    ]);
  });

  it("holds a generated @sg/auth-* to core only, and a new @sg package without a rule is reported, not skipped", () => {
    pkg("core", { name: "@sg/core", exports: { ".": "./dist/index.js" } }, { "index.ts": "export const x = 1;\n" });
    pkg("transport", { name: "@sg/transport", exports: { ".": "./dist/index.js" } }, { "index.ts": "export {};\n" });
    const deps = { "@sg/core": "1", "@sg/transport": "1" };
    pkg("auth-vault", { name: "@sg/auth-vault", dependencies: deps }, { "index.ts": 'import { x } from "@sg/core";\nimport { y } from "@sg/transport";\n' });
    pkg("gadget", { name: "@sg/gadget", dependencies: deps }, { "index.ts": 'import { x } from "@sg/core";\n' });
    // The scratch workspace also holds the previous test's packages: only these two are looked at.
    const problems = checkBoundaries(scratch).filter((p) => /^@sg\/(auth-vault|gadget) /.test(p));
    expect(problems).toEqual([
      expect.stringMatching(/^@sg\/auth-vault src\/index.ts: imports '@sg\/transport', which the dependency rule does not allow for @sg\/auth-vault$/),
      expect.stringMatching(/^@sg\/gadget src\/index.ts: @sg\/gadget has no entry in the dependency rule \(ALLOWED_SG_IMPORTS/),
    ]);
  });

  it("reads static, type-only, re-export and dynamic imports", () => {
    const text = 'import type { A } from "a";\nexport { b } from "b";\nexport * from "c";\nconst d = await import("d");\nimport "e";\n';
    expect(importsOf(text)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("reads require(), createRequire(import.meta.url)(…) and import() of a template literal without ${}", () => {
    const text = [
      'const u = require("ufo");',
      'const o = createRequire(import.meta.url)("ofetch");',
      "const p = await import(`pathe`);",
      "const q = await import(`./locale/${lang}.js`);",
      'const r = require ( \'undici\' );',
    ].join("\n");
    expect(importsOf(text)).toEqual(["ufo", "ofetch", "pathe", "undici"]);
  });

  it("reads calls of a require function kept in a binding, scope by scope, and not those of a shadowing name", () => {
    const text = [
      'import { createRequire as cr } from "node:module";',
      'import * as nodeModule from "node:module";',
      'import mod from "module";',
      "const r = cr(import.meta.url);",
      'r("alpha");',
      "let late;",
      "late = nodeModule.createRequire(import.meta.url);",
      "late(`beta`);",
      'var viaDefault = mod.createRequire(import.meta.url) as NodeRequire;',
      'viaDefault("gamma");',
      'const { createRequire: destructured } = await import("node:module");',
      'const copy = destructured(import.meta.url);',
      'const again = copy;',
      'again("delta");',
      'function shadowedParam(r: (s: string) => void) { r("not-a-module"); }',
      'function shadowedLocal() { const r = (s: string) => s; return r("not-either"); }',
      'function shadowedRequire(require: (s: string) => void) { const alias = require; alias("not-a-require"); }',
      'hoisted("epsilon");',
      "var hoisted = cr(import.meta.url);",
      'r.resolve("resolved-only");',
      '// r("commented");',
    ].join("\n");
    expect(importsOf(text, "src/x.ts")).toEqual(["node:module", "node:module", "module", "alpha", "beta", "gamma", "node:module", "delta", "epsilon"]);
  });

  it("reads optional calls (r?.(…)) and indirect calls ((0, r)(…)) of a require function as well", () => {
    const text = [
      'import { createRequire } from "node:module";',
      "const r = createRequire(import.meta.url);",
      'r?.("optional");',
      '(0, r)("indirect");',
      '(0, createRequire)(import.meta.url)?.("both");',
      'require?.("plain-optional");',
    ].join("\n");
    expect(importsOf(text, "src/x.ts")).toEqual(["node:module", "optional", "indirect", "both", "plain-optional"]);
  });

  it("reports an undeclared package reached through a createRequire result kept in a variable", () => {
    pkg("gizmo-require", { name: "@sg/gizmo-require" }, {
      "index.ts": 'import { createRequire } from "node:module";\nconst require2 = createRequire(import.meta.url);\nexport const u = require2("undeclared-pkg");\n',
      "other.ts": 'import * as m from "node:module";\nlet r;\nr = m.createRequire(import.meta.url);\nexport const o = r("also-undeclared");\n',
    });
    expect(checkBoundaries(scratch).filter((p) => /^@sg\/gizmo-require /.test(p)).sort()).toEqual([
      "@sg/gizmo-require src/index.ts: imports 'undeclared-pkg', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-require src/other.ts: imports 'also-undeclared', which is not declared in dependencies or peerDependencies",
    ]);
  });

  it("fails a file that names createRequire and cannot be parsed, rather than skip its require calls", () => {
    pkg("gizmo-broken", { name: "@sg/gizmo-broken" }, { "index.ts": 'import { createRequire } from "node:module"\nconst = ;\n' });
    expect(checkBoundaries(scratch).filter((p) => /^@sg\/gizmo-broken /.test(p))).toEqual([expect.stringMatching(/^@sg\/gizmo-broken src\/index.ts: cannot be parsed, so its imports were not checked/)]);
  });

  it("reads every shipped file — bin/ as well as src/, every JS and TS extension — and a comment-like string hides nothing", () => {
    pkg("gizmo-shipped", { name: "@sg/gizmo-shipped", bin: { gizmo: "./bin/gizmo.js" } }, {
      "a.cts": 'import x = require("from-cts");\nexport = x;\n',
      "b.cjs": 'const b = require("from-cjs");\nmodule.exports = b;\n',
      "c.mts": 'export { c } from "from-mts";\n',
      "d.mjs": 'export * from "from-mjs";\n',
      "e.tsx": 'import { e } from "from-tsx";\nexport const f = <div>{e}</div>;\n',
      "f.ts": 'const route = "/upload/*";\nimport { hidden } from "hidden-after-string";\nconst glob = "*/";\nexport const g = [route, hidden, glob];\n',
      "g.ts": 'export type T = typeof import("from-type-import");\n',
      "types.d.ts": 'declare module "from-declaration-file";\n',
    });
    mkdirSync(join(scratch, "packages", "gizmo-shipped", "bin"), { recursive: true });
    writeFileSync(join(scratch, "packages", "gizmo-shipped", "bin", "gizmo.js"), '#!/usr/bin/env node\nimport "undeclared-in-bin";\nawait import("../dist/cli.js");\n');
    expect(checkBoundaries(scratch).filter((p) => /^@sg\/gizmo-shipped /.test(p)).sort()).toEqual([
      "@sg/gizmo-shipped bin/gizmo.js: imports 'undeclared-in-bin', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/a.cts: imports 'from-cts', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/b.cjs: imports 'from-cjs', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/c.mts: imports 'from-mts', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/d.mjs: imports 'from-mjs', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/e.tsx: imports 'from-tsx', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/f.ts: imports 'hidden-after-string', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-shipped src/g.ts: imports 'from-type-import', which is not declared in dependencies or peerDependencies",
    ]);
  });

  it("reads a file with U+FFFD near its top and code after a regex literal holding a quote, and not imports inside template strings", () => {
    pkg("gizmo-parse", { name: "@sg/gizmo-parse" }, {
      // TypeScript's tokenizer takes a U+FFFD in the first 256 characters for a binary file and reads no import.
      "a.ts": '// Node puts \uFFFD in place of bytes that are not UTF-8.\nimport { x } from "after-replacement-char";\nexport const y = x;\n',
      // A quote inside a regex literal made the tokenizer read a string to the next quote and lose the import.
      "b.ts": 'const quote = /"/; export const load = () => import("after-regex");\nexport const q = quote;\n',
      "c.mjs": 'export const lazy = (s) => { if (/[\'"]/.test(s)) return import("after-regex-js"); };\n',
      "d.ts": 'const route = "/files/*";\nexport const child = `import { a } from "in-template";\nawait import("in-template-too");\nrequire("in-template-as-well");`;\nexport const { z } = await import("after-template");\nexport const r = route;\n',
    });
    expect(checkBoundaries(scratch).filter((p) => /^@sg\/gizmo-parse /.test(p)).sort()).toEqual([
      "@sg/gizmo-parse src/a.ts: imports 'after-replacement-char', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-parse src/b.ts: imports 'after-regex', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-parse src/c.mjs: imports 'after-regex-js', which is not declared in dependencies or peerDependencies",
      "@sg/gizmo-parse src/d.ts: imports 'after-template', which is not declared in dependencies or peerDependencies",
    ]);
  });

  it("reports an undeclared package reached by require() or a template-literal import()", () => {
    pkg("widget", { name: "@sg/widget" }, { "index.ts": 'import { createRequire } from "node:module";\nconst a = createRequire(import.meta.url)("ufo");\nconst b = await import(`ofetch`);\n' });
    expect(checkBoundaries(scratch).filter((p) => /^@sg\/widget /.test(p))).toEqual([
      "@sg/widget src/index.ts: imports 'ufo', which is not declared in dependencies or peerDependencies",
      "@sg/widget src/index.ts: imports 'ofetch', which is not declared in dependencies or peerDependencies",
    ]);
  });
});
