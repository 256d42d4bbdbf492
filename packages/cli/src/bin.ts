#!/usr/bin/env node
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

// `sg find Shot --all | head`: a closed pipe ends the command quietly, like other Unix tools.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const stop = new Promise<string>((resolve) => {
  process.once("SIGINT", () => resolve("SIGINT"));
  process.once("SIGTERM", () => resolve("SIGTERM"));
});

const code = await runCli(process.argv.slice(2), processIo(), { stop });
process.exitCode = code;
// Flush stdout before leaving (pipes are asynchronous); keep-alive sockets must not hold the process open.
process.stdout.write("", () => process.exit(code));
