/**
 * Tree-shaking guards: a find-only program bundles only the find path of this package — no uploads,
 * downloads, schema writes, summaries or `node:*` modules — and loading it has no top-level side effects
 * (it even evaluates where there is no `process`). Bundled from the sources with esbuild (the workspace's
 * root dev dependency); `@sg/core` comes from its build.
 */
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

const index = fileURLToPath(new URL("./index.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const OWN = /^src\/([\w-]+)\.ts$/;

async function bundle(code: string, platform: "neutral" | "node", format: "esm" | "iife" = "esm"): Promise<{ meta: Metafile; text: string }> {
  const result = await build({
    stdin: { contents: code, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "ts" },
    absWorkingDir: packageDir, bundle: true, minify: true, format, platform, write: false, metafile: true, logLevel: "silent",
    ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
    external: ["node:*"],
  });
  return { meta: result.metafile, text: result.outputFiles[0]!.text };
}

/** The modules of this package that contribute bytes, by file name. */
function ownModules(meta: Metafile): Map<string, number> {
  const output = Object.values(meta.outputs)[0]!;
  const out = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = OWN.exec(path);
    if (m && bytesInOutput > 0) out.set(m[1]!, bytesInOutput);
  }
  return out;
}

/** Static `node:*` imports made by this package's modules (dynamic `import()`s load lazily and are fine). */
function ownNodeImports(meta: Metafile): string[] {
  return Object.entries(meta.inputs)
    .filter(([path]) => OWN.test(path))
    .flatMap(([, input]) => input.imports.filter((i) => i.external && i.kind !== "dynamic-import").map((i) => i.path));
}

const FIND_PATH = ["context", "date-checks", "field-types-error", "filters", "find", "paging", "records", "reply", "shared-request", "validate"];
const NEVER_ON_FIND_PATH = ["uploads", "downloads", "transfer", "schema", "summarize", "create", "update", "batch", "entity-api", "site-settings", "activity", "follow", "text-search", "nav", "errors"];

describe("bundles", () => {
  it.each(["neutral", "node"] as const)("a find-only program bundles only the find path (%s)", async (platform) => {
    const { meta } = await bundle(`import { find } from ${JSON.stringify(index)}; export const run = (c: never) => find(c, "Shot", [["code", "is", "x"]], ["code"]);`, platform);
    const own = ownModules(meta);
    expect([...own.keys()].sort()).toEqual(FIND_PATH);
    for (const name of NEVER_ON_FIND_PATH) expect(own.has(name)).toBe(false);
    expect(ownNodeImports(meta)).toEqual([]);
    const bytes = [...own.values()].reduce((a, b) => a + b, 0);
    expect(bytes).toBeLessThan(16_100); // 16,049 B today (a walk's refused page names the bad id: +92 B; walk by id joined the find path: +1.5 KB minified; 14,420 B before it); entityApi bundles ~64 KB
  });

  it("entityApi still bundles everything, but imports node:* only lazily", async () => {
    const { meta } = await bundle(`import { entityApi } from ${JSON.stringify(index)}; export const run = (c: never) => entityApi(c).find("Shot");`, "neutral");
    expect(ownModules(meta).has("uploads")).toBe(true);
    expect(ownNodeImports(meta)).toEqual([]);
  });

  it("a download-only program does not pull the upload code", async () => {
    const { meta } = await bundle(`import { downloadAttachment } from ${JSON.stringify(index)}; export const run = (c: never) => downloadAttachment(c, 1);`, "neutral");
    const own = ownModules(meta);
    expect(own.has("downloads")).toBe(true);
    expect(own.has("uploads")).toBe(false);
  });

  it("loading the find path has no side effects and needs no process global", async () => {
    const { text } = await bundle(`import { find, entityContext } from ${JSON.stringify(index)}; (globalThis as any).loaded = typeof find === "function" && typeof entityContext === "function";`, "neutral", "iife");
    const sandbox: Record<string, unknown> = { URL, TextEncoder, TextDecoder, AbortSignal, console };
    runInNewContext(text, sandbox);
    expect(sandbox["loaded"]).toBe(true);
    expect(Object.keys(sandbox).sort()).toEqual(["AbortSignal", "TextDecoder", "TextEncoder", "URL", "console", "loaded"]);
  });
});
