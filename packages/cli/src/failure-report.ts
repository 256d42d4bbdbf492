/**
 * What `runCli` writes on stderr for a command that failed, and its exit status: the error in one line (the stack
 * with `--debug`), in flags and variables rather than the libraries' option names, with the hint that fits best.
 * Loaded only when a command fails.
 *
 * @packageDocumentation
 */
import { SgAuthError, SgError, SgHttpError, scrubText, siteAuthKind } from "@sg/core";
import type { ParsedArgs } from "./args.js";
import type { CommandContext } from "./command-context.js";
import { downloadOutAdvice } from "./download-out-advice.js";
import { browserLoginAdvice } from "./commands/login.js";
import { optionSourceNames, type AuthChoice } from "./connection.js";
import { explainAuthFailure } from "./doctor.js";
import { EXIT_MAYBE_APPLIED, exitCodeFor, formatError } from "./exit-codes.js";
import { errorInFlagWords } from "./flag-words.js";
import { httpLoginAdvice } from "./http-login-advice.js";
import { libraryDiagnosis } from "./library-diagnosis.js";
import type { CliIo } from "./io.js";
import { networkAdvice, statusProxyNote } from "./network-advice.js";
import { permissionAdvice, permissionFaultWords } from "./permission-advice.js";

/**
 * Whether `error` is the site refusing the right to sudo of the one logged in ("The user does not have permission
 * to 'sudo': …"). The site sends it as a permission fault (104), not an authentication one, so the core rejects with
 * a plain `SgFault` (and an upload step with an `SgTransferError` of that code); it is taken for a sudo refusal only
 * when `--sudo-as` is in use and the site says so in words.
 */
function sudoForbidden(error: unknown, auth: AuthChoice): boolean {
  const words = permissionFaultWords(error);
  return words !== undefined && auth.kind !== "none" && auth.sudoAs !== undefined && /permission to 'sudo'/i.test(words);
}

/**
 * What to do about a failed login, key, session or browser approval, or a fault the auth library explains (a script
 * activating a person on an Identity site), in flags and commands (the doctor's words) rather than the libraries'
 * option names, when the advice is specific.
 */
function authAdvice(error: unknown, ctx: CommandContext): string | undefined {
  const browser = browserLoginAdvice(error);
  if (browser) return browser;
  // `sg login` opens its client itself: its connection explains a refused login as well.
  const connected = ctx.connected ?? ctx.opened;
  if (!connected) return undefined;
  const auth = connected.connection.auth;
  if (!(error instanceof SgAuthError || sudoForbidden(error, auth) || libraryDiagnosis(error, auth) !== error)) return undefined;
  const info = connected.client.cachedInfo?.();
  const explained = explainAuthFailure(error, connected.connection.auth, info ? siteAuthKind(info) : "unknown", undefined, ctx.io.stdin.isTTY === true);
  return explained.problem === "auth-failed" ? undefined : explained.fix;
}

/** The run's proxy settings, when they can be read (a malformed one is reported as its own usage error). */
function proxyOf(ctx: CommandContext): ReturnType<CommandContext["proxy"]> | undefined {
  try {
    return ctx.proxy();
  } catch {
    return undefined;
  }
}

/**
 * The hint to show instead of the error's own: auth advice (the auth library's diagnosis first: a permission fault it
 * explains, a refusal of the right to sudo or the Identity rule that scripts may not activate people, is no permission
 * anyone can grant), a permission fault's (who ran the command), an HTTP login's, else network advice, in flags and
 * variables.
 */
function cliAdvice(error: unknown, ctx: CommandContext): string | undefined {
  const connection = (ctx.connected ?? ctx.opened)?.connection;
  const permission = connection && !sudoForbidden(error, connection.auth) ? permissionAdvice(error, connection.auth) : undefined;
  return authAdvice(error, ctx) ?? permission ?? httpLoginAdvice(error, connection) ?? downloadOutAdvice(error, ctx.args.command) ?? networkAdvice(error, { site: ctx.connected?.connection.site, proxy: proxyOf(ctx), command: ctx.args.command });
}


/**
 * The lines on stderr and the status of a command that failed with `error` (not interrupted, not a failed output).
 *
 * @param error - what the command threw.
 * @param argv - the arguments after `sg`.
 * @param io - the run's streams and environment.
 * @param args - the parsed command line, when it could be parsed.
 * @param ctx - the run's context, when it was made.
 */
export function failureReport(error: unknown, argv: readonly string[], io: CliIo, args: ParsedArgs | undefined, ctx: CommandContext | undefined): { readonly code: number; readonly text: string } {
  // Before the context exists (a bad flag), --debug and SG_DEBUG=1 still mean the same as later.
  const debug = ctx?.debug ?? (argv.includes("--debug") || io.env["SG_DEBUG"] === "1");
  const code = exitCodeFor(error, args ? { command: args.command } : {});
  // The transport's hint for a 5xx ("try again later") is a read's: a write so answered may have landed.
  // Any error with an HTTP error status (an SgHttpError, an upload's SgTransferError): the status decided the exit
  // code. (A 2xx that is not the protocol's answer keeps its own hint.)
  const status = (error as { status?: unknown } | null)?.status;
  const maybeApplied = code === EXIT_MAYBE_APPLIED && typeof status === "number" && status >= 400 ? `the ${args?.command ?? "write"} may have been applied all the same (HTTP ${status} does not prove it was not): check the site before trying again` : undefined;
  // For a 6 the may-have-been-applied hint wins over the library's own (an upload's "check that the entity exists").
  const advice = (ctx ? cliAdvice(error, ctx) : undefined) ?? maybeApplied;
  // An HTTP status through a proxy may be the proxy's own answer (to an http:// site, a forwarding proxy's 403 or 502
  // looks the same as the site's): the hint names the proxy, without saying whose the answer was.
  const http = error instanceof SgHttpError ? error : undefined;
  const through = ctx && http ? statusProxyNote({ site: (ctx.connected ?? ctx.opened)?.connection.site, proxy: proxyOf(ctx) }) : "";
  const hint = through ? `${advice ?? http?.hint ?? ""}${through}`.trimStart() : advice;
  // A library error scrubbed the secret values from the outside text it carries, and its own words hold none:
  // scrubbing values there again would show which of those words a weak secret is ("… is [REDACTED]" for the
  // password "wrong"). Any other error (a usage error quoting an argument, a file error) may quote anything.
  const secrets = ctx && !(error instanceof SgError) ? [...ctx.secrets] : [];
  // The libraries' option names in flags: those of the auth options as the flag or variable each came from.
  const auth = (ctx?.connected ?? ctx?.opened)?.connection.auth;
  const sources = auth ? optionSourceNames(auth) : {};
  const scrub = (t: string): string => scrubText(t, secrets);
  return { code, text: formatError(error, debug, scrub, hint, (t, part) => errorInFlagWords(error, t, part, sources, scrub)) };
}
