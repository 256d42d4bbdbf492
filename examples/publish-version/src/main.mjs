#!/usr/bin/env node
// Recipe: publish a Version (`npm start -w @sg-examples/publish-version`). Starts the embedded emulator, makes a
// small movie and thumbnail, and publishes them as a Version of a Shot through a site that fails each step once in
// a way that may have landed; each is checked on the site before it is tried again.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@sg/emulator";
import { runRecipe } from "./recipe.mjs";

const out = (line = "") => process.stdout.write(`${line}\n`);

const emulator = await startEmulator({ fixtures: "demo" });
const dir = mkdtempSync(join(tmpdir(), "sg-publish-version-"));
let failed = false;
try {
  out(`@sg/* recipe: publish a Version — local site ${emulator.url}`);
  await runRecipe(emulator, { dir, out });
  out("\nAll steps passed.");
} catch (error) {
  failed = true;
  process.stderr.write(`\npublish-version failed: ${/** @type {Error} */ (error)?.stack ?? error}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
