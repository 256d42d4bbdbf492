/** The stable `code` of every diagnostic this package produces. */
export const LegacyErrorCode = {
  /** Default (or LDAP) site: the login or password is wrong, or the account is inactive (fault 102). */
  BAD_PASSWORD: "SG_LEGACY_BAD_PASSWORD",
  /** Autodesk Identity site: the legacy login was refused, most likely because no valid PAT is bound (fault 102). */
  PAT_REFUSED: "SG_LEGACY_PAT_REFUSED",
  /** Autodesk Identity site: the account has no legacy passphrase (fault 110). */
  NO_PASSPHRASE: "SG_LEGACY_NO_PASSPHRASE",
  /** SSO site: login + password is not accepted at all (fault 108). */
  SSO_SITE: "SG_LEGACY_SSO_SITE",
  /** The site says the account is locked (fault 102 whose text says "locked"), e.g. after too many failed logins. */
  ACCOUNT_LOCKED: "SG_LEGACY_ACCOUNT_LOCKED",
  /** The site wants a two-factor code and none could be supplied (fault 106). */
  TWO_FACTOR_REQUIRED: "SG_LEGACY_2FA_REQUIRED",
  /** The two-factor code sent was refused (fault 106 after a code). */
  TWO_FACTOR_INVALID: "SG_LEGACY_2FA_INVALID",
  /**
   * `twoFactor()` gave no code: an empty string, only spaces, or not a string (`SgTwoFactorRequiredError`; nothing
   * was sent with it). Not remembered: the next call asks again.
   */
  TWO_FACTOR_EMPTY: "SG_LEGACY_2FA_EMPTY",
  /** `get_session_token` answered without a `session_id`. */
  LOGIN_FAILED: "SG_LEGACY_LOGIN_FAILED",
  /** `sudoAsLogin` names an inactive HumanUser (fault 102, "Cannot 'sudo' - inactive user account"). */
  SUDO_INACTIVE_USER: "SG_LEGACY_SUDO_INACTIVE_USER",
  /** `sudoAsLogin` names no HumanUser, or a retired one (fault 102). */
  SUDO_UNKNOWN_USER: "SG_LEGACY_SUDO_UNKNOWN_USER",
  /** The `sudoAsLogin` target has `can_impersonate_this_user` turned off (fault 102). */
  SUDO_NOT_ALLOWED: "SG_LEGACY_SUDO_NOT_ALLOWED",
  /** The login's permission role does not allow 'sudo' (a permission fault: see {@link explainSudoFault}). */
  SUDO_FORBIDDEN: "SG_LEGACY_SUDO_FORBIDDEN",
} as const;

/** One of the values of {@link LegacyErrorCode}. */
export type LegacyErrorCodeValue = (typeof LegacyErrorCode)[keyof typeof LegacyErrorCode];

/** How to bind a PAT, word for word the same in every message and in the README. */
export const PAT_STEPS: string =
  "Bind a Personal Access Token (only the account's owner can do this, not an admin): " +
  "1. in your Autodesk profile open Personal Access Tokens → Generate, with the ShotGrid scope, and copy the token (it is shown once); " +
  "2. on the site open Account Settings → Legacy Login and Personal Access Token, paste it, and set a passphrase if there is none. " +
  "Use that legacy login and passphrase here (never the Autodesk password). " +
  "Note: a PAT deleted from the Autodesk profile keeps working for about an hour after it was last exchanged, so this refusal can appear up to an hour after the deletion.";

/** The password-free ways in, for people on SSO or Identity sites. */
export const SESSION_ROUTE: string =
  "use @sg/auth-session instead: browserLogin({ site, appName }) to approve the login in a browser, or sessionAuth({ sessionToken }) with the _session_id cookie of a browser tab logged in to the site";
