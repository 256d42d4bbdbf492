/**
 * browserLogin in a browser bundle: the package bundled with esbuild for `platform: "browser"` and no configuration
 * (the `#machine-name` import resolves to its stand-in, so there is no `node:os` to resolve), then run here against
 * the emulator. Without the host name a machineId must be given; with one, the login works.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "@sg/emulator";
import type { BrowserLoginOptions, BrowserLoginResult } from "./index.js";

/** What the browser bundle exports: its own copies of browserLogin and the core's validation error. */
interface BrowserApp {
  browserLogin(options: BrowserLoginOptions): Promise<BrowserLoginResult>;
  SgValidationError: new (...args: never[]) => Error;
}

const index = fileURLToPath(new URL("./index.ts", import.meta.url));
let emulator: Awaited<ReturnType<typeof startEmulator>>;
let dir: string;
let text: string;
let app: BrowserApp;

beforeAll(async () => {
  emulator = await startEmulator({ authMode: "sso", fixtures: "demo" });
  dir = mkdtempSync(join(tmpdir(), "sg-browser-login-"));
  const result = await build({
    stdin: { contents: `export { browserLogin } from ${JSON.stringify(index)};\nexport { SgValidationError } from "@sg/core";`, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" },
    bundle: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
  });
  text = result.outputFiles[0]!.text;
  writeFileSync(join(dir, "app.mjs"), text);
  app = (await import(pathToFileURL(join(dir, "app.mjs")).href)) as BrowserApp;
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("browserLogin in a browser bundle", () => {
  it("the bundle has no node:* import", () => {
    expect(text).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(?\s*["']node:/);
  });

  it("asks for machineId, which it cannot read from the host, before anything is sent", async () => {
    const before = emulator.requests().length;
    const error = await app.browserLogin({ site: emulator.url, appName: "bundle test", onUrl: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(app.SgValidationError);
    expect((error as Error).message).toContain("browserLogin.machineId: expected a name for this machine, shown on the approval page (outside Node the host name is not known)");
    expect(emulator.requests().length).toBe(before);
  });

  it("logs in with the machineId given", async () => {
    const result = await app.browserLogin({
      site: emulator.url, appName: "bundle test", machineId: "a browser", pollIntervalMs: 20, timeoutMs: 10_000,
      onUrl: (url) => emulator.approve(decodeURIComponent(new URL(url).pathname.split("/").pop() ?? ""), "coord"),
    });
    expect(result.userLogin).toBe("coord");
  });
});
