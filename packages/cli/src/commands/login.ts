import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "@sg/auth-session";
import type { CommandContext } from "../command-context.js";
import { intOption } from "../config.js";
import { forTerminal } from "../terminal-text.js";
import { MAX_CALL_DEADLINE_MS } from "../call-deadline.js";
import { CredentialsFileError, UsageError } from "../exit-codes.js";
import type { CredentialsStore, SavedSession } from "../credentials-store.js";
import { openInBrowser } from "../open-browser.js";
import { prompt } from "../prompt.js";
import { resolveConnection, secretsOf, withAuth, type ResolvedConnection } from "../connection.js";

/**
 * What to do when `sg login --browser` failed, in flags and commands, where the library's own hint names its
 * options (`timeoutMs`) and packages (`sessionAuth()`, `@sg/auth-script`); undefined for other errors.
 */
export function browserLoginAdvice(error: unknown): string | undefined {
  if (!(error instanceof SgBrowserLoginError)) return undefined;
  switch (error.code) {
    case SessionErrorCode.BROWSER_LOGIN_TIMEOUT:
      return "Open the URL shown above, log in to the site in that browser and click Approve, then run `sg login --browser` again; --timeout-ms N waits N ms (default 180000).";
    case SessionErrorCode.BROWSER_LOGIN_NOT_ENABLED:
      return "Ask a site admin to enable it, or pass --session-token (the _session_id cookie of a browser tab logged in to the site), --script-name + --script-key, or run `sg login` with a login and passphrase (sites without SSO).";
    default:
      return undefined;
  }
}

/** The connection without its sudo, whatever the auth mode. */
function withoutSudo(connection: ResolvedConnection): ResolvedConnection {
  const { auth } = connection;
  if (auth.kind === "none" || !auth.sudoAs) return connection;
  const { sudoAs: _sudoAs, ...own } = auth;
  return withAuth(connection, own);
}

/**
 * Save the session the site issued; when the file cannot be written, say that the login worked but the session is
 * lost, so that nobody takes it as a failed login (and the site already counts it).
 */
async function saveSession(ctx: CommandContext, store: CredentialsStore, site: string, session: SavedSession): Promise<void> {
  try {
    // Ctrl-C while another sg holds the file's lock ends the wait (130, nothing saved); once saved, the login is done.
    await store.set(site, session, ctx.signal);
    ctx.applied(`the session was saved in ${store.path}`);
  } catch (error) {
    if (!(error instanceof CredentialsFileError)) throw error;
    const who = session.login ? ` as ${forTerminal(session.login)}` : "";
    throw new CredentialsFileError(`logged in to ${site}${who}, but the session could not be saved to ${store.path} (${error.message})`, `${error.hint ?? ""} Then run sg login again.`, error.problem);
  }
}

/** `sg login --browser` (approve in the browser) or `sg login` (legacy login + passphrase, 2FA prompt). */
export async function loginCommand(ctx: CommandContext): Promise<number> {
  const { values } = ctx.args;
  const { io } = ctx;
  const resolved = await resolveConnection(values, io, { useStored: false });
  const { input } = resolved;
  for (const s of secretsOf(input, resolved.connection.auth)) ctx.secrets.add(s);
  // --sudo-as is refused by the parser; SG_SUDO_AS, often exported for a whole shell, is left out of the login
  // (the saved session is the person's own, and a role that may not sudo would fail the login) and said so.
  const connection = withoutSudo(resolved.connection);
  if (input.sudoAs) {
    ctx.note(`sg: note: ${input.sudoAs.source} is not used by sg login: it saves your own session, never a sudo; later commands still ask to act as '${input.sudoAs.value}' while ${input.sudoAs.source} is set.`);
  }
  const { site } = connection;
  const store = await connection.store();
  // A file this sg may not rewrite is refused before the site is asked for a session that would then be lost.
  await store.checkChangeable();
  if (values["browser"] === true) {
    if (connection.auth.kind !== "none") throw new UsageError("sg login --browser takes no credentials", "Drop the script, login or session options (or unset their SG_* variables).");
    // The range of the global --timeout-ms, which this value is too (each call's limit): one flag, one rule.
    const timeoutMs = intOption("timeout-ms", values["timeout-ms"], { min: 1, max: MAX_CALL_DEADLINE_MS });
    const noOpen = values["no-open"] === true;
    const result = await browserLogin({
      site,
      fetch: ctx.fetch(),
      appName: "sg (ShotGrid command line)",
      onUrl: (url: string) => ctx.note(`Approve this login in your browser:\n  ${forTerminal(url)}`),
      ...(noOpen ? {} : { open: (url: string) => openInBrowser(url) }),
      ...(values["allow-http"] === true ? { allowInsecureHttp: true } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    ctx.secrets.add(result.sessionToken);
    await saveSession(ctx, store, site, { sessionToken: result.sessionToken, login: result.userLogin, method: "browser", savedAt: new Date().toISOString() });
    ctx.note(`Logged in to ${site} as ${forTerminal(result.userLogin)}; session saved in ${store.path}`);
    return 0;
  }
  let auth = connection.auth;
  if (auth.kind === "script" || auth.kind === "session") {
    // A session token is a session already; one from the environment would also conflict with the --login given.
    const unset = auth.kind === "session" && auth.sessionToken.source === "SG_SESSION_TOKEN" ? " To save a person's session with sg login instead, unset SG_SESSION_TOKEN." : "";
    throw new UsageError(
      "sg login saves a person's session: give --login (and --password), or use --browser",
      auth.kind === "session"
        ? `A session token needs no login: pass it with --session-token (or set SG_SESSION_TOKEN) to each command.${unset}`
        : "Scripts need no login: pass --script-name and --script-key to each command (or set SG_SCRIPT_NAME/SG_SCRIPT_KEY).",
    );
  }
  if (auth.kind === "none") {
    if (!io.stdin.isTTY) throw new UsageError("sg login needs --login (or SG_LOGIN) when not run on a terminal", "Or use sg login --browser.");
    const login = (await prompt(io.stdin, io.stderr, "Login: ", false, ctx.signal, "Pass --login (and --password), or set SG_LOGIN (and SG_PASSWORD).")).trim();
    if (!login) throw new UsageError("no login given");
    auth = { kind: "user", login: { value: login, source: "the prompt" } };
  }
  const client = await ctx.open(withAuth(connection, auth));
  const result = (await client.call("get_session_token")) as { session_id?: unknown } | string;
  const token = typeof result === "string" ? result : result?.session_id;
  if (typeof token !== "string" || !token) throw new UsageError("the site did not return a session token");
  ctx.secrets.add(token);
  await saveSession(ctx, store, site, { sessionToken: token, login: auth.login.value, method: "password", savedAt: new Date().toISOString() });
  ctx.note(`Logged in to ${site} as ${auth.login.value}; session saved in ${store.path}`);
  return 0;
}

/** `sg logout`: forget the saved session of the site. */
export async function logoutCommand(ctx: CommandContext): Promise<number> {
  const { connection } = await resolveConnection(ctx.args.values, ctx.io, { useStored: false });
  const removed = await (await connection.store()).delete(connection.site, ctx.signal);
  if (removed) ctx.applied(`the saved session of ${connection.site} was forgotten`);
  ctx.note(removed ? `Forgot the saved session of ${connection.site}` : `No saved session for ${connection.site}`);
  return 0;
}
