import { SgAuthError, SgError, SgFault, SgHttpError, SgNetworkError, SgProtocolError, SgTimeoutError, SgValidationError } from "@sg/core";
import { proxyRefused } from "./proxy-refusal.js";
import { forTerminal } from "./terminal-text.js";

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
 * JSON, conflicting credentials, a filter `@sg/entities` rejects before sending, or the site's own validation fault
 * (an unknown field, a wrong value type). Fix the command; retrying it unchanged fails again.
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
  "  2    usage or bad input (caught by sg, by @sg/entities before sending, or refused by the site as invalid)",
  "  3    authentication, credentials or permission",
  "  4    not found: the entity type or record id the command names (or the attachment to download)",
  "  5    network, timeout or site unavailable, nothing applied: safe to retry",
  "  6    a write that may have been applied (also when interrupted in flight): check the site before retrying",
  "  7    sg doctor found a problem",
  "  130  interrupted (Ctrl-C, SIGINT), nothing changed; 143 terminated (SIGTERM); 129 hung up (SIGHUP); 149 Ctrl+Break (SIGBREAK, Windows). A change made stays 0",
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

/** Ctrl-C typed at a prompt with echo off (the terminal sends it as a character, not as SIGINT); `runCli` ends as for SIGINT (130). */
export class InterruptedError extends Error {
  constructor() {
    super("interrupted at a prompt");
    this.name = "InterruptedError";
  }
}

/** Commands that write: a failure once the request may have left can mean the write landed. */
const WRITE_COMMANDS: ReadonlySet<string> = new Set(["create", "update", "delete", "revive", "batch", "upload"]);
/** API methods that never change anything, whatever command made them (e.g. `info` before a `create`). */
const READ_METHODS: ReadonlySet<string> = new Set(["info", "read", "summarize", "schema_read", "schema_entity_read", "schema_field_read", "get_session_token"]);
/**
 * The site's words for "the entity type or record you named does not exist" (or is retired: an upload to it), a
 * bad-input fault (103) like any other: only these (anchored, so an unknown type inside a filter path or a missing linked record stays bad input).
 */
const NOT_FOUND_FAULTS: readonly RegExp[] = [/^Entity type "[^"]+" is not a valid entity type$/, /^No entity of type \S+ exists with id \d+$/, /^\S+ \d+ is retired$/];
/** HTTP statuses that mean the site (or a gateway) is unavailable and the request was not processed. */
const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);
/**
 * Of those, the ones taken as not applied even for a write: 429, the site's own "too many requests", refused before
 * processing, and 408, a request the server did not get whole. A gateway's 502 or 504 does not prove the site did not apply the write (a 504 is a gateway that stopped
 * waiting for a backend that had the request), which is why the transport does not send such a write again by default; a 503 or
 * any other 5xx answered to a write may have landed too.
 */
const UNAVAILABLE_WRITE_STATUSES: ReadonlySet<number> = new Set([408, 429]);

/** Where the failure happened, for {@link exitCodeFor}. */
export interface ExitContext {
  /** The `sg` command that ran (`find`, `update`, …): tells a write from a read when the error does not name its method. */
  readonly command?: string;
}

/**
 * The exit status for an error: {@link EXIT_USAGE}, {@link EXIT_AUTH}, {@link EXIT_NOT_FOUND},
 * {@link EXIT_UNAVAILABLE}, {@link EXIT_MAYBE_APPLIED}, else {@link EXIT_FAILURE}. Decided from the libraries' typed
 * errors and their fields (`errorCode`, `status`, `maybeSent`), never from a message, except the site's not-found
 * faults, which share the bad-input code 103 and differ only in words.
 *
 * @param error - what `runCli` caught.
 * @param context - the command that ran.
 */
export function exitCodeFor(error: unknown, context: ExitContext = {}): number {
  if (error instanceof CredentialsMissingError || error instanceof CredentialsFileError) return EXIT_AUTH;
  if (error instanceof UsageError || error instanceof SgValidationError) return EXIT_USAGE;
  if (!(error instanceof SgError)) return EXIT_FAILURE;
  const write = context.command !== undefined && WRITE_COMMANDS.has(context.command) && !(error.method !== undefined && READ_METHODS.has(error.method));
  if (error instanceof SgAuthError) return EXIT_AUTH;
  if (error instanceof SgFault) return faultExit(error.errorCode, error.serverMessage);
  // A transfer the site refused with a fault code in its reply (@sg/entities' SgTransferError of an upload answered
  // `0…(error_code 103)`): the status of that fault, as if a call had got it.
  const errorCode = (error as { errorCode?: unknown }).errorCode;
  if (typeof errorCode === "number") {
    const serverMessage = (error as { serverMessage?: unknown }).serverMessage;
    return faultExit(errorCode, typeof serverMessage === "string" ? serverMessage : "");
  }
  // A proxy that wants a login (407) or forbids the site (403) refused before the site got anything: a permission
  // failure like an HTTP 407 or 403 answer, and a write refused there was never sent.
  if (proxyRefused(error)) return EXIT_AUTH;
  // A write that may have landed, whatever else the error says (its status may be a 2xx: a gateway's page answered
  // after it forwarded an upload): never tell a script it is safe to send again.
  if (write && (error as { maybeSent?: unknown }).maybeSent === true) return EXIT_MAYBE_APPLIED;
  if (error instanceof SgNetworkError || error instanceof SgTimeoutError) return EXIT_UNAVAILABLE;
  if (error instanceof SgHttpError) return httpStatusExit(error.status, write);
  // A 2xx that is not the protocol's answer: a write got somewhere and its outcome is unknown (e.g. a batch reply
  // that does not match its requests); for a read it is a wrong URL or a page in the way.
  if (error instanceof SgProtocolError) return write ? EXIT_MAYBE_APPLIED : EXIT_FAILURE;
  // The write landed, a later step failed (@sg/entities' SgPartialWriteError): never repeat it.
  if (error.code === "SG_PARTIAL_WRITE") return EXIT_MAYBE_APPLIED;
  if (error.code === "SG_BROWSER_LOGIN_REJECTED" || error.code === "SG_BROWSER_LOGIN_NOT_ENABLED") return EXIT_AUTH;
  // A transfer (upload, download) or a browser login that failed: its status, else what caused it.
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number") {
    if (status === 404) return EXIT_NOT_FOUND;
    // A download refused with 409: the file is still being scanned for malware; it will be served later (a 410,
    // quarantined, is for good and stays 1).
    if (status === 409 && context.command === "download") return EXIT_UNAVAILABLE;
    return httpStatusExit(status, write);
  }
  if (error.cause instanceof SgError) return exitCodeFor(error.cause, context);
  return EXIT_FAILURE;
}

/** The exit status of a site fault: 104 (permission) is 3; 103 is 4 in the site's not-found words, else 2; any other 1. */
function faultExit(errorCode: number | undefined, serverMessage: string): number {
  if (errorCode === 104) return EXIT_AUTH;
  if (errorCode === 103) return NOT_FOUND_FAULTS.some((re) => re.test(serverMessage)) ? EXIT_NOT_FOUND : EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The exit status of an HTTP error status. */
function httpStatusExit(status: number, write: boolean): number {
  if (status === 401 || status === 403 || status === 407) return EXIT_AUTH;
  if (UNAVAILABLE_STATUSES.has(status) || status >= 500) {
    if (!write || UNAVAILABLE_WRITE_STATUSES.has(status)) return EXIT_UNAVAILABLE;
    return EXIT_MAYBE_APPLIED;
  }
  return EXIT_FAILURE;
}

/**
 * One readable line plus the hint (and the stack with `debug`), never a secret. `hint` replaces the error's own
 * (the libraries name their options; the command line has flags), and `words` rewrites the line and the hint in the
 * command line's words (`options.filterOperator` → `--filter-operator`) after they were scrubbed, so that a rewrite
 * never hides a secret from the scrubbing; the debug lines are not rewritten. Every line then goes through
 * {@link forTerminal}, as a table cell does: the message may quote the site (a fault's words, an error page), and
 * control characters there must neither reach the terminal nor start a line of their own (a forged `hint:`).
 */
export function formatError(error: unknown, debug: boolean, scrub: (text: string) => string, hint?: string, words: (text: string, part: "message" | "hint") => string = (t) => t): string {
  const lines: string[] = [];
  const shown = (text: string, part: "message" | "hint"): string => forTerminal(words(scrub(text), part));
  if (error instanceof SgError) {
    lines.push(`sg: ${shown(error.reason, "message")}`);
    const given = hint ?? error.hint;
    if (given) lines.push(`hint: ${shown(given, "hint")}`);
  } else if (error instanceof UsageError) {
    lines.push(`sg: ${shown(error.message, "message")}`);
    if (error.hint) lines.push(`hint: ${shown(error.hint, "hint")}`);
  } else if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    lines.push(forTerminal(scrub(`sg: ${error.message.split("\n")[0]}${typeof code === "string" ? ` (${code})` : ""}`)));
  } else {
    lines.push(forTerminal(scrub(`sg: ${String(error)}`)));
  }
  const debugLines: string[] = [];
  if (debug) {
    if (error instanceof SgError) {
      debugLines.push(forTerminal(scrub(`code: ${error.code}`)));
      if (error.attempts.length) debugLines.push(forTerminal(scrub(`attempts: ${JSON.stringify(error.attempts)}`)));
    }
    if (error instanceof Error && error.stack) debugLines.push(stackText(error, "", scrub));
    let cause = error instanceof Error ? error.cause : undefined;
    while (cause instanceof Error) {
      debugLines.push(stackText(cause, "caused by: ", scrub));
      cause = cause.cause;
    }
  }
  return [...lines, ...debugLines].join("\n") + "\n";
}

/**
 * An error's stack for `--debug`, scrubbed, its lines kept but each made safe for a terminal. The message inside it
 * (which may quote the site, line breaks included) is made one line first, so that only the stack's own lines start
 * a line; a stack that does not hold the message as such is shown line by line.
 */
function stackText(error: Error, prefix: string, scrub: (text: string) => string): string {
  const stack = scrub(prefix + (error.stack ?? error.message));
  const message = error.message ? scrub(error.message) : "";
  const at = message ? stack.indexOf(message) : -1;
  const oneLine = at < 0 ? stack : stack.slice(0, at) + forTerminal(message) + stack.slice(at + message.length);
  return oneLine.split("\n").map(forTerminal).join("\n");
}
