/**
 * Type checks that hold for values from any realm (an iframe, a `node:vm` context, jsdom), where
 * `instanceof Date` is false for a Date made by another realm's `Date`.
 *
 * @packageDocumentation
 */

/** Whether `value` is a Date, from this realm or another. */
export const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === "[object Date]";
