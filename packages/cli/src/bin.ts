#!/usr/bin/env node
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

const stop = new Promise<string>((resolve) => {
  process.once("SIGINT", () => resolve("SIGINT"));
  process.once("SIGTERM", () => resolve("SIGTERM"));
});

const code = await runCli(process.argv.slice(2), processIo(), { stop });
process.exitCode = code;
// Flush stdout before leaving (pipes are asynchronous); keep-alive sockets must not hold the process open.
process.stdout.write("", () => process.exit(code));
