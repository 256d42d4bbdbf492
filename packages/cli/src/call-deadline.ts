/**
 * How long one API call may take (retries included) before `sg` gives up on it: `--timeout-ms`, else
 * `SG_TIMEOUT_MS`, else the transport's default (5 minutes); `sg doctor`, a quick check, waits less by default.
 *
 * @packageDocumentation
 */
import { intFromFlagOrEnv } from "./flag-or-env.js";

/** The transport's own deadline of a call, used when neither `--timeout-ms` nor `SG_TIMEOUT_MS` is given. */
export const DEFAULT_CALL_DEADLINE_MS = 300_000;
/** `sg doctor`'s deadline of each of its calls when neither is given: a site that never answers fails the check soon. */
export const DOCTOR_CALL_DEADLINE_MS = 20_000;
/** The longest deadline taken: one day (a timer cannot wait much longer than 24 days anyway). */
export const MAX_CALL_DEADLINE_MS = 86_400_000;

/**
 * The deadline of every API call of the run, in milliseconds: `--timeout-ms`, else `SG_TIMEOUT_MS` (an empty variable
 * counts as unset), else {@link DOCTOR_CALL_DEADLINE_MS} for `sg doctor` and undefined (the transport's default,
 * {@link DEFAULT_CALL_DEADLINE_MS}) for the others. A value that is not a whole number from 1 to
 * {@link MAX_CALL_DEADLINE_MS} is a usage error naming the flag or variable.
 *
 * @param values - the parsed options.
 * @param env - the environment.
 * @param command - the command that runs.
 */
export function callDeadlineMs(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>, command: string): number | undefined {
  const setting = {
    flag: "timeout-ms",
    env: "SG_TIMEOUT_MS",
    range: { min: 1, max: MAX_CALL_DEADLINE_MS },
    envHint: "Milliseconds, e.g. SG_TIMEOUT_MS=30000; unset it for the default of 300000.",
  };
  return intFromFlagOrEnv(setting, values, env) ?? (command === "doctor" ? DOCTOR_CALL_DEADLINE_MS : undefined);
}
