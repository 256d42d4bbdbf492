import { SgAuthError, SgIdentitySiteError, SgSsoSiteError, SgTwoFactorRequiredError, scrubText, siteAuthKind } from "@sg/core";
import type { AuthContext, FaultDetails, SiteAuthKind } from "@sg/core";
import { LegacyErrorCode, PAT_STEPS, SESSION_ROUTE } from "./login-errors.js";
import type { LegacyErrorCodeValue } from "./login-errors.js";
import { PACKAGE } from "./options.js";

/** What the diagnosis needs to know about the attempt. Nothing secret except `secrets`, which are scrubbed. */
export interface LoginAttempt {
  /** The login used. */
  readonly login: string;
  /** Whether a two-factor code was sent with the refused attempt. */
  readonly codeSent: boolean;
  /** Whether that code was the `authToken` option rather than one `twoFactor()` gave: the hint then says how to get another. */
  readonly codeFromAuthToken?: boolean | undefined;
  /** Whether the password is shaped like a script's application key (see {@link looksLikeScriptKey}): the hint then names `@sg/auth-script`. */
  readonly passwordLooksLikeScriptKey?: boolean | undefined;
  /** Whether `twoFactor` was given. */
  readonly canAsk: boolean;
  /** Whether the `authToken` option was already spent on an earlier login. */
  readonly authTokenSpent: boolean;
  /** Password and codes to scrub. */
  readonly secrets: readonly string[];
}

/** What to do when the `authToken` option was spent: this strategy has no other code to send. */
const FRESH_CODE = "build a new legacyLoginAuth() with a fresh one, or pass twoFactor so it can ask for one.";

/** Whether `password` is shaped like a script's application key (32 or more hex digits), not like a person's password. */
export const looksLikeScriptKey = (password: string): boolean => /^[0-9a-f]{32,}$/i.test(password);

async function kindOf(ctx: AuthContext): Promise<SiteAuthKind> {
  try {
    return siteAuthKind(await ctx.info());
  } catch {
    return "unknown";
  }
}

/**
 * `error`'s method, fault code and server message, to carry over to the error that explains it. An absent one
 * stays `undefined`, as the error constructors leave it.
 */
export function faultOf(error: SgAuthError): FaultDetails {
  return { method: error.method, errorCode: error.errorCode, serverMessage: error.serverMessage };
}

function details(error: SgAuthError, attempt: LoginAttempt, code: LegacyErrorCodeValue, hint: string): FaultDetails {
  return {
    code,
    hint,
    cause: error,
    secrets: attempt.secrets,
    ...faultOf(error),
    attempts: error.attempts,
  };
}

/**
 * The code of @sg/transport's `SSO_SESSION_EXPIRED`: the API answered with a redirect to the site's SAML login. A
 * literal, since an auth package imports only @sg/core.
 */
const SSO_SESSION_EXPIRED = "SG_SSO_SESSION_EXPIRED";

/** What a person on an SSO site does instead of a login and password: fault 108's hint, and the SAML redirect's. */
const SSO_ROUTE = `To log in as a person, ${SESSION_ROUTE}. For unattended jobs use a script key with @sg/auth-script.`;

/**
 * A call with `login`'s credentials (its login, or with `session` its session) redirected to the site's SSO (SAML)
 * login — @sg/transport's `SG_SSO_SESSION_EXPIRED` — explained like fault 108 (the site wants a browser login), or
 * `undefined` for any other error. A session's redirect comes after an accepted login: it names the site URL or a
 * proxy first. It keeps that code and `status`, so it is never remembered as a refusal: the redirect is no verdict
 * on the password. Synchronous and free of side effects, as the strategy's `explain` must be.
 */
export function ssoRedirect(error: SgAuthError, login: string, secrets: readonly string[], session?: boolean): SgAuthError | undefined {
  if (error.code !== SSO_SESSION_EXPIRED) return undefined;
  const redirected = new SgAuthError(
    session
      ? `${PACKAGE}: the site accepted the login '${login}' but sends calls with its session to its SSO (SAML) login`
      : `${PACKAGE}: the site redirected the call for login '${login}' to its SSO (SAML) login: it wants a browser login, which a login and password cannot give`,
    {
      code: SSO_SESSION_EXPIRED,
      hint: session
        ? `Most likely a proxy or gateway in front of the site sends API calls to SSO: check the site URL (the site itself, not an SSO portal). ${SSO_ROUTE}`
        : `The password was not checked. ${SSO_ROUTE} If the site does take legacy logins, a proxy or gateway in front of it sends API calls to SSO: check the site URL.`,
      cause: error,
      secrets,
      ...faultOf(error),
      attempts: error.attempts,
    },
  );
  return Object.assign(redirected, { status: (error as { status?: unknown }).status });
}

/**
 * Turn the site's refusal of a legacy login into an error that says what to do. The class stays the same
 * (`SgAuthError`, `SgTwoFactorRequiredError`, `SgSsoSiteError`, `SgIdentitySiteError`); `code` is one of
 * {@link LegacyErrorCode}, except for a redirect to the site's SSO (SAML) login, which keeps @sg/transport's
 * `SG_SSO_SESSION_EXPIRED` (the site wants a browser login; the password was not checked). Other errors are
 * returned unchanged.
 */
export async function explainLoginError(error: unknown, attempt: LoginAttempt, ctx: AuthContext): Promise<unknown> {
  if (!(error instanceof SgAuthError)) return error;
  // First: it carries no fault code, which would read as a wrong password below.
  const redirected = ssoRedirect(error, attempt.login, attempt.secrets);
  if (redirected) return redirected;
  const who = `'${attempt.login}'`;
  if (error instanceof SgSsoSiteError) {
    return new SgSsoSiteError(
      `${PACKAGE}: this site uses SSO, which does not accept a login and password through the API (login ${who})`,
      details(error, attempt, LegacyErrorCode.SSO_SITE, SSO_ROUTE),
    );
  }
  if (error instanceof SgIdentitySiteError) {
    return new SgIdentitySiteError(
      `${PACKAGE}: ${who} has no legacy passphrase on this Autodesk Identity site, so a login and password cannot be used`,
      details(
        error,
        attempt,
        LegacyErrorCode.NO_PASSPHRASE,
        `Log in to the site in a browser and set a passphrase under Account Settings → Legacy Login and Personal Access Token, then pass it as password. ${PAT_STEPS} ` +
          `Or, with no passphrase at all, ${SESSION_ROUTE}.`,
      ),
    );
  }
  if (error instanceof SgTwoFactorRequiredError) {
    if (attempt.codeSent) {
      return new SgTwoFactorRequiredError(
        `${PACKAGE}: the site refused the two-factor code for ${who} (wrong, already used, or expired)`,
        details(
          error,
          attempt,
          LegacyErrorCode.TWO_FACTOR_INVALID,
          "Codes are one-time and change every 30 seconds: enter the current one and check the device's clock. " +
            (attempt.codeFromAuthToken
              ? `The code was the authToken option (one login only), so calling again cannot help: ${FRESH_CODE}`
              : "The strategy asks twoFactor() at most once per login and does not loop; make the call again to retry."),
        ),
      );
    }
    const spent = attempt.authTokenSpent ? ` The authToken option was already used for an earlier login (codes are one-time): ${FRESH_CODE}` : "";
    return new SgTwoFactorRequiredError(
      `${PACKAGE}: ${who} has two-factor authentication on, and no code was available to send`,
      details(
        error,
        attempt,
        LegacyErrorCode.TWO_FACTOR_REQUIRED,
        `Pass twoFactor: async () => (await askTheUser("2FA code: ")) to legacyLoginAuth, so it can ask for a fresh code when the site needs one (at most once per login), ` +
          `or authToken: "<current code>" for the first login only.${spent}`,
      ),
    );
  }
  // The fault carries nothing but its code (102) and text: what the text says is all there is.
  const said = error.serverMessage ?? error.reason;
  if (/\block(?:ed|[ -]?out)\b/i.test(said)) {
    return new SgAuthError(
      `${PACKAGE}: the site refused the login ${who}: the account is locked (the site says: ${scrubText(said, attempt.secrets)})`,
      details(
        error,
        attempt,
        LegacyErrorCode.ACCOUNT_LOCKED,
        "Stop retrying (each attempt can prolong the lock): wait until it ends or ask a site admin to unlock the account, and check the password before the next try.",
      ),
    );
  }
  // Not a password, most likely: a script's name and key sent as a login.
  const key = attempt.passwordLooksLikeScriptKey ? " If the password is a script's application key, use scriptAuth from @sg/auth-script." : "";
  const kind = await kindOf(ctx);
  if (kind === "identity") {
    const pat = /personal access token|\bPAT\b/i.test(said);
    const revoked = pat && /revoked|deleted|expired|no longer valid|invalid/i.test(said);
    const only = `on this Autodesk Identity site a legacy login only works with a valid Personal Access Token bound to it, and`;
    return new SgAuthError(
      `${PACKAGE}: the site refused the legacy login ${who}: ${
        revoked
          ? `${only} the site says the one bound is no longer valid (revoked, deleted or expired)`
          : pat
            ? `${only} ${/\bno\b|\bnone\b|not bound|missing/i.test(said) ? "there is none" : "the site found no valid one"}`
            : "on this Autodesk Identity site that usually means no valid Personal Access Token is bound to the account (or the login or passphrase is wrong, or the account is inactive)"
      }`,
      details(
        error,
        attempt,
        LegacyErrorCode.PAT_REFUSED,
        // The site did not name the PAT: a wrong passphrase reads the same, and only the owner can bind a PAT.
        `${pat ? (revoked ? "Replace it with a new one. " : "") : "Check the login and passphrase (it is not repeated here), and that the account is active; if they are right, no valid PAT is bound. "}${PAT_STEPS} Without a passphrase or PAT, ${SESSION_ROUTE}.${key}`,
      ),
    );
  }
  return new SgAuthError(
    `${PACKAGE}: the site refused the login ${who}: the login or password is wrong, or the account is inactive`,
    details(
      error,
      attempt,
      LegacyErrorCode.BAD_PASSWORD,
      "Check the login (as shown in Account Settings, not the display name) and the password (it is not repeated here), and that the account is active. " +
        "If the site is moving to Autodesk Identity, the password is the legacy passphrase; a PAT is not required until the move is done, " +
          "but a bound one is used: one deleted from the Autodesk profile must be replaced (Account Settings → Legacy Login and Personal Access Token)." +
          key,
    ),
  );
}
