import { SgAuthError, SgValidationError, shareUntilAbandoned } from "@sg/core";
import type { AuthContext, AuthStrategy, Credentials, SessionCredentials, SharedWork } from "@sg/core";
import { EXPIRED, NEW_TOKEN_HINT, PACKAGE, REFRESH_FAILED, SSO_SESSION_EXPIRED, SgSessionError } from "./session-errors.js";
import { NEVER_MS, failedEarlier } from "./refresh-cooldown.js";
import { checkToken, validateSessionOptions } from "./session-options.js";
import type { SessionAuthOptions } from "./session-options.js";
import { siteSecrets } from "./site-secrets.js";
import { targetRefusal } from "./sudo.js";

function tail(token: string): string {
  return token.length > 8 ? token.slice(-4) : "****";
}

/**
 * Authenticate with a session token obtained anywhere: a browser's `_session_id` cookie, an SSO login,
 * another tool, or {@link browserLogin}. `reject_if_expired` is always sent, so an expired session is refused
 * instead of answered anonymously.
 *
 * When the site refuses the token, `refresh` (if given) is called once — one call shared by every request
 * refused together — the new token is handed to `onToken`, and the refused requests are re-sent once. Without
 * `refresh`, the refusal becomes an {@link SgSessionError} (`SG_SESSION_EXPIRED`) that says how to get a new
 * token. An SSO site's redirect to its SAML login (@sg/transport's `SG_SSO_SESSION_EXPIRED`) is such a refusal:
 * `refresh` runs for it, and without `refresh` the error says the SSO session has expired and to log in again in
 * the browser.
 *
 * A refresh that fails (`SG_SESSION_REFRESH_FAILED`) is not tried again for `retryFailedRefreshAfterMs`
 * (default 60 s, by `ctx.clock`): until then a refused call fails at once with the same code, saying when
 * `refresh` failed, so a password login cannot lock the account and a browser login does not open a page per
 * call. Then one new refresh is tried.
 *
 * With `sudoAsLogin`, every call acts as that HumanUser (`sudo_as_login`, also with the tokens `refresh`
 * returns). A refusal of the target (inactive, unknown or retired, not impersonable) fails the call with an
 * `SG_SESSION_SUDO_*` error without calling `refresh`, also when it is the call re-sent with a refreshed token
 * (the strategy's `explain`); a session user whose role may not sudo gets a permission fault: see
 * {@link explainSudoFault}.
 */
export function sessionAuth(options: SessionAuthOptions): AuthStrategy {
  return boundSessionAuth(options);
}

/**
 * {@link sessionAuth} bound from the start to `bound`, a parsed site's `href` (not exported from the package):
 * {@link browserLogin}'s, which knows the site that issued the token, so that not even its first call goes elsewhere.
 */
export function boundSessionAuth(options: SessionAuthOptions, bound = ""): AuthStrategy {
  const { sessionToken, refresh, onToken, retryFailedRefreshAfterMs: coolDown, sudoAsLogin } = validateSessionOptions(options);
  const credentialsFor = (token: string): SessionCredentials =>
    Object.freeze({ kind: "session", sessionToken: token, rejectIfExpired: true, ...(sudoAsLogin === undefined ? {} : { sudoAsLogin }) });
  let current: SessionCredentials = credentialsFor(sessionToken);
  let pending: SharedWork<SessionCredentials> | undefined;
  let refreshes = 0;
  /**
   * The site of the session (`ctx.site.href` of the first call): a session token is one site's, so the token, and
   * every one `refresh()` returns, is sent to that site only. Set from the start when `bound`.
   */
  let site = bound;
  /** Refuses, sending nothing, a call to another site than {@link site}; binds the strategy to the first site. */
  const otherSite = (ctx: AuthContext): SgValidationError | undefined => {
    site ||= ctx.site.href;
    return site === ctx.site.href
      ? undefined
      : new SgValidationError(PACKAGE, {
          path: ["site"],
          expected: `${site}, ${bound ? "the site browserLogin() logged in to" : "where this sessionAuth() was first used"} (a session token is one site's)`,
          received: `'${ctx.site.href}'`,
          hint: bound ? "Log in to each site with its own browserLogin()." : "Give each site its own sessionAuth().",
        });
  };
  /** The last failed refresh and when it failed, while its cool-down runs. */
  let failure: SgSessionError | undefined;
  /** When {@link failure} came back, by the client's clock. */
  let failedAt = 0;
  /**
   * The site URL's Basic auth (see {@link siteSecrets}), taken from the context of the last refusal: scrubbed with the
   * token from what the errors made of a refusal quote, `explain()`'s too (which has no context).
   */
  let basic: string[] = [];

  const renew = async (error: SgAuthError, rejected: SessionCredentials, ctx: AuthContext, signal: AbortSignal): Promise<SessionCredentials> => {
    const secrets = [rejected.sessionToken, ...basic];
    if (!refresh) {
      ctx.logger.warn(`${PACKAGE}: the session token was refused and there is no refresh()`, { token: `…${tail(rejected.sessionToken)}` });
      // The site's refusal reads the same for an expired token, one of another site, and a script key or password
      // passed as a token: name them all, and the site (never the token), and say where a script key or password
      // goes. A redirect to the SSO login says more.
      const sso = error.code === SSO_SESSION_EXPIRED;
      throw new SgSessionError(
        sso
          ? `${PACKAGE}: the site redirected the call to its SSO (SAML) login: the SSO session of the token ending '${tail(rejected.sessionToken)}' has expired (or the token is not a session of ${ctx.site.href})`
          : `${PACKAGE}: the site refused the session token ending '${tail(rejected.sessionToken)}': the session has expired or was revoked, or the token is not a session of ${ctx.site.href} (another site's token, a script key or a password)`,
        {
          code: EXPIRED,
          cause: error,
          hint: sso
            ? // An SSO site refuses a login and password: on the command line, the browser only.
              `Log in to the site again in the browser (SSO). ${NEW_TOKEN_HINT.replace("`sg login`", "`sg login --browser`")}`
            : `${NEW_TOKEN_HINT} A script name and key go to scriptAuth from @sg/auth-script, a login and password to legacyLoginAuth from @sg/auth-legacy-pat.`,
          secrets,
          method: error.method,
          errorCode: error.errorCode,
          serverMessage: error.serverMessage,
        },
      );
    }
    /** A failed refresh, remembered for the cool-down (when there is one) from now. */
    const refreshFailed = (reason: string, cause: unknown, hint: string): SgSessionError => {
      const failed = new SgSessionError(`${PACKAGE}: ${reason}`, { code: REFRESH_FAILED, cause, hint: `${hint} ${NEW_TOKEN_HINT}`, secrets });
      if (coolDown) {
        failure = failed;
        failedAt = ctx.clock.now();
        ctx.logger.info(`${PACKAGE}: refresh() failed; no refresh() for ${coolDown} ms`);
      }
      return failed;
    };
    ctx.logger.info(`${PACKAGE}: the session token was refused; calling refresh()`, { token: `…${tail(rejected.sessionToken)}` });
    let token: string;
    try {
      const fresh = await refresh({ signal });
      signal.throwIfAborted();
      token = checkToken(fresh, "refresh()");
    } catch (cause) {
      // Every client waiting for it was closed: neither a token (not used, nor stored) nor a failure (no cool-down)
      // is kept, and the next refusal calls refresh() again.
      if (signal.aborted) throw signal.reason;
      const bad = cause instanceof SgValidationError;
      throw refreshFailed(
        `the session token ending '${tail(rejected.sessionToken)}' was refused and refresh() ${bad ? `returned ${cause.received}, not ${cause.expected}` : "did not return a new one"}`,
        cause,
        // checkToken's own advice (a trailing newline: trim it) is the hint, not only the cause's.
        bad ? (cause.hint ?? "refresh() must resolve to the new token as a string.") : "Fix what refresh() reported (see cause).",
      );
    }
    if (token === rejected.sessionToken) {
      throw refreshFailed("refresh() returned the same session token that the site just refused", error, "refresh() must obtain a new token, not re-read the stored one.");
    }
    current = credentialsFor(token);
    refreshes += 1;
    if (onToken) {
      try {
        await onToken(token);
      } catch (cause) {
        ctx.logger.warn(`${PACKAGE}: onToken() failed; the new session is used anyway but was not stored`, {
          error: cause instanceof Error ? cause.name : typeof cause,
        });
      }
    }
    ctx.logger.info(`${PACKAGE}: session renewed`, { token: `…${tail(token)}` });
    return current;
  };

  const describe = (): string => `SessionAuth { name: '${PACKAGE}', token: '…${tail(current.sessionToken)}',${sudoAsLogin ? ` sudoAsLogin: '${sudoAsLogin}',` : ""} refresh: ${refresh ? "yes" : "no"}, refreshes: ${refreshes} }`;
  /** The explained refusal of the sudo target, when `rejected` is a session that carried one and the site refused it. */
  const sudoRefusal = (error: SgAuthError, rejected: Credentials): SgAuthError | undefined =>
    rejected.kind === "session" && rejected.sudoAsLogin ? targetRefusal(error, { sudoAsLogin, secrets: [rejected.sessionToken, ...basic] }) : undefined;
  const strategy: AuthStrategy = {
    name: PACKAGE,
    credentials: (ctx: AuthContext): Promise<Credentials> => {
      const refused = otherSite(ctx);
      return refused ? Promise.reject(refused) : (pending?.join(ctx.signal) ?? Promise.resolve(current));
    },
    onRejected: (error: SgAuthError, rejected: Credentials, ctx: AuthContext): Promise<Credentials | undefined> => {
      if (rejected.kind !== "session") return Promise.resolve(undefined);
      const refused = otherSite(ctx);
      if (refused) return Promise.reject(refused);
      basic = siteSecrets(ctx.site);
      // The target of sudo was refused, not the token: a new one would be refused the same way.
      const sudoRefused = sudoRefusal(error, rejected);
      if (sudoRefused) return Promise.reject(sudoRefused);
      if (rejected !== current) return pending?.join(ctx.signal) ?? Promise.resolve(current);
      if (!pending) {
        const now = ctx.clock.now();
        // A clock set back before the failure ends the cool-down rather than stretching it; one that never ends
        // (Infinity, or over 1e15 ms) is never ended by a clock either.
        if (failure && (now >= failedAt || coolDown > NEVER_MS) && now < failedAt + coolDown) return Promise.reject(failedEarlier(failure, failedAt, coolDown));
        failure = undefined;
        pending = shareUntilAbandoned(
          (signal) => renew(error, rejected, ctx, signal),
          () => (pending = undefined),
        );
      }
      return pending.join(ctx.signal);
    },
    // The call re-sent with the refreshed token was refused too: onRejected is not asked again, so a sudo
    // target refused with the new token, or the new token itself refused, is explained here (else it would read
    // as a raw refusal). onRejected re-sends only with a token refresh() returned, so that is the token refused.
    // No cool-down starts: explain() has no side effects.
    explain: (error: SgAuthError, rejected: Credentials): SgAuthError | undefined =>
      sudoRefusal(error, rejected) ??
      (rejected.kind !== "session"
        ? undefined
        : new SgSessionError(
            `${PACKAGE}: the site refused the new session token ending '${tail(rejected.sessionToken)}' that refresh() returned, as it had refused the one before${
              error.code === SSO_SESSION_EXPIRED ? " (it redirected the call to its SSO (SAML) login: the SSO session has expired)" : ""
            }`,
            {
              code: REFRESH_FAILED,
              cause: error,
              hint: `refresh() must return a new session of ${site} (not another site's token, a script key, a password or an expired stored one). Meanwhile log in again in the browser. ${NEW_TOKEN_HINT}`,
              secrets: [rejected.sessionToken, ...basic],
              method: error.method,
              errorCode: error.errorCode,
              serverMessage: error.serverMessage,
            },
          )),
  };
  // Not enumerable (the default of defineProperties), so the strategy's own keys stay those of AuthStrategy.
  Object.defineProperties(strategy, {
    [Symbol.for("nodejs.util.inspect.custom")]: { value: describe },
    toJSON: { value: () => ({ name: PACKAGE, ...(sudoAsLogin ? { sudoAsLogin } : {}), refresh: Boolean(refresh), refreshes }) },
    toString: { value: describe },
  });
  return Object.freeze(strategy);
}
