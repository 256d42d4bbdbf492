import { REDACTED, cutText, redactValue, scrubText } from "./redact.js";
import { isDate, isError } from "./realm-checks.js";

/** One try of a request, as recorded on the final error. */
export interface AttemptRecord {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** HTTP status of that attempt, when a response arrived. */
  readonly status?: number;
  /** Error code of that attempt when no usable response arrived (e.g. `ECONNRESET`, `SG_TIMEOUT`). */
  readonly code?: string;
  /** How long the client waited before the next attempt; absent on the last one. */
  readonly delayMs?: number;
  /** Milliseconds the attempt took. */
  readonly elapsedMs?: number;
  /**
   * `true` on the last attempt when it would have been retried but the transport's retry budget was spent (by
   * earlier failures of calls sharing that transport).
   */
  readonly budgetExhausted?: true;
}

/** Options shared by every error constructor. */
export interface SgErrorOptions {
  /** The underlying error. Non-`SgError` causes are reduced to name, code and scrubbed message. */
  readonly cause?: unknown;
  /** What a person should do about it. */
  readonly hint?: string | undefined;
  /** The API method that failed, e.g. `read`. */
  readonly method?: string | undefined;
  /** Every attempt made, with the delay before the next. */
  readonly attempts?: readonly AttemptRecord[] | undefined;
  /**
   * Secret values to scrub out of text that came from elsewhere: the cause's message, and in subclasses the
   * site's message, the body snippet and the description of a received value. The message and hint are this
   * library's own sentences and get only the pattern scrubbing of {@link scrubText} (`user:pass@`, `Basic`/`Bearer`
   * values, secret-named fields, JSON Web Tokens): replacing a secret value inside fixed words would show which words the secret
   * is (a password `wrong` made "the login or password is wrong" end in "is [REDACTED]"). A builder that puts
   * outside text into a message scrubs that text itself.
   */
  readonly secrets?: readonly string[] | undefined;
  /** Override the stable code (used by auth packages for their own diagnostics). */
  readonly code?: string | undefined;
}

// The key of the static field that brands each of this library's error classes: see `SgError[Symbol.hasInstance]`.
const BRAND = "@sg/core brand";

/**
 * Base class of every error this library throws. `code` is stable and safe to branch on; `message` never
 * contains a secret; `hint` says what to do.
 */
export class SgError extends Error {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static readonly "@sg/core brand": string = "SG_ERROR";
  /**
   * `instanceof` holds across copies of `@sg/core` (an app may load two: a dependency's own, one `npm link`ed): for
   * this library's classes, a value is an instance when one of the classes on its prototype chain is the same class of
   * any copy (it carries the same brand). An error made by another copy's `SgAuthError`, or by a subclass of it, is
   * `instanceof SgAuthError` and `SgError`. A subclass made elsewhere (a plugin's) keeps the ordinary check; a plain
   * `Error` or an object with an `SG_…` code or a matching `name` is not an instance. Each class of the library carries
   * its brand as an own static field (its default code; a string key, so that a bundler can drop a class not used).
   *
   * @param value - the value on the left of `instanceof`.
   * @returns whether `value` is an instance of this class, of this or another copy of `@sg/core`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (super[Symbol.hasInstance](value)) return true;
    const brand = Object.hasOwn(this, BRAND) && this[BRAND];
    // A prototype whose `constructor` cannot be read (a throwing getter, a Proxy's trap) makes no instance, as for the
    // ordinary check, which never reads it: `instanceof` does not throw where it did not.
    try {
      for (let p: object | null = brand && typeof value == "object" ? value : null; (p = p && Object.getPrototypeOf(p)); ) {
        if ((p as { constructor?: Partial<typeof SgError> }).constructor?.[BRAND] === brand) return true;
      }
    } catch {}
    return false;
  }

  /** Stable machine-readable code, e.g. `SG_HTTP`. */
  readonly code: string;
  /** The failure without the hint. */
  readonly reason: string;
  /** What a person should do about it, when known. */
  readonly hint: string | undefined;
  /** The API method that failed, when known. */
  readonly method: string | undefined;
  /** Every attempt made for the call (empty when none was made). */
  attempts: readonly AttemptRecord[];
  /**
   * The origin (`scheme://host[:port]`) of the site the failing client talks to: never the URL's `user:pass@`, path
   * or query. Set on every error that leaves a client made by `createClient` (`call()`, `info()`, `credentials()`,
   * `http()`, an auth strategy's login through them), so that logs of many clients say which site failed; an error
   * passing through two clients keeps the first one's. Absent on an error made before any site was known (a refused
   * `createClient`), and on one a package makes outside a client's methods. In `toJSON()` and `util.inspect`, not in
   * `message`.
   */
  declare readonly site?: string;

  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: SgErrorOptions = {}, defaultCode = "SG_ERROR") {
    // Patterns only, never secret values: see SgErrorOptions.secrets.
    const reason = scrubText(message);
    const hint = options.hint === undefined ? undefined : scrubText(options.hint);
    super(hint ? `${reason}\nHint: ${hint}` : reason, { cause: sanitizeCause(options.cause, options.secrets ?? []) });
    this.name = new.target.name;
    this.code = options.code ?? defaultCode;
    this.reason = reason;
    this.hint = hint;
    this.method = options.method;
    this.attempts = options.attempts ?? [];
  }

  /**
   * A plain, secret-free object for logs and JSON output: `name`, `message` and the error's own fields, and its cause
   * as such an object (a plain error's as `{ name, message, code? }`, its string `code` kept), down the cause chain.
   * A cause met before (a loop), one 8 causes down, or one that cannot be read ends the chain as a short text.
   */
  toJSON(): Record<string, unknown> {
    return redactValue(plain(this, new Set())) as Record<string, unknown>;
  }
}

/** A site fault carried in the JSON envelope (`{exception: true, error_code, message}`). */
export interface FaultDetails extends SgErrorOptions {
  /** The numeric `error_code` of the fault, when the site sent one. */
  readonly errorCode?: number | undefined;
  /** The site's own message, scrubbed. */
  readonly serverMessage?: string | undefined;
}

/** The site refused the credentials (fault 102: bad script key, bad password, expired session, …). */
export class SgAuthError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_AUTH_FAILED";
  /** The site's `error_code`, when the refusal came from the site. */
  readonly errorCode: number | undefined;
  /** The site's message, scrubbed. */
  readonly serverMessage: string | undefined;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails = {}, defaultCode = "SG_AUTH_FAILED") {
    super(message, options, defaultCode);
    this.errorCode = options.errorCode;
    this.serverMessage = options.serverMessage === undefined ? undefined : scrubText(options.serverMessage, options.secrets);
  }
}

/** The site wants a two-factor code, or the one sent was wrong (fault 106). */
export class SgTwoFactorRequiredError extends SgAuthError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_AUTH_2FA_REQUIRED";
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails = {}) {
    super(message, options, "SG_AUTH_2FA_REQUIRED");
  }
}

/** Login and password are not accepted on this SSO (SAML) site (fault 108). */
export class SgSsoSiteError extends SgAuthError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_AUTH_SSO_SITE";
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails = {}) {
    super(message, options, "SG_AUTH_SSO_SITE");
  }
}

/** Login and password are not accepted as sent on this Autodesk Identity site (fault 110). */
export class SgIdentitySiteError extends SgAuthError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_AUTH_IDENTITY_SITE";
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails = {}) {
    super(message, options, "SG_AUTH_IDENTITY_SITE");
  }
}

/** Any other fault the site reported: bad filter, missing entity, permission, … */
export class SgFault extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_FAULT";
  /** The site's `error_code`, when it sent one. */
  readonly errorCode: number | undefined;
  /** The site's message, scrubbed. */
  readonly serverMessage: string;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: FaultDetails = {}) {
    super(message, options, "SG_FAULT");
    this.errorCode = options.errorCode;
    this.serverMessage = scrubText(options.serverMessage ?? message, options.secrets);
  }
}

/** Options of {@link SgHttpError} and {@link SgProtocolError}. */
export interface HttpErrorDetails extends SgErrorOptions {
  /** HTTP status code. */
  readonly status: number;
  /** The start of the response body, scrubbed and shortened. */
  readonly bodySnippet?: string | undefined;
  /** The response's content type. */
  readonly contentType?: string | undefined;
  /** Milliseconds the site asked the client to wait (`Retry-After`). */
  readonly retryAfterMs?: number | undefined;
}

/** The site answered with an HTTP status of 300 or more (a proxy's HTML 502 page ends up here too). */
export class SgHttpError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_HTTP";
  /** HTTP status code. */
  readonly status: number;
  /** The start of the response body, scrubbed and shortened. */
  readonly bodySnippet: string;
  /** The response's content type. */
  readonly contentType: string | undefined;
  /** Milliseconds the site asked the client to wait (`Retry-After`), when it did. */
  readonly retryAfterMs: number | undefined;
  /**
   * `true` when the answer came to a write, which may then have been applied (a gateway's 502/504 or a site's 5xx do
   * not prove it was not): check the site before trying again. Set by the transport (`@sg/transport` sets it on
   * such errors); absent otherwise.
   */
  declare readonly maybeSent?: true;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: HttpErrorDetails) {
    super(message, options, "SG_HTTP");
    this.status = options.status;
    this.bodySnippet = scrubText(options.bodySnippet ?? "", options.secrets);
    this.contentType = options.contentType;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The site answered 2xx but not with the protocol's envelope (an HTML page, invalid JSON, …). */
export class SgProtocolError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_PROTOCOL";
  /** HTTP status code. */
  readonly status: number;
  /** The start of the response body, scrubbed and shortened. */
  readonly bodySnippet: string;
  /** The response's content type. */
  readonly contentType: string | undefined;
  /**
   * `true` when the answer came to a write, which the site (or something before it) may then have applied: check the
   * site before trying again. Set by the transport (`@sg/transport` sets it on such errors); absent otherwise.
   */
  declare readonly maybeSent?: true;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: HttpErrorDetails) {
    super(message, options, "SG_PROTOCOL");
    this.status = options.status;
    this.bodySnippet = scrubText(options.bodySnippet ?? "", options.secrets);
    this.contentType = options.contentType;
  }
}

/** Options of {@link SgNetworkError}. */
export interface NetworkErrorDetails extends SgErrorOptions {
  /** Whether the request may have reached the site (a write may have landed). */
  readonly maybeSent: boolean;
  /**
   * The low-level code of the failure, e.g. `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`: a system error code, a code of
   * the transport's own, or, when a client wraps what a transport rejected with that is not an `SgError`, that value's own
   * string `code`.
   */
  readonly syscallCode?: string | undefined;
}

/** No usable response: connection refused, DNS failure, reset, socket hang-up, TLS failure. */
export class SgNetworkError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_NETWORK";
  /** Whether the request may have reached the site (a write may have landed). */
  readonly maybeSent: boolean;
  /**
   * The low-level code of the failure, e.g. `ECONNREFUSED` (see {@link NetworkErrorDetails.syscallCode}): a custom
   * transport's plain error's string `code`, or the first down its cause chain, lands here, while `code` stays
   * `SG_NETWORK`. Scrubbed of the error's secrets, like the message.
   */
  readonly syscallCode: string | undefined;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: NetworkErrorDetails) {
    super(message, options, "SG_NETWORK");
    this.maybeSent = options.maybeSent;
    // A code is the caller's text too (a library may echo a key into it): scrubbed like the message.
    this.syscallCode = options.syscallCode && scrubText(options.syscallCode, options.secrets);
  }
}

/** Options of {@link SgTimeoutError}. */
export interface TimeoutErrorDetails extends SgErrorOptions {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  /** `attempt`: one HTTP attempt took too long; `deadline`: the whole call including retries did. */
  readonly scope: "attempt" | "deadline";
  /** Whether the request may have reached the site (a timed-out write may have landed). Defaults to true. */
  readonly maybeSent?: boolean | undefined;
}

/** A time limit ran out. */
export class SgTimeoutError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_TIMEOUT";
  /**
   * The limit that was exceeded, in milliseconds. `NaN` when it is not known: a custom transport's own limit, when a
   * client makes this error of the `TimeoutError` that transport rejected with before the call's `timeoutMs` or
   * deadline could have passed.
   */
  readonly timeoutMs: number;
  /** `attempt`: one HTTP attempt took too long; `deadline`: the whole call including retries did. */
  readonly scope: "attempt" | "deadline";
  /** Whether the request may have reached the site (a timed-out write may have landed). */
  readonly maybeSent: boolean;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: TimeoutErrorDetails) {
    super(message, options, "SG_TIMEOUT");
    this.timeoutMs = options.timeoutMs;
    this.scope = options.scope;
    this.maybeSent = options.maybeSent ?? true;
  }
}

/**
 * The hint of an error that ends a write which may have reached the site (an abort, a timeout or a lost answer
 * after the request was handed over). Transports may use it, so that such errors read alike wherever they come from.
 */
export const MAYBE_APPLIED_HINT = "The write may have been applied; check the site before trying again.";

/** Options of {@link SgAbortError}. */
export interface AbortErrorDetails extends SgErrorOptions {
  /** Whether the request may have reached the site (see {@link SgAbortError.maybeSent}). */
  readonly maybeSent?: boolean | undefined;
}

/** The caller's `AbortSignal` fired, or the client or transport was closed. */
export class SgAbortError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_ABORTED";
  /**
   * For a write: `true` when it may have been applied (it was handed to the transport, and the transport did not say
   * otherwise; the hint says to check the site before trying again), `false` when the transport knows its request
   * did not leave (stopped while waiting out a 429 or a backoff), or when the site refused its credentials and it was
   * aborted while waiting for fresh ones (the refusal applied nothing). `undefined` for a read, and for a call aborted by
   * its signal before it was handed over, which did not reach the site. `false` for any call that `client.close()`
   * ended while it waited for the auth strategy (nothing of it was sent).
   */
  readonly maybeSent: boolean | undefined;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: AbortErrorDetails = {}) {
    super(message, options, "SG_ABORTED");
    this.maybeSent = options.maybeSent;
  }
}

/** Options of {@link SgValidationError}. */
export interface ValidationErrorDetails extends SgErrorOptions {
  /** Where the bad value is, e.g. `["filters", 2, 1]`. */
  readonly path: readonly (string | number)[];
  /** What was expected there. */
  readonly expected: string;
  /** A short, secret-free description of what was found. */
  readonly received: string;
}

/** Bad input caught before anything was sent. */
export class SgValidationError extends SgError {
  /** Its brand, the same in every copy of `@sg/core`: see `SgError[Symbol.hasInstance]`. Not for apps. */
  static override readonly "@sg/core brand": string = "SG_VALIDATION";
  /** Where the bad value is, e.g. `["filters", 2, 1]`. */
  readonly path: readonly (string | number)[];
  /** What was expected there. */
  readonly expected: string;
  /** A short, secret-free description of what was found. */
  readonly received: string;
  /** @param prefix - who is complaining, e.g. `@sg/core` or the method name. */
  constructor(prefix: string, options: ValidationErrorDetails) {
    // `received` describes the caller's value, so it is the one part scrubbed of the secret values too.
    const received = scrubText(options.received, options.secrets);
    super(`${prefix}: ${formatPath(options.path)}: expected ${options.expected}, got ${received}`, options, "SG_VALIDATION");
    this.path = options.path;
    this.expected = options.expected;
    this.received = received;
  }
}

/** Where a value is inside a function's arguments, e.g. `["defaults", "retry", "maxAttempts"]` (not exported from the package). */
export type Path = readonly (string | number)[];

/** `["filters", 2, 1]` → `filters[2][1]`. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(value)";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** A short description of a value for error messages; secret values are described by type only. */
export function describeValue(value: unknown, secret = false): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (secret) return `${Array.isArray(value) ? "an array" : typeof value == "object" ? "an object" : `a ${typeof value}`} (${REDACTED})`;
  // Scrubbed before the cut and the quoting (`[]`: the patterns): a cut `user:pw` or an escaped `{\"password\"` is not found.
  if (typeof value === "string") return `string ${JSON.stringify(cutText(value, 40, []))}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${value}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isDate(value)) return Number.isNaN(value.getTime()) ? "an invalid Date" : "a Date";
  if (typeof value !== "object") return `a ${typeof value}`;
  // An instance of a class is named by it (a Map, a ReadableStream); bytes by their length: `a Uint8Array of 5 bytes`.
  const proto: { constructor?: { name?: string } } | null = Object.getPrototypeOf(value);
  const name = proto && Object.getPrototypeOf(proto) && proto.constructor?.name;
  const bytes = (value as { byteLength?: number }).byteLength;
  if (name) return `${/^[AEIO]/.test(name) ? "an" : "a"} ${name}${bytes! >= 0 ? ` of ${bytes} bytes` : ""}`;
  const keys = Object.keys(value);
  return keys.length ? `an object with keys ${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""}` : "an empty object";
}

/** The message of the cause kept in place of one that throws when read (not exported from the package). */
export const UNREADABLE = "a cause that could not be read";

// A cause chain is kept to this depth: a chain that loops (`e.cause = e`) or runs deeper ends there.
const CAUSE_DEPTH = 8;

/** `error` and its cause chain for `toJSON` (see there); `seen` holds the errors of the chain so far. */
function plain(error: Error, seen: Set<unknown>): Record<string, unknown> {
  seen.add(error);
  const { name, message, code } = error as Error & { code?: unknown };
  const out: Record<string, unknown> = error instanceof SgError ? { name, message, ...(error as object) } : typeof code == "string" ? { name, message, code } : { name, message };
  try {
    const cause = error.cause;
    if (isError(cause)) out["cause"] = seen.has(cause) || seen.size > CAUSE_DEPTH ? "[…]" : plain(cause, seen);
  } catch {
    out["cause"] = UNREADABLE;
  }
  return out;
}

function sanitizeCause(cause: unknown, secrets: readonly string[], depth = 0): Error | undefined {
  if (cause === undefined || cause === null || depth > CAUSE_DEPTH) return undefined;
  // The cause is the caller's own value (an abort reason, a socket error): a getter or Proxy trap that throws, a
  // `message` that is not a string or a `toString` that throws must not turn the error being made into another one.
  try {
    if (cause instanceof SgError) return cause;
    if (!isError(cause)) return new Error(scrubText(String(cause), secrets));
    const { name, message, cause: inner } = cause;
    const code = (cause as { code?: unknown }).code;
    const clean = new Error(scrubText(String(message), secrets));
    clean.name = String(name);
    if (typeof code === "string") Object.defineProperty(clean, "code", { value: scrubText(code, secrets), enumerable: true });
    const innerClean = isError(inner) ? sanitizeCause(inner, secrets, depth + 1) : undefined;
    if (innerClean) Object.defineProperty(clean, "cause", { value: innerClean, enumerable: false });
    clean.stack = `${clean.name}: ${clean.message}`;
    return clean;
  } catch {
    return new Error(UNREADABLE);
  }
}

