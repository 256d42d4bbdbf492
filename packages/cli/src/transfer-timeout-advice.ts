/**
 * What to do when an upload or a download (an HTTP exchange, labelled `HTTP <verb> <path>` by the transport) ran out
 * of time: which limit ran out — one attempt's or the whole transfer's, from the error's `scope` and `timeoutMs` — and
 * the flag that sets it. The call advice (`--timeout-ms`, "no answer came") is wrong there: `--timeout-ms` does not
 * bound a transfer, and an upload's attempt also covers sending its body, which may have been what took the time.
 *
 * @packageDocumentation
 */
import type { SgTimeoutError } from "@sg/core";
import type { TransferStep } from "@sg/entities";
import { DEFAULT_TRANSFER_ATTEMPT_MS, DEFAULT_TRANSFER_DEADLINE_MS, TRANSFER_COMMANDS } from "./transfer-limit.js";

/** Whether `method` (an error's `method`) names an HTTP exchange (an upload or download step) rather than an API call. */
export function isTransferMethod(method: string | undefined): boolean {
  return method?.startsWith("HTTP ") === true;
}

/**
 * Whether `error` is an upload's or download's own deadline passing: `@sg/entities` gives that error the `step` it
 * passed in (`undefined` between steps), whatever request was then in flight (an RPC such as `get_session_token`).
 */
function isTransferDeadline(error: SgTimeoutError): error is SgTimeoutError & { readonly step: TransferStep | undefined } {
  return error.scope === "deadline" && "step" in error;
}

/**
 * Whether `error` is an upload's or download's own timeout: one of its HTTP exchanges ({@link isTransferMethod}), or,
 * in `sg upload` and `sg download`, the whole transfer's deadline passing in any step (a login, an RPC it needs, the
 * wait for a named pipe's reader, the read of a local file).
 */
export function isTransferTimeout(error: SgTimeoutError, command: string | undefined): boolean {
  return isTransferMethod(error.method) || (TRANSFER_COMMANDS.includes(command ?? "") && isTransferDeadline(error));
}

/**
 * What ran out of time: for the transfer's own deadline, the step it passed in; for an HTTP exchange, by its verb
 * (POST is an upload step of the site, PUT one of its storage).
 */
function whatRanOut(verb: string, error: SgTimeoutError): string {
  const step = isTransferDeadline(error) ? error.step : "request";
  if (step === undefined) return "The transfer's time was used up between its steps.";
  if (step === "login") return "The transfer ran out of time while sg was logging in to the site, before the file was asked for.";
  if (step === "pipe") return "The transfer ran out of time writing into the named pipe --out names: waiting for a program to open it for reading, or to take the data.";
  if (step === "file") return "The transfer ran out of time reading a local file.";
  if (!verb) return `The transfer ran out of time waiting for the site's answer to ${error.method ?? "a request"}.`;
  // a download is never "maybe sent" (it changes nothing): its GET may have been answered and its body coming
  if (verb === "GET") return "The download ran out of time: waiting for the site's answer, or while the file was still coming (a large file on a slow link), or after it stopped coming.";
  if (!error.maybeSent) return "The transfer ran out of time before its request was sent.";
  const still = "perhaps while the file was still being sent (a large file on a slow link), perhaps waiting for the answer";
  if (verb === "POST") return `The upload ran out of time, ${still}: it may have been applied on the site, so check before trying again.`;
  if (verb === "PUT") return `The upload to the site's storage ran out of time, ${still}.`;
  return "The site did not answer the transfer in time.";
}

/**
 * The hint for a timed-out upload or download.
 *
 * @param error - the timeout, an upload's or download's own ({@link isTransferTimeout}).
 * @param command - the `sg` command that ran: only `sg upload` and `sg download` take `--transfer-timeout-ms`.
 */
export function transferTimeoutAdvice(error: SgTimeoutError, command: string | undefined): string {
  const verb = /^HTTP (\S+)/.exec(error.method ?? "")?.[1] ?? "";
  const limit =
    error.scope === "deadline"
      ? `The limit that ran out is the whole transfer's, retries included: ${error.timeoutMs} ms.`
      : `The limit that ran out is one attempt's: ${error.timeoutMs} ms.`;
  const defaults = `${DEFAULT_TRANSFER_ATTEMPT_MS} ms an attempt, ${DEFAULT_TRANSFER_DEADLINE_MS} ms in all`;
  const flag = TRANSFER_COMMANDS.includes(command ?? "")
    ? `--transfer-timeout-ms N (or SG_TRANSFER_TIMEOUT_MS) sets how long an upload or download may take, each attempt and in all (by default ${defaults}).`
    : `Only sg upload and sg download can change that limit (--transfer-timeout-ms); here it is the default, ${defaults}.`;
  return `${whatRanOut(verb, error)} ${limit} ${flag}`;
}
