// Bundle-size gate: how many gzipped bytes an application pays for a combination of @sg packages,
// bundled with esbuild, minified, dependencies included.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { repoRoot } from "./workspace.mjs";

/** The combinations we report, each as the source of a tiny application that uses them. */
export const COMBINATIONS = [
  {
    name: "core + transport + auth-script + entities (find)",
    budget: 15 * 1024,
    source: `import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
import { entityApi } from "@sg/entities";
const sg = entityApi(createClient({ site: process.env.SG_SITE, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "s", scriptKey: process.env.SG_KEY }) }));
console.log(await sg.find("Shot", [["code", "is", "x"]], ["code"]));`,
  },
  {
    name: "core + transport + auth-script (raw call)",
    source: `import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
const sg = createClient({ site: process.env.SG_SITE, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "s", scriptKey: process.env.SG_KEY }) });
console.log(await sg.call("read", { type: "Shot" }));`,
  },
  {
    name: "core + transport + auth-session (raw call)",
    source: `import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { sessionAuth } from "@sg/auth-session";
const sg = createClient({ site: process.env.SG_SITE, transport: jsonRpcTransport(), auth: sessionAuth({ sessionToken: process.env.SG_TOKEN }) });
console.log(await sg.call("read", { type: "Shot" }));`,
  },
  {
    name: "core + transport + auth-legacy-pat (raw call)",
    source: `import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
const sg = createClient({ site: process.env.SG_SITE, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "a", password: process.env.SG_PW }) });
console.log(await sg.call("read", { type: "Shot" }));`,
  },
  {
    name: "core alone (createClient + errors)",
    source: `import { createClient, SgError } from "@sg/core";
console.log(createClient, SgError);`,
  },
];

/** Bundle `source` and return its sizes in bytes. */
export async function measure(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: repoRoot, loader: "js", sourcefile: "app.mjs" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
    legalComments: "none",
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}
