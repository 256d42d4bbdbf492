import { constants } from "node:os";

/**
 * The signals that stop a run cleanly (calls aborted, a download's `.part` file removed): Ctrl-C (SIGINT), SIGTERM,
 * SIGHUP (the terminal or ssh session closed) and SIGBREAK (Ctrl+Break in a Windows console; never sent elsewhere).
 * Left to Node's default, each would kill `sg` at once.
 */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;

/**
 * The exit status after `signal`: 128 + its number, as shells report it: 130 (SIGINT), 143 (SIGTERM), 129
 * (SIGHUP), and 149 for SIGBREAK (its number is 21 on Windows, the only system that sends it).
 */
export const signalStatus = (signal: NodeJS.Signals): number => 128 + (signal === "SIGBREAK" ? 21 : (constants.signals[signal] ?? 2));
