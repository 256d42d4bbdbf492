import { SgAbortError, SgAuthError, SgTwoFactorRequiredError, describeValue, shareUntilAbandoned } from "@sg/core";
import type { AuthContext, AuthStrategy, Credentials, SessionCredentials, SharedWork, UserCredentials } from "@sg/core";
import { explainLoginError, looksLikeScriptKey, ssoRedirect } from "./explain-login.js";
import { LegacyErrorCode } from "./login-errors.js";
import { PACKAGE, validateLegacyOptions } from "./options.js";
import type { LegacyLoginOptions } from "./options.js";
import { isLastingRefusal, refusedEarlier } from "./refused-login.js";
import { targetRefusal } from "./sudo.js";

/** The one login to a site in flight, and the contexts of the clients that wait for it (it is sent through one still open). */
interface Pending {
  readonly work: SharedWork<SessionCredentials>;
  readonly waiting: Set<AuthContext>;
}

/** A site's last lasting refusal and when it came, while its cool-down runs. */
interface Refusal {
  readonly error: SgAuthError;
  readonly at: number;
}

/**
 * How many sites keep a session while none of their calls is waiting: the most recently used. A site dropped from
 * them logs in again at its next call; a strategy shared by clients of thousands of sites keeps no more tokens.
 * Sites polled round-robin, more of them than this, would each be dropped just before their turn and log in (and
 * ask `twoFactor()`) at every call: the limit is high enough for a daemon's sites (a session is ~0.4 KB, so
 * ~400 KB at most), and past it the README says to use one strategy per group of sites.
 */
const SESSION_SITES = 1024;

function tail(token: string): string {
  return token.length > 8 ? token.slice(-4) : "****";
}

/**
 * Authenticate a person with a legacy login + passphrase (on Autodesk Identity sites, a login with a valid
 * Personal Access Token bound to it), with two-factor codes when the site asks.
 *
 * By default the login is exchanged for a session token at the first call (`get_session_token`; concurrent
 * first calls share one exchange) and the session is used from then on, so the passphrase is not sent on every
 * call. When the site later refuses the session (expired), the strategy logs in again once — one login shared
 * by every call refused together — and the calls are re-sent once. On fault 106 it asks `twoFactor()` once for
 * a code and retries once; it never loops. Refusals become errors whose `code` (see {@link LegacyErrorCode})
 * and hint say what to do: wrong password, locked account, no PAT on an Identity site, no passphrase, SSO site, 2FA.
 *
 * A refusal that will not change by itself (all of those except a wrong two-factor code) is remembered for
 * `retryRefusedLoginAfterMs` (default 60 s, by `ctx.clock`): until then every call fails at once with the
 * same class and `code`, saying when the site refused and that no new login was sent, so a job with a
 * wrong passphrase cannot lock the account. Then one new attempt is allowed. Network errors, timeouts and
 * HTTP errors are never remembered, nor is a redirect to the site's SSO (SAML) login (`SG_SSO_SESSION_EXPIRED`,
 * explained like an SSO site's refusal: the site wants a browser login; the password was not checked; after an
 * accepted login, a redirect of its session names the site URL or a proxy first).
 *
 * With `sudoAsLogin`, every call acts as that HumanUser (`sudo_as_login` goes with the session's calls, or with
 * each login when `keepSession` is false; the session itself stays the person's own). A refusal of the target
 * (inactive, unknown or retired, not impersonable) fails the call with an `SG_LEGACY_SUDO_*` error, without a
 * re-login, also when it is the call re-sent after a re-login (the strategy's `explain`); a role that may not
 * sudo is a permission fault: see {@link explainSudoFault}.
 *
 * Shared by clients of several sites, it keeps each site's own session, login in flight and refusal, and a site only
 * while it has one: sessions for the 1024 most recently used sites (another logs in again at its next call), a refusal
 * until its cool-down has passed. More sites than that polled round-robin log in again at every call (with a prompt
 * when `twoFactor` is given): use one strategy per group of up to 1024 sites. With `keepSession: false`, a site that
 * asks for a two-factor code switches to a session on its own: the other sites keep sending the login with each call.
 */
export function legacyLoginAuth(options: LegacyLoginOptions): AuthStrategy {
  const { login, password, authToken, twoFactor, keepSession, retryRefusedLoginAfterMs: coolDown, sudoAsLogin } = validateLegacyOptions(options);
  /** Added to the credentials of every call, never to get_session_token's. */
  const sudo = sudoAsLogin === undefined ? {} : { sudoAsLogin };
  let unusedAuthToken = authToken;
  const hadAuthToken = unusedAuthToken !== undefined;
  // Scrubbed from outside text in the errors built here: the password (unless it is the login or sudo login, which messages
  // show anyway), the authToken option, and one place each for the latest code asked for and the latest session
  // token of the site whose refusal is explained, which replace the ones before (spent, or refused), and two for the
  // site URL's Basic auth (its password and header value), which every request to the site carries. An empty place scrubs nothing. A job that logs in again
  // for months keeps six values, not one more per login.
  const secrets: string[] = [password === login || password === sudoAsLogin ? "" : password, unusedAuthToken ?? "", "", "", "", ""];
  /** Put `token` (the session that site refused, if any) and the site URL's Basic auth of the site of `ctx` in their places of `secrets`, before a refusal on that site is explained. */
  const noteSite = (ctx: AuthContext, token = ""): void => {
    secrets[3] = token;
    secrets[4] = ctx.site.basicAuthSecret ?? "";
    secrets[5] = ctx.site.basicAuth?.replace(/^Basic\s+/i, "") ?? "";
  };
  const userCredentials = (authToken?: string): UserCredentials =>
    Object.freeze({ kind: "user", login, password, ...(authToken === undefined ? {} : { authToken }) });
  const plain: UserCredentials = Object.freeze({ ...userCredentials(), ...sudo });
  /** What every refusal's diagnosis is told besides the code sent. */
  const attempt = { login, canAsk: twoFactor !== undefined, authTokenSpent: hadAuthToken, passwordLooksLikeScriptKey: looksLikeScriptKey(password), secrets };

  let logins = 0;
  // What the strategy holds for each site (by `ctx.site.href`): a session token is one site's, so a strategy shared
  // by clients of several sites keeps one session, login in flight and remembered refusal per site, and sends a site
  // only its own session. A site is held only while it has one of them: a login leaves `pending` when it settles, a
  // refusal leaves `refusals` once its cool-down has passed, and `sessions` keeps the SESSION_SITES most recently used.
  /** Sessions by site, least recently used first. */
  const sessions = new Map<string, SessionCredentials>();
  const pending = new Map<string, Pending>();
  /** Refusals by site, in the order they came, so that those whose cool-down has passed are first. */
  const refusals = new Map<string, Refusal>();

  /** Drop the refusals whose cool-down has passed at `now`, from the oldest up to the first still running (cheap: runs at every call). */
  const prune = (now: number): void => {
    for (const [href, { at }] of refusals) {
      if (now < at + coolDown) return;
      refusals.delete(href);
    }
  };

  /** The remembered refusal of the site of `ctx`, made again, while it holds; forgets it once the cool-down is over. */
  const earlier = (ctx: AuthContext): SgAuthError | undefined => {
    const refused = refusals.get(ctx.site.href);
    if (!refused) return undefined;
    const until = refused.at + coolDown;
    const now = ctx.clock.now();
    // A clock set back before the refusal ends the cool-down rather than stretching it; one that never ends
    // (Infinity, or over 1e15 ms) is never ended by a clock either.
    if ((now >= refused.at || coolDown > 1e15) && now < until) return refusedEarlier(refused.error, refused.at, until);
    refusals.delete(ctx.site.href);
    return undefined;
  };
  /** Remember `error` for the site of `ctx` when it is a lasting refusal; returns it. */
  const remember = (error: unknown, ctx: AuthContext): unknown => {
    if (coolDown > 0 && isLastingRefusal(error)) {
      // Put last: the refusals stay in the order of their cool-downs' ends.
      refusals.delete(ctx.site.href);
      refusals.set(ctx.site.href, { error, at: ctx.clock.now() });
      ctx.logger.info(`${PACKAGE}: '${login}' refused; no login for ${coolDown} ms`, { code: error.code });
    }
    return error;
  };

  /** Ask twoFactor() for a code; `signal` aborts when every client waiting for the login has been closed. */
  const askCode = async (signal: AbortSignal): Promise<string> => {
    const answer = await (twoFactor as NonNullable<LegacyLoginOptions["twoFactor"]>)({ signal });
    // Every client waiting for the login was closed: the code is not used, and the next call asks again.
    signal.throwIfAborted();
    // Authenticator apps show the code as "123 456": its inner spaces are not part of it.
    const code = typeof answer === "string" ? answer.replace(/\s+/g, "") : "";
    if (!code) {
      throw new SgTwoFactorRequiredError(`${PACKAGE}: twoFactor() gave an empty two-factor code for '${login}'${typeof answer === "string" ? "" : ` (${describeValue(answer, true)})`}`, {
        code: LegacyErrorCode.TWO_FACTOR_EMPTY,
        hint: "twoFactor must resolve to the current one-time code, e.g. \"123456\" (spaces are removed); ask again, or throw to stop the login.",
      });
    }
    secrets[2] = code;
    return code;
  };

  /**
   * One login to the site of `ctx`: get_session_token, asking twoFactor() at most once — or once more when the code
   * went with a request cut off by a client's close(). It is sent through a client of `waiting` still open, since a
   * closed client's calls are aborted: when the one it went through is closed while it is in flight and another
   * waiting client is open, it is sent again through that one.
   */
  const exchange = async (ctx: AuthContext, waiting: ReadonlySet<AuthContext>, askFirst: boolean, signal: AbortSignal, refusedToken?: string): Promise<SessionCredentials> => {
    noteSite(ctx, refusedToken);
    let code = unusedAuthToken;
    unusedAuthToken = undefined;
    let asked = false;
    if (code === undefined && askFirst && twoFactor) {
      code = await askCode(signal);
      asked = true;
    }
    logins += 1;
    ctx.logger.info(`${PACKAGE}: logging in as '${login}' to get a session`, { withCode: code !== undefined });
    for (;;) {
      let result: unknown;
      ctx = [...waiting].find((open) => !open.signal?.aborted) ?? ctx;
      try {
        // A code is one-time: a retry after a reset, timeout or 502 would re-send one the site may have used.
        result = await ctx.call("get_session_token", undefined, userCredentials(code), code === undefined ? undefined : { retry: false });
      } catch (error) {
        // Cut off by the close() of the client it went through, while another client waiting for it is open (else the
        // login is abandoned): sent again through that one. The site may have spent a code sent with it: never re-sent.
        if (error instanceof SgAbortError && ctx.signal?.aborted && !signal.aborted) {
          ctx.logger.info(`${PACKAGE}: login cut off by close(); sending it again through another client`);
          if (code !== undefined) code = asked ? await askCode(signal) : undefined;
          continue;
        }
        if (error instanceof SgTwoFactorRequiredError && twoFactor && !asked) {
          asked = true;
          code = await askCode(signal);
          continue;
        }
        // A code not asked of twoFactor() was the authToken option.
        throw await explainLoginError(error, { ...attempt, codeSent: code !== undefined, codeFromAuthToken: code !== undefined && !asked }, ctx);
      }
      const token = (result as { session_id?: unknown } | null)?.session_id;
      if (typeof token !== "string" || token === "") {
        throw new SgAuthError(`${PACKAGE}: the site accepted the login '${login}' but get_session_token returned no session_id`, {
          code: LegacyErrorCode.LOGIN_FAILED,
          hint: "The site's answer was not the expected { session_id }; check the site URL, or pass keepSession: false to send the login with every call.",
          secrets,
        });
      }
      ctx.logger.info(`${PACKAGE}: logged in as '${login}'`, { session: `…${tail(token)}` });
      return Object.freeze({ kind: "session", sessionToken: token, rejectIfExpired: true, ...sudo });
    }
  };

  /** Keep `session` as the most recently used of `href`, dropping the least recently used site over SESSION_SITES. */
  const use = (href: string, session: SessionCredentials): SessionCredentials => {
    sessions.delete(href);
    sessions.set(href, session);
    if (sessions.size > SESSION_SITES) sessions.delete(sessions.keys().next().value as string);
    return session;
  };

  /**
   * The session of the site of `ctx`, or the one login to it in flight, or a new login (`refusedToken`: the session
   * it replaces). A login in flight is dropped (and rejects) once every client waiting for it has been closed, so
   * that a call after `close()` starts a new one instead of joining a prompt nobody will answer.
   */
  const sessionFor = (ctx: AuthContext, askFirst = false, refusedToken?: string): Promise<SessionCredentials> => {
    const href = ctx.site.href;
    const session = sessions.get(href);
    if (session) return Promise.resolve(use(href, session));
    let inFlight = pending.get(href);
    if (!inFlight) {
      const again = earlier(ctx);
      if (again) return Promise.reject(again);
      const waiting = new Set([ctx]);
      const work = shareUntilAbandoned(
        (signal) =>
          exchange(ctx, waiting, askFirst, signal, refusedToken).then(
            (fresh) => {
              signal.throwIfAborted();
              secrets[3] = fresh.sessionToken;
              return use(href, fresh);
            },
            (error: unknown) => {
              throw remember(error, ctx);
            },
          ),
        // Called once, when the login settles or is abandoned, before another can start for the site.
        () => pending.delete(href),
      );
      pending.set(href, (inFlight = { work, waiting }));
    }
    inFlight.waiting.add(ctx);
    return inFlight.work.join(ctx.signal);
  };

  /** How many sites the strategy holds something for. */
  const siteCount = (): number => new Set([...sessions.keys(), ...pending.keys(), ...refusals.keys()]).size;

  const describe = (): string =>
    `LegacyLoginAuth { name: '${PACKAGE}', login: '${login}',${sudoAsLogin ? ` sudoAsLogin: '${sudoAsLogin}',` : ""} sites: ${siteCount()}, twoFactor: ${twoFactor ? "yes" : "no"}, logins: ${logins} }`;

  /** The explained refusal of the sudo target, when `rejected` carried one and the site refused it. */
  const sudoRefusal = (error: SgAuthError, rejected: Credentials): SgAuthError | undefined =>
    rejected.sudoAsLogin ? targetRefusal(error, { login, sudoAsLogin, secrets }) : undefined;

  const strategy: AuthStrategy = {
    name: PACKAGE,
    credentials: (ctx: AuthContext): Promise<Credentials> => {
      prune(ctx.clock.now());
      // With keepSession: false, a site that asked for a two-factor code has switched to a session (its own only:
      // the strategy's other sites keep sending the login): it holds one, or a login for one is in flight. A site
      // whose session is dropped (least recently used, see SESSION_SITES) sends the login again and switches again.
      const href = ctx.site.href;
      if (keepSession || sessions.has(href) || pending.has(href)) return sessionFor(ctx);
      const again = earlier(ctx);
      return again ? Promise.reject(again) : Promise.resolve(plain);
    },
    onRejected: async (error: SgAuthError, rejected: Credentials, ctx: AuthContext): Promise<Credentials | undefined> => {
      noteSite(ctx, rejected.kind === "session" ? rejected.sessionToken : undefined);
      // The target of sudo was refused, not the login or the session: a new login would be refused the same way.
      const sudoRefused = sudoRefusal(error, rejected);
      if (sudoRefused) throw sudoRefused;
      if (rejected.kind === "session") {
        if (sessions.get(ctx.site.href) === rejected) {
          ctx.logger.info(`${PACKAGE}: the session was refused (expired?); logging in again once`, { login, session: `…${tail(rejected.sessionToken)}` });
          sessions.delete(ctx.site.href);
        }
        return sessionFor(ctx, false, rejected.sessionToken);
      }
      if (rejected.kind !== "user") return undefined;
      // keepSession: false — the login went with the call.
      if (error instanceof SgTwoFactorRequiredError && (twoFactor || unusedAuthToken !== undefined)) {
        ctx.logger.info(`${PACKAGE}: the site wants a two-factor code; switching to a session (codes are one-time)`, { login });
        return sessionFor(ctx, true);
      }
      throw remember(await explainLoginError(error, { ...attempt, codeSent: rejected.authToken !== undefined }, ctx), ctx);
    },
    // The call re-sent with a new session was refused too: onRejected is not asked again, so a sudo target
    // refused with the new session is explained here (else it would read as a wrong password), and so is the new
    // session redirected to the SSO login (else its hint would say to log in again, which was just done): the
    // login was accepted, so not as a redirect of the login.
    explain: (error: SgAuthError, rejected: Credentials): SgAuthError | undefined =>
      sudoRefusal(error, rejected) ?? ssoRedirect(error, login, secrets, rejected.kind === "session"),
  };
  Object.defineProperty(strategy, Symbol.for("nodejs.util.inspect.custom"), { enumerable: false, value: describe });
  Object.defineProperty(strategy, "toJSON", { enumerable: false, value: () => ({ name: PACKAGE, login, ...sudo, sites: siteCount(), logins }) });
  Object.defineProperty(strategy, "toString", { enumerable: false, value: describe });
  return Object.freeze(strategy);
}
