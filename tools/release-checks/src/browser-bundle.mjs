// Browser-bundle gate: each client package's entry, bundled for a browser with no configuration at all (no
// externals, no aliases, no conditions), must resolve every module it can reach, lazy `import()`s included.
import { build } from "esbuild";
import { repoRoot } from "./workspace.mjs";

/** The packages an application may bundle for a browser; the emulator, the CLI and the testing helpers are Node tools. */
export const CLIENT_PACKAGES = ["@sg/core", "@sg/transport", "@sg/auth-script", "@sg/auth-session", "@sg/auth-legacy-pat", "@sg/entities"];

/**
 * Bundle everything `name` exports with esbuild for `platform` (`"browser"` unless given), as `esbuild --bundle
 * --platform=browser` would, and return the problems as readable lines (`<text> (<file>:<line>)`); none when it builds.
 */
export async function browserBundleProblems(name, platform = "browser") {
  try {
    await build({
      stdin: { contents: `export * from ${JSON.stringify(name)};`, resolveDir: repoRoot, loader: "js", sourcefile: "app.mjs" },
      bundle: true,
      format: "esm",
      platform,
      write: false,
      logLevel: "silent",
    });
    return [];
  } catch (error) {
    if (!Array.isArray(error?.errors)) throw error;
    return error.errors.map((e) => (e.location ? `${e.text} (${e.location.file}:${e.location.line})` : e.text));
  }
}
