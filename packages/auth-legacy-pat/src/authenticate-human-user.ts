import { SgProtocolError, SgTwoFactorRequiredError, SgValidationError, checkOptionsObject, createClient, describeValue, secretsOf } from "@sg/core";
import type { AuthStrategy, CallOptions, Client, Site, SiteInfo, UserCredentials } from "@sg/core";
import { explainLoginError, faultOf, looksLikeScriptKey } from "./explain-login.js";
import { LegacyErrorCode } from "./login-errors.js";
import { ALIASES, PACKAGE, refusePatOption, validateLegacyOptions } from "./options.js";

/** The person's credentials, as {@link authenticateHumanUser} takes them. */
export interface HumanUserCredentials {
  /** The ShotGrid login ("legacy login" on Autodesk Identity sites), as shown in Account Settings. */
  readonly login: string;
  /** The password, or on Autodesk Identity sites the legacy passphrase (never the Autodesk password). Secret. */
  readonly password: string;
  /** The current two-factor code, for an account with two-factor authentication on; spaces in it are removed ("123 456" is sent as "123456"). Secret. */
  readonly authToken?: string | undefined;
}

/** The active HumanUser whose login and password the site accepted, as {@link authenticateHumanUser} returns it. */
export interface AuthenticatedHumanUser {
  /** Always `HumanUser`. */
  readonly type: "HumanUser";
  /** The HumanUser's id. */
  readonly id: number;
  /** The login, as the site stores it. */
  readonly login: string;
}

const FUNCTION = "authenticateHumanUser";
/** Options of legacyLoginAuth that have no place in one check, with what to do instead. */
const NOT_HERE: Readonly<Record<string, string>> = {
  twoFactor: "Ask the person for the code first and pass it as authToken: this check sends one request.",
  keepSession: "Remove it: this check sends one request and keeps no session.",
  retryRefusedLoginAfterMs: "Remove it: this check sends one request and remembers no refusal.",
};

/** The 2FA hints of `explainLoginError` name legacyLoginAuth's options; these say what to do with this function. */
const TWO_FACTOR_HINTS: Readonly<Record<string, string>> = {
  [LegacyErrorCode.TWO_FACTOR_REQUIRED]:
    `Ask the person for the current code of their authenticator and call ${FUNCTION} again with it as authToken (codes are one-time: ask for a fresh one each time).`,
  [LegacyErrorCode.TWO_FACTOR_INVALID]:
    `Codes are one-time and change every 30 seconds: ask for the current one, check the device's clock, and call ${FUNCTION} again.`,
};

/** Validate the arguments of {@link authenticateHumanUser}; the fields are checked by legacyLoginAuth's own validation. */
function checkArguments(client: unknown, credentials: unknown, callOptions: unknown): HumanUserCredentials {
  const c = client as Partial<Client> | null;
  if (c === null || typeof c !== "object" || typeof c.site?.href !== "string" || typeof c.transport?.send !== "function" || typeof c.info !== "function") {
    throw new SgValidationError(PACKAGE, { path: ["client"], expected: "a Client from createClient() of @sg/core", received: describeValue(client) });
  }
  if (credentials === null || typeof credentials !== "object" || Array.isArray(credentials)) {
    throw new SgValidationError(PACKAGE, { path: ["credentials"], expected: "an object { login, password, authToken? }", received: describeValue(credentials) });
  }
  refusePatOption(credentials);
  const o = checkOptionsObject(PACKAGE, credentials, { factory: FUNCTION, expected: "an object { login, password, authToken? }", known: ["login", "password", "authToken", ...Object.keys(NOT_HERE)], aliases: ALIASES });
  for (const key of Object.keys(NOT_HERE)) {
    if (key in o) {
      throw new SgValidationError(PACKAGE, { path: [key], expected: `no such option: ${FUNCTION} takes login, password, authToken`, received: describeValue(o[key], true), hint: NOT_HERE[key] });
    }
  }
  const { login, password, authToken } = validateLegacyOptions(o);
  if (callOptions !== undefined && (callOptions === null || typeof callOptions !== "object" || Array.isArray(callOptions))) {
    throw new SgValidationError(PACKAGE, { path: ["callOptions"], expected: "call options such as { signal, timeoutMs }, or undefined", received: describeValue(callOptions) });
  }
  return authToken === undefined ? { login, password } : { login, password, authToken };
}

/** `site` as a URL that createClient parses back to the same site, with the basic-auth credentials of a proxy. */
function siteUrl(site: Site): string {
  if (!site.basicAuth) return site.href;
  const bytes = Uint8Array.from(atob(site.basicAuth.replace(/^Basic /, "")), (ch) => ch.charCodeAt(0));
  const raw = new TextDecoder().decode(bytes);
  const colon = raw.indexOf(":");
  const userinfo = colon < 0 ? encodeURIComponent(raw) : `${encodeURIComponent(raw.slice(0, colon))}:${encodeURIComponent(raw.slice(colon + 1))}`;
  return site.href.replace("//", `//${userinfo}@`);
}

/**
 * The strategy of the one-off client: exactly these credentials, once. A refusal is explained like
 * legacyLoginAuth explains it, with the caller's client answering `info` (cached there, and public).
 */
function oneLogin(user: UserCredentials, info: () => Promise<SiteInfo>): AuthStrategy {
  const secrets = secretsOf(user);
  const attempt = { login: user.login, codeSent: user.authToken !== undefined, canAsk: false, authTokenSpent: false, passwordLooksLikeScriptKey: looksLikeScriptKey(user.password), secrets };
  return {
    name: PACKAGE,
    credentials: (): Promise<UserCredentials> => Promise.resolve(user),
    onRejected: async (error, _rejected, ctx): Promise<undefined> => {
      const explained = await explainLoginError(error, attempt, { ...ctx, info });
      const hint = explained instanceof SgTwoFactorRequiredError ? TWO_FACTOR_HINTS[explained.code] : undefined;
      if (hint === undefined) throw explained;
      const e = explained as SgTwoFactorRequiredError;
      throw new SgTwoFactorRequiredError(e.reason, { ...faultOf(e), code: e.code, hint, cause: e.cause, attempts: e.attempts, secrets });
    },
  };
}

/** The user in a `read` answer, `null` when there is none; anything else is not the protocol. */
function userOf(result: unknown): AuthenticatedHumanUser | null {
  const entities = (result as { entities?: unknown } | null)?.entities;
  if (Array.isArray(entities)) {
    if (entities.length === 0) return null;
    const first = entities[0] as { id?: unknown; login?: unknown } | null;
    if (typeof first?.id === "number" && typeof first.login === "string") return Object.freeze({ type: "HumanUser", id: first.id, login: first.login });
  }
  throw new SgProtocolError(`${PACKAGE}: the site answered the HumanUser 'read' without a list of users { id, login }`, { status: 200, method: "read" });
}

/**
 * Check a person's login and password on the site `client` talks to, without touching `client`'s own
 * credentials — for a launcher's login dialog, or a tool that runs as a script and must confirm who is at the
 * keyboard. The equivalent of the Python client's `authenticate_human_user(user_login, user_password,
 * auth_token=None)`.
 *
 * What is sent: one `read` of HumanUser (`sg_status_list is act` and `login is <login>`, fields `id` and
 * `login`, one record), authenticated with the login, password and `authToken` themselves — no
 * `get_session_token`, so no session is left behind. It goes through a one-off client on the same site,
 * transport, logger and clock; `client`'s auth strategy, session and cached credentials are never used nor
 * changed. Only when the site refuses the login with a plain authentication fault (102), its `info` is asked
 * of `client` (usually cached there) to tell a wrong password from a missing PAT.
 *
 * Resolves to the user when the site accepted the credentials and an active HumanUser has that login, and to
 * `null` when it accepted them but the `read` found no such user (e.g. the person may not see HumanUsers).
 *
 * Retries: with an `authToken` the read is sent once (`retry: false` unless `callOptions.retry` says
 * otherwise), since a one-time code re-sent after a reset, timeout or 502 may already have been used. Without
 * one it is retried like any read (reset, timeout, 502/503/504), so one call may count as more than one login
 * attempt in the site's lockout policy.
 * A real site, and the emulator, refuse the login of an **inactive** account outright, so that case rejects
 * like a wrong password; it does not resolve to `null`.
 *
 * Rejects — unlike the Python docstring, which promises `None`, and like the Python client really behaves —
 * with the same errors as `legacyLoginAuth` (see {@link LegacyErrorCode}): `SgAuthError`
 * `SG_LEGACY_BAD_PASSWORD` (wrong login or password, or an inactive account), `SG_LEGACY_ACCOUNT_LOCKED`, `SG_LEGACY_PAT_REFUSED`
 * (Identity site, no valid PAT bound), `SgIdentitySiteError` `SG_LEGACY_NO_PASSPHRASE`, `SgSsoSiteError`
 * `SG_LEGACY_SSO_SITE`, `SgTwoFactorRequiredError` `SG_LEGACY_2FA_REQUIRED` (no `authToken` for an account
 * with 2FA on) or `SG_LEGACY_2FA_INVALID`; with transport errors (network, timeout, HTTP) as they come; and,
 * before anything is sent, with `SgValidationError` naming the bad argument (`["login"]`, `["password"]`,
 * `["authToken"]`, `["client"]`, …). Nothing is remembered between calls: a refusal does not block the next
 * check. No message, hint or log line contains the password or the code.
 *
 * @param client - a client of the site; only its site, transport, logger, clock and `info` are used.
 * @param credentials - the person's login, password (legacy passphrase on Identity sites) and, when the account
 *   has 2FA on, the current code as `authToken`.
 * @param callOptions - options of the `read` (`signal`, `timeoutMs`, …).
 */
export async function authenticateHumanUser(client: Client, credentials: HumanUserCredentials, callOptions?: CallOptions): Promise<AuthenticatedHumanUser | null> {
  const { login, password, authToken } = checkArguments(client, credentials, callOptions);
  // Not frozen on purpose: a transport keeps the auth params of the last frozen credentials it saw, and the
  // transport is the caller's, so a frozen object would leave this person's password in it after the check.
  const user: UserCredentials = { kind: "user", login, password, ...(authToken === undefined ? {} : { authToken }) };
  const { site, transport } = client;
  const oneOff = createClient({
    site: siteUrl(site),
    // A wrapper without close(), as core's README says for a transport wrapped per client: the one-off client is
    // counted open on the wrapper, not on the caller's transport, so `client.close()` still closes that transport
    // once `client` is its last open client. Left open: its read is over, and nothing but it holds the wrapper.
    // Only `send`: the one-off client sends one read and no plain HTTP exchange.
    transport: { name: transport.name, send: (request, context) => transport.send(request, context) },
    logger: client.logger,
    clock: client.clock,
    // A plain-http site exists only on loopback or because its client was allowed it.
    allowInsecureHttp: site.insecure,
    auth: oneLogin(user, () => client.info()),
  });
  client.logger.debug(`${PACKAGE}: checking the login '${login}'`, { withCode: authToken !== undefined });
  // A two-factor code is one-time: a retry after a reset, a timeout or a 502 would re-send a code the site may
  // already have used, and turn a good code into SG_LEGACY_2FA_INVALID. So with a code the read goes out once,
  // unless the caller chose a retry policy.
  const options: CallOptions | undefined = authToken !== undefined && callOptions?.retry === undefined ? { ...callOptions, retry: false } : callOptions;
  const result = await oneOff.call<unknown>(
    "read",
    {
      type: "HumanUser",
      filters: {
        logical_operator: "and",
        conditions: [
          { path: "sg_status_list", relation: "is", values: ["act"] },
          { path: "login", relation: "is", values: [login] },
        ],
      },
      return_fields: ["id", "login"],
      return_only: "active",
      paging: { entities_per_page: 1, current_page: 1 },
      // No paging info wanted. Python names the flag return_paging_info_without_counts on sites >= 7.4, which
      // only matters when it is true; the older name is understood by every version, without an info call.
      return_paging_info: false,
    },
    options,
  );
  return userOf(result);
}
