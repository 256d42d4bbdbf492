import { SgAuthError, SgError, SgFault } from "@sg/core";
import type { Client, FaultDetails } from "@sg/core";
import { PACKAGE } from "./options.js";
import { ScriptErrorCode, SgScriptActivationError, SgScriptAuthError } from "./script-errors.js";
import type { ScriptErrorCodeValue } from "./script-errors.js";

/** What {@link explainScriptFault} may mention besides the error itself. Nothing secret goes here. */
export interface ScriptFaultContext {
  /** The script name, to name it in the message. */
  readonly scriptName?: string | undefined;
  /** The `sudoAsLogin` in use, when the site's message does not name it. */
  readonly sudoAsLogin?: string | undefined;
  /**
   * Secret values to scrub from the result: every secret of the refused call, which the site's words may echo (the
   * strategy passes its key and the site URL's Basic-auth password and header value).
   */
  readonly secrets?: readonly string[] | undefined;
}

interface Diagnosis {
  readonly code: ScriptErrorCodeValue;
  readonly message: string;
  readonly hint: string;
}

const ACTIVATION_HINT =
  "Setting a HumanUser's sg_status_list to 'act' (or creating an active HumanUser, or reviving an active one) needs an admin person " +
  "logged in with their legacy login + passphrase and a valid Personal Access Token: make that one call with " +
  "legacyLoginAuth({ login, password }) from @sg/auth-legacy-pat, without sudoAsLogin (a sudo target cannot do it either). " +
  "Everything else can stay on the script.";

/**
 * The code of @sg/transport's `SSO_SESSION_EXPIRED`: the API answered with a redirect to the site's SAML login. A
 * literal, since an auth package imports only @sg/core.
 */
const SSO_SESSION_EXPIRED = "SG_SSO_SESSION_EXPIRED";

/** The hint of a script call redirected to the SSO login; also how such an error, once explained, is known again. */
const SSO_REDIRECT_HINT =
  "Check the site URL (the site itself, not an SSO portal) and any proxy or gateway that enforces SSO on /api3/json: " +
  "API calls must reach the site without a browser login. The script name and key were not checked.";

/** Whether `error` is one this module made, which it returns as it is. */
const isExplained = (error: SgError): boolean => error instanceof SgScriptAuthError || error instanceof SgScriptActivationError || error.hint === SSO_REDIRECT_HINT;

/**
 * A script call redirected to the site's SAML login (@sg/transport's `SG_SSO_SESSION_EXPIRED`), in this package's
 * words: a script key needs no SSO session, so the redirect is no verdict on the name or key. An `SgAuthError` with
 * `error`'s code, `status`, method and attempts; `error` is its cause.
 */
function ssoRedirect(error: SgError, context: ScriptFaultContext): SgError {
  const redirected = new SgAuthError(
    `${PACKAGE}: the site redirected the call of ${context.scriptName ? `script '${context.scriptName}'` : "the script"} to its SSO (SAML) login: ` +
      "something in front of the site sends API calls to SSO (a script key needs no SSO session)",
    { code: SSO_SESSION_EXPIRED, cause: error, hint: SSO_REDIRECT_HINT, secrets: context.secrets ?? [], method: error.method, attempts: error.attempts },
  );
  return Object.assign(redirected, { status: (error as { status?: unknown }).status });
}

function diagnose(error: SgError, context: ScriptFaultContext): Diagnosis | undefined {
  const server = (error as { serverMessage?: unknown }).serverMessage;
  const text = typeof server === "string" && server !== "" ? server : error.reason;
  const script = context.scriptName ? `script '${context.scriptName}'` : "the script";
  // The login the site's message quotes (its `pattern`'s group), else the one in use.
  const target = (pattern: RegExp): string => pattern.exec(text)?.[1] ?? context.sudoAsLogin ?? "(unknown login)";
  if (/cannot 'sudo'\s*-\s*inactive user/i.test(text)) {
    const login = target(/inactive user account:\s*'([^']*)'/i);
    return {
      code: ScriptErrorCode.SUDO_INACTIVE_USER,
      message: `${PACKAGE}: ${script} cannot act as '${login}' (sudoAsLogin): that HumanUser account is inactive`,
      hint:
        `Set '${login}' to Active under Admin → People, or use an active login for sudoAsLogin. ` +
        "On Autodesk Identity sites a script cannot activate people itself: that needs an admin's legacy login with a valid PAT (@sg/auth-legacy-pat).",
    };
  }
  if (/cannot 'sudo'\s*-\s*unknown or retired/i.test(text)) {
    const login = target(/unknown or retired user:\s*'([^']*)'/i);
    return {
      code: ScriptErrorCode.SUDO_UNKNOWN_USER,
      message: `${PACKAGE}: ${script} cannot act as '${login}' (sudoAsLogin): no HumanUser has that login, or the user is retired`,
      hint:
        "sudoAsLogin is the person's login as shown under Admin → People (on Autodesk Identity sites usually their email), " +
        "not their name; check its spelling. A retired user must be revived before anyone can act as them.",
    };
  }
  // The site's wording, not just the field's name: a fault about writing the field (104, "not writable through the
  // API") names it too, and is no sudo refusal.
  if (/cannot 'sudo'\s*-\s*user account has 'can_impersonate_this_user'/i.test(text)) {
    const login = target(/turned off:\s*'([^']*)'/i);
    return {
      code: ScriptErrorCode.SUDO_NOT_ALLOWED,
      message: `${PACKAGE}: ${script} cannot act as '${login}' (sudoAsLogin): that user does not allow being impersonated`,
      hint:
        `An admin can turn on 'Can impersonate this user' on the HumanUser page of '${login}' in the web UI (the field cannot be changed through the API), ` +
        "or use another login for sudoAsLogin, or drop sudoAsLogin to act as the script itself.",
    };
  }
  if (/does not have permission to 'sudo'/i.test(text)) {
    return {
      code: ScriptErrorCode.SUDO_FORBIDDEN,
      message: `${PACKAGE}: ${script} is not allowed to use sudoAsLogin`,
      hint:
        "Give the script a permission role that allows 'sudo' (Admin → Permissions, e.g. the default 'API Admin User' role), " +
        "or drop sudoAsLogin.",
    };
  }
  if (/activat\w*\s+HumanUsers?/i.test(text) || /may not activate/i.test(text)) {
    return {
      code: ScriptErrorCode.CANNOT_ACTIVATE_USER,
      message: `${PACKAGE}: ${script} may not activate HumanUsers on this Autodesk Identity site${context.sudoAsLogin ? " (not even through sudoAsLogin)" : ""}`,
      hint: ACTIVATION_HINT,
    };
  }
  // A refusal of the class itself, not of a subclass (a two-factor demand, a plugin's own): its prototype is not an
  // SgAuthError. Not `error.constructor === SgAuthError`, which another copy of @sg/core's refusal is not.
  if (error instanceof SgAuthError && !(Object.getPrototypeOf(error) instanceof SgAuthError) && (error.errorCode === 102 || error.errorCode === undefined)) {
    const name = context.scriptName ? `'${context.scriptName}'` : "(its name)";
    return {
      code: ScriptErrorCode.REJECTED,
      message: `${PACKAGE}: the site refused ${script}: the script name or application key is wrong, or the script was retired`,
      hint:
        `Under Admin → Scripts, check that a script named exactly ${name} exists and is not retired, and that scriptKey is its current ` +
        "application key (regenerating a key invalidates the old one). Script keys work the same on SSO and Autodesk Identity sites." +
        // An email is a person's login (on Identity sites logins usually are), not a script's name.
        (context.scriptName?.includes("@") ? ` ${name} looks like a person's login: a person logs in with legacyLoginAuth from @sg/auth-legacy-pat.` : ""),
    };
  }
  return undefined;
}

/**
 * Turn a fault that concerns script credentials into an error that says what to do, or return `error`
 * unchanged. Recognises: wrong name/key, the three `sudo_as_login` refusals, a script role without `sudo`, and
 * the Autodesk Identity rule that scripts may not activate HumanUsers (a permission fault, which the client
 * does not route through the auth strategy — call this, or use {@link withScriptHints}, to get its hint).
 *
 * A call redirected to the site's SSO (SAML) login (@sg/transport's `SG_SSO_SESSION_EXPIRED`) keeps its class,
 * code and `status`, with a message and hint of its own: a script key needs no SSO session, so the redirect comes
 * from something in front of the site (the site URL, a proxy or gateway enforcing SSO on API paths), not from a
 * wrong name or key. An error this function made is returned as it is.
 */
export function explainScriptFault(error: SgError, context?: ScriptFaultContext): SgError;
/** Any value: non-`SgError`s and unrecognised errors are returned unchanged. */
export function explainScriptFault(error: unknown, context?: ScriptFaultContext): unknown;
export function explainScriptFault(error: unknown, context: ScriptFaultContext = {}): unknown {
  if (!(error instanceof SgError) || isExplained(error)) return error;
  // Before the diagnosis: this refusal carries no fault code either, which reads as a wrong key there.
  if (error.code === SSO_SESSION_EXPIRED) return ssoRedirect(error, context);
  const found = diagnose(error, context);
  if (!found) return error;
  const server = (error as { serverMessage?: unknown }).serverMessage;
  const errorCode = (error as { errorCode?: unknown }).errorCode;
  const options: FaultDetails = {
    cause: error,
    hint: found.hint,
    secrets: context.secrets ?? [],
    method: error.method,
    attempts: error.attempts,
    errorCode: typeof errorCode === "number" ? errorCode : undefined,
    serverMessage: typeof server === "string" ? server : undefined,
  };
  if (found.code === ScriptErrorCode.CANNOT_ACTIVATE_USER) return new SgScriptActivationError(found.message, options);
  if (error instanceof SgAuthError || error instanceof SgFault) return new SgScriptAuthError(found.message, { ...options, code: found.code });
  return error;
}

/** The actionable hint for a script-related fault, or `undefined` when the error is not one. */
export function scriptAuthHint(error: unknown, context?: ScriptFaultContext): string | undefined {
  if (error instanceof SgError && isExplained(error)) return error.hint;
  const explained = explainScriptFault(error, context);
  return explained === error ? undefined : (explained as SgError).hint;
}

/**
 * The same client, whose `call` rejects with {@link explainScriptFault}'s explanation. Use it when the
 * script may run into the Identity activation rule (a permission fault the auth strategy never sees).
 */
export function withScriptHints(client: Client, context?: ScriptFaultContext): Client {
  const wrapped: Client = {
    ...client,
    async call<T = unknown>(method: string, payload?: unknown, options?: Parameters<Client["call"]>[2]): Promise<T> {
      try {
        return await client.call<T>(method, payload, options);
      } catch (error) {
        throw explainScriptFault(error, context);
      }
    },
  };
  Object.defineProperty(wrapped, Symbol.for("nodejs.util.inspect.custom"), {
    enumerable: false,
    value: (): string => `SgClient { site: '${client.site.href}', auth: ${client.auth ? `'${client.auth.name}'` : "none"}, with script hints }`,
  });
  return Object.freeze(wrapped);
}
