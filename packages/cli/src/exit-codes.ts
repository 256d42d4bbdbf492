import { SgAuthError, SgError, SgFault, SgHttpError, SgNetworkError, SgProtocolError, SgTimeoutError, SgValidationError } from "@sg/core";
import { proxyRefused } from "./proxy-refusal.js";
import { SettingError } from "./setting-error.js";
import { forTerminal } from "./terminal-text.js";
import { EXIT_AUTH, EXIT_FAILURE, EXIT_MAYBE_APPLIED, EXIT_NOT_FOUND, EXIT_UNAVAILABLE, EXIT_USAGE, CredentialsFileError, CredentialsMissingError, FileWriteError, UsageError } from "./exit-status.js";

// The statuses and sg's own errors, for the modules (and users of the package) that import them from here.
export * from "./exit-status.js";

/** Commands that write: a failure once the request may have left can mean the write landed. */
const WRITE_COMMANDS: ReadonlySet<string> = new Set(["create", "update", "delete", "revive", "batch", "upload"]);
/** API methods that never change anything, whatever command made them (e.g. `info` before a `create`). */
const READ_METHODS: ReadonlySet<string> = new Set(["info", "read", "summarize", "schema_read", "schema_entity_read", "schema_field_read", "get_session_token"]);
/**
 * The site's words for "the entity type or record you named does not exist" (or is retired: an upload to it, an
 * update of it; not live, as for `revive` of a missing id), a bad-input fault (103) like any other: only these (anchored,
 * so an unknown type inside a filter path, a missing linked record or a request of a batch stays bad input).
 */
const NOT_FOUND_FAULTS: readonly RegExp[] = [/^Entity type "[^"]+" is not a valid entity type$/, /^No entity of type \S+ exists with id \d+$/, /^\S+ (?:with id )?\d+ is retired(?:; revive it before updating)?$/];
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
  if (error instanceof UsageError || error instanceof SgValidationError || error instanceof SettingError) return EXIT_USAGE;
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

/**
 * The exit status of an HTTP error status. A 413 (Payload Too Large: a gateway's or the site's body limit) is bad input
 * like a 103: the body was refused for its size before anything was processed, and the same command fails again, so
 * it is fixed (smaller batches, a smaller file), neither retried as 5 nor checked as 6.
 */
function httpStatusExit(status: number, write: boolean): number {
  if (status === 401 || status === 403 || status === 407) return EXIT_AUTH;
  if (status === 413) return EXIT_USAGE;
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
  } else if (error instanceof UsageError || error instanceof FileWriteError) {
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
