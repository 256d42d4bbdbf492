/**
 * File paths in a browser bundle: the package bundled with esbuild for `platform: "browser"` and no configuration
 * (the `#node-builtins` import resolves to its stand-in, as in any browser bundler), then run here against the
 * emulator. A path is refused with a readable SgValidationError before anything is sent; a Blob still uploads.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSite, type TestSite } from "./test-support/site.js";

/** What the browser bundle exports: its own copies of the client parts and the entity functions. */
interface BrowserApp {
  connect(site: string, scriptName: string, scriptKey: string): unknown;
  upload(client: unknown, type: string, id: number, source: unknown, options?: unknown): Promise<number>;
  downloadAttachment(client: unknown, attachment: unknown, options?: unknown): Promise<Uint8Array | string>;
  SgValidationError: new (...args: never[]) => Error;
}

const index = fileURLToPath(new URL("./index.ts", import.meta.url));
let site: TestSite;
let dir: string;
let text: string;
let app: BrowserApp;
let client: unknown;

beforeAll(async () => {
  site = await startSite();
  dir = mkdtempSync(join(tmpdir(), "sg-browser-files-"));
  const result = await build({
    stdin: {
      contents: `import { createClient, SgValidationError } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
export { upload, downloadAttachment } from ${JSON.stringify(index)};
export { SgValidationError };
export const connect = (site, scriptName, scriptKey) => createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName, scriptKey }) });`,
      resolveDir: fileURLToPath(new URL(".", import.meta.url)),
      loader: "js",
    },
    bundle: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
  });
  text = result.outputFiles[0]!.text;
  const file = join(dir, "app.mjs");
  writeFileSync(file, text);
  app = (await import(pathToFileURL(file).href)) as BrowserApp;
  const script = site.emulator.card.scripts[0] as { name: string; key: string };
  client = app.connect(site.emulator.url, script.name, script.key);
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("file paths in a browser bundle", () => {
  it("the bundle has no node:* import left", () => {
    expect(text).not.toMatch(/\bimport\s*\(?\s*["']node:/);
  });

  it("an upload given a file path is refused before anything is sent, and a Blob uploads", async () => {
    const version = await site.api.create("Version", { code: "browser_v1" });
    const before = site.emulator.requests().length;
    const error = await app.upload(client, "Version", version.id, join(dir, "notes.txt"), { fieldName: "sg_uploaded_movie" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(app.SgValidationError);
    expect((error as Error).message).toContain("expected a Blob or File (file paths need Node)");
    expect((error as Error).message).toContain(join(dir, "notes.txt"));
    expect(site.emulator.requests().length).toBe(before);

    const id = await app.upload(client, "Version", version.id, new Blob(["from a browser"], { type: "text/plain" }), { fieldName: "sg_uploaded_movie", displayName: "b.txt" });
    expect(new TextDecoder().decode((await app.downloadAttachment(client, id)) as Uint8Array)).toBe("from a browser");
  });

  it("a download given filePath is refused before anything is sent, and nothing is written", async () => {
    const version = await site.api.create("Version", { code: "browser_v2" });
    const id = await site.api.upload("Version", version.id, new Blob(["bytes"]), { fieldName: "sg_uploaded_movie" });
    const before = site.emulator.requests().length;
    const target = join(dir, "copy.txt");
    const error = await app.downloadAttachment(client, id, { filePath: target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(app.SgValidationError);
    expect((error as Error).message).toMatch(/options\.filePath.*expected no filePath \(file paths need Node\)/s);
    expect(site.emulator.requests().length).toBe(before);
    expect(readdirSync(dir)).toEqual(["app.mjs"]);
  });
});
