// Writes src/version.ts from the package.json of the current folder, so a package can name its own
// version at run time without reading files (which edge and browser runtimes cannot do).
// Run as part of the package's build; a test in the package checks the two agree.
import { readFileSync, writeFileSync } from "node:fs";

const { name, version } = JSON.parse(readFileSync("package.json", "utf8"));
const text = `// Generated from package.json by tools/write-version.mjs during the build. Do not edit.\n\n/** The version of ${name} this build was made from. */\nexport const PACKAGE_VERSION = "${version}";\n`;
let current = "";
try {
  current = readFileSync("src/version.ts", "utf8");
} catch {}
if (current !== text) writeFileSync("src/version.ts", text);
