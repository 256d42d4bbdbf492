import { EMULATOR_USAGE, EmulatorArgsError, parseEmulatorArgs, startEmulator, type EmulatorOptions } from "@sg/emulator";
import { EXIT_FAILURE, EXIT_OK, UsageError, formatError } from "../exit-codes.js";
import type { CliIo } from "../io.js";

/** The emulator's own usage line, as `sg emulator` (what `sg emulator --help` and `sg help emulator` print). */
export function emulatorUsage(usage: string = EMULATOR_USAGE): string {
  return usage.replace(/^usage: sg-emulator/i, "usage: sg emulator");
}

/**
 * `sg emulator [flags]`: the same command as `sg-emulator`. The flags go straight to the emulator's own
 * parser, so the two commands always accept the same flags. Prints the site card on one line to stdout and
 * runs until `stop` resolves; then {@link EXIT_FAILURE}, with the error on stderr, if the last save of `--data` fails.
 */
export async function emulatorCommand(argv: readonly string[], io: CliIo, stop: Promise<string>): Promise<number> {
  let options: EmulatorOptions;
  try {
    options = parseEmulatorArgs(argv);
  } catch (error) {
    if (!(error instanceof EmulatorArgsError)) throw error;
    if (error.help) {
      io.stdout.write(`${emulatorUsage(error.usage)}\n`);
      return EXIT_OK;
    }
    throw new UsageError(error.message, emulatorUsage(error.usage));
  }
  const handle = await startEmulator({ ...options, logger: (line: string) => io.stderr.write(`[sg-emulator] ${line}\n`) });
  io.stdout.write(`${JSON.stringify(handle.card)}\n`);
  // 2FA codes are one-time, issued on demand by an admin endpoint: say how, on stderr (stdout is the card alone).
  const twoFactor = handle.card.users.filter((user) => user.twoFactor).map((user) => user.login);
  if (twoFactor.length) {
    io.stderr.write(`[sg-emulator] one-time 2FA code for ${twoFactor.join(", ")}: curl -s -X POST ${handle.url}/__emulator/2fa -H 'Content-Type: application/json' -d '{"login":"${twoFactor[0]}"}'\n`);
  }
  const signal = await stop;
  io.stderr.write(`[sg-emulator] ${signal}: shutting down\n`);
  try {
    await handle.close();
  } catch (error) {
    // The save of --data on close failed (its folder removed, a full disk): a failure, not "interrupted, nothing
    // changed", which the signal's status would say. The error names the data file.
    io.stderr.write(formatError(error, io.env["SG_DEBUG"] === "1", (text) => text));
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}
