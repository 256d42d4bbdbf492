#!/usr/bin/env node
// Recipe: an event daemon (`npm start -w @sg-examples/event-daemon`). Starts the embedded emulator, then polls its
// EventLogEntry rows the way a pipeline's event daemon does: after the last id processed, saved to a state file
// after each event, so that a restart resumes without re-processing or skipping; a stop (SIGINT, or an
// AbortSignal) aborts the read in flight and keeps the state; 502/504 on reads are retried by the transport.
//   node src/main.mjs [--state-dir DIR] [--follow]
// --state-dir keeps the state file and the outbox there after the run (created if missing; a fresh temporary folder
// by default); each run starts a new emulator, so it replaces the files of a former run. --follow keeps the daemon
// running after the walk-through, until SIGINT or SIGTERM (the daemon's client is closed then, see recipe.mjs).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "@sg/emulator";
import { runRecipe } from "./recipe.mjs";

const out = (line = "") => process.stdout.write(`${line}\n`);
const { values } = parseArgs({ options: { "state-dir": { type: "string" }, follow: { type: "boolean", default: false } } });
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
process.once("SIGTERM", () => stop.abort());

const emulator = await startEmulator({ fixtures: "demo" });
const stateDir = values["state-dir"] ?? mkdtempSync(join(tmpdir(), "sg-event-daemon-"));
mkdirSync(stateDir, { recursive: true });
let failed = false;
try {
  out(`@sg/* recipe: event daemon — local site ${emulator.url}, state in ${stateDir}`);
  await runRecipe(emulator, { stateDir, out, signal: stop.signal, follow: values.follow });
  out("\nAll steps passed.");
} catch (error) {
  failed = true;
  process.stderr.write(`\nevent-daemon failed: ${/** @type {Error} */ (error)?.stack ?? error}\n`);
} finally {
  if (!values["state-dir"]) rmSync(stateDir, { recursive: true, force: true });
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
