import { describeValue } from "./errors.js";
import type { ValidationErrorDetails } from "./errors.js";
import { REDACTED } from "./redact.js";

/**
 * A URL as a message may name it: without its query and fragment (a presigned URL's signature), and with all from
 * after its scheme and slashes (or a leading `//`) to its last `@` hidden. A password with a raw `/`, `?` or `#` ends
 * the `user:password@` part where a URL parser reads it (`https://u:Pa55/word@host` is host `u`, port `Pa55`): only
 * the last `@` is sure to end it. So an `@` in a path or query (`/media/@alice`, `?owner=a@b.com`) hides what is
 * before it too: a message shows less, never a password.
 */
export function shownUrl(url: string): string {
  // The last `@` is found by lastIndexOf: a pattern looking ahead for it from every leading `/` took quadratic time.
  const lead = /^\s*(?:[a-z][\w+.-]*:)?[/\\]*/i.exec(url)![0];
  const at = url.lastIndexOf("@");
  return (at < 0 ? url : lead + REDACTED + url.slice(at)).split(/[?#]/)[0]!;
}

/**
 * The details of an {@link SgValidationError} for a URL refused at `path`: the URL as {@link shownUrl} shows it, and,
 * when it holds an `@`, a hint to percent-encode what a user name or password must not hold raw.
 */
export function urlRefusal(path: readonly (string | number)[], expected: string, url: string): ValidationErrorDetails {
  return { path, expected, received: describeValue(shownUrl(url)), hint: url.includes("@") ? "Percent-encode / ? # @ : in a user name or password." : undefined };
}
