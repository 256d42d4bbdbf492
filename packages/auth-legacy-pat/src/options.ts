import { SgValidationError, describeValue, checkOptionsObject } from "@sg/core";

/** The package name, used as the prefix of every message this package writes. */
export const PACKAGE = "@sg/auth-legacy-pat";

/** Options of {@link legacyLoginAuth}. */
export interface LegacyLoginOptions {
  /** The ShotGrid login ("legacy login" on Autodesk Identity sites), as shown in Account Settings. */
  readonly login: string;
  /** The password, or on Autodesk Identity sites the legacy passphrase set in Account Settings (never the Autodesk password). Secret. */
  readonly password: string;
  /** A current two-factor code, used for the first login only (codes are one-time). Secret. */
  readonly authToken?: string;
  /** Asked for a fresh two-factor code when the site requires one (fault 106): at most once per login, never in a loop. */
  readonly twoFactor?: () => Promise<string>;
  /**
   * Exchange the login for a session token right away (`get_session_token`) and use the session, so the
   * passphrase is not sent on every call. Default `true`. With `false` the login and passphrase go with every
   * call, until the site asks for a two-factor code: a code is one-time, so the strategy then switches to a
   * session anyway.
   */
  readonly keepSession?: boolean;
}

const KNOWN = new Set(["login", "password", "authToken", "twoFactor", "keepSession"]);
const ALIASES: Readonly<Record<string, string>> = {
  user_login: "login",
  userLogin: "login",
  username: "login",
  user: "login",
  user_password: "password",
  userPassword: "password",
  passphrase: "password",
  auth_token: "authToken",
  twoFactorCode: "authToken",
  otp: "authToken",
  code: "authToken",
  keep_session: "keepSession",
  sessionToken: "sessionAuth() from @sg/auth-session",
};

/** Validate {@link LegacyLoginOptions} synchronously. Throws {@link SgValidationError}; never echoes a password or code. */
export function validateLegacyOptions(options: unknown): LegacyLoginOptions {
  const o = checkOptionsObject(PACKAGE, options, { factory: "legacyLoginAuth", expected: "an object { login, password, authToken? | twoFactor?, keepSession? }", known: [...KNOWN], aliases: ALIASES, secret: ["password", "authToken"] });
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
      received: describeValue(password, typeof password === "string"),
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
  const authToken = o["authToken"];
  if (authToken !== undefined && (typeof authToken !== "string" || !/^\S+$/.test(authToken))) {
    throw new SgValidationError(PACKAGE, {
      path: ["authToken"],
      expected: "the current two-factor code as a string without spaces, or undefined",
      received: describeValue(authToken, typeof authToken === "string"),
      ...(typeof authToken === "string" ? { secrets: [authToken] } : {}),
    });
  }
  const twoFactor = o["twoFactor"];
  if (twoFactor !== undefined && typeof twoFactor !== "function") {
    throw new SgValidationError(PACKAGE, { path: ["twoFactor"], expected: "a function returning a Promise of the current code, or undefined", received: describeValue(twoFactor, typeof twoFactor === "string"), hint: "A fixed code goes in authToken; twoFactor is a function that asks for a fresh one." });
  }
  const keepSession = o["keepSession"];
  if (keepSession !== undefined && typeof keepSession !== "boolean") {
    throw new SgValidationError(PACKAGE, { path: ["keepSession"], expected: "a boolean, or undefined (default true)", received: describeValue(keepSession, typeof keepSession === "string") });
  }
  return Object.freeze({
    login,
    password,
    ...(authToken === undefined ? {} : { authToken }),
    ...(twoFactor === undefined ? {} : { twoFactor: twoFactor as () => Promise<string> }),
    keepSession: keepSession !== false,
  });
}
