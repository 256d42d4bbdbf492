/**
 * Node's `fetch` (its bundled undici) has time limits of its own: it ends a request after 300 s without response
 * headers (`headersTimeout`) or between two pieces of the body (`bodyTimeout`), whatever `sg`'s limits say. `sg`'s
 * own limits (`--timeout-ms`, `--transfer-timeout-ms` and their defaults) are meant to be the only ones: when one of
 * them may outlast Node's, `sg` hands the transport an undici dispatcher without those limits. Only then (or with a
 * proxy) is undici loaded, which costs a run about as long again as Node's own start.
 *
 * @packageDocumentation
 */
import { DEFAULT_CALL_DEADLINE_MS } from "./call-deadline.js";
import { DEFAULT_TRANSFER_ATTEMPT_MS, TRANSFER_COMMANDS } from "./transfer-limit.js";

/** Node's fetch's own `headersTimeout` and `bodyTimeout` (undici's defaults), in milliseconds. */
export const NODE_FETCH_LIMIT_MS = 300_000;

/** undici's `headersTimeout` and `bodyTimeout`, as given to the `Agent`, `ProxyAgent` and `Pool` `sg` makes. */
export interface RuntimeLimits {
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
}

/** No limit of the runtime's own: `sg`'s limits decide alone. */
export const WITHOUT_RUNTIME_LIMITS: RuntimeLimits = { headersTimeout: 0, bodyTimeout: 0 };

/**
 * Whether one of the run's limits may outlast Node's fetch's own, so that `sg` needs a dispatcher without them: a call
 * limit (`--timeout-ms`) over 300 s, or an upload or download, whose attempts may take 10 minutes by default.
 *
 * @param deadlineMs - the run's call limit (`callDeadlineMs`), undefined for the default.
 * @param transferMs - the run's transfer limit (`transferLimitMs`), undefined for the default.
 * @param command - the `sg` command.
 */
export function outlastsRuntimeLimits(deadlineMs: number | undefined, transferMs: number | undefined, command: string): boolean {
  const transfer = TRANSFER_COMMANDS.includes(command) ? (transferMs ?? DEFAULT_TRANSFER_ATTEMPT_MS) : 0;
  return Math.max(deadlineMs ?? DEFAULT_CALL_DEADLINE_MS, transfer) > NODE_FETCH_LIMIT_MS;
}

/** undici's codes for its own `headersTimeout` and `bodyTimeout`. */
const RUNTIME_LIMIT_CODE = /^UND_ERR_(HEADERS|BODY)_TIMEOUT$/;

/**
 * The code of the runtime's own limit (`UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`) that ended the last
 * attempt of a failed call, read from the error's `attempts`; undefined when something else ended it.
 */
export function runtimeLimitCode(error: { readonly attempts: readonly { readonly code?: string | undefined }[] }): string | undefined {
  const code = error.attempts.at(-1)?.code;
  return code !== undefined && RUNTIME_LIMIT_CODE.test(code) ? code : undefined;
}
