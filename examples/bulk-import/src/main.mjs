#!/usr/bin/env node
// Recipe: bulk import (`npm start -w @sg-examples/bulk-import`). Starts the embedded emulator, writes a CSV of 500
// Shots (or reads yours: --csv FILE, with a `code` column) and imports it with `batch`, 100 rows per call. Two
// chunks fail in a way that may have landed; each is checked on the site and only its missing rows are sent.
//   node src/main.mjs [--csv FILE] [--chunk-size N]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "@sg/emulator";
import { runRecipe } from "./recipe.mjs";

const out = (line = "") => process.stdout.write(`${line}\n`);
const { values } = parseArgs({ options: { csv: { type: "string" }, "chunk-size": { type: "string", default: "100" } } });

const emulator = await startEmulator({ fixtures: "demo" });
const dir = mkdtempSync(join(tmpdir(), "sg-bulk-import-"));
let failed = false;
try {
  out(`@sg/* recipe: bulk import — local site ${emulator.url}`);
  await runRecipe(emulator, { dir, out, chunkSize: Number(values["chunk-size"]), ...(values.csv ? { csv: values.csv } : {}) });
  out("\nAll steps passed.");
} catch (error) {
  failed = true;
  process.stderr.write(`\nbulk-import failed: ${/** @type {Error} */ (error)?.stack ?? error}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
