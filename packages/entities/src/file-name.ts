/**
 * The file name a download hands to the user, from the site's value (a `Content-Disposition` name, a local file
 * link's path): the site may send any text there, so what is handed over is a name only, safe to join to a folder.
 *
 * @packageDocumentation
 */

/** C0 and C1 controls (NUL, newline, ESC, DEL …) and the bidi controls that can reverse how a name reads. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `name` reduced to a plain file name: without its controls (above), then only its last part after
 * `/` or `\`; `undefined` when nothing is left, or for `.` and `..`.
 */
export function safeFileName(name: string | undefined): string | undefined {
  const last = name?.replace(CONTROLS, "").split(/[\\/]/).pop();
  return last && last !== "." && last !== ".." ? last : undefined;
}
