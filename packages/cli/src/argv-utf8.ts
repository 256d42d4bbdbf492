import { CONNECTION_SOURCES } from "./config.js";
import { UsageError } from "./exit-status.js";

/** What an argument is, as its spec says: a secret, and what its value names (`file`, `data-json`, `name`, …). */
export interface ReplacedBytesKind {
  readonly secret?: boolean | undefined;
  readonly value?: string | undefined;
}

/**
 * What to do about an argument that is not UTF-8, by what it is: a JSON argument (a positional one) can come from a
 * file, whose bytes sg reads and checks itself; a path (or `@path`) names a file whose name is not UTF-8, which sg
 * cannot name back; a secret is typed in a terminal that is not UTF-8, or can come from its variable.
 *
 * @param kind - what the argument is.
 * @param value - the argument as it reached sg.
 * @param flag - the option's long name; none for a positional argument.
 */
function replacedBytesHint(kind: ReplacedBytesKind, value: string, flag?: string): string {
  const name = kind.value ?? "";
  const json = flag === undefined && /json/.test(name);
  if (kind.secret) {
    const variable = Object.values(CONNECTION_SOURCES).find((source) => source.flag === flag)?.env;
    return `Type it in a terminal set to UTF-8 (a locale such as en_US.UTF-8)${variable ? `, or set ${variable} to it as UTF-8 text (iconv -f LATIN1 -t UTF-8 converts it)` : ""}.`;
  }
  if (flag === "out") return "sg makes the file by the name given: choose a UTF-8 name (typed in a terminal set to UTF-8).";
  if (/^file|path/.test(name) || (json && value.startsWith("@"))) {
    return "The file's name is not UTF-8, so sg cannot open it by that name: rename it to UTF-8 (convmv -f latin1 -t utf-8 --notest <name>), or give a UTF-8 link to it (ln -s).";
  }
  if (json) return "Give the JSON as @file instead (sg then names the offset of the bad byte), or convert the text to UTF-8 first (iconv -f LATIN1 -t UTF-8). A U+FFFD typed on purpose is refused on the command line too: send it from a file.";
  return "Convert the text to UTF-8 first (iconv -f LATIN1 -t UTF-8), or type it in a terminal set to UTF-8. A U+FFFD typed on purpose is refused on the command line too.";
}

/**
 * Node decodes the command line as UTF-8 and puts U+FFFD in place of bytes that are not (a Latin-1 `é` from
 * `"$(cat latin1.json)"`), before `sg` sees it: such text would be sent and stored with `�`. An argument or option
 * value holding U+FFFD is refused instead, named by its place in the usage (`<data-json>`) or its flag, with a hint
 * that fits what it is (see `replacedBytesHint`). A `�` meant as such is rare; a JSON argument can still send it from
 * a file (`@file`), whose bytes are read and checked as they are.
 *
 * @param usage - the command's usage line (`create <Entity> <data-json>`), for the positional arguments' names.
 * @param positionals - the arguments after the command.
 * @param values - the options' values by long name.
 * @param options - the options' specs by long name: which take a secret, and what their value names (`file`).
 */
export function refuseReplacedBytes(usage: string, positionals: readonly string[], values: Readonly<Record<string, unknown>>, options: Readonly<Record<string, ReplacedBytesKind | undefined>> = {}): void {
  const replaced = (v: unknown): v is string => typeof v === "string" && v.includes("\uFFFD");
  const at = positionals.findIndex(replaced);
  const names = [...usage.matchAll(/[<[]([^\s<>[\]|]+)/g)].map((m) => m[1]).filter((n) => !n?.startsWith("-"));
  const flag = Object.keys(values).find((name) => [values[name]].flat().some(replaced));
  if (at >= 0) {
    throw replacedBytesError(`argument ${at + 1}${names[at] ? ` <${names[at]}>` : ""}`, replacedBytesHint({ value: names[at] }, positionals[at]!));
  }
  if (flag !== undefined) throw replacedBytesError(`--${flag}`, replacedBytesHint(options[flag] ?? {}, [values[flag]].flat().find(replaced) ?? "", flag));
}

/** The usage error of `bad` (`--out`, `argument 2 <data-json>`), which holds U+FFFD, with `hint`. */
function replacedBytesError(bad: string, hint: string): UsageError {
  return new UsageError(`${bad} holds bytes that are not UTF-8 (the command line reached sg with U+FFFD in their place); nothing was sent`, hint);
}
