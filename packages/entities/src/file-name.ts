/**
 * The file name a download hands to the user, from the site's value (a `Content-Disposition` name, a local file
 * link's path): the site may send any text there, so what is handed over is a name only, safe to join to a folder.
 *
 * @packageDocumentation
 */

/**
 * Removed in one pass: C0 and C1 controls (NUL, newline, ESC, DEL …), the bidi controls that can reverse how a name reads
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029),
 * which a terminal may break a line at; the dots and spaces that end the name, before such characters or none
 * (Windows drops them, so `..` and `. .` name the folder above or this one there).
 */
const CLEAN =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[. ]+(?=[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$)/g;

/**
 * `name` reduced to a plain file name: only its last part after `/` or `\`, cleaned as {@link CLEAN} says, with each `:`
 * (on Windows `C:x` is relative to drive C's current folder, and `x:y` writes an alternate data stream of `x`) and each
 * of `<>"|?*` (which Windows refuses in a name) made `_`, on every OS (a name from a site should be portable);
 * `undefined` when nothing is left (`.`, `..` and a name of dots and spaces among them).
 */
export function safeFileName(name: string | undefined): string | undefined {
  return name?.split(/[\\/]/).pop()?.replace(CLEAN, "").replace(/[:<>"|?*]/g, "_") || undefined;
}
