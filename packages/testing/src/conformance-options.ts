import type { AuthStrategy } from "@sg/core";
import type { EmulatorHandle, EmulatorOptions, SiteCard } from "@sg/emulator";

/** The running emulator a strategy under test talks to. */
export interface ConformanceEnv {
  /** Base URL of the emulated site, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /**
   * The site card: scripts with their keys, users with their passwords and whether they have 2FA (`twoFactor`).
   * A 2FA code is one-time: get a fresh one with `emulator.issueTwoFactorCode(login)`.
   */
  readonly card: SiteCard;
  /** The emulator itself: its clock, fault injection and request log. */
  readonly emulator: EmulatorHandle;
  /** Idle time after which the emulator refuses a session token, in seconds of its clock. */
  readonly sessionIdleSeconds: number;
}

/** The API call the kit makes to exercise a strategy. */
export interface ProbeCall {
  /** RPC method name. Default `read`. */
  readonly method: string;
  /** A fresh payload for each call. Default: the first Project's id. */
  payload(): unknown;
}

/** What {@link checkAuthStrategy} needs to know about the strategy under test. */
export interface AuthConformanceOptions {
  /** The package (or strategy) name; every validation message must start with it, e.g. `@sg/auth-script`. */
  readonly name: string;
  /** Build a fresh, correctly configured strategy for the running emulator. Called once per check. */
  create(env: ConformanceEnv): AuthStrategy;
  /**
   * Factory calls with bad options. Each must throw, synchronously, an `SgValidationError` (or an error with
   * `code: "SG_VALIDATION"`) whose message starts with {@link AuthConformanceOptions.name}. At least one.
   */
  readonly invalidOptions: ReadonlyArray<(env: ConformanceEnv) => unknown>;
  /**
   * Values that must never appear in an error, a log line, the strategy's inspection or the emulator's log. A value
   * shorter than `MIN_SECRET_LENGTH` (8 characters) is not searched for, since it would match unrelated text; the
   * no-secret checks' details say how many were left out that way (they do not fail for it).
   */
  secrets(env: ConformanceEnv): readonly string[];
  /**
   * Make the site refuse the credentials the strategy holds now, e.g. {@link expireSessions}. Without it the
   * expiry check is skipped (and fails when `refreshes` is `once`).
   */
  readonly expire?: ((env: ConformanceEnv) => void | Promise<void>) | undefined;
  /** `once`: after {@link AuthConformanceOptions.expire} the strategy recovers; `never`: calls fail with an auth error. */
  readonly refreshes: "once" | "never";
  /** Options of the emulator the kit starts (auth mode, session idle time, …). */
  readonly emulator?: EmulatorOptions | undefined;
  /** The call used to exercise the strategy. Default: a one-row `read` of Project. */
  readonly probe?: ProbeCall | undefined;
  /** Calls made at once in the single-flight, expiry and rejection checks. Default 50. */
  readonly concurrency?: number | undefined;
  /** Sequential calls made in the caching check. Default 5. */
  readonly sequentialCalls?: number | undefined;
  /** Time limit for each check's calls, in milliseconds. Default 20 000. */
  readonly timeoutMs?: number | undefined;
}

/** The default {@link ProbeCall}: `read` one Project id, something every principal of the demo site may do. */
export const DEFAULT_PROBE: ProbeCall = Object.freeze({
  method: "read",
  payload: (): unknown => ({
    type: "Project",
    filters: { logical_operator: "and", conditions: [] },
    return_fields: ["id"],
    return_only: "active",
    paging: { entities_per_page: 1, current_page: 1 },
  }),
});

/**
 * An {@link AuthConformanceOptions.expire} for session-based strategies: moves the emulator clock past the
 * session idle time, so every session token minted so far is refused (fault 102).
 */
export function expireSessions(env: ConformanceEnv): void {
  env.emulator.advanceClock(env.sessionIdleSeconds + 1);
}
