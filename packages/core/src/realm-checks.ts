/**
 * Type checks that hold for values from any realm (an iframe, a `node:vm` context, jsdom), where
 * `instanceof Date` is false for a Date made by another realm's `Date`.
 *
 * @packageDocumentation
 */

const tagOf = (value: unknown): string => Object.prototype.toString.call(value);

/** Whether `value` is a Date, from this realm or another. */
export const isDate = (value: unknown): value is Date => tagOf(value) === "[object Date]";

/** Whether `value` is tagged as a plain object (`[object Object]`): no built-in (Map, Error, Blob, boxed string, bytes) is. */
export const isPlainTagged = (value: unknown): boolean => tagOf(value) === "[object Object]";
