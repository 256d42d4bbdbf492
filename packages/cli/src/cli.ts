import { readFileSync } from "node:fs";
import { helpText, parseCommandLine, type ParsedArgs } from "./args.js";
import type { CommandContext } from "./command-context.js";
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_MAYBE_APPLIED, EXIT_OK, EXIT_USAGE, InterruptedError } from "./exit-status.js";
import { appliedNote, interruptedEnd, interruptedLine } from "./interrupted-end.js";
import { outputErrorText, processIo, type CliIo, type CliOutput } from "./io.js";

// Each command's module, the connection and the explanation of failures are loaded when they are needed (`await
// import`), not here: a shell loop runs `sg` once per item, and `sg --version` must not load the API clients,
// undici or the emulator.

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Resolves (with a signal name) when a long-running command (`sg emulator`) should stop. */
  readonly stop?: Promise<string>;
  /**
   * Aborts the command (Ctrl-C): calls in flight are cancelled, a prompt stops waiting, and `runCli` resolves
   * {@link EXIT_INTERRUPTED} after one line `sg: interrupted` on stderr; a write that was in flight resolves
   * {@link EXIT_MAYBE_APPLIED} and a change already made the command's own status, each with a note.
   */
  readonly signal?: AbortSignal;
  /**
   * Called when the command's change is done on the site (or its file written), e.g. with `Shot 12 was created`:
   * a signal that comes after `runCli` returned, while the output is still being flushed, is reported with it.
   */
  readonly onApplied?: (what: string) => void;
  /**
   * Called with the command (`create`) when its write call is about to be made: from then on its request may have
   * left, so an interruption before {@link RunCliOptions.onApplied} leaves the site as unknown (status 6). With
   * `onApplied`, what a second signal reports when it ends the process before `runCli` has resolved.
   */
  readonly onWriting?: (command: string) => void;
  /**
   * Called with the run's status once it is decided and its last lines are on stderr, before `runCli` releases what
   * the run opened (the proxy's connections), which takes a moment more: a signal that comes meanwhile can end the
   * process with this status rather than wait.
   */
  readonly onStatus?: (code: number) => void;
}

/** The name of a signal given as an abort reason (`SIGINT`), else "the signal". */
function signalName(reason: unknown): string {
  return typeof reason === "string" ? reason : "the signal";
}

/**
 * The line for a run interrupted with nothing to say about the site: Ctrl-C typed at a prompt
 * ({@link InterruptedError}), or a signal the command finished before hearing, with nothing made. Status 130.
 */
function interrupted(io: CliIo, reason: unknown): number {
  io.stderr.write(interruptedLine(reason));
  return EXIT_INTERRUPTED;
}

/**
 * The end of a command that `options.signal` stopped: one line naming the signal (its reason, when it is a signal
 * name such as `SIGINT`), then the status and note of {@link interruptedEnd}, which say what the site holds (130 only
 * when nothing was changed; bin.ts makes it 143 for SIGTERM, 129 for SIGHUP).
 */
function interruptedAfter(io: CliIo, reason: unknown, ctx: CommandContext | undefined): number {
  const end = interruptedEnd({ applied: ctx?.appliedChange, writing: ctx?.writeStarted ? ctx.args.command : undefined });
  io.stderr.write(interruptedLine(reason) + end.note);
  return end.code;
}

/**
 * Watch `out` for a write error (a closed pipe, a full disk) while the command runs: the first one aborts `run`, so
 * the command stops instead of writing into a stream that takes nothing, and is returned by the function given back.
 * A stream that already failed (a write to a file fails at once) is read from its `errored`.
 */
function watchOutput(out: CliOutput, run: AbortController): { failure(): Error | undefined; stop(): void } {
  const stream = out as CliOutput & { on?: (e: "error", l: (error: Error) => void) => unknown; removeListener?: (e: "error", l: (error: Error) => void) => unknown; errored?: Error | null };
  let failed: Error | undefined;
  const onError = (error: Error): void => {
    failed ??= error;
    run.abort(error);
  };
  stream.on?.("error", onError);
  return {
    failure: () => failed ?? stream.errored ?? undefined,
    stop: () => stream.removeListener?.("error", onError),
  };
}

/** Whether `error` is a closed pipe (`sg find Shot --all | head`), which ends `sg` quietly. */
function closedPipe(error: Error | undefined): boolean {
  return (error as { code?: unknown } | undefined)?.code === "EPIPE";
}

/** Help on every command or one; the emulator's is its own usage, since its flags are the emulator's. */
async function help(command: string | undefined): Promise<string> {
  return command === "emulator" ? `${(await import("./commands/emulator.js")).emulatorUsage()}\n` : helpText(command);
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Run the command of `ctx`, its module loaded only now. */
async function dispatch(ctx: CommandContext): Promise<number> {
  switch (ctx.args.command) {
    case "find":
      return (await import("./commands/find.js")).findCommand(ctx);
    case "count":
      return (await import("./commands/summarize.js")).countCommand(ctx);
    case "create":
      return (await import("./commands/write.js")).createCommand(ctx);
    case "update":
      return (await import("./commands/write.js")).updateCommand(ctx);
    case "delete":
      return (await import("./commands/write.js")).retireCommand(ctx, "delete");
    case "revive":
      return (await import("./commands/write.js")).retireCommand(ctx, "revive");
    case "batch":
      return (await import("./commands/batch.js")).batchCommand(ctx);
    case "summarize":
      return (await import("./commands/summarize.js")).summarizeCommand(ctx);
    case "schema":
      return (await import("./commands/schema.js")).schemaCommand(ctx);
    case "upload":
      return (await import("./commands/files.js")).uploadCommand(ctx);
    case "download":
      return (await import("./commands/files.js")).downloadCommand(ctx);
    case "whoami":
      return (await import("./commands/whoami.js")).whoamiCommand(ctx);
    case "doctor":
      return (await import("./commands/doctor.js")).doctorCommand(ctx);
    case "typegen":
      return (await import("./commands/typegen.js")).typegenCommand(ctx);
    case "login":
      return (await import("./commands/login.js")).loginCommand(ctx);
    case "logout":
      return (await import("./commands/login.js")).logoutCommand(ctx);
    default:
      ctx.io.stdout.write(await help(ctx.args.positionals[0]));
      return EXIT_OK;
  }
}

/**
 * Run the `sg` command line and resolve its exit status: 0 success, else the kind of failure as
 * {@link exitCodeFor} decides it (2 usage, 3 auth, 4 not found, 5 retryable, 6 a write that may have landed,
 * 7 a failed `sg doctor`, 1 anything else), 130 interrupted by `options.signal`. Errors are written to `io.stderr`
 * as one line plus a hint (the stack only with `--debug`); secrets given as options or environment variables never appear in any output.
 *
 * @param argv - the arguments after `sg`, e.g. `["find", "Shot", "--all"]`.
 * @param io - streams, environment and working directory (default: the process's).
 * @param options - a stop signal for long-running commands, an abort signal for the others.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), options: RunCliOptions = {}): Promise<number> {
  const opened: { ctx?: CommandContext } = {};
  try {
    return await runToStatus(argv, io, options, opened);
  } finally {
    // Once the status is known (onStatus): releasing the proxy's connections takes a moment more.
    await opened.ctx?.close();
  }
}

/** The run of {@link runCli} up to its status and last lines on stderr; the context it made is left in `opened`. */
async function runToStatus(argv: readonly string[], io: CliIo, options: RunCliOptions, opened: { ctx?: CommandContext }): Promise<number> {
  let args: ParsedArgs | undefined;
  let ctx: CommandContext | undefined;
  // The command's own signal: aborted by options.signal (Ctrl-C) or by a failed output, whichever comes first.
  const run = new AbortController();
  const onAbort = (): void => run.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const output = watchOutput(io.stdout, run);
  // Every status is reported (onStatus) in the same step as its last lines are written: no other callback (a second
  // signal's) can run in between and find the lines written but the status unknown.
  const decided = (code: number): number => {
    options.onStatus?.(code);
    return code;
  };
  try {
    // `sg emulator` takes exactly the flags of `sg-emulator`, parsed by the emulator itself.
    if (argv[0] === "emulator") return decided(await (await import("./commands/emulator.js")).emulatorCommand(argv.slice(1), io, options.stop ?? new Promise<string>(() => undefined)));
    args = parseCommandLine(argv);
    if (args.values["version"]) {
      io.stdout.write(`${version()}\n`);
      return decided(EXIT_OK);
    }
    // A bare `sg` (an empty `$cmd` in a script) is a mistake, not a request for help: usage on stderr, exit 2.
    if (args.bare && !args.values["help"]) {
      io.stderr.write(await help(undefined));
      return decided(EXIT_USAGE);
    }
    if (args.values["help"] || args.command === "help") {
      io.stdout.write(await help(args.command === "help" ? args.positionals[0] : args.command));
      return decided(EXIT_OK);
    }
    const { createCommandContext } = await import("./command-context.js");
    ctx = opened.ctx = createCommandContext(args, io, run.signal, { onApplied: options.onApplied, onWriting: options.onWriting });
    const code = await dispatch(ctx);
    const failed = output.failure();
    if (failed) throw failed;
    if (options.signal?.aborted) {
      // The signal came after the change was made and its result written: say so, and end as the command did, so
      // that a script retrying on 130 does not make the change twice.
      if (ctx.appliedChange) {
        io.stderr.write(`sg: note: ${signalName(options.signal.reason)} came after the command had finished, too late to cancel it: ${ctx.appliedChange}\n`);
        return decided(code);
      }
      return decided(interrupted(io, options.signal.reason));
    }
    return decided(code);
  } catch (error) {
    const failed = output.failure();
    if (options.signal?.aborted) return decided(interruptedAfter(io, options.signal.reason, ctx));
    // A closed pipe (`| head`) ends quietly, as other Unix tools do.
    if (failed && closedPipe(failed)) return decided(EXIT_OK);
    if (failed) {
      io.stderr.write(`sg: ${outputErrorText(failed)}\n${ctx?.appliedChange ? appliedNote(ctx.appliedChange) : ""}`);
      // A change made but not reported: 6 (a write that landed and a following step failed), not "any other failure".
      return decided(ctx?.appliedChange ? EXIT_MAYBE_APPLIED : EXIT_FAILURE);
    }
    if (error instanceof InterruptedError) {
      // Ctrl-D at a prompt: cancelled, nothing changed, as for Ctrl-C; its own words say how to skip the prompt.
      if (error.hint !== undefined) io.stderr.write(`sg: ${error.message}\nhint: ${error.hint}\n`);
      return decided(error.hint === undefined ? interrupted(io, "SIGINT") : EXIT_INTERRUPTED);
    }
    // Loaded before anything is decided, so that the lines and the status below still come in one step.
    const loaded = await import("./failure-report.js").catch((loadError: unknown) => loadError as Error);
    if (loaded instanceof Error) return decided(reportUnloaded(io, error, loaded, ctx));
    const report = loaded.failureReport(error, argv, io, args, ctx);
    io.stderr.write(report.text);
    return decided(report.code);
  } finally {
    output.stop();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The end of a failed command whose report could not be loaded (its files changed under a running `sg`, such as an
 * upgrade during a long upload): the error's class and code only (its text is the report's to scrub), and 6 when a
 * write may have been applied, so that a script that retries on other statuses does not send it again.
 */
function reportUnloaded(io: CliIo, error: unknown, loadError: Error, ctx: CommandContext | undefined): number {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; maybeSent?: unknown };
  const applied = e.maybeSent === true || !!ctx?.appliedChange;
  io.stderr.write(
    `sg: the command failed (${String(e.name ?? "error")}${typeof e.code === "string" ? ` ${e.code}` : ""})${applied ? " after a write may have been applied: check the site before running it again" : ""}; its report could not be loaded (${loadError.message.split("\n")[0]}): reinstall @sg/cli.\n`,
  );
  return applied ? EXIT_MAYBE_APPLIED : EXIT_FAILURE;
}
