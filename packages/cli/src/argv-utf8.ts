import { UsageError } from "./exit-status.js";

/**
 * Node decodes the command line as UTF-8 and puts U+FFFD in place of bytes that are not (a Latin-1 `é` from
 * `"$(cat latin1.json)"`), before `sg` sees it: such text would be sent and stored with `�`. An argument or option
 * value holding U+FFFD is refused instead, named by its place in the usage (`<data-json>`) or its flag. A `�` meant as
 * such is rare; a JSON argument can still send it from a file (`@file`), whose bytes are read and checked as they are.
 *
 * @param usage - the command's usage line (`create <Entity> <data-json>`), for the positional arguments' names.
 * @param positionals - the arguments after the command.
 * @param values - the options' values by long name.
 */
export function refuseReplacedBytes(usage: string, positionals: readonly string[], values: Readonly<Record<string, unknown>>): void {
  const at = positionals.findIndex((p) => p.includes("\uFFFD"));
  const names = [...usage.matchAll(/[<[]([^\s<>[\]|]+)/g)].map((m) => m[1]).filter((n) => !n?.startsWith("-"));
  const flag = Object.keys(values).find((name) => [values[name]].flat().some((v) => typeof v === "string" && v.includes("\uFFFD")));
  const bad = at >= 0 ? `argument ${at + 1}${names[at] ? ` <${names[at]}>` : ""}` : flag && `--${flag}`;
  if (bad === undefined) return;
  throw new UsageError(
    `${bad} holds bytes that are not UTF-8 (the command line reached sg with U+FFFD in their place); nothing was sent`,
    "Give a JSON argument as @file instead (sg then names the bad byte), or convert the text to UTF-8 first (iconv -f LATIN1 -t UTF-8). A U+FFFD typed on purpose is refused on the command line too: send it from a file.",
  );
}
