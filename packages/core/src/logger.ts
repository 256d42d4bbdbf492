/** A minimal structured logger. Messages handed to it never contain secrets. */
export interface Logger {
  /** Detailed diagnostics, such as one line per HTTP attempt. */
  debug(message: string, data?: Readonly<Record<string, unknown>>): void;
  /** Notable events, such as a retry. */
  info(message: string, data?: Readonly<Record<string, unknown>>): void;
  /** Something a person should look at. */
  warn(message: string, data?: Readonly<Record<string, unknown>>): void;
  /** A failure. */
  error(message: string, data?: Readonly<Record<string, unknown>>): void;
}

const noop = (): void => {};

/** A logger that drops everything (the default). */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
