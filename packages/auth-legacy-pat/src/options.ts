import { SgValidationError, describeValue, checkOptionsObject } from "@sg/core";
import { PAT_STEPS } from "./login-errors.js";

/** The package name, used as the prefix of every message this package writes. */
export const PACKAGE = "@sg/auth-legacy-pat";

/** What {@link LegacyLoginOptions.twoFactor} is given. */
export interface TwoFactorPrompt {
  /**
   * Aborts when every client waiting for this login has been closed (`sg.close()`): dismiss the prompt then. The
   * code returned after that is not used, and the next call asks again.
   */
  readonly signal: AbortSignal;
}

/** Options of {@link legacyLoginAuth}. */
export interface LegacyLoginOptions {
  /** The ShotGrid login ("legacy login" on Autodesk Identity sites), as shown in Account Settings. */
  readonly login: string;
  /** The password, or on Autodesk Identity sites the legacy passphrase set in Account Settings (never the Autodesk password). Secret. */
  readonly password: string;
  /**
   * A current two-factor code, used for the first login only (codes are one-time). Spaces in it are removed ("123 456",
   * as authenticator apps show it, is sent as "123456"); a code that is empty after that is refused. Secret.
   */
  readonly authToken?: string | undefined;
  /**
   * Asked for a fresh two-factor code when the site requires one (fault 106): at most once per login, never in a
   * loop. Returns the code, or a Promise of it; spaces in it are removed ("123 456", as authenticator apps show it,
   * is sent as "123456"), and an empty one fails the login with `SG_LEGACY_2FA_EMPTY`. Its `signal` aborts when
   * every client waiting for the login has been closed: a prompt that listens can close itself.
   *
   * It runs inside the login, so it must not make calls that need credentials on the same client (or another client
   * sharing this strategy for the site): they wait for this very login, which waits for the prompt, and nothing moves
   * until that call's deadline (default 5 min) ends it with `SgTimeoutError` "still waiting for credentials". Use
   * `info()`, which needs no credentials, or another client with its own credentials.
   */
  readonly twoFactor?: ((prompt: TwoFactorPrompt) => string | PromiseLike<string>) | undefined;
  /**
   * Exchange the login for a session token right away (`get_session_token`) and use the session, so the
   * passphrase is not sent on every call. Default `true`. With `false` the login and passphrase go with every
   * call, until a site asks for a two-factor code: a code is one-time, so the strategy then switches that site to a
   * session anyway (the other sites it serves keep sending the login).
   */
  readonly keepSession?: boolean | undefined;
  /**
   * How long, in milliseconds, to keep answering with the same error after the site refused the login for
   * a reason that will not change by itself (wrong password or passphrase, unknown, inactive or locked account, no
   * PAT bound on an Identity site, no passphrase, SSO site, a two-factor code needed and no way to get one).
   * During that time no login is sent, so a long-running job cannot trip an account-lockout policy; then
   * one new attempt is allowed. Network errors, timeouts and HTTP errors (5xx, maintenance) are never
   * remembered. Default `60000`; `0` turns it off; `Infinity` never tries again with this strategy.
   */
  readonly retryRefusedLoginAfterMs?: number | undefined;
  /**
   * Act with the permissions of this HumanUser login (`sudo_as_login`), sent with every call: the session's
   * calls, or with `keepSession: false` each login. The login's own permission role must allow 'sudo' (admins'
   * does), and the target must be active and allow being impersonated. Not sent with `get_session_token`: the
   * session stays the person's own.
   */
  readonly sudoAsLogin?: string | undefined;
}

/** {@link LegacyLoginOptions} after validation, with the defaults filled in. */
export interface ValidLegacyLoginOptions extends LegacyLoginOptions {
  /** {@link LegacyLoginOptions.keepSession}, `true` unless `false` was given. */
  readonly keepSession: boolean;
  /** {@link LegacyLoginOptions.retryRefusedLoginAfterMs}, `60000` unless given. */
  readonly retryRefusedLoginAfterMs: number;
}

const KNOWN = new Set(["login", "password", "authToken", "twoFactor", "keepSession", "retryRefusedLoginAfterMs", "sudoAsLogin"]);
/** Names people give the options (Python's, other clients'), mapped to the option to use instead. */
export const ALIASES: Readonly<Record<string, string>> = {
  user_login: "login",
  userLogin: "login",
  username: "login",
  user: "login",
  user_password: "password",
  pwd: "password",
  userPassword: "password",
  passphrase: "password",
  auth_token: "authToken",
  twoFactorCode: "authToken",
  otp: "authToken",
  code: "authToken",
  keep_session: "keepSession",
  sudo_as_login: "sudoAsLogin",
  sudo: "sudoAsLogin",
  sessionToken: "sessionAuth() from @sg/auth-session",
};

/** Option names under which people pass the Personal Access Token itself, which is never sent by a client. */
const PAT_OPTION = /^(pat|personal_?access_?token)$/i;

/** Refuse a PAT passed as an option: say where the PAT goes instead, and never echo it. */
export function refusePatOption(options: unknown): void {
  if (options === null || typeof options !== "object") return;
  const key = Object.keys(options).find((name) => PAT_OPTION.test(name));
  if (key === undefined) return;
  throw new SgValidationError(PACKAGE, {
    path: [key],
    expected: "no such option: an API client never sends the Personal Access Token itself",
    received: describeValue((options as Record<string, unknown>)[key], true),
    hint: `The site exchanges the PAT with Autodesk Identity on its own once it is bound to the account. ${PAT_STEPS} Then pass login (the legacy login) and password (the legacy passphrase).`,
  });
}

/** Validate {@link LegacyLoginOptions} synchronously. Throws {@link SgValidationError}; never echoes a password, code or PAT. */
export function validateLegacyOptions(options: unknown): ValidLegacyLoginOptions {
  refusePatOption(options);
  const o = checkOptionsObject(PACKAGE, options, { factory: "legacyLoginAuth", expected: "an object { login, password, authToken? | twoFactor?, keepSession?, retryRefusedLoginAfterMs?, sudoAsLogin? }", known: [...KNOWN], aliases: ALIASES, secret: ["password", "authToken"] });
  const login = o["login"];
  if (typeof login !== "string" || login.trim() === "" || login !== login.trim()) {
    throw new SgValidationError(PACKAGE, {
      path: ["login"],
      expected: "the ShotGrid login as shown in Account Settings (a non-empty string without surrounding spaces)",
      received: describeValue(login),
    });
  }
  const password = o["password"];
  if (typeof password !== "string" || password === "") {
    throw new SgValidationError(PACKAGE, {
      path: ["password"],
      expected: "the password or legacy passphrase (a non-empty string)",
      received: describeValue(password, true),
      hint: "On Autodesk Identity sites this is the legacy passphrase set under Account Settings → Legacy Login and Personal Access Token, not the Autodesk password.",
    });
  }
  if (/[\r\n]$/.test(password)) {
    throw new SgValidationError(PACKAGE, {
      path: ["password"],
      expected: "a passphrase without a trailing line break",
      received: "a string ending in a line break",
      hint: "It was probably read from a file or a prompt with its newline; trim the end.",
      secrets: [password],
    });
  }
  const given = o["authToken"];
  // Authenticator apps show the code as "123 456": its spaces are not part of it (as with twoFactor()'s answer).
  const authToken = typeof given === "string" ? given.replace(/\s+/g, "") : given;
  if (authToken !== undefined && (typeof authToken !== "string" || authToken === "")) {
    throw new SgValidationError(PACKAGE, {
      path: ["authToken"],
      expected: "the current two-factor code as a non-empty string (spaces are removed), or undefined",
      received: describeValue(given, true),
      ...(typeof given === "string" ? { secrets: [given] } : {}),
    });
  }
  const twoFactor = o["twoFactor"];
  if (twoFactor !== undefined && typeof twoFactor !== "function") {
    throw new SgValidationError(PACKAGE, { path: ["twoFactor"], expected: "a function returning the current code (or a Promise of it), or undefined", received: describeValue(twoFactor, true), hint: "A fixed code goes in authToken; twoFactor is a function that asks for a fresh one." });
  }
  const keepSession = o["keepSession"];
  if (keepSession !== undefined && typeof keepSession !== "boolean") {
    throw new SgValidationError(PACKAGE, { path: ["keepSession"], expected: "a boolean, or undefined (default true)", received: describeValue(keepSession, typeof keepSession === "string") });
  }
  const retry = o["retryRefusedLoginAfterMs"];
  if (retry !== undefined && !(typeof retry === "number" && retry >= 0 && (Number.isSafeInteger(retry) || retry === Infinity))) {
    throw new SgValidationError(PACKAGE, { path: ["retryRefusedLoginAfterMs"], expected: "whole milliseconds >= 0 (0 = off), or Infinity", received: describeValue(retry) });
  }
  const sudoAsLogin = o["sudoAsLogin"];
  if (sudoAsLogin !== undefined && (typeof sudoAsLogin !== "string" || sudoAsLogin.trim() === "" || sudoAsLogin !== sudoAsLogin.trim())) {
    throw new SgValidationError(PACKAGE, { path: ["sudoAsLogin"], expected: "a HumanUser login (a non-empty string without surrounding spaces), or undefined", received: describeValue(sudoAsLogin) });
  }
  return Object.freeze({
    login,
    password,
    ...(sudoAsLogin === undefined ? {} : { sudoAsLogin }),
    ...(authToken === undefined ? {} : { authToken }),
    ...(twoFactor === undefined ? {} : { twoFactor: twoFactor as (prompt: TwoFactorPrompt) => string | PromiseLike<string> }),
    keepSession: keepSession !== false,
    retryRefusedLoginAfterMs: retry ?? 60_000,
  });
}
