/** A start option `startEmulator` refuses, thrown before it reads a file or listens. */
export class EmulatorOptionError extends Error {
  /** Always `EmulatorOptionError`. */
  override readonly name: string = 'EmulatorOptionError';
  /** The refused option's name in `EmulatorOptions`, e.g. `port`; for an unknown key, that key, e.g. `data`. */
  readonly option: string;
  /** True when `option` is no start option at all (e.g. `data`, the CLI's flag name for `dataFile`): its value was not read. */
  readonly unknown: boolean;

  /**
   * @param option - The option's name, e.g. `port`.
   * @param message - What is wrong with its value, e.g. `port must be an integer from 0 to 65535, got "x"`.
   * @param unknown - Whether `option` is a key that is no start option.
   */
  constructor(option: string, message: string, unknown = false) {
    super(message);
    this.option = option;
    this.unknown = unknown;
  }
}

/**
 * What `check` returns; an error it throws is thrown again as an {@link EmulatorOptionError} of `option`, with the
 * same message, so that a caller can tell a refused option from a start that failed for another reason.
 */
export function checkOption<T>(option: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new EmulatorOptionError(option, (err as Error).message);
  }
}
