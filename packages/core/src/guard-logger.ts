import { SgValidationError, describeValue } from "./errors.js";
import { silentLogger, type Logger } from "./logger.js";

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** What a logger may be, for the validation error. */
const EXPECTED = "a Logger (debug, info, warn and error each a function or absent), or undefined";

/** Loggers made by {@link guardLogger}: guarding one again returns it as it is. */
const guarded = new WeakSet<object>();

const ignore = (): void => {};

/**
 * A logger that passes every line to `logger` and never lets it change what the caller does: a method that
 * throws is caught, a promise it returns that rejects is caught (no unhandled rejection), and a missing method
 * writes nothing. Each method is looked up on `logger` when a line is written and called on it, so `console`
 * works and a logger that swaps its methods (on a level change) is followed. `undefined` and
 * {@link silentLogger} give `silentLogger`; a logger this function returned is returned as it is.
 *
 * `createClient` guards its `logger` this way, so strategies and transports receive a guarded one; a helper that
 * takes a logger of its own (such as `browserLogin`) should guard it too.
 */
export function guardLogger(logger: Partial<Logger> | undefined): Logger {
  if (logger === undefined || logger === silentLogger || guarded.has(logger)) return (logger as Logger | undefined) ?? silentLogger;
  const safe: Record<string, unknown> = {};
  for (const name of LEVELS) {
    safe[name] = (...line: unknown[]): void => {
      // A broken logger (a method that throws, is no function, or returns a promise that rejects) must not break the
      // call it reports on. The arguments go as given: `console.debug(message, undefined)` would print "undefined".
      try {
        Promise.resolve((logger[name] as ((...args: unknown[]) => unknown) | undefined)?.apply(logger, line)).catch(ignore);
      } catch {}
    };
  }
  guarded.add(Object.freeze(safe));
  return safe as unknown as Logger;
}

/**
 * `createClient`'s check of its `logger` option: `undefined`, or an object or function (a logger that is itself
 * callable, with the level methods attached) whose `debug`, `info`, `warn` and `error` are each a function or absent
 * (`null` counts as absent). Throws {@link SgValidationError} (path `["logger"]`, prefixed with `prefix`).
 */
export function checkLogger(prefix: string, logger: unknown): void {
  if (logger === undefined) return;
  // A method left out (or null) writes nothing; one that is something else is a mistake worth saying at once.
  if (logger === null || (typeof logger !== "object" && typeof logger !== "function") || LEVELS.some((name) => typeof ((logger as Record<string, unknown>)[name] ?? ignore) !== "function")) {
    throw new SgValidationError(prefix, { path: ["logger"], expected: EXPECTED, received: describeValue(logger) });
  }
}
