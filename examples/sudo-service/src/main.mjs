#!/usr/bin/env node
// Recipe: a service acting for artists (`npm start -w @sg-examples/sudo-service`). Starts the embedded emulator and
// a small HTTP service that creates Notes as the artist named in each request (script auth + sudoAsLogin), then
// shows who the site records as their author.
import { startEmulator } from "@sg/emulator";
import { runRecipe } from "./recipe.mjs";

const out = (line = "") => process.stdout.write(`${line}\n`);

const emulator = await startEmulator({ fixtures: "demo" });
let failed = false;
try {
  out(`@sg/* recipe: sudo service — local site ${emulator.url}`);
  await runRecipe(emulator, { out });
  out("\nAll steps passed.");
} catch (error) {
  failed = true;
  process.stderr.write(`\nsudo-service failed: ${/** @type {Error} */ (error)?.stack ?? error}\n`);
} finally {
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
