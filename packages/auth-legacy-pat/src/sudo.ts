import { SgAuthError, SgFault } from "@sg/core";
import type { CallOptions, Client } from "@sg/core";
import { LegacyErrorCode } from "./login-errors.js";
import type { LegacyErrorCodeValue } from "./login-errors.js";
import { PACKAGE } from "./options.js";
// The twin of @sg/auth-session's sudo.ts, with this package's codes and wording: an auth package may import only
// @sg/core, which has no sudo diagnosis. A change to how the site's refusals are read belongs in both.

/** What {@link explainSudoFault} may name besides the error itself. Nothing secret goes here except `secrets`, which are scrubbed. */
export interface SudoContext {
  /** The login that asked to act as someone else, to name it in the message. */
  readonly login?: string | undefined;
  /** The `sudoAsLogin` in use; else the login the site's message quotes last. */
  readonly sudoAsLogin?: string | undefined;
  /** Secret values to scrub from the result (the strategy passes its password and session). */
  readonly secrets?: readonly string[] | undefined;
}

/** One refusal of `sudo_as_login`: how the site words it, its code, what it means, and what to do about the target. */
type SudoRefusal = readonly [pattern: RegExp, code: LegacyErrorCodeValue, meaning: string, hint: (target: string) => string];

/** The refusals of the target itself: authentication faults (102), which reach the strategy's `onRejected`. */
const TARGET_REFUSALS: readonly SudoRefusal[] = [
  [
    /cannot 'sudo'\W+inactive/i,
    LegacyErrorCode.SUDO_INACTIVE_USER,
    "that HumanUser account is inactive",
    (target) => `Activate '${target}' under Admin → People, or use another login (on Autodesk Identity sites, activating takes an admin's own login with a valid PAT, without sudoAsLogin).`,
  ],
  [
    /cannot 'sudo'\W+unknown or retired/i,
    LegacyErrorCode.SUDO_UNKNOWN_USER,
    "no HumanUser has that login, or the user is retired",
    () => "Use the login shown under Admin → People (on Autodesk Identity sites often the email), not the name; revive a retired user first.",
  ],
  [
    // The site's wording, not just the field's name: a fault about writing the field (104, "not writable through
    // the API") names it too, and is no sudo refusal.
    /cannot 'sudo'\W+user account has 'can_impersonate_this_user'/i,
    LegacyErrorCode.SUDO_NOT_ALLOWED,
    "that user does not allow being impersonated",
    (target) => `An admin can turn on 'Can impersonate this user' for '${target}' in the web UI (not through the API), or use another login.`,
  ],
];

/** The refusal of the login's own right to sudo: a permission fault, which the client does not route through the strategy. */
const FORBIDDEN: SudoRefusal = [
  /permission to 'sudo'/i,
  // The code as a literal: a property read would keep this unused constant in the strategy's bundles.
  "SG_LEGACY_SUDO_FORBIDDEN",
  "its permission role does not allow 'sudo'",
  () => "Only a permission role that allows 'sudo' (Admin → Permissions; the Admin role does) may act as another user: ask an admin for one, or drop sudoAsLogin.",
];

/** `error` explained when the site's message is one of `refusals`; otherwise `undefined`. */
function explain(error: SgAuthError | SgFault, refusals: readonly SudoRefusal[], context: SudoContext): SgAuthError | undefined {
  const said = error.serverMessage ?? error.reason;
  const found = refusals.find(([pattern]) => pattern.test(said));
  if (!found) return undefined;
  const target = context.sudoAsLogin ?? /'([^']*)'\W*$/.exec(said)?.[1] ?? "(unknown login)";
  return new SgAuthError(`${PACKAGE}: ${context.login ? `'${context.login}'` : "the user"} cannot act as '${target}' (sudoAsLogin): ${found[2]}`, {
    code: found[1],
    hint: found[3](target),
    cause: error,
    secrets: context.secrets,
    method: error.method,
    attempts: error.attempts,
    errorCode: error.errorCode,
    serverMessage: error.serverMessage,
  });
}

/** The strategy's explanation of a refusal of its `sudoAsLogin` target (fault 102), or `undefined` for any other refusal. */
export const targetRefusal = (error: SgAuthError, context: SudoContext): SgAuthError | undefined => explain(error, TARGET_REFUSALS, context);

/**
 * Turn a refusal of `sudo_as_login` into an `SgAuthError` whose `code` (`SG_LEGACY_SUDO_*`) and hint say what to
 * do, or return `error` unchanged. {@link legacyLoginAuth} already does this for the refusals of the target
 * (inactive, unknown or retired, not impersonable: authentication faults); the refusal of the login's own
 * right to sudo ("The user does not have permission to 'sudo'") is a permission fault, which `client.call`
 * rejects with as a plain `SgFault`: explain it here, or through {@link withSudoHints}.
 */
export function explainSudoFault(error: SgAuthError | SgFault, context?: SudoContext): SgAuthError | SgFault;
/** Any value: anything but an unexplained sudo refusal is returned unchanged. */
export function explainSudoFault(error: unknown, context?: SudoContext): unknown;
export function explainSudoFault(error: unknown, context: SudoContext = {}): unknown {
  if (!(error instanceof SgAuthError || error instanceof SgFault) || error.code.startsWith("SG_LEGACY_SUDO_")) return error;
  return explain(error, [...TARGET_REFUSALS, FORBIDDEN], context) ?? error;
}

/**
 * The same client, whose `call` rejects with {@link explainSudoFault}'s explanation: use it with `sudoAsLogin`,
 * so that a login whose role may not sudo gets `SG_LEGACY_SUDO_FORBIDDEN` from `call` too.
 */
export function withSudoHints(client: Client, context?: SudoContext): Client {
  const call = <T>(method: string, payload?: unknown, options?: CallOptions): Promise<T> =>
    client.call<T>(method, payload, options).catch((error: unknown) => Promise.reject(explainSudoFault(error, context)));
  const wrapped: Client = { ...client, call };
  Object.defineProperty(wrapped, Symbol.for("nodejs.util.inspect.custom"), { value: () => `SgClient { site: '${client.site.href}', auth: '${PACKAGE}', with sudo hints }` });
  return Object.freeze(wrapped);
}
