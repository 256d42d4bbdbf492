/**
 * The refusal of a setting `sg` cannot use, made inside a request: an `SgError` of `@sg/core`, which the transport hands
 * back as itself, after one attempt (README of `@sg/transport`, "An `SgError` thrown below fetch"). Any other error a
 * dispatcher throws would be taken for a network failure, and retried.
 *
 * @packageDocumentation
 */
import { SgError } from "@sg/core";
import { notUtf8Env } from "./env-utf8.js";

/**
 * A setting `sg` cannot use, refused inside a request, before anything was sent: the proxy dispatcher's refusal of a
 * proxy variable whose bytes are not UTF-8, on the route to another host than the site (a storage URL). Its `code` is
 * `SG_SETTING`; `runCli` exits with status 2, as for a usage error.
 */
export class SettingError extends SgError {
  /** @param message - one line; @param hint - what to do. */
  constructor(message: string, hint?: string) {
    super(message, { hint }, "SG_SETTING");
  }
}

/**
 * The refusal of the variable `name`, whose bytes are not UTF-8, as a {@link SettingError}: the message and hint of
 * `notUtf8Env`'s usage error, which is what the same refusal is before any request.
 *
 * @param name - the variable.
 */
export function notUtf8Setting(name: string): SettingError {
  const refusal = notUtf8Env(name);
  return new SettingError(refusal.message, refusal.hint);
}
