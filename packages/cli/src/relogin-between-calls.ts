/**
 * A login again in the middle of a command (the site refused the session: it expired), taken out of the refused
 * call's deadline when a person may be asked for a two-factor code. The core waits for the auth strategy's
 * `onRejected` inside the call, its deadline running; a person looking for their phone would then see the call time
 * out as they typed a good code. So the strategy's `onRejected` is not run there: the call ends at once with
 * {@link ReloginDue}, and {@link loginFirst} (`./login-first.ts`) runs it between calls, then sends the call again
 * with its whole deadline.
 *
 * @packageDocumentation
 */
import type { AuthContext, AuthStrategy, Credentials, SgAuthError, SgError } from "@sg/core";

/**
 * The site refused the credentials of a call, and the login again that the strategy would do (its `onRejected`) is
 * left to the caller, outside the call's deadline. Never shown: {@link loginFirst} turns it into the login's error,
 * the re-sent call's outcome, or the refusal as the strategy explains it. Calls refused together get the same one,
 * and share its one {@link ReloginDue.relogin}.
 */
export class ReloginDue extends Error {
  /** The site's refusal. */
  readonly refusal: SgAuthError;
  readonly #rejected: Credentials;
  readonly #context: AuthContext;
  readonly #strategy: AuthStrategy;
  #relogin: Promise<Credentials | undefined> | undefined;

  /**
   * @param refusal - the site's refusal of `rejected`.
   * @param rejected - the credentials the refused call carried.
   * @param context - the client's context, as the core gave it to `onRejected`.
   * @param strategy - the strategy whose `onRejected` and `explain` are deferred.
   */
  constructor(refusal: SgAuthError, rejected: Credentials, context: AuthContext, strategy: AuthStrategy) {
    super(refusal.message);
    this.name = "ReloginDue";
    this.refusal = refusal;
    this.#rejected = rejected;
    this.#context = context;
    this.#strategy = strategy;
  }

  /**
   * The strategy's `onRejected`, once for every caller of this refusal: fresh credentials, or undefined when it gave
   * up. Its own requests (the login) keep the client's limits; the wait for a person (a prompt) has none.
   */
  relogin(): Promise<Credentials | undefined> {
    this.#relogin ??= Promise.resolve().then(() => this.#strategy.onRejected?.(this.refusal, this.#rejected, this.#context));
    return this.#relogin;
  }

  /** What the core throws for a refusal it will not act on: the strategy's explanation of it, else the refusal itself. */
  explained(): SgError {
    return this.#strategy.explain?.(this.refusal, this.#rejected) ?? this.refusal;
  }
}

/**
 * `strategy`, whose `onRejected` is deferred to the caller: it throws {@link ReloginDue} instead of logging in
 * again inside the refused call. Everything else is the strategy's own.
 *
 * @param strategy - the auth strategy that may ask a person for a code when it logs in again.
 */
export function reloginBetweenCalls(strategy: AuthStrategy): AuthStrategy {
  const deferred: AuthStrategy = {
    name: strategy.name,
    credentials: (context) => strategy.credentials(context),
    ...(strategy.explain ? { explain: (error: SgAuthError, rejected: Credentials) => strategy.explain?.(error, rejected) } : {}),
  };
  if (!strategy.onRejected) return deferred;
  return {
    ...deferred,
    onRejected: (error, rejected, context) => Promise.reject(new ReloginDue(error, rejected, context, strategy)),
  };
}
