import { EmulatorOptionError, startEmulator, type EmulatorHandle, type EmulatorOptions } from "@sg/emulator";
import { SgValidationError, describeValue } from "@sg/core";

/**
 * Start the emulator a kit run checks against, with the caller's `options.emulator` (`given`) and, when set, a
 * `logger` in place of theirs. Only an option the emulator refuses is the caller's malformed options: it is thrown
 * as an `SgValidationError` at `options.emulator.<option>`; a data file in use or a port taken is thrown as it is.
 */
export function startKitEmulator(given: EmulatorOptions | undefined, logger?: (line: string) => void): Promise<EmulatorHandle> {
  return startEmulator({ ...given, ...(logger ? { logger } : {}) }).catch((error: unknown) => {
    if (!(error instanceof EmulatorOptionError)) throw error;
    const value: unknown = (given as Record<string, unknown> | undefined)?.[error.option];
    // The emulator's own "…, got x" (or "; got x", ": got x") is left out: the error says what it got once, after what was expected.
    // The value of a key that is no emulator option is described by its type only, as core does for unknown options.
    throw new SgValidationError("@sg/testing", {
      path: ["options", "emulator", error.option],
      expected: `an option startEmulator accepts (${error.message.replace(/[,;:] got [^]*$/, "")})`,
      received: describeValue(value, error.unknown),
      cause: error,
    });
  });
}
