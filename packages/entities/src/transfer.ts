/**
 * Helpers shared by uploads and downloads, kept apart so that a download does not pull the upload code.
 *
 * @packageDocumentation
 */
import type { CallOptions } from "@sg/core";
import type { Context } from "./context.js";

/** A site-relative target under the site's base path. */
export function sitePath(ctx: Context, path: string): string {
  return `${ctx.client.site.basePath}${path}`;
}

/** The transfer-relevant call options (signal, timeout, retry). */
export function transferOptions(call: CallOptions): { signal?: AbortSignal; timeoutMs?: number; retry?: CallOptions["retry"] } {
  return {
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    ...(call.retry === undefined ? {} : { retry: call.retry }),
  };
}
