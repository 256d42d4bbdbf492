/**
 * Bundle-size probe: bundles a "script auth + find" app with esbuild (from the built dist of every package)
 * and reports the bytes each package contributes, for the neutral and the node platform.
 *
 *   npm run build -w @sg/entities && node packages/entities/bench/bundle-size.mjs [--entity-api]
 *
 * `--entity-api` measures the same app written with `entityApi(client).find(…)` instead of `find(client, …)`.
 */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const viaApi = process.argv.includes("--entity-api");
const app = viaApi
  ? `import { createClient } from "@sg/core"; import { jsonRpcTransport } from "@sg/transport"; import { scriptAuth } from "@sg/auth-script"; import { entityApi } from "@sg/entities";
const client = createClient({ site: "https://x.shotgrid.autodesk.com", transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "a", scriptKey: "b" }) });
console.log(await entityApi(client).find("Shot", [["code", "is", "x"]], ["code"]));`
  : `import { createClient } from "@sg/core"; import { jsonRpcTransport } from "@sg/transport"; import { scriptAuth } from "@sg/auth-script"; import { find } from "@sg/entities";
const client = createClient({ site: "https://x.shotgrid.autodesk.com", transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "a", scriptKey: "b" }) });
console.log(await find(client, "Shot", [["code", "is", "x"]], ["code"]));`;

const results = {};
for (const platform of ["neutral", "node"]) {
  const r = await build({
    stdin: { contents: app, resolveDir: here, loader: "js" },
    bundle: true, minify: true, format: "esm", write: false, metafile: true, platform,
    ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
    external: ["node:*"], logLevel: "silent",
  });
  const out = r.outputFiles[0];
  const meta = Object.values(r.metafile.outputs)[0];
  const byPackage = {};
  const entitiesFiles = {};
  for (const [path, { bytesInOutput }] of Object.entries(meta.inputs)) {
    const m = /packages\/([^/]+)\//.exec(path);
    const key = m ? m[1] : path.startsWith("<stdin>") ? "app" : path;
    byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
    if (key === "entities" && bytesInOutput > 0) entitiesFiles[path.replace(/.*\/dist\//, "")] = bytesInOutput;
  }
  const nodeImports = [...new Set(meta.imports.filter((i) => i.external).map((i) => i.path))];
  // Static imports of node:* by the entities modules that made it into the bundle (dynamic ones load lazily).
  const entitiesNodeImports = Object.entries(r.metafile.inputs)
    .filter(([path]) => /packages\/entities\//.test(path) && meta.inputs[path]?.bytesInOutput > 0)
    .flatMap(([, input]) => input.imports.filter((i) => i.external && i.kind === "import-statement").map((i) => i.path));
  // The entities code alone (other packages external), to give its own gzip size.
  const alone = await build({
    stdin: { contents: app, resolveDir: here, loader: "js" },
    bundle: true, minify: true, format: "esm", write: false, platform,
    ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
    external: ["node:*", "@sg/core", "@sg/transport", "@sg/auth-script"], logLevel: "silent",
  });
  const entitiesGzip = gzipSync(alone.outputFiles[0].contents).length;
  results[platform] = { total: out.contents.length, gzip: gzipSync(out.contents).length, byPackage, entitiesGzip, entitiesFiles, nodeImports, entitiesNodeImports };
}
console.log(JSON.stringify({ app: viaApi ? "entityApi(client).find" : "find(client, …)", ...results }, null, 2));
