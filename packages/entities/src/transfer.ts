/**
 * Helpers shared by uploads and downloads, kept apart so that a download does not pull the upload code.
 *
 * @packageDocumentation
 */
import { SgValidationError } from "@sg/core";
import type { CallOptions } from "@sg/core";
import type { Context } from "./context.js";
import { PREFIX } from "./validate.js";
import type { Path } from "./validate.js";

/**
 * The transfer-relevant call options (signal, timeout, retry, and the session UUID that an upload's events are
 * stamped with).
 */
export function transferOptions(call: CallOptions): { signal?: AbortSignal; timeoutMs?: number; retry?: CallOptions["retry"]; sessionUuid?: string } {
  return {
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    ...(call.retry === undefined ? {} : { retry: call.retry }),
    ...(call.sessionUuid === undefined ? {} : { sessionUuid: call.sessionUuid }),
  };
}

/**
 * Refuse an upload or download before anything is sent when the client's transport has no `http()` (a
 * calls-only transport); `path` is the argument that asked for the transfer.
 */
export function requireHttp(ctx: Context, path: Path): void {
  if (ctx.client.supportsHttp === false) {
    throw new SgValidationError(PREFIX, {
      path,
      expected: "a client whose transport makes uploads and downloads, e.g. jsonRpcTransport() from @sg/transport",
      received: "a client on a calls-only transport (no http())",
    });
  }
}
