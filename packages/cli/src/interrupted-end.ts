/**
 * How a run that a signal interrupted ends: the status says what the site holds, not that a signal came, so that a
 * script retrying on 130 never makes a change twice. `runCli` ends an interrupted command with it, and `bin.ts` a
 * second signal that comes before `runCli` has said how the run ends (while a download's temporary file is removed).
 *
 * @packageDocumentation
 */
import { EXIT_INTERRUPTED, EXIT_MAYBE_APPLIED, EXIT_OK } from "./exit-status.js";

/** What an interrupted run had done on the site when it was stopped. */
export interface RunProgress {
  /** The change known made (`Shot 12 was created`), once the site has made it. */
  readonly applied: string | undefined;
  /** The command whose write call was made (`create`), once made: its request may have left. */
  readonly writing: string | undefined;
}

/** The end of an interrupted run: its status and what stderr gets after the `sg: interrupted` line. */
export interface InterruptedEnd {
  /** 0 for a change made, 6 for a write that may have been applied, else 130 (which a SIGTERM makes 143, a SIGHUP 129). */
  readonly code: number;
  /** The note (whole lines), or "" when nothing was changed. */
  readonly note: string;
}

/** `sg: interrupted (SIGINT)`: the line for a run stopped by `reason` (a signal name), as a whole line. */
export function interruptedLine(reason: unknown): string {
  return `sg: interrupted${typeof reason === "string" ? ` (${reason})` : ""}\n`;
}

/** The line that says a change was made although the run was then cut short (by a signal, a failed output). */
export function appliedNote(applied: string): string {
  return `sg: note: ${applied} all the same; only the output is incomplete\n`;
}

/**
 * The end of a run a signal stopped: a change known made keeps the command's own status, 0, with a note (only the
 * output was cut); a write whose call was made and not answered is 6 (it may have been applied, as for a connection
 * reset after sending); nothing changed is 130.
 */
export function interruptedEnd(progress: RunProgress): InterruptedEnd {
  if (progress.applied) return { code: EXIT_OK, note: appliedNote(progress.applied) };
  if (progress.writing) return { code: EXIT_MAYBE_APPLIED, note: `sg: note: the ${progress.writing} may have been applied; check the site before retrying\n` };
  return { code: EXIT_INTERRUPTED, note: "" };
}
