import { SgError, SgHttpError, SgNetworkError, SgTimeoutError, SgTwoFactorRequiredError, scrubText, siteAuthKind, siteVersion, type SiteAuthKind, type SiteInfo } from "@sg/core";
import type { CommandContext } from "./command-context.js";
import { describeAuth, optionSourceNames, resolveConnection, secretsOf, withAuth, type AuthChoice } from "./connection.js";
import type { CredentialsFileWarning } from "./credentials-store.js";
import { CredentialsFileError, UsageError } from "./exit-codes.js";
import { errorInFlagWords } from "./flag-words.js";
import { httpLoginAdvice } from "./http-login-advice.js";
import { libraryDiagnosis } from "./library-diagnosis.js";
import { timedOutLoggingIn } from "./login-timeout.js";
import { PAT_STEPS } from "./option-guess.js";
import { networkAdvice, proxyRefusalAdvice, statusProxyNote, type NetworkContext } from "./network-advice.js";
import { proxyRefusalStatus } from "./proxy-refusal.js";
import { describeRoute, routeFor, type ProxySettings } from "./proxy/proxy-settings.js";

/** The `sg doctor` problem id of each kind of credentials-file warning. */
const CREDENTIALS_WARNING_PROBLEM: Readonly<Record<CredentialsFileWarning["kind"], string>> = {
  "unsafe-mode": "unsafe-credentials-file",
  "invalid-json": "corrupt-credentials-file",
  "unknown-layout": "unknown-credentials-layout",
  "newer-version": "newer-credentials-file",
};

/** One line of the doctor's report. */
export interface DoctorCheck {
  /** Short name: `site`, `proxy`, `info`, `credentials`, `login`, `user`. */
  readonly name: string;
  /** Whether it passed. Skipped checks are `ok: undefined`. */
  readonly ok: boolean | undefined;
  /** What was found. */
  readonly detail: string;
  /** Which case of the auth landscape this failure is (stable, for scripts): e.g. `pat-missing-or-revoked`. */
  readonly problem?: string;
  /** Why it failed, in plain words. */
  readonly why?: string;
  /** What to do. */
  readonly fix?: string;
}

/** The whole report. */
export interface DoctorReport {
  /** The site checked, without credentials; undefined when none was given. */
  readonly site: string | undefined;
  /** Whether every check passed. */
  readonly ok: boolean;
  /** Every check, in the order it ran. */
  readonly checks: readonly DoctorCheck[];
}

const AUTH_KIND_LABEL: Record<SiteAuthKind, string> = {
  default: "ShotGrid logins (default)",
  ldap: "LDAP",
  sso: "SSO (SAML2)",
  identity: "Autodesk Identity",
  unknown: "unknown",
};

/** The statuses of a site (or a gateway in front of it) that is there but not serving now: the ones calls retry. */
const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Why and what to do when `info` was answered with a status of a site that is down for a while (maintenance, too
 * busy, a gateway's timeout), which is not a wrong URL: undefined for any other error.
 */
function unavailable(error: unknown): { why: string; fix: string } | undefined {
  if (!(error instanceof SgHttpError) || !UNAVAILABLE_STATUSES.has(error.status)) return undefined;
  const who = error.status === 502 || error.status === 504 ? "a gateway in front of the site" : "the site";
  const state = error.status === 429 ? "it is receiving too many requests" : "it is down for maintenance, too busy, or not answering its gateway";
  const wait = error.retryAfterMs !== undefined ? `The site asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s; then` : "Wait a few minutes, then";
  return {
    why: `${who} answered HTTP ${error.status}: ${state}. The URL reaches it; nothing is wrong with the settings.`,
    fix: `${wait} run \`sg doctor\` again. If it lasts, ask the site's administrator whether the site is in maintenance.`,
  };
}

const SSO_WHY = "this site uses SSO, where a login and passphrase are never accepted by the API.";
const SSO_FIX = "Run `sg login --browser` to approve a session in your browser (saved for later commands), or use a script's name and key for automation.";

/** What {@link explainAuthFailure} makes of an authentication failure. */
export interface Explanation {
  /** Which case of the auth landscape this failure is (stable, for scripts): e.g. `pat-missing-or-revoked`. */
  readonly problem: string;
  /** Why it failed, in plain words. */
  readonly why: string;
  /** What to do. */
  readonly fix: string;
}

function text(error: SgError): string {
  const server = (error as { serverMessage?: unknown }).serverMessage;
  return `${error.reason} ${typeof server === "string" ? server : ""}`;
}

/**
 * How to save a new session: `sg login --browser` when the expired one came from it or people log in through the
 * browser on this site (SSO, Autodesk Identity), where a login and passphrase never work; else either way.
 */
function relogin(method: "password" | "browser", siteKind: SiteAuthKind): string {
  return method === "browser" || siteKind === "sso" || siteKind === "identity" ? "`sg login --browser`" : "`sg login` (or `sg login --browser`)";
}

/**
 * What to do about a refused session: a saved one, log in again (as it was saved); a token given, save a new session
 * the way the site takes (the browser on SSO and Identity sites, and on any site that sent the call to its SSO login),
 * and stop giving the old token, which wins over the saved session (a variable first: `sg login` refuses to run while
 * it is set); or give a new one where the old one came from.
 */
function sessionFix(auth: Extract<AuthChoice, { kind: "session" }>, error: SgError, siteKind: SiteAuthKind): string {
  const redirected = error.code === "SG_SSO_SESSION_EXPIRED" || (error.cause as { code?: unknown } | undefined)?.code === "SG_SSO_SESSION_EXPIRED";
  const kind = redirected ? "sso" : siteKind;
  if (auth.stored) return `Run ${relogin(auth.stored.method, kind)} again to save a new session, or \`sg logout\` to forget it.`;
  const from = auth.sessionToken.source;
  const stop = from.startsWith("--") ? `drop ${from}` : /^[A-Z_]+$/.test(from) ? `unset ${from}` : `stop giving it (${from})`;
  // As the library's hint does, except after an SSO redirect (the token was a session of the site).
  const other = redirected ? "" : " A script name and key go to --script-name and --script-key, a login and password to --login and --password.";
  // `sg login` refuses to run while a token is given (its credentials would conflict): a variable goes first.
  const save = `${relogin("password", kind)} to save a new session`;
  const renew = `pass a new token (your browser's _session_id) with ${from}.${other}`;
  if (!from.startsWith("--")) return `${stop[0]!.toUpperCase()}${stop.slice(1)}, then run ${save} (a token given wins over the saved session); or ${renew}`;
  return `Run ${save}, then ${stop} (a token given wins over the saved session); or ${renew}`;
}

/**
 * A proxy that refused before the site got anything: `proxy-login` when it wants a login (407), saying whether its URL
 * carried one (never the login itself), `proxy-forbidden` when it does not let the request through to the site (403).
 */
function proxyRefusal(status: 407 | 403, network: NetworkContext | undefined): Explanation {
  let url: URL | undefined;
  try {
    url = network?.site ? new URL(network.site) : undefined;
  } catch {
    url = undefined;
  }
  const via = url && network?.proxy ? routeFor(network.proxy, url).via : undefined;
  const proxy = via ? `the proxy ${describeRoute({ via })}` : "the proxy";
  const fix = proxyRefusalAdvice(status, via, url?.host ?? "the site");
  if (status === 407) {
    const given = via === undefined ? "" : via.hasCredentials ? ": it refused the login given in its URL" : ": its URL carries no login";
    return { problem: "proxy-login", why: `${proxy} asked for a login (HTTP 407)${given}. The site was not reached, so nothing else was checked.`, fix };
  }
  return { problem: "proxy-forbidden", why: `${proxy} refused to let the request through to the site (HTTP 403). The site was not reached, so nothing else was checked.`, fix };
}

/**
 * Explain an authentication failure for the auth mode and the site's kind (auth-landscape.md).
 *
 * @param error - what the call threw.
 * @param auth - the auth mode in use.
 * @param siteKind - how people log in on the site.
 * @param network - the site and proxy settings, for the advice on a network failure.
 * @param terminal - whether standard input is a terminal, where a missing two-factor code was asked for (and typed).
 */
export function explainAuthFailure(error: unknown, auth: AuthChoice, siteKind: SiteAuthKind, network?: NetworkContext, terminal = false): Explanation {
  if (error instanceof UsageError) return { problem: "usage", why: error.message, fix: error.hint ?? "Fix the options above." };
  const refused = proxyRefusalStatus(error);
  if (refused === 407 || refused === 403) return proxyRefusal(refused, network);
  if (timedOutLoggingIn(error)) {
    const fix = networkAdvice(error, network ?? { site: undefined, proxy: undefined }) ?? "Run again with a longer --timeout-ms.";
    return { problem: "login-timeout", why: `the login had not finished when the time ran out, so the call was never sent (${error.reason})`, fix };
  }
  if (error instanceof SgNetworkError || error instanceof SgTimeoutError) {
    const fix = networkAdvice(error, network ?? { site: undefined, proxy: undefined }) ?? "Check --site, your network and VPN; behind a proxy, give it with --proxy or HTTPS_PROXY.";
    return { problem: "unreachable", why: `the site did not answer (${error.reason})`, fix };
  }
  if (!(error instanceof SgError)) return { problem: "unexpected", why: error instanceof Error ? error.message : String(error), fix: "Run again with --debug and report it." };
  // A site down for a while after `info` answered says nothing about the credentials.
  const busy = unavailable(error);
  if (busy) return { problem: "site-unavailable", ...busy };
  const login = auth.kind === "user" ? auth.login.value : auth.kind === "session" ? auth.login : undefined;
  const all = login ? text(error).split(`'${login}'`).join("''") : text(error);
  const errorCode = (error as { errorCode?: unknown }).errorCode;
  const code = error.code;
  const sudoAs = auth.kind === "none" ? undefined : auth.sudoAs;
  // The library's finer diagnosis (its code and hint), also of a plain permission fault its strategy never saw.
  const diagnosed = libraryDiagnosis(error, auth);
  const library = diagnosed instanceof SgError ? diagnosed : error;
  if (library.code === "SG_SCRIPT_CANNOT_ACTIVATE_USER") {
    // No permission can be granted for it: not to the script, not to the one it acts as (a 104 like any other).
    // A person is refused it too, through --sudo-as or with a session: the same fix, whoever ran the call.
    const script = auth.kind === "script";
    return {
      problem: "script-cannot-activate-user",
      why: script
        ? "on an Autodesk Identity site a script may not activate a HumanUser (set sg_status_list to 'act', create or revive an active one), not even acting as an admin with --sudo-as."
        : `on an Autodesk Identity site only an admin's own legacy login with a valid Personal Access Token may activate a HumanUser (set sg_status_list to 'act', create or revive an active one)${sudoAs ? ", not through --sudo-as" : ""}.`,
      fix:
        "Make that one call as an admin person: --login and --password of an admin whose legacy login has a valid Personal Access Token bound, without --sudo-as " +
        `(a sudo target cannot do it either).${script ? " Everything else can stay on the script." : ""}`,
    };
  }
  // The library's hint for a sudo refusal says what to change for that case (who to set Active, which setting, which role).
  const sudoFix = /_SUDO_/.test(library.code) ? library.hint : undefined;
  if ((auth.kind === "script" || sudoAs) && (/SUDO/.test(code) || /cannot 'sudo'|sudo/i.test(all))) {
    if (/FORBIDDEN/.test(code) || /permission to 'sudo'/i.test(all)) {
      // Not the target's fault: no other --sudo-as can help, only another role or no sudo at all.
      return {
        problem: "sudo-forbidden",
        why: `sudoAsLogin '${sudoAs?.value ?? "?"}' was refused: the permission role of the one logged in does not allow 'sudo'.`,
        fix: sudoFix ?? "Ask a site admin for a permission role that allows 'sudo' (Admin → Permissions; the Admin role does), or drop --sudo-as.",
      };
    }
    const inactive = /INACTIVE/.test(code) || /inactive/i.test(all);
    const unknown = !inactive && (/UNKNOWN_USER/.test(code) || /unknown or retired/i.test(all));
    const reason = inactive
      ? "the user to act as is inactive"
      : unknown
        ? "no active user has that login (unknown or retired)"
        : /NOT_ALLOWED/.test(code) || /impersonat/i.test(all)
          ? "that user has 'can impersonate this user' turned off (only the web UI can change it)"
          : "the site refused the sudo";
    return {
      problem: "sudo-refused",
      why: `sudoAsLogin '${sudoAs?.value ?? "?"}' was refused: ${reason}.`,
      fix:
        sudoFix ??
        (unknown
          ? "--sudo-as takes the person's login as shown under Admin → People (on Autodesk Identity sites usually their email), not their name; check its spelling. Or drop --sudo-as."
          : "Pick an active user who allows impersonation, or drop --sudo-as."),
    };
  }
  // The API call was redirected to the site's SSO (SAML) login. A script key needs no SSO session: something in front
  // of the site sends API calls to SSO. So does it when a person's login was accepted: sg's login keeps a session
  // (get_session_token), so a redirect of any other call came after it. A redirected login gets the SSO-site advice
  // below; a session, the expired one.
  const ssoRedirect = code === "SG_SSO_SESSION_EXPIRED";
  const accepted = auth.kind === "user" && error.method !== "get_session_token";
  if (ssoRedirect && (auth.kind === "script" || accepted)) {
    return {
      problem: "sso-redirect",
      why: accepted
        ? "the login was accepted, but the site (or a proxy or gateway in front of it) redirected the calls made with its session to its SSO login."
        : "the site (or a proxy or gateway in front of it) redirected the API call to its SSO login; a script key needs no SSO session, and it was not checked.",
      fix: "Check --site (the site itself, not an SSO portal) and any proxy or gateway that enforces SSO on /api3/json.",
    };
  }
  if (/SSO_SITE/.test(code) || errorCode === 108 || (ssoRedirect && auth.kind === "user") || (siteKind === "sso" && auth.kind === "user")) {
    return {
      problem: "sso-site",
      why: SSO_WHY,
      fix: SSO_FIX,
    };
  }
  // Every 2FA refusal: the library's codes (`SG_LEGACY_2FA_*`), and its class for a code the prompt did not give
  // (an empty answer, `SG_LEGACY_LOGIN_FAILED`), which would otherwise read as a wrong login or passphrase.
  if (/2FA/.test(code) || errorCode === 106 || error instanceof SgTwoFactorRequiredError) {
    return {
      problem: "2fa-required",
      why: "your account has two-factor authentication and no valid one-time code was sent.",
      // On a terminal the code was asked for and typed: it was wrong, expired or empty.
      fix: terminal
        ? "Run the command again and type the current code from your authenticator app when asked (spaces in it are ignored; each code works once), or pass --2fa-code; then `sg login` once to save a session."
        : "Pass --2fa-code with the current code from your authenticator app (or run on a terminal to be asked), then `sg login` once to save a session.",
    };
  }
  if (/LOCKED/.test(code)) {
    // Before the PAT and bad-login advice: both invite another try, and each try can prolong a lock.
    return {
      problem: "account-locked",
      why: "the site says the account is locked (after too many failed logins).",
      fix: "Stop retrying, since each try can prolong the lock: wait until it ends or ask a site admin to unlock the account, then check --password before the next try.",
    };
  }
  if (code === "SG_AUTH_IDENTITY_SITE" || /NO_PASSPHRASE/.test(code) || errorCode === 110) {
    return {
      problem: "no-passphrase",
      why: "on this Autodesk Identity site your account has no legacy passphrase, so the API cannot use it (Autodesk Identity credentials only work in a browser).",
      fix: `Run \`sg login --browser\`, or set a passphrase and bind a Personal Access Token: ${PAT_STEPS}`,
    };
  }
  if (auth.kind === "session") {
    return { problem: "session-expired", why: "the session token was refused: it expired (sessions end after a period of inactivity) or was revoked.", fix: sessionFix(auth, error, siteKind) };
  }
  if (auth.kind === "script") {
    const name = auth.scriptName.value;
    // The library says so of a name with an `@`: a person's login given as the script's name.
    const person = library.code === "SG_SCRIPT_REJECTED" && /looks like a person's login/.test(library.hint ?? "") ? ` '${name}' looks like a person's login: a person logs in with --login and --password (or \`sg login\`).` : "";
    return {
      problem: "script-rejected",
      why: `the site refused script '${name}' with this key.`,
      fix: `Check --script-name and --script-key (or SG_SCRIPT_NAME/SG_SCRIPT_KEY) against Admin → Scripts; generate a new key there if it was lost.${person}`,
    };
  }
  // The library says so of every refused login: a script's key given as the password is refused the same way.
  const keyAsPassword =
    auth.kind === "user" && /script's application key/.test(library.hint ?? "")
      ? ` If ${auth.password ? auth.password.source : "the passphrase you typed"} is a script's application key: a script needs no \`sg login\`, pass --script-name and --script-key to each command instead.`
      : "";
  if (auth.kind === "user" && (siteKind === "identity" || /PAT_/.test(code))) {
    const revoked = /revoked|no longer valid/i.test(all);
    // A refusal that does not speak of a PAT looks the same for a mistyped passphrase, an inactive account and a
    // missing PAT (as the library says): the likelier typo first, then the PAT steps.
    const patSaid = /personal access token|\bPAT\b/i.test((error as { serverMessage?: string }).serverMessage ?? "");
    return {
      problem: revoked ? "pat-revoked" : "pat-missing-or-revoked",
      why: revoked
        ? "the Personal Access Token bound to your legacy login is no longer valid (deleted from your Autodesk profile, or the passphrase changed). A deleted PAT keeps working for about an hour after its last use, then fails."
        : "on an Autodesk Identity site the legacy login works only with a valid Personal Access Token bound to it: none is bound, it was revoked (a deleted PAT keeps working for about an hour, then fails), the passphrase is wrong, or the account is inactive.",
      fix: `${revoked || patSaid ? "" : "Check --login and --password (or SG_LOGIN/SG_PASSWORD) and that the account is active; if they are right, no valid PAT is bound: "}${PAT_STEPS} Or run \`sg login --browser\`.${keyAsPassword}`,
    };
  }
  if (auth.kind === "user") {
    return { problem: "bad-login", why: `the site refused login '${auth.login.value}' with this passphrase.`, fix: `Check --login and --password (or SG_LOGIN/SG_PASSWORD); on sites with SSO or Autodesk Identity use \`sg login --browser\`.${keyAsPassword}` };
  }
  return { problem: "auth-failed", why: error.reason, fix: error.hint ?? "Run again with --debug." };
}

/** For a site URL with a path (a browser page's, `/page/1234`, maybe): the site's root to pass instead; else "". */
function pagePath(site: string): string {
  try {
    const url = new URL(site);
    // The path may be the site's own base path (`https://host/shotgrid/`): only a page's URL is the wrong one.
    return url.pathname.replace(/\/+$/, "") ? ` If that is a page's URL, pass the site's root, ${url.origin}.` : "";
  } catch {
    return "";
  }
}

/** Run every check. Never throws for a failed check. */
export async function runDoctor(ctx: CommandContext): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  // A failed check quotes its error. A library error's texts are clean (it scrubbed the outside text it carries);
  // any other error's message may quote anything, so the secret values are scrubbed out of it here. The report is
  // then printed with pattern scrubbing only: scrubbing values out of the checks' own words would show which of
  // them a weak secret is (the password "wrong", or one equal to the login).
  // Then, as a failed command's line and hint are, it is put in flags and commands where the libraries name their
  // options and functions (`legacyLoginAuth from @sg/auth-legacy-pat`): the auth options as the flag or variable
  // each came from.
  let sources: Record<string, string> = {};
  // An HTTP status through a proxy may be the proxy's own answer (to an http:// site the two look the same): the fix
  // names the proxy, as a failed command's hint does.
  let network: NetworkContext | undefined;
  const failed = (error: unknown, check: DoctorCheck): void => {
    const secrets = error instanceof SgError ? [] : [...ctx.secrets];
    const scrub = (t: string): string => scrubText(t, secrets);
    const shown = (t: string, part: "message" | "hint"): string => errorInFlagWords(error, scrub(t), part, sources, scrub);
    const { detail, why } = check;
    const fix = `${check.fix ?? ""}${error instanceof SgHttpError && network ? statusProxyNote(network) : ""}`.trimStart();
    // `why` and `fix` are doctor's own words (the site's, kept words of the error, stay as they are): options in flags.
    checks.push({ ...check, detail: shown(detail, "message"), ...(why && { why: shown(why, "hint") }), ...(fix && { fix: shown(fix, "hint") }) });
  };
  const report = (site: string | undefined): DoctorReport => ({ site, ok: checks.every((c) => c.ok !== false), checks });
  let resolved: Awaited<ReturnType<typeof resolveConnection>>;
  // A credentials file sg cannot read (a folder in its place, no permission, SG_CONFIG_DIR relative) is one failed
  // check: the checks of the site need no saved session, so they go on without one.
  let unreadable: CredentialsFileError | undefined;
  try {
    resolved = await resolveConnection(ctx.args.values, ctx.io).catch((error: unknown) => {
      if (!(error instanceof CredentialsFileError)) throw error;
      unreadable = error;
      return resolveConnection(ctx.args.values, ctx.io, { useStored: false });
    });
  } catch (error) {
    const e = explainAuthFailure(error, { kind: "none" }, "unknown");
    failed(error, { name: "config", ok: false, detail: error instanceof Error ? error.message : String(error), problem: "config", why: e.why, fix: e.fix });
    return report(undefined);
  }
  const { connection, input } = resolved;
  for (const s of secretsOf(input, connection.auth)) ctx.secrets.add(s);
  sources = optionSourceNames(connection.auth);
  checks.push({ name: "site", ok: true, detail: `${connection.site} (from ${connection.siteSource})` });
  // Before the proxy check, which ends the report when it fails: what is wrong with the file is reported anyway.
  if (unreadable) failed(unreadable, { name: "credentials file", ok: false, detail: unreadable.message, problem: unreadable.problem, ...(unreadable.hint && { fix: unreadable.hint }) });
  for (const w of connection.warnings ?? []) checks.push({ name: "credentials file", ok: false, detail: w.message, problem: CREDENTIALS_WARNING_PROBLEM[w.kind], fix: w.fix });
  let proxy: ProxySettings;
  let route: string;
  try {
    proxy = ctx.proxy();
    // the site's route: a proxy variable it uses and sg cannot read is refused here (a check that failed, not a crash)
    route = describeRoute(routeFor(proxy, new URL(connection.site)));
  } catch (error) {
    const e = explainAuthFailure(error, { kind: "none" }, "unknown");
    failed(error, { name: "proxy", ok: false, detail: error instanceof Error ? error.message : String(error), problem: "config", why: e.why, fix: e.fix });
    return report(connection.site);
  }
  network = { site: connection.site, proxy };
  checks.push({ name: "proxy", ok: true, detail: route });

  let info: SiteInfo | undefined;
  const infoClient = await ctx.open(withAuth(connection, { kind: "none" }));
  try {
    info = await infoClient.info();
    const version = siteVersion(info);
    const method = String(info.user_authentication_method ?? "not announced");
    checks.push({
      name: "info",
      ok: true,
      detail: `ShotGrid ${version ? version.join(".") : "(version not announced)"}; people log in with ${AUTH_KIND_LABEL[siteAuthKind(info)]} (user_authentication_method: ${method})`,
    });
  } catch (error) {
    // Ctrl-C is not a finding about the site.
    if (ctx.signal?.aborted) throw error;
    // Through a proxy to an http:// site, a status may be the proxy's own answer.
    const answered = statusProxyNote(network) ? "the site (or the proxy it went through)" : "the site";
    const why = error instanceof SgHttpError ? `${answered} answered HTTP ${error.status}` : error instanceof SgError ? error.reason : String(error);
    const busy = unavailable(error);
    if (busy) {
      failed(error, { name: "info", ok: false, detail: "the site is there but not serving the API now", problem: "site-unavailable", why: busy.why, fix: busy.fix });
      await infoClient.close();
      return report(connection.site);
    }
    const login = httpLoginAdvice(error, connection);
    const explained = error instanceof SgNetworkError || error instanceof SgTimeoutError ? explainAuthFailure(error, { kind: "none" }, "unknown", network) : undefined;
    const fix =
      login ??
      (error instanceof SgHttpError && error.status === 404
        ? `This URL does not serve the ShotGrid API: check the site URL (e.g. https://mystudio.shotgrid.autodesk.com).${pagePath(connection.site)}`
        : explained
          ? explained.fix
          : "Check the site URL; run again with --debug to see each HTTP attempt.");
    const problem = login ? "http-login" : (explained?.problem ?? "unreachable");
    failed(error, { name: "info", ok: false, detail: "could not read the site's info", problem, why: explained && problem !== "unreachable" ? explained.why : why, fix });
    await infoClient.close();
    return report(connection.site);
  } finally {
    await infoClient.close();
  }
  const siteKind = siteAuthKind(info);

  const auth = connection.auth;
  if (auth.kind === "none") {
    checks.push({
      name: "credentials",
      ok: false,
      detail: unreadable ? "no credentials given, and the saved sessions could not be read (see the credentials file check)" : "no credentials given and no saved session for this site",
      problem: "no-credentials",
      fix:
        siteKind === "sso" || siteKind === "identity"
          ? "Run `sg login --browser` (people on this site log in through the browser), or pass --script-name and --script-key for automation."
          : "Run `sg login` (or `sg login --browser`), or pass --script-name + --script-key, --login + --password, or --session-token.",
    });
    return report(connection.site);
  }
  checks.push({ name: "credentials", ok: true, detail: describeAuth(auth) });
  if (auth.kind === "user" && siteKind === "sso") {
    checks.push({ name: "login", ok: false, detail: "login + passphrase cannot work on this site", problem: "sso-site", why: SSO_WHY, fix: SSO_FIX });
    return report(connection.site);
  }
  try {
    const client = await ctx.open(connection);
    try {
      await client.call("schema_entity_read", undefined);
      let detail = "the site accepted the credentials";
      const login = auth.kind === "user" ? auth.login.value : auth.kind === "session" ? auth.login : undefined;
      if (login) {
        const users = (await client.call("read", {
          type: "HumanUser",
          filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: [login] }] },
          return_fields: ["name", "sg_status_list"],
          return_only: "active",
          paging: { entities_per_page: 1, current_page: 1 },
        })) as { entities?: { id: number; name?: string; sg_status_list?: string }[] };
        const user = users.entities?.[0];
        if (user) detail += `: ${user.name ?? login} (HumanUser ${user.id}${user.sg_status_list ? `, ${user.sg_status_list}` : ""})`;
        if (auth.kind !== "script" && auth.sudoAs) detail += `, acting as '${auth.sudoAs.value}'`;
      } else if (auth.kind === "script") {
        detail += `: script '${auth.scriptName.value}'${auth.sudoAs ? ` acting as '${auth.sudoAs.value}'` : ""}`;
      }
      checks.push({ name: "login", ok: true, detail });
    } finally {
      await client.close();
    }
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const e = explainAuthFailure(error, auth, siteKind, network, ctx.io.stdin.isTTY === true);
    const detail = error instanceof SgError ? error.reason : error instanceof Error ? error.message : String(error);
    failed(error, { name: "login", ok: false, detail, problem: e.problem, why: e.why, fix: e.fix });
  }
  return report(connection.site);
}
