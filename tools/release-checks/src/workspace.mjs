// Reads the workspace: which packages exist, their manifests and their source files.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { CODE_FILE, DECLARATION_FILE } from "./parse-source.mjs";

export const repoRoot = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");

/** Every package under packages/, with its folder and manifest. */
export function workspacePackages(root = repoRoot) {
  const dir = join(root, "packages");
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "package.json")))
    .map((name) => ({ dir: join(dir, name), folder: name, manifest: JSON.parse(readFileSync(join(dir, name, "package.json"), "utf8")) }));
}

/** The public (publishable) packages. */
export function publicPackages(root = repoRoot) {
  return workspacePackages(root).filter((p) => p.manifest.private !== true);
}

/** Code files of a package under `dirs` (default src/; every JS and TS extension, declaration files excluded), relative paths included. */
export function sourceFiles(pkgDir, dirs = ["src"]) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (CODE_FILE.test(name) && !DECLARATION_FILE.test(name)) out.push({ full, rel: relative(pkgDir, full) });
    }
  };
  for (const dir of dirs) walk(join(pkgDir, dir));
  return out;
}

/** The code a package ships or builds from: its bin/ commands and src/ (tests included; the gate tells them apart). */
export const shippedCode = (pkgDir) => sourceFiles(pkgDir, ["bin", "src"]);
