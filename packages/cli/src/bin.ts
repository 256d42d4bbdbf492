#!/usr/bin/env node
import { constants } from "node:os";
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

// `sg find Shot --all | head`: a closed pipe ends the command quietly, like other Unix tools.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

// The first Ctrl-C (or SIGTERM) stops `sg emulator` cleanly and aborts the calls of any other command, which
// then exits 130 (143 for SIGTERM); a second one leaves at once.
const abort = new AbortController();
let received: NodeJS.Signals | undefined;
let resolveStop: (signal: string) => void = () => undefined;
const stop = new Promise<string>((resolve) => (resolveStop = resolve));
const onSignal = (signal: NodeJS.Signals): void => {
  if (received) process.exit(128 + (constants.signals[signal] ?? 2));
  received = signal;
  resolveStop(signal);
  abort.abort(signal);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

let code = await runCli(process.argv.slice(2), processIo(), { stop, signal: abort.signal });
if (received && code !== 0) code = 128 + (constants.signals[received] ?? 2);
process.exitCode = code;
// Flush stdout before leaving (pipes are asynchronous); keep-alive sockets must not hold the process open.
process.stdout.write("", () => process.exit(code));
