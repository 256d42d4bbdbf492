#!/usr/bin/env node
import { EmulatorArgsError, parseEmulatorArgs } from './cli-args.js';
import { startEmulator } from './server.js';
import type { EmulatorOptions } from './types.js';

/** Parses the command line into emulator options (logging to stderr); exits 0 on `--help`, 2 on bad flags. */
export function parseCli(argv: string[]): EmulatorOptions {
  try {
    return { ...parseEmulatorArgs(argv), logger: (line) => process.stderr.write(`[sg-emulator] ${line}\n`) };
  } catch (err) {
    if (!(err instanceof EmulatorArgsError)) throw err;
    if (err.help) process.stdout.write(`${err.usage}\n`);
    else process.stderr.write(`sg-emulator: ${err.message}\n${err.usage}\n`);
    process.exit(err.exitCode);
  }
}

async function main(): Promise<void> {
  // The log and the card are best-effort: a full disk under `2> emulator.log`, or a reader of the pipe that left
  // (`sg-emulator | head -1`), must not end a site that tests still talk to. Node would crash on the write error.
  process.stderr.on('error', () => undefined);
  process.stdout.on('error', () => undefined);
  const options = parseCli(process.argv.slice(2));
  const handle = await startEmulator(options);
  process.stdout.write(`${JSON.stringify(handle.card)}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    options.logger?.(`${signal}: shutting down`);
    // A failed save on close (the data file's folder removed, a full disk) says why: the error names the file.
    handle.close().then(() => process.exit(0), fail);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Ends the process with status 1 after one line on stderr: `sg-emulator: <the error's message>`. */
function fail(err: unknown): never {
  process.stderr.write(`sg-emulator: ${(err as Error).message}\n`);
  process.exit(1);
}

main().catch(fail);
