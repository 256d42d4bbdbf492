import { withArticle } from './articles.js';

/**
 * The ranges of the emulator's numeric start options, shared by the `sg-emulator` flag parser and
 * `startEmulator` (and the latency setters), so that every way of starting or tuning a site accepts the same values.
 */

/** An inclusive integer range an option must fall in. */
export interface IntRange {
  /** The smallest value accepted. */
  readonly min: number;
  /** The largest value accepted. */
  readonly max: number;
}

/** A name of {@link OPTION_RANGES}: the integer start options. */
export type RangedOption = 'port' | 'rows' | 'latencyMs' | 'sessionIdleSeconds' | 'pageSize' | 'queryCacheSize';

/** The integer start options and the values each accepts (the CLI flag of each is its kebab-case name). */
export const OPTION_RANGES: Readonly<Record<RangedOption, IntRange>> = {
  port: { min: 0, max: 65_535 },
  rows: { min: 0, max: 10_000_000 },
  latencyMs: { min: 0, max: 600_000 },
  sessionIdleSeconds: { min: 1, max: 31_536_000 },
  pageSize: { min: 1, max: 100_000 },
  queryCacheSize: { min: 0, max: 10_000 },
};

/** True when `value` is an integer within `range`. */
export function inRange(value: number, range: IntRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** How a received value is shown in a message: strings quoted, so `"8080x"` is told from `8080`. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : withArticle(typeof value);
}

/**
 * `value` when it is an integer within the range of option `name` (undefined is refused too).
 *
 * @param name - The option whose range applies.
 * @param value - What was received.
 * @param label - How the message names the value (default `name`), e.g. `'ms'` for the latency endpoint's field.
 * @returns The value.
 * @throws Error naming the option, the value received and the range expected.
 */
export function requireIntOption(name: RangedOption, value: unknown, label: string = name): number {
  const range = OPTION_RANGES[name];
  if (typeof value !== 'number' || !inRange(value, range)) {
    throw new Error(`${label} must be an integer from ${range.min} to ${range.max}, got ${shown(value)}`);
  }
  return value;
}

/**
 * `value` when it is undefined (not given) or an integer within the range of option `name`.
 *
 * @param name - The option (named in the message).
 * @param value - What was received.
 * @returns The value, or undefined when none was given.
 * @throws Error naming the option, the value received and the range expected.
 */
export function checkIntOption(name: RangedOption, value: unknown): number | undefined {
  return value === undefined ? undefined : requireIntOption(name, value);
}

/**
 * `value` when it is undefined or a non-empty string.
 *
 * @param name - The option (named in the message).
 * @param value - What was received.
 * @param what - What the string is, e.g. "a file path".
 * @throws Error naming the option, the value received and what was expected.
 */
export function checkStringOption(name: string, value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`${name} must be ${what} (a non-empty string), got ${shown(value)}`);
  return value;
}
