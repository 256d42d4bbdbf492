import { SgTwoFactorRequiredError, SgValidationError, createClient, isLoopbackHost, parseSite, type AuthStrategy, type Client, type Logger, type Site } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import type { TwoFactorPrompt } from "@sg/auth-legacy-pat";
import { CONNECTION_SOURCES, cleanTwoFactorCode, readConnectionInput, type ConnectionInput, type Sourced } from "./config.js";
import type { CredentialsFileWarning, CredentialsStore, SavedSession } from "./credentials-store.js";
import { CredentialsMissingError, UsageError } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { prompt } from "./prompt.js";
import { loginFirst } from "./login-first.js";
import { reloginBetweenCalls } from "./relogin-between-calls.js";

/** The auth mode chosen from flags, environment or the credentials file. */
export type AuthChoice =
  | { readonly kind: "script"; readonly scriptName: Sourced; readonly scriptKey: Sourced; readonly sudoAs?: Sourced }
  | { readonly kind: "user"; readonly login: Sourced; readonly password?: Sourced; readonly twoFactorCode?: Sourced; readonly sudoAs?: Sourced }
  | { readonly kind: "session"; readonly sessionToken: Sourced; readonly login?: string; readonly stored?: SavedSession; readonly sudoAs?: Sourced }
  | { readonly kind: "none" };

/** A site and the way to authenticate to it. */
export interface ResolvedConnection {
  /** The site URL, normalised (no credentials, no trailing slash). */
  readonly site: string;
  /** Where the site came from. */
  readonly siteSource: string;
  /** The auth mode. */
  readonly auth: AuthChoice;
  /** What is wrong with the credentials file read (e.g. readable by others), to show. */
  readonly warnings?: readonly CredentialsFileWarning[];
  /** The credentials store in use, loaded on first use: a command given credentials never reads it (nor loads its code). */
  readonly store: () => Promise<CredentialsStore>;
  /**
   * The site URL as given, with any `user:pass@` for a basic-auth proxy in front of the site. Secret; not
   * enumerable, so it never shows up when the connection is printed.
   */
  readonly connectUrl?: string;
}

const MODE_FIELDS = {
  script: ["scriptName", "scriptKey"],
  user: ["login", "password", "twoFactorCode"],
  session: ["sessionToken"],
} as const satisfies Record<string, readonly (keyof ConnectionInput)[]>;

const MODE_LABEL: Record<keyof typeof MODE_FIELDS, string> = { script: "script name + key", user: "login + passphrase", session: "session token" };

function sudoNote(sudoAs: Sourced | undefined): string {
  return sudoAs ? `, sudo as '${sudoAs.value}'` : "";
}

/** A one-line, secret-free description of the auth mode. */
export function describeAuth(auth: AuthChoice): string {
  switch (auth.kind) {
    case "script":
      return `script '${auth.scriptName.value}' (from ${auth.scriptName.source}, key from ${auth.scriptKey.source})${sudoNote(auth.sudoAs)}`;
    case "user":
      return `legacy login '${auth.login.value}' (from ${auth.login.source}${auth.password ? `, passphrase from ${auth.password.source}` : ""})${sudoNote(auth.sudoAs)}`;
    case "session":
      return `${auth.stored
        ? `saved session${auth.login ? ` of '${auth.login}'` : ""} (from sg login --${auth.stored.method === "browser" ? "browser" : "password"}, ${auth.stored.savedAt})`
        : `session token (from ${auth.sessionToken.source})`}${sudoNote(auth.sudoAs)}`;
    case "none":
      return "no credentials";
  }
}

/** The secret values of a connection, to scrub them out of anything printed. */
export function secretsOf(input: ConnectionInput | undefined, auth?: AuthChoice): string[] {
  const out = new Set<string>();
  for (const v of [input?.scriptKey, input?.password, input?.sessionToken, input?.twoFactorCode]) if (v?.value) out.add(v.value);
  if (input?.site?.value) {
    try {
      const site = parseSite(input.site.value, { allowInsecureHttp: true });
      if (site.basicAuthSecret) out.add(site.basicAuthSecret);
      if (site.basicAuth) out.add(site.basicAuth.replace(/^Basic /, ""));
    } catch {
      // An unparsable site is reported elsewhere; it holds no credentials we could scrub by value.
    }
  }
  if (auth?.kind === "session") out.add(auth.sessionToken.value);
  if (auth?.kind === "script") out.add(auth.scriptKey.value);
  if (auth?.kind === "user" && auth.password) out.add(auth.password.value);
  // A secret equal to a name that output shows (the login, the script name) is left out: scrubbing it would show
  // which name the secret is, and the name is printed anyway.
  for (const shown of [input?.login?.value, input?.scriptName?.value, input?.sudoAs?.value]) if (shown) out.delete(shown);
  return [...out];
}

/** How to give the passphrase without its prompt. */
export const PASSWORD_INSTEAD = "Pass --password or set SG_PASSWORD.";

/**
 * Refuse, before reading it, a `-` argument (`what`) typed on the terminal when the command will then ask for the
 * passphrase there: the argument ends with Ctrl-D, after which nothing more can be read, and the passphrase would be
 * typed into the shell (and its history) once `sg` has left. Other settings errors are left to the connection.
 */
export function refusePromptAfterStdin(values: Readonly<Record<string, unknown>>, io: CliIo, what: string): void {
  if (!io.stdin.isTTY) return;
  let auth: AuthChoice;
  try {
    auth = chooseAuth(readConnectionInput(values, io.env), io.env);
  } catch {
    return;
  }
  if (auth.kind === "user" && !auth.password) {
    throw new UsageError(`cannot read ${what} from standard input (-) on the terminal: the passphrase (${auth.login.source} without a passphrase) is asked there afterwards, once the input has ended`, `${PASSWORD_INSTEAD} Or give ${what} inline or as @file.`);
  }
}

/** The name of the variable of setting `key` when it is set but empty (blank); else undefined. */
function emptyVariable(env: Readonly<Record<string, string | undefined>>, key: keyof ConnectionInput): string | undefined {
  const name = CONNECTION_SOURCES[key].env;
  return name && env[name]?.trim() === "" ? name : undefined;
}

/**
 * A setting left out because its variable is set but empty (GitHub Actions passes a secret the job does not define
 * as ""): said so, not "not given", which would send the reader looking for a variable the job does set.
 */
function setButEmpty(env: Readonly<Record<string, string | undefined>>, key: keyof ConnectionInput): UsageError | undefined {
  const name = emptyVariable(env, key);
  return name ? new UsageError(`${name} is set but empty (a CI secret not defined for this job?)`, `Give ${name} its value (define the secret for this job), or pass --${CONNECTION_SOURCES[key].flag}.`) : undefined;
}

/**
 * Pick exactly one auth mode from the given settings. Throws a usage error that lists what was given.
 *
 * @param env - the environment the settings were read from: a variable set but empty is named as such.
 */
export function chooseAuth(input: ConnectionInput, env: Readonly<Record<string, string | undefined>> = {}): AuthChoice {
  const given = (Object.keys(MODE_FIELDS) as (keyof typeof MODE_FIELDS)[]).filter((mode) => MODE_FIELDS[mode].some((f) => input[f] !== undefined));
  if (given.length > 1) {
    const parts = given.map((mode) => `${MODE_LABEL[mode]} (${MODE_FIELDS[mode].flatMap((f) => (input[f] ? [input[f].source] : [])).join(", ")})`);
    throw new UsageError(
      `conflicting credentials: ${parts.join(" and ")}; give exactly one auth mode`,
      "Use one of: --script-name + --script-key, --login (+ --password), or --session-token (or their SG_* variables). Unset the others.",
    );
  }
  // sudo_as_login goes with any credentials (rpc-protocol §3): a script's, or a person's whose role allows 'sudo'.
  const sudo = input.sudoAs ? { sudoAs: input.sudoAs } : {};
  switch (given[0]) {
    case "script": {
      const { scriptName, scriptKey } = input;
      if (!scriptName) throw setButEmpty(env, "scriptName") ?? new UsageError(`${scriptKey?.source} was given without a script name`, "Add --script-name or SG_SCRIPT_NAME.");
      if (!scriptKey) throw setButEmpty(env, "scriptKey") ?? new UsageError(`${scriptName.source} was given without a script key`, "Add --script-key or SG_SCRIPT_KEY (the application key from Admin → Scripts).");
      return { kind: "script", scriptName, scriptKey, ...sudo };
    }
    case "user": {
      const { login, password, twoFactorCode } = input;
      if (!login) throw setButEmpty(env, "login") ?? new UsageError(`${(password ?? twoFactorCode)?.source} was given without a login`, "Add --login or SG_LOGIN.");
      return { kind: "user", login, ...(password ? { password } : {}), ...(twoFactorCode ? { twoFactorCode } : {}), ...sudo };
    }
    case "session":
      return { kind: "session", sessionToken: input.sessionToken as Sourced, ...sudo };
    default:
      return { kind: "none" };
  }
}

/** Whether the core refuses this URL for being plain http to a host that is not loopback. */
function refusedAsPlainHttp(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** Parse `--site`/`SG_SITE`, turning the core's refusal into a usage error in command-line words. */
function parseSiteOption(site: Sourced, allowInsecureHttp: boolean): Site {
  try {
    return parseSite(site.value, { allowInsecureHttp, prefix: site.source });
  } catch (error) {
    if (!(error instanceof SgValidationError)) throw error;
    // `received` is already free of any user:password@ (the core redacts it). The https advice only for the refusal
    // of plain http itself (the core's own condition: http to a host that is not loopback, without --allow-http);
    // any other refusal of an http URL (one ending in /api3/json) keeps the core's hint, which says what to pass.
    const insecure = !allowInsecureHttp && refusedAsPlainHttp(site.value);
    throw new UsageError(
      `${site.source} must be ${error.expected}, got ${error.received}`,
      insecure ? "Use https://, or add --allow-http if the site really is plain http (e.g. on a private network)." : error.hint,
    );
  }
}

/** Options of {@link resolveConnection}. */
export interface ResolveOptions {
  /** Use the session saved by `sg login` when no auth is given. Default true. */
  readonly useStored?: boolean;
}

/** Read flags and environment, validate them, and pick the site and auth mode. */
export async function resolveConnection(values: Readonly<Record<string, unknown>>, io: CliIo, options: ResolveOptions = {}): Promise<{ connection: ResolvedConnection; input: ConnectionInput }> {
  const input = readConnectionInput(values, io.env);
  if (!input.site) {
    throw new UsageError("no site given", "Pass --site https://yourstudio.shotgrid.autodesk.com or set SG_SITE.");
  }
  const parsed = parseSiteOption(input.site, values["allow-http"] === true);
  const site = parsed.href;
  let opened: Promise<CredentialsStore> | undefined;
  const store = (): Promise<CredentialsStore> => (opened ??= import("./credentials-store.js").then((m) => new m.CredentialsStore(m.configDir(io.env))));
  let auth = chooseAuth(input, io.env);
  let warnings: readonly CredentialsFileWarning[] | undefined;
  if (auth.kind === "none" && options.useStored !== false) {
    const stored = await store();
    const saved = await stored.get(site);
    warnings = saved.warnings;
    if (saved.session) {
      auth = {
        kind: "session",
        sessionToken: { value: saved.session.sessionToken, source: stored.path },
        ...(saved.session.login ? { login: saved.session.login } : {}),
        stored: saved.session,
        ...(input.sudoAs ? { sudoAs: input.sudoAs } : {}),
      };
    }
  }
  const connection: ResolvedConnection = { site, siteSource: input.site.source, auth, store, ...(warnings ? { warnings } : {}) };
  // Keep credentials in the URL (a basic-auth proxy) for the client only, out of every printable form.
  if (parsed.basicAuth) Object.defineProperty(connection, "connectUrl", { value: input.site.value.trim(), enumerable: false });
  return { connection, input };
}

/**
 * The connection with another auth mode. A spread would leave out the non-enumerable `connectUrl` (the site URL
 * with a basic-auth proxy's login), and the client would then meet that proxy without it.
 */
export function withAuth(connection: ResolvedConnection, auth: AuthChoice): ResolvedConnection {
  return Object.defineProperty({ ...connection, auth }, "connectUrl", { value: connection.connectUrl, enumerable: false });
}

/** Options of {@link openClient}. */
export interface OpenClientOptions {
  readonly io: CliIo;
  readonly logger: Logger;
  readonly allowInsecureHttp?: boolean;
  /** Whether a missing passphrase or 2FA code may be asked on the terminal. Default: when stdin is a terminal. */
  readonly interactive?: boolean;
  /** Cancels every call of the client (and a prompt) when it aborts. */
  readonly signal?: AbortSignal;
  /** An undici dispatcher for every request (the proxy routing), passed to the transport. */
  readonly dispatcher?: object;
  /**
   * How long each call may take, retries included, and each attempt too (`--timeout-ms`); undefined keeps the
   * transport's limits. Uploads and downloads have their own: {@link OpenClientOptions.transferLimitMs}.
   */
  readonly deadlineMs?: number;
  /**
   * How long an upload or download may take, retries included, and each attempt too (`--transfer-timeout-ms`): the
   * transport's `transferDeadlineMs` and `transferTimeoutMs`; undefined keeps its limits.
   */
  readonly transferLimitMs?: number;
  /** The transport's `maxResponseBytes` (`--max-response-bytes`); undefined keeps its default. */
  readonly maxResponseBytes?: number;
}

/**
 * Ask for the two-factor code on the terminal. Authenticator apps show it in groups (`123 456`), and a person types
 * it so, or in full-width digits with an input method on: cleaned as `--2fa-code` is ({@link cleanTwoFactorCode}).
 * Nothing typed is a refused code, not a wrong login.
 */
async function twoFactorCode(io: CliIo, signal: AbortSignal | undefined, loginAbandoned: AbortSignal | undefined): Promise<string> {
  // The strategy drops a login every client has stopped waiting for: the prompt then stops waiting too.
  const either = signal && loginAbandoned ? AbortSignal.any([signal, loginAbandoned]) : (signal ?? loginAbandoned);
  const code = cleanTwoFactorCode(await prompt(io.stdin, io.stderr, "Two-factor code: ", true, either, "Pass --2fa-code."));
  if (code === "") throw new SgTwoFactorRequiredError("no two-factor code was typed");
  return code;
}

/**
 * The auth strategy for a choice, prompting for a missing passphrase on a terminal. Only the package of that auth
 * mode is loaded.
 */
export async function authStrategyFor(auth: AuthChoice, options: OpenClientOptions): Promise<AuthStrategy | undefined> {
  const { io } = options;
  const interactive = options.interactive ?? io.stdin.isTTY === true;
  switch (auth.kind) {
    case "script":
      return (await import("@sg/auth-script")).scriptAuth({ scriptName: auth.scriptName.value, scriptKey: auth.scriptKey.value, ...(auth.sudoAs ? { sudoAsLogin: auth.sudoAs.value } : {}) });
    case "user": {
      let password = auth.password?.value;
      if (password === undefined) {
        if (!interactive) throw setButEmpty(io.env, "password") ?? new UsageError(`${auth.login.source} was given without a passphrase`, `${PASSWORD_INSTEAD.slice(0, -1)} (it is asked for without echo when run on a terminal).`);
        password = await prompt(io.stdin, io.stderr, `Passphrase for ${auth.login.value}: `, true, options.signal, PASSWORD_INSTEAD);
      }
      const twoFactor = interactive ? ({ signal }: TwoFactorPrompt): Promise<string> => twoFactorCode(io, options.signal, signal) : undefined;
      const { legacyLoginAuth } = await import("@sg/auth-legacy-pat");
      return legacyLoginAuth({
        login: auth.login.value,
        password,
        ...(auth.twoFactorCode ? { authToken: auth.twoFactorCode.value } : {}),
        ...(twoFactor && !auth.twoFactorCode ? { twoFactor } : {}),
        ...(auth.sudoAs ? { sudoAsLogin: auth.sudoAs.value } : {}),
      });
    }
    case "session":
      return (await import("@sg/auth-session")).sessionAuth({ sessionToken: auth.sessionToken.value, ...(auth.sudoAs ? { sudoAsLogin: auth.sudoAs.value } : {}) });
    case "none":
      return undefined;
  }
}

/** Where each option of the auth strategies came from (`scriptKey` ← `SG_SCRIPT_KEY`), for its errors. */
export function optionSources(auth: AuthChoice): Readonly<Record<string, Sourced | undefined>> {
  switch (auth.kind) {
    case "script":
      return { scriptName: auth.scriptName, scriptKey: auth.scriptKey, sudoAsLogin: auth.sudoAs };
    case "user":
      return { login: auth.login, password: auth.password, authToken: auth.twoFactorCode, sudoAsLogin: auth.sudoAs };
    case "session":
      return { sessionToken: auth.sessionToken, sudoAsLogin: auth.sudoAs };
    case "none":
      return {};
  }
}

/** Where each auth option's value came from (`{ scriptKey: "SG_SCRIPT_KEY" }`), so that a library's name for it is shown as that flag or variable. */
export function optionSourceNames(auth: AuthChoice): Record<string, string> {
  return Object.fromEntries(Object.entries(optionSources(auth)).flatMap(([name, v]) => (v ? [[name, v.source]] : [])));
}

/** A client for the connection. */
export async function openClient(connection: ResolvedConnection, options: OpenClientOptions): Promise<Client> {
  let auth: AuthStrategy | undefined;
  try {
    auth = await authStrategyFor(connection.auth, options);
  } catch (error) {
    // The strategies name their own options (`scriptKey`); say the flag or variable the value came from.
    const source = error instanceof SgValidationError ? optionSources(connection.auth)[String(error.path[0])]?.source : undefined;
    if (error instanceof SgValidationError && source) throw new UsageError(`${source} must be ${error.expected}, got ${error.received}`, error.hint);
    throw error;
  }
  // A person may be asked for a two-factor code when the session expires mid-command too: that login again is run
  // between calls (loginFirst), not inside the refused call, whose deadline would count the typing.
  const prompts = mayPrompt(connection.auth, options);
  if (auth && prompts) auth = reloginBetweenCalls(auth);
  const client = createClient({
    site: connection.connectUrl ?? connection.site,
    transport: jsonRpcTransport({
      userAgent: "sg-cli",
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
      // An upload's attempt lasts as long as its body takes to send: one attempt may use the whole limit.
      ...(options.transferLimitMs !== undefined ? { transferTimeoutMs: options.transferLimitMs, transferDeadlineMs: options.transferLimitMs } : {}),
    }),
    ...(auth ? { auth } : {}),
    logger: options.logger,
    ...(options.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    defaults: {
      ...(options.signal ? { signal: options.signal } : {}),
      // One attempt may use the whole deadline: a longer --timeout-ms is for a site that is slow to answer.
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs, timeoutMs: options.deadlineMs } : {}),
    },
  });
  // A person may be asked for a two-factor code: log in before the first call, so that its deadline does not count
  // the typing (the login's own requests keep the limit above).
  return prompts ? loginFirst(client) : client;
}

/** Whether logging in with `auth` may ask a person for a two-factor code on the terminal. */
function mayPrompt(auth: AuthChoice, options: OpenClientOptions): boolean {
  return auth.kind === "user" && !auth.twoFactorCode && (options.interactive ?? options.io.stdin.isTTY === true);
}

/**
 * A usage error for commands that need credentials when none were found: naming (never showing) the credential
 * variables of `env` that are set but empty, the usual CI case of secrets not defined for the job.
 */
export function noCredentialsError(site: string, env: Readonly<Record<string, string | undefined>> = {}): UsageError {
  const empty = Object.values(MODE_FIELDS).flatMap((keys) => keys.flatMap((key) => emptyVariable(env, key) ?? []));
  const last = empty.pop();
  const names = empty.length ? `${empty.join(", ")} and ${last} are set but empty (CI secrets` : `${last} is set but empty (a CI secret`;
  return new CredentialsMissingError(
    `no credentials for ${site}${last ? `: ${names} not defined for this job?)` : ""}`,
    "Pass --script-name + --script-key, --login (+ --password) or --session-token (or SG_SCRIPT_NAME/SG_SCRIPT_KEY, SG_LOGIN/SG_PASSWORD, SG_SESSION_TOKEN), or run `sg login` once.",
  );
}
