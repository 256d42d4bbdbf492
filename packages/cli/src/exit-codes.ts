import { SgError, SgValidationError } from "@sg/core";

/** Exit status of `sg`: 0 success, 1 API, network or authentication error (or a failed check), 2 usage error, 130 interrupted. */
export const EXIT_OK = 0;
/** An API, network or authentication error, or a failed `sg doctor` check. */
export const EXIT_API_ERROR = 1;
/** A usage error: unknown flag, missing argument, invalid JSON, conflicting credentials. */
export const EXIT_USAGE = 2;
/** Interrupted by Ctrl-C (SIGINT): 128 + 2, as shells report it. SIGTERM gives 143 (128 + 15). */
export const EXIT_INTERRUPTED = 130;

/** A mistake in how `sg` was called. Exits with status 2. */
export class UsageError extends Error {
  /** What to do about it. */
  readonly hint: string | undefined;
  /** @param message - one line; @param hint - what to do. */
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/** Ctrl-C typed at a prompt with echo off (the terminal sends it as a character, not as SIGINT); `runCli` ends as for SIGINT (130). */
export class InterruptedError extends Error {
  constructor() {
    super("interrupted at a prompt");
    this.name = "InterruptedError";
  }
}

/** The exit status for an error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof SgValidationError) return EXIT_USAGE;
  return EXIT_API_ERROR;
}

/**
 * One readable line plus the hint (and the stack with `debug`), never a secret. `hint` replaces the error's own
 * (the libraries name their options; the command line has flags).
 */
export function formatError(error: unknown, debug: boolean, scrub: (text: string) => string, hint?: string): string {
  const lines: string[] = [];
  if (error instanceof SgError) {
    lines.push(`sg: ${error.reason}`);
    const shown = hint ?? error.hint;
    if (shown) lines.push(`hint: ${shown}`);
  } else if (error instanceof UsageError) {
    lines.push(`sg: ${error.message}`);
    if (error.hint) lines.push(`hint: ${error.hint}`);
  } else if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    lines.push(`sg: ${error.message.split("\n")[0]}${typeof code === "string" ? ` (${code})` : ""}`);
  } else {
    lines.push(`sg: ${String(error)}`);
  }
  if (debug) {
    if (error instanceof SgError) {
      lines.push(`code: ${error.code}`);
      if (error.attempts.length) lines.push(`attempts: ${JSON.stringify(error.attempts)}`);
    }
    if (error instanceof Error && error.stack) lines.push(error.stack);
    let cause = error instanceof Error ? error.cause : undefined;
    while (cause instanceof Error) {
      lines.push(`caused by: ${cause.stack ?? cause.message}`);
      cause = cause.cause;
    }
  }
  return scrub(lines.join("\n")) + "\n";
}
