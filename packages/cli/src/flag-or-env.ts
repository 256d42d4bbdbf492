/**
 * A whole-number setting of the run given by a flag or by its environment variable, the flag first: one rule for
 * `--timeout-ms`/`SG_TIMEOUT_MS`, `--max-response-bytes`/`SG_MAX_RESPONSE_BYTES` and
 * `--transfer-timeout-ms`/`SG_TRANSFER_TIMEOUT_MS`.
 *
 * @packageDocumentation
 */
import { intOption } from "./config.js";
import { readEnv } from "./env-utf8.js";
import { UsageError } from "./exit-status.js";

/** One such setting: its flag (without `--`), its variable, the values it takes and the hint for a bad variable. */
export interface FlagOrEnv {
  readonly flag: string;
  readonly env: string;
  readonly range: { readonly min: number; readonly max?: number };
  /** The hint of a variable whose value is refused (an example, and what unsetting it gives). */
  readonly envHint: string;
}

/**
 * The setting's value: the flag's, else the variable's (an empty variable counts as unset), else undefined. A value
 * that is not a whole number in the range is a usage error naming the flag or the variable it came from.
 *
 * @param setting - which flag and variable.
 * @param values - the parsed options.
 * @param env - the environment.
 */
export function intFromFlagOrEnv(setting: FlagOrEnv, values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): number | undefined {
  const flag = intOption(setting.flag, values[setting.flag], setting.range);
  if (flag !== undefined) return flag;
  const fromEnv = readEnv(env, setting.env);
  if (fromEnv === undefined || fromEnv === "") return undefined;
  try {
    return intOption(setting.flag, fromEnv, setting.range);
  } catch (error) {
    // The same check, said of the variable the value came from.
    if (error instanceof UsageError) throw new UsageError(error.message.replace(new RegExp(`^--${setting.flag}\\b`), setting.env), setting.envHint);
    throw error;
  }
}
