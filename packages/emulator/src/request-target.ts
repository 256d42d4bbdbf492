import { text, type HttpReply } from './http-util.js';

/**
 * The 400 for a request target whose path has a `.` or `..` segment (as it is or percent-encoded, in any case) or a
 * backslash (`\` or `%5C`), or `undefined` for any other. The URL parser resolves those (`%2e%2e` is `..`, `\` is `/`),
 * so behind a proxy that lets only `/file_serve/…` through, `/file_serve/x/%2e%2e/%2e%2e/__emulator/card` reached the
 * admin card: the raw target is checked before any route is chosen.
 */
export function targetRefusal(target: string | undefined): HttpReply | undefined {
  // The path ends at a query or a fragment, as it does for `new URL` (`/file_serve/..#/x` is the path `/file_serve/..`).
  const path = (target ?? '/').split(/[?#]/, 1)[0] ?? '';
  const dotted = path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
  if (!dotted && !/\\|%5c/i.test(path)) return undefined;
  return text(400, 'Bad request: the path may not have "." or ".." segments or a backslash (as they are or percent-encoded)');
}
