/**
 * Type checks that hold for values from any realm (an iframe, a `node:vm` context, jsdom), where
 * `instanceof Date` is false for a Date made by another realm's `Date`.
 *
 * @packageDocumentation
 */

const tagOf = (value: unknown): string => Object.prototype.toString.call(value);

/** Whether `value` is a Date, from this realm or another: its tag says so and getTime takes it (a fake's tag does not). */
export const isDate = (value: unknown): value is Date => {
  try {
    return tagOf(value) === "[object Date]" && (Date.prototype.getTime.call(value), true);
  } catch {
    return false;
  }
};

/** Whether `value` is an Error, from this realm or another (a `node:vm` context's abort reason). */
export const isError = (value: unknown): value is Error => value instanceof Error || tagOf(value) === "[object Error]";

/** The tags of built-ins that JSON sends without what they hold (an app's class may set a tag of its own). */
const BUILT_IN = /^\[object (?:Map|Set|Weak\w+|Error|Blob|File|RegExp|String|Number|Boolean|\w*Array|\w*Buffer|DataView|Promise|URLSearchParams|Headers|FormData|\w*Stream)\]$/;

/** Whether `value` is a built-in of any realm that JSON would send without what it holds (a Map, Error, Blob, bytes, …). */
export const isBuiltIn = (value: unknown): boolean => BUILT_IN.test(tagOf(value));
