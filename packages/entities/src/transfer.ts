/**
 * Helpers shared by uploads and downloads, kept apart so that a download does not pull the upload code.
 *
 * An upload or download is bounded as a whole, as one call is: the caller's `deadlineMs` covers every step
 * (the RPCs it needs, each HTTP exchange, a streamed body) and each step is handed what is left of it.
 *
 * @packageDocumentation
 */
import { SgAbortError, SgTimeoutError, SgValidationError } from "@sg/core";
import type { CallOptions } from "@sg/core";
import { callOptions, type Context } from "./context.js";
import { CALL_OPTION_KEYS, PREFIX, checkDeadline, checkOptions, fail } from "./validate.js";
import type { Path } from "./validate.js";

/**
 * The call options of an upload or download: the core's call options without `kind`, which each step of a
 * transfer sets for itself (a `kind` given is refused). `deadlineMs` bounds the whole transfer: every request it
 * makes and the file's bytes, up to a streamed download's last byte; `timeoutMs` bounds each attempt and each
 * wait for a download's next chunk.
 */
export type TransferCallOptions = Omit<CallOptions, "kind">;

/**
 * One upload or download: the call options its steps share, and the caller's `deadlineMs` as the moment it
 * passes. Run each step with {@link step}.
 */
export interface Transfer {
  /**
   * The call options of every step (signal, timeoutMs, retry, sessionUuid): without `kind`, since each step
   * has its own, and without `deadlineMs`, which {@link step} sets to what is left.
   */
  readonly call: CallOptions;
  /** The caller's `deadlineMs` for the whole transfer, when given. */
  readonly deadlineMs: number | undefined;
  /** When that deadline passes, as a `performance.now()` time (`Infinity` without one). */
  readonly endsAt: number;
}

/**
 * Start a transfer from call options (already merged over the context's defaults): `deadlineMs` is checked
 * before anything is sent, and its clock starts now. A `kind` is dropped: each step has its own.
 */
export function startTransfer(call: CallOptions): Transfer {
  const { kind: _kind, deadlineMs, ...rest } = call;
  return { call: rest, deadlineMs: checkDeadline(deadlineMs, ["options", "deadlineMs"]), endsAt: deadlineMs === undefined ? Infinity : performance.now() + deadlineMs };
}

/**
 * The options of an upload or download function (`options`, over the context's defaults) as a
 * {@link Transfer}. A `kind` given to the call is refused rather than ignored: no one kind fits every step.
 * The site's upload steps are writes (never repeated once they may have landed), while a storage PUT and a
 * download are reads (repeating them cannot duplicate anything); a `"read"` would let an upload land twice.
 */
export function transferCall(ctx: Context, options: Readonly<Record<string, unknown>>): Transfer {
  const call = callOptions(ctx, options);
  // Without a signal of its own, the client's defaults' (an app's shutdown): core ends the requests with it, but a
  // local file link's read sends none.
  return startTransfer(call.signal ? call : { ...call, signal: ctx.client.defaults?.signal });
}

/**
 * The options of an upload or download function: its `known` options and the call options but `kind`, which is
 * refused with its reason (see {@link transferCall}); the list an unknown option's error gives leaves `kind` out.
 */
export function checkTransferOptions(value: unknown, known: readonly string[]): Record<string, unknown> {
  const kind = (value as Record<string, unknown> | null | undefined)?.["kind"];
  if (kind !== undefined) fail(["options", "kind"], "no kind: each step of an upload or download has its own", kind);
  return checkOptions(value, ["options"], known, known.concat(CALL_OPTION_KEYS.filter((k) => k !== "kind")));
}

/**
 * The step of an upload or download its own deadline (`deadlineMs`) passed in, as the `step` of that
 * `SgTimeoutError` says (`undefined` there when the deadline had passed before a step began): `login` the wait for the
 * client's credentials (a person's login, a session being fetched); `request` a request to the site or its storage,
 * which the error's `method` names; `pipe` writing into a named pipe (waiting for a program to open it for reading, or
 * to take the data); `file` reading a local file. Only that error has `step`: a timeout of one attempt, or of a request
 * shared with other callers, has none.
 */
export type TransferStep = "login" | "request" | "pipe" | "file";

/** What a transfer's timeout says is on the site (or on disk): a text, or a function giving it when the error is made. */
export type StepState = string | (() => string);

/**
 * Run one step of transfer `t`, giving it what is left of the deadline as its `deadlineMs`. When the deadline
 * has passed before the step, or passes during it, the step's timeout becomes the transfer's own
 * `SgTimeoutError` (`scope: "deadline"`, `timeoutMs` the caller's `deadlineMs`, the step's error as `cause`):
 * `what` names the transfer, and the message ends with what is on the site — `notSent` when the step's request
 * did not reach it, `sent` when it may have. `maybeSent` is the step's own for a step that `lands` (the one
 * that attaches a file or shares a thumbnail), false for the others: nothing the caller would repeat landed.
 * Either text may be a function, asked when the error is made (what a download wrote may change during its step).
 * A step aborted (the caller's signal, the client's close()) becomes the transfer's own `SgAbortError` in the same
 * way: the same message but "was aborted", the same `maybeSent`, the step's abort as `cause`. Either lists the
 * attempts of the step's error (e.g. an upload step the site refused the credentials of, cut while logging in again).
 */
export async function step<T>(t: Transfer, what: string, run: (options: CallOptions) => Promise<T>, notSent: StepState, sent: StepState = notSent, lands: boolean = false): Promise<T> {
  // Infinity without a deadline
  const left = Math.ceil(t.endsAt - performance.now());
  if (left > 0) {
    try {
      return await run(t.deadlineMs === undefined ? t.call : { ...t.call, deadlineMs: left });
    } catch (error) {
      throw deadlineError(t, left, error, what, notSent, sent, lands);
    }
  }
  throw deadlineError(t, left, undefined, what, notSent, sent, lands);
}

/**
 * What a step of transfer `t` given `left` ms of its deadline throws for `error`: the transfer's own
 * `SgTimeoutError` when `error` is that deadline passing (see {@link step}; `undefined` when it had passed before
 * the step), its own `SgAbortError` when `error` is an abort, else `error` as it is. Also used for the errors of a
 * body handed over as a stream after its step ended, which runs under the same deadline.
 */
export function deadlineError(t: Transfer, left: number, error: unknown, what: string, notSent: StepState, sent: StepState = notSent, lands: boolean = false): unknown {
  const aborted = error instanceof SgAbortError;
  // Only this deadline, handed down whole or in part: not an attempt's timeout, nor the own deadline of a
  // request shared with other callers (the site's info, a session token) that failed long before ours.
  if (error !== undefined && !aborted && (!(error instanceof SgTimeoutError) || error.scope !== "deadline" || error.timeoutMs > left || t.endsAt - performance.now() > 1000)) return error;
  const cause = error as SgTimeoutError | undefined;
  const given = cause?.maybeSent ? sent : notSent;
  const state = typeof given == "string" ? given : given();
  // the caller's signal or the client's close(): still an abort, naming the transfer and saying what is on the site
  // (its signal timed out: an AbortSignal.timeout(), whose TimeoutError the core's abort keeps as its cause)
  if (aborted) {
    const timedOut = (cause!.cause as Error | undefined)?.name == "TimeoutError" ? ": its signal timed out" : "";
    return new SgAbortError(`${PREFIX}: ${what} was aborted${timedOut}${state && `: ${state}`}`, { cause, method: cause!.method, attempts: cause!.attempts, maybeSent: lands && !!cause!.maybeSent });
  }
  // a wait outside any request carries its step as its method (see TransferStep)
  const method = cause?.method;
  const own = method == "login" || method == "pipe" || method == "file";
  // the label is ours, not an API method: the cause (never thrown on its own) does not keep it
  if (own) Reflect.set(cause!, "method", undefined);
  return Object.assign(
    new SgTimeoutError(`${PREFIX}: ${what} did not complete within its deadline of ${t.deadlineMs} ms${state && `: ${state}`}`, {
      timeoutMs: t.deadlineMs ?? left,
      scope: "deadline",
      maybeSent: lands && !!cause?.maybeSent,
      method: own ? undefined : method,
      attempts: cause?.attempts,
      cause,
      hint: "deadlineMs bounds every step of the transfer; raise it for large files or slow links.",
    }),
    { step: own ? method : cause && "request" },
  );
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
