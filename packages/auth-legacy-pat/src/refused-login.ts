import { SgAuthError } from "@sg/core";
import type { FaultDetails } from "@sg/core";
import { faultOf } from "./explain-login.js";
import { LegacyErrorCode } from "./login-errors.js";

/**
 * The diagnoses that mean the site refused this login for a reason that will not change before someone
 * acts. Not here: a wrong two-factor code (each new login asks `twoFactor()` for a fresh one),
 * `SG_LEGACY_LOGIN_FAILED` (the site accepted the login) and `SG_LEGACY_2FA_EMPTY` (`twoFactor()` gave nothing to send).
 */
const LASTING: ReadonlySet<string> = new Set([
  LegacyErrorCode.BAD_PASSWORD,
  LegacyErrorCode.ACCOUNT_LOCKED,
  LegacyErrorCode.PAT_REFUSED,
  LegacyErrorCode.NO_PASSPHRASE,
  LegacyErrorCode.SSO_SITE,
  LegacyErrorCode.TWO_FACTOR_REQUIRED,
]);

/** Whether `error`, as `explainLoginError` made it, is a refusal to remember. */
export const isLastingRefusal = (error: unknown): error is SgAuthError => error instanceof SgAuthError && LASTING.has(error.code);

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The remembered refusal `first` again, for a call that sent nothing: same class and `code`; the message
 * says when the site refused and when the next attempt is allowed; `attempts` is empty; `cause` is `first`.
 * A cool-down over 1e15 ms (about 31,700 years; `Infinity` too) names none: it is never in practice, and the
 * refusal's time plus `Number.MAX_SAFE_INTEGER` is past the last time a `Date` holds (`toISOString` throws).
 */
export function refusedEarlier(first: SgAuthError, at: number, until: number): SgAuthError {
  const Same = first.constructor as new (message: string, options: FaultDetails) => SgAuthError;
  return new Same(
    `${first.reason} (refused at ${iso(at)}; no new login sent, to avoid a lockout; ${until - at > 1e15 ? "none will be" : `next attempt from ${iso(until)}`})`,
    {
      ...faultOf(first),
      code: first.code,
      hint: `${first.hint ?? ""} This strategy repeats it without asking the site until the next attempt; a new legacyLoginAuth() tries at once.`.trimStart(),
      cause: first,
    },
  );
}
