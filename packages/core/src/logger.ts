/** A minimal structured logger. Messages handed to it never contain secrets. */
export interface Logger {
  /**
   * Detailed diagnostics, such as one line per HTTP attempt, and the end of a call that failed at its first attempt with
   * nothing to retry (a fault, a 500, a TLS failure: the caller gets the error).
   */
  debug(message: string, data?: Readonly<Record<string, unknown>>): void;
  /** Notable events that need no action, such as a retry about to be made, a login, a session renewed. */
  info(message: string, data?: Readonly<Record<string, unknown>>): void;
  /**
   * Something a person should look at: a call that failed after a retry, or whose retry was withheld (a write not
   * retried, a `Retry-After` over the cap, the retry budget spent, the deadline); credentials refused for good; a
   * callback that threw.
   */
  warn(message: string, data?: Readonly<Record<string, unknown>>): void;
  /**
   * A failure. The `@sg/*` packages write nothing here: a call's failure reaches its caller as the error thrown
   * (and as the warn above when it came after retries), for the caller to log.
   */
  error(message: string, data?: Readonly<Record<string, unknown>>): void;
}

const noop = (): void => {};

/** A logger that drops everything (the default). */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
