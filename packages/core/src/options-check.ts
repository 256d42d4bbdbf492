import { SgValidationError, describeValue } from "./errors.js";
import type { CallOptions } from "./transport-strategy.js";

/** What a strategy factory's options object may contain, for {@link checkOptionsObject}. */
export interface OptionsShape {
  /** The factory's name, e.g. `scriptAuth`, for hints. */
  readonly factory: string;
  /** What the options look like, e.g. `an object { scriptName, scriptKey, sudoAsLogin? }`. */
  readonly expected: string;
  /** The option names the factory takes. */
  readonly known: readonly string[];
  /** Common misspellings or names from other clients, mapped to what to use instead. */
  readonly aliases?: Readonly<Record<string, string>> | undefined;
  /**
   * Known options whose values are secret.
   * @deprecated No longer read: unknown options are never echoed now, whatever their name.
   */
  readonly secret?: readonly string[] | undefined;
}

/**
 * Check that `options` is a plain object holding only known option names, and return it. An unknown name
 * is refused with a "did you mean" hint when it is a known alias; its value is described by type only (a
 * misplaced option is often a secret under a name nobody can foresee, e.g. `pat` or `pwd`). Throws
 * {@link SgValidationError} prefixed with `prefix`.
 */
export function checkOptionsObject(prefix: string, options: unknown, shape: OptionsShape): Readonly<Record<string, unknown>> {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new SgValidationError(prefix, { path: ["options"], expected: shape.expected, received: describeValue(options) });
  }
  const o = options as Record<string, unknown>;
  const known = new Set(shape.known);
  for (const key of Object.keys(o)) {
    if (known.has(key)) continue;
    const alias = shape.aliases?.[key];
    throw new SgValidationError(prefix, {
      path: [key],
      expected: `no such option (known: ${shape.known.join(", ")})`,
      received: describeValue(o[key], true),
      // A string only: `constructor` or `toString` finds Object.prototype's functions, which are no aliases.
      hint: typeof alias == "string" ? `Did you mean '${alias}'?` : `Remove it; ${shape.factory} takes ${shape.known.join(", ")}.`,
    });
  }
  return o;
}

/**
 * A copy of call options, taken once by what keeps them (a client's or an entities context's `defaults`), with its
 * `retry` override and that one's `retryStatuses` copied too, and frozen (the copy itself is not): an app that reuses
 * one options object and changes it afterwards (per request), or code that changes what it was handed (a client's
 * frozen `defaults`), changes neither the calls of what was made before nor what was checked. Anything but an
 * object is returned as it is, for the caller's checks to refuse.
 *
 * @param options - the call options as given.
 */
export function copyCallOptions<O extends CallOptions>(options: O): O {
  if (options === null || typeof options !== "object") return options;
  const retry: unknown = options.retry;
  const statuses: unknown = retry !== null && typeof retry === "object" && (retry as { retryStatuses?: unknown }).retryStatuses;
  return { ...options, ...(retry !== null && typeof retry === "object" && { retry: Object.freeze({ ...retry, ...(Array.isArray(statuses) && { retryStatuses: Object.freeze([...statuses]) }) }) }) };
}
