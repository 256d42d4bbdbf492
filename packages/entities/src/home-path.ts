/**
 * The home folder in a local file path, as a shell and Python's `os.path.expanduser` read it: a path that is `~` or
 * starts with `~/` starts at the user's home folder (`~name/` is left as it is).
 *
 * @packageDocumentation
 */

/**
 * `path` with a leading `~` or `~/` replaced by the home folder `home()` names (Node's `os.homedir`, asked only for
 * such a path); any other path as it is.
 */
export function expandHome(path: string, home: () => string): string {
  return path === "~" || path.startsWith("~/") ? home() + path.slice(1) : path;
}
