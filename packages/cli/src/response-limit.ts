/**
 * The largest answer `sg` reads for one API call: `--max-response-bytes`, else `SG_MAX_RESPONSE_BYTES`, else the
 * transport's default (64 MiB; a write's answer may also be 8 times its request's length, since it echoes what it
 * wrote). The transport's `maxResponseBytes`.
 *
 * @packageDocumentation
 */
import { intFromFlagOrEnv } from "./flag-or-env.js";

/**
 * The `maxResponseBytes` of the run's transport: `--max-response-bytes`, else `SG_MAX_RESPONSE_BYTES` (an empty
 * variable counts as unset), else undefined (the transport's default, 67108864). A value that is not a whole number
 * of at least 1 is a usage error naming the flag or variable.
 *
 * @param values - the parsed options.
 * @param env - the environment.
 */
export function maxResponseBytes(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): number | undefined {
  const setting = {
    flag: "max-response-bytes",
    env: "SG_MAX_RESPONSE_BYTES",
    range: { min: 1, max: Number.MAX_SAFE_INTEGER },
    envHint: "Bytes, e.g. SG_MAX_RESPONSE_BYTES=268435456; unset it for the default of 67108864.",
  };
  return intFromFlagOrEnv(setting, values, env);
}
