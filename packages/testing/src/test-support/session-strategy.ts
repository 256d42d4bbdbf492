import { SgAbortError, SgAuthError, SgValidationError, describeValue, onAbort, type AuthContext, type AuthStrategy, type Credentials } from "@sg/core";

/** Deliberate bugs, each of which one conformance check must catch. */
export interface Flaws {
  /** Check options in credentials() instead of the factory. */
  readonly lazyValidation?: boolean;
  /** Throw a TypeError instead of an SgValidationError. */
  readonly plainValidationError?: boolean;
  /** Prefix validation messages with another name. */
  readonly wrongPrefix?: boolean;
  /** Log in on every call. */
  readonly loginEveryCall?: boolean;
  /** Cache the session, but let concurrent first calls each log in. */
  readonly noSingleFlight?: boolean;
  /** Hand out a fresh credentials object per call and refresh on every rejection. */
  readonly refreshEveryRejection?: boolean;
  /**
   * Hand out a fresh credentials object per call (so the client cannot tell two refusals are of the same
   * session), share a login in flight with every refusal, but start a new one for a refusal that arrives after
   * it finished (not noticing that the refused session was already replaced).
   */
  readonly refreshLateRejections?: boolean;
  /** Have no onRejected(). */
  readonly noRefresh?: boolean;
  /** Have an explain that is not a function. */
  readonly explainNotFunction?: boolean;
  /** Put the key in the error thrown when the login fails. */
  readonly keyInLoginError?: boolean;
  /** Throw a plain Error (no secret in it) when the login fails. */
  readonly plainLoginError?: boolean;
  /** Retry a failed login until it succeeds (a loop a refused password must not cause). */
  readonly retryFailedLogin?: boolean;
  /** Never settle the login when it fails (the calls waiting for it hang). */
  readonly loginNeverSettlesOnFailure?: boolean;
  /** Not a flaw: right after logging in, read once with the new session (a login of two requests). */
  readonly readAfterLogin?: boolean;
  /** Stop the login when the client closes (AuthContext.signal), but keep the stopped login cached. */
  readonly stoppedLoginCached?: boolean;
  /** Log the key. */
  readonly keyInLog?: boolean;
  /** Keep the options on the strategy object. */
  readonly optionsOnStrategy?: boolean;
  /** Send the key inside the script name when logging in (the site's request log then shows it). */
  readonly keyInScriptName?: boolean;
}

/** Options of {@link sessionViaScript}. */
export interface SessionViaScriptOptions {
  readonly scriptName: string;
  readonly scriptKey: string;
}

/** The name the correct strategy validates with. */
export const SESSION_STRATEGY_NAME = "@test/session-via-script";

/**
 * A session strategy: logs a script in once with `get_session_token`, then sends the session token; when the
 * session is refused, logs in again once for every concurrent caller. `flaws` turns on deliberate bugs.
 */
export function sessionViaScript(options: SessionViaScriptOptions, flaws: Flaws = {}): AuthStrategy {
  const prefix = flaws.wrongPrefix ? "session-strategy" : SESSION_STRATEGY_NAME;
  const validate = (): void => {
    for (const field of ["scriptName", "scriptKey"] as const) {
      const value = (options as Partial<SessionViaScriptOptions> | undefined)?.[field];
      if (typeof value !== "string" || value === "") {
        if (flaws.plainValidationError) throw new TypeError(`${prefix}: ${field} must be a non-empty string`);
        throw new SgValidationError(prefix, { path: [field], expected: "a non-empty string", received: describeValue(value, field === "scriptKey") });
      }
    }
  };
  if (!flaws.lazyValidation) validate();
  const { scriptName, scriptKey } = options ?? ({} as SessionViaScriptOptions);

  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;

  const login = async (context: AuthContext): Promise<Credentials> => {
    if (flaws.keyInLog) context.logger.debug("logging in", { script: scriptName, key: scriptKey });
    const name = flaws.keyInScriptName ? `${scriptName}#${scriptKey}` : scriptName;
    let result: unknown;
    try {
      const login = context.call("get_session_token", undefined, { kind: "script", scriptName: name, scriptKey });
      result = await (flaws.stoppedLoginCached && context.signal ? Promise.race([login, new Promise<never>((_, reject) => onAbort(context.signal!, () => reject(new SgAbortError(`${prefix}: login stopped by close()`))))]) : login);
    } catch (error) {
      if (flaws.retryFailedLogin) return login(context);
      if (flaws.loginNeverSettlesOnFailure) return new Promise<Credentials>(() => undefined);
      if (flaws.plainLoginError) throw new Error(`${prefix}: login failed`);
      if (flaws.keyInLoginError) throw new Error(`${prefix}: login of ${scriptName} with key ${scriptKey} failed`);
      throw new SgAuthError(`${prefix}: could not log script '${scriptName}' in`, { cause: error, secrets: [scriptKey], code: "TEST_LOGIN_FAILED" });
    }
    const token = (result as { session_id?: unknown } | null)?.session_id;
    if (typeof token !== "string" || token === "") throw new SgAuthError(`${prefix}: get_session_token answered without a session_id`);
    const session: Credentials = Object.freeze({ kind: "session", sessionToken: token });
    if (flaws.readAfterLogin) await context.call("read", { type: "Project", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 } }, session);
    return session;
  };

  const shared = (context: AuthContext): Promise<Credentials> => {
    pending ??= login(context).then(
      (credentials) => {
        current = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        if (!flaws.stoppedLoginCached) pending = undefined;
        throw error;
      },
    );
    return pending;
  };

  const strategy: AuthStrategy & { options?: SessionViaScriptOptions } = {
    name: prefix,
    async credentials(context: AuthContext): Promise<Credentials> {
      if (flaws.lazyValidation) validate();
      if (flaws.loginEveryCall) return login(context);
      if (flaws.noSingleFlight) {
        current ??= await login(context);
        return current;
      }
      const credentials = current ?? (await shared(context));
      return flaws.refreshEveryRejection || flaws.refreshLateRejections ? { ...credentials } : credentials;
    },
    ...(flaws.noRefresh
      ? {}
      : {
          async onRejected(_error, rejected: Credentials, context: AuthContext): Promise<Credentials | undefined> {
            if (flaws.refreshEveryRejection) {
              current = await login(context);
              return current;
            }
            if (flaws.refreshLateRejections) {
              if (pending) return pending;
              current = undefined;
              return shared(context);
            }
            // Another caller already refreshed: use its result.
            if (current && rejected.kind === "session" && current.kind === "session" && current.sessionToken !== rejected.sessionToken) return current;
            current = undefined;
            return shared(context);
          },
        }),
  };
  if (flaws.optionsOnStrategy) strategy.options = options;
  if (flaws.explainNotFunction) (strategy as { explain?: unknown }).explain = "the site refused";
  return strategy;
}
