// CommonJS gate: each package's entry loads with `require()` (Node ≥20.19 loads an ES module that way) and
// gives the same names as `import`, so CommonJS code and TypeScript `module: nodenext` CJS output can use it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SCRIPT = `"use strict";
const names = JSON.parse(process.argv[2]);
(async () => {
  const out = {};
  for (const name of names) {
    try {
      const required = Object.keys(require(name)).sort();
      const imported = Object.keys(await import(name)).sort();
      out[name] = JSON.stringify(required) === JSON.stringify(imported) ? "ok" : "require() gives " + JSON.stringify(required) + " where import gives " + JSON.stringify(imported);
    } catch (e) {
      out[name] = "require() failed: " + (e.code ? e.code + ": " : "") + String(e.message).split("\\n")[0];
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

/**
 * For each package name, "ok" or what went wrong when a CommonJS file in `dir` (a folder whose node_modules
 * resolve the packages) `require()`s it, in a separate `node` process.
 */
export function requireResults(names, dir) {
  const scratch = mkdtempSync(join(dir, ".require-"));
  try {
    const file = join(scratch, "load.cjs");
    writeFileSync(file, SCRIPT);
    const r = spawnSync(process.execPath, [file, JSON.stringify(names)], { cwd: scratch, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    if (r.status !== 0) throw new Error(`node ${file} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
