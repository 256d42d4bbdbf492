import { UsageError } from "./exit-status.js";

/**
 * The environment variable `name` as sg reads it (undefined when unset). Node decodes the environment as it does the
 * command line, with U+FFFD in place of bytes that are not UTF-8 (`SG_PASSWORD=$'p\xe4ss'`): such a value would be
 * sent as it reads (a wrong password, counted as a failed login by the site). It is refused instead, naming the
 * variable, never its value. Read where the value is used, so that a variable a flag stands in for is not read.
 *
 * @param env - the environment.
 * @param name - the variable.
 * @param hint - what to do instead (default: set it as UTF-8 text, or unset it).
 */
export function readEnv(env: Readonly<Record<string, string | undefined>>, name: string, hint?: string): string | undefined {
  const value = env[name];
  if (!value?.includes("\uFFFD")) return value;
  throw notUtf8Env(name, hint);
}

/**
 * The refusal of the variable `name` (see {@link readEnv}), for a caller that reads it only where its value is used.
 *
 * @param name - the variable.
 * @param hint - what to do instead (default: set it as UTF-8 text, or unset it).
 */
export function notUtf8Env(name: string, hint = `Set ${name} as UTF-8 text (convert it with iconv -f LATIN1 -t UTF-8), or unset it.`): UsageError {
  return new UsageError(`${name} holds bytes that are not UTF-8 (the environment reached sg with U+FFFD in their place); nothing was sent`, `${hint} A U+FFFD set on purpose is refused too.`);
}
