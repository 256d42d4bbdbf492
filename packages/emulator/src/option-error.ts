/** A start option `startEmulator` refuses, thrown before it reads a file or listens. */
export class EmulatorOptionError extends Error {
  /** Always `EmulatorOptionError`. */
  override readonly name: string = 'EmulatorOptionError';
  /** The refused option's name in `EmulatorOptions`, e.g. `port`. */
  readonly option: string;

  /**
   * @param option - The option's name, e.g. `port`.
   * @param message - What is wrong with its value, e.g. `port must be an integer from 0 to 65535, got "x"`.
   */
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
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
