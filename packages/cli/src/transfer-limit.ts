/**
 * How long an upload or a download may take: `--transfer-timeout-ms`, else `SG_TRANSFER_TIMEOUT_MS`, else the
 * transport's own limits (10 minutes an attempt, 30 minutes in all). Only `sg upload` and `sg download` take it: an
 * upload's attempt must last as long as its body takes to send, which those limits cut for a large file on a slow link.
 *
 * @packageDocumentation
 */
import { MAX_CALL_DEADLINE_MS } from "./call-deadline.js";
import { intFromFlagOrEnv } from "./flag-or-env.js";

/** The transport's limit of one attempt of an upload or download, used when no limit is given. */
export const DEFAULT_TRANSFER_ATTEMPT_MS = 600_000;
/** The transport's limit of a whole upload or download, retries included, used when no limit is given. */
export const DEFAULT_TRANSFER_DEADLINE_MS = 1_800_000;
/** The commands whose transfers the limit bounds (and that take `--transfer-timeout-ms`). */
export const TRANSFER_COMMANDS: readonly string[] = ["upload", "download"];

/**
 * The limit of every upload or download of the run, in milliseconds, for both the transport's `transferTimeoutMs` (one
 * attempt; for a streamed download also the longest wait for the next piece of the body) and `transferDeadlineMs` (the
 * whole exchange, retries included): `--transfer-timeout-ms`, else `SG_TRANSFER_TIMEOUT_MS` (an empty variable counts
 * as unset), else undefined (the transport's defaults). Undefined too for a command that makes no transfer, whatever
 * the variable says. A value that is not a whole number from 1 to {@link MAX_CALL_DEADLINE_MS} is a usage error naming
 * the flag or variable.
 *
 * @param values - the parsed options.
 * @param env - the environment.
 * @param command - the command that runs.
 */
export function transferLimitMs(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>, command: string): number | undefined {
  if (!TRANSFER_COMMANDS.includes(command)) return undefined;
  const setting = {
    flag: "transfer-timeout-ms",
    env: "SG_TRANSFER_TIMEOUT_MS",
    range: { min: 1, max: MAX_CALL_DEADLINE_MS },
    envHint: `Milliseconds, e.g. SG_TRANSFER_TIMEOUT_MS=3600000; unset it for the defaults of ${DEFAULT_TRANSFER_ATTEMPT_MS} an attempt, ${DEFAULT_TRANSFER_DEADLINE_MS} in all.`,
  };
  return intFromFlagOrEnv(setting, values, env);
}
