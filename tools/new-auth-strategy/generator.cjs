"use strict";
/**
 * nx generator `auth-strategy` (no @nx/devkit needed: it only uses the Tree that nx passes in).
 *
 *   npx nx g ./tools/new-auth-strategy/generators.json:auth-strategy vault [--dry-run]
 *
 * The same function is run outside nx by ./index.mjs over a small file-system tree.
 */
const { authStrategyFiles, normalizeName } = require("./files.cjs");

/**
 * @param {{ exists(path: string): boolean; read(path: string, encoding: "utf-8"): string | null; write(path: string, content: string): void }} tree
 * @param {{ name: string; description?: string }} options
 */
function authStrategyGenerator(tree, options) {
  const names = normalizeName(options && options.name);
  const readJson = (path) => (tree.exists(path) ? JSON.parse(tree.read(path, "utf-8") || "null") : undefined);
  const files = authStrategyFiles(names, {
    description: options.description,
    coreVersion: (readJson("packages/core/package.json") || {}).version,
    testingVersion: (readJson("packages/testing/package.json") || {}).version,
    transportVersion: (readJson("packages/transport/package.json") || {}).version,
    emulatorVersion: (readJson("packages/emulator/package.json") || {}).version,
    coreTsconfig: readJson("packages/core/tsconfig.json"),
    coreTsconfigLib: readJson("packages/core/tsconfig.lib.json"),
    license: tree.exists("LICENSE") ? tree.read("LICENSE", "utf-8") : undefined,
  });
  const taken = files.map((f) => f.path).filter((p) => tree.exists(p));
  if (taken.length > 0) {
    throw new Error(`new-auth-strategy: refusing to overwrite ${taken.join(", ")}`);
  }
  for (const file of files) tree.write(file.path, file.content);
  return () => {
    console.log(
      [
        "",
        `Created ${names.packageName} in ${names.dir}/.`,
        "Next:",
        "  npm install                         # link the new workspace (updates package-lock.json)",
        `  npx nx run ${names.packageName}:test --output-style=static`,
        `  edit ${names.dir}/src/${names.name}-auth.ts: replace the environment variables with your credential source`,
      ].join("\n"),
    );
  };
}

module.exports = authStrategyGenerator;
module.exports.default = authStrategyGenerator;
module.exports.authStrategyGenerator = authStrategyGenerator;
