/**
 * The exit statuses of `sg` and its own errors, without the library errors that {@link exitCodeFor} (in
 * exit-codes.ts, which re-exports all of this) sorts: `sg --version` and `sg --help` load only this.
 *
 * @packageDocumentation
 */

/**
 * Exit status of `sg`, one number per kind of failure so that a script can tell a retryable failure from a
 * permanent one, and "not applied" from "may have landed". The one place where an error becomes a status:
 * {@link exitCodeFor}. README "Errors, exit status" and `sg --help` show the same table.
 */
export const EXIT_OK = 0;
/** Any other failure (an unexpected answer, a bug): read the message. */
export const EXIT_FAILURE = 1;
/** @deprecated The old name of {@link EXIT_FAILURE}. */
export const EXIT_API_ERROR: number = EXIT_FAILURE;
/**
 * Usage or bad input, never sent or refused by the site as bad input: an unknown flag, a missing argument, invalid
 * JSON, conflicting credentials, a filter `@sg/entities` rejects before sending, the site's own validation fault
 * (an unknown field, a wrong value type), or a request refused as too large (HTTP 413, a gateway's or the site's body
 * limit: nothing was applied). Fix the command; retrying it unchanged fails again.
 */
export const EXIT_USAGE = 2;
/** Authentication, credentials or permission: refused key, login, session, 2FA, sudo; no credentials at all; a permission fault. */
export const EXIT_AUTH = 3;
/** The entity type or record id the command names does not exist on the site (or an attachment to download). */
export const EXIT_NOT_FOUND = 4;
/** Network failure, timeout or site unavailable (5xx, 429), and nothing was applied (any read; a write never sent or answered 429): safe to retry. */
export const EXIT_UNAVAILABLE = 5;
/** A write that may have been applied (a reset or timeout after sending, a 5xx such as a gateway's 502 or 504, or applied but its answer unusable): check the site before retrying. */
export const EXIT_MAYBE_APPLIED = 6;
/** `sg doctor` ran and at least one of its checks failed (the report says which). */
export const EXIT_DOCTOR_FAILED = 7;
/**
 * Interrupted by Ctrl-C (SIGINT) with nothing changed: 128 + 2, as shells report it. SIGTERM gives 143 (128 + 15),
 * SIGHUP 129 (128 + 1), SIGBREAK (Ctrl+Break on Windows) 149 (128 + 21).
 * A write interrupted in flight is {@link EXIT_MAYBE_APPLIED}; a change made keeps the command's own status.
 */
export const EXIT_INTERRUPTED = 130;
/** Ended by SIGTERM: 128 + 15. */
export const EXIT_TERMINATED = 143;

/** The table of exit statuses, as `sg --help` prints it. */
export const EXIT_STATUS_HELP: readonly string[] = [
  "Exit status:",
  "  0    ok",
  "  1    any other failure",
  "  2    usage or bad input (caught by sg, by @sg/entities before sending, or refused by the site as invalid or too large), nothing applied",
  "  3    authentication, credentials or permission",
  "  4    not found: the entity type or record id the command names, or retired (or the attachment to download)",
  "  5    network, timeout or site unavailable, nothing applied: safe to retry",
  "  6    a write that may have been applied (also when interrupted in flight): check the site before retrying",
  "  7    sg doctor found a problem",
  "  130  interrupted (Ctrl-C, SIGINT; Ctrl-D at a prompt), nothing changed; 143 terminated (SIGTERM); 129 hung up (SIGHUP); 149 Ctrl+Break (SIGBREAK, Windows). A change made stays 0",
];

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

/** A file `sg` writes (`sg typegen --out`) could not be written: status 1, its one line and a hint. */
export class FileWriteError extends Error {
  /** What to do about it. */
  readonly hint: string;
  /** @param message - one line naming the file; @param hint - what to do. */
  constructor(message: string, hint: string) {
    super(message);
    this.name = "FileWriteError";
    this.hint = hint;
  }
}

/** No credentials were given and none are saved: a usage error, with the exit status of an authentication failure ({@link EXIT_AUTH}). */
export class CredentialsMissingError extends UsageError {
  /** @param message - one line; @param hint - what to do. */
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "CredentialsMissingError";
  }
}

/**
 * The credentials file of `sg login` cannot be read or written (a folder in its place, no permission, a full disk,
 * held by another `sg`): a usage error naming the file, with the exit status of a credentials failure ({@link EXIT_AUTH}).
 */
export class CredentialsFileError extends UsageError {
  /** The `sg doctor` problem id: `credentials-file-unreadable`, `credentials-file-unwritable`, `credentials-file-newer` or `credentials-file-locked`. */
  readonly problem: string;
  /** @param message - one line naming the file; @param hint - what to do; @param problem - see {@link CredentialsFileError.problem}. */
  constructor(message: string, hint: string, problem: string) {
    super(message, hint);
    this.name = "CredentialsFileError";
    this.problem = problem;
  }
}

/**
 * Ctrl-C typed at a prompt with echo off (the terminal sends it as a character, not as SIGINT): `runCli` ends as for
 * SIGINT (130). With a `hint`, the prompt was cancelled otherwise (Ctrl-D: end of input): `runCli` says so, with the
 * hint, and ends with 130 too.
 */
export class InterruptedError extends Error {
  /** How to give the answer without the prompt, when it was cancelled with Ctrl-D. */
  readonly hint: string | undefined;
  /** @param message - one line; @param hint - see {@link InterruptedError.hint}. */
  constructor(message = "interrupted at a prompt", hint?: string) {
    super(message);
    this.name = "InterruptedError";
    this.hint = hint;
  }
}
