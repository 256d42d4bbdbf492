// Reads the workspace: which packages exist, their manifests and their source files.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

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

/** Source files of a package (src/**), relative paths included. */
export function sourceFiles(pkgDir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(m?[jt]s|tsx)$/.test(name) && !name.endsWith(".d.ts")) out.push({ full, rel: relative(pkgDir, full) });
    }
  };
  walk(join(pkgDir, "src"));
  return out;
}
