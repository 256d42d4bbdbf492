#!/usr/bin/env node
import { runCli } from "./cli.js";
import { cleanupsDone } from "./exit-guard.js";
import { EXIT_INTERRUPTED, EXIT_OK } from "./exit-status.js";
import { interruptedEnd, interruptedLine } from "./interrupted-end.js";
import { outputErrorText, processIo } from "./io.js";
import { STOP_SIGNALS, signalStatus as statusOf } from "./stop-signals.js";

// stderr is best-effort: a write to it that fails (`sg create … >> job.log 2>&1` on a full disk, a reader of a pipe
// that left) must not end sg with Node's crash and 1 in place of the status runCli chose (a 6 for a write that
// landed, so that a script does not make it again). What cannot be written there is lost; the status still tells.
process.stderr.on("error", () => undefined);

// The first Ctrl-C (or SIGTERM, or SIGHUP: the terminal or ssh session closed, or Ctrl+Break on Windows) stops `sg emulator` cleanly and aborts
// the calls of any other command, which then exits 130 (143 for SIGTERM, 129 for SIGHUP, 149 for SIGBREAK); a second one leaves as soon as a download's temporary file is removed (at most
// a few seconds), so it never leaves a `.part` file behind, with the status the first would have given (see
// `leaveOnSecondSignal`). Once the command has returned and only its output is being flushed, a signal leaves at
// once (see `finished` below).
const abort = new AbortController();
let received: NodeJS.Signals | undefined;
let resolveStop: (signal: string) => void = () => undefined;
const stop = new Promise<string>((resolve) => (resolveStop = resolve));
/** What the command made on the site (`Shot 12 was created`), as runCli reports it. */
let applied: string | undefined;
/** The command whose write call was made (`create`), as runCli reports it: its request may have left. */
let writing: string | undefined;
/** runCli's status once decided and written on stderr, while it still releases its connections (a proxy's). */
let decided: number | undefined;
/** runCli's status, once it has returned: from then on nothing listens to `abort`, only stdout is flushed. */
let finished: number | undefined;
/** The status to leave with after a signal: runCli says 130 for any signal; SIGTERM is 143, SIGHUP 129, SIGBREAK 149. */
const afterSignal = (code: number, signal: NodeJS.Signals): number => (code === EXIT_INTERRUPTED ? statusOf(signal) : code);

/**
 * A signal while stdout is flushed after the command returned: the reader may have stopped reading, and waiting for it
 * would ignore Ctrl-C. Leave at once; stderr gets one line if it takes it now (a write that would wait is dropped
 * with the process). A change made on the site keeps the command's own status, so a script that retries on 130 does
 * not make it twice; a failure keeps its status (a 6 must not become 130); else the output is incomplete: 130 / 143.
 */
function leaveWhileFlushing(signal: NodeJS.Signals, code: number): never {
  if (code !== EXIT_OK) process.exit(code);
  // The command succeeded: its write, if any, was answered.
  const end = interruptedEnd({ applied, writing: undefined });
  process.stderr.write(interruptedLine(signal) + end.note);
  process.exit(afterSignal(end.code, signal));
}

/**
 * A second signal while runCli still ends the run the first one stopped: leave once a download's temporary file is
 * removed, with the status the run would have ended with, so that a script that retries on 130 does not write twice.
 * Once runCli has decided it (its lines are on stderr; it only releases its connections now), that status; before,
 * the same end runCli would write: 6 and its note for a write in flight, 0 and its note for a change made, else
 * 130 / 143, each after `sg: interrupted (<first signal>)`.
 */
function leaveOnSecondSignal(first: NodeJS.Signals): never {
  if (decided !== undefined) process.exit(afterSignal(decided, first));
  const end = interruptedEnd({ applied, writing });
  process.stderr.write(interruptedLine(first) + end.note);
  process.exit(afterSignal(end.code, first));
}

const onSignal = (signal: NodeJS.Signals): void => {
  if (finished !== undefined) leaveWhileFlushing(signal, finished);
  if (received) {
    const first = received;
    void cleanupsDone(5_000).then(() => leaveOnSecondSignal(first));
    return;
  }
  received = signal;
  resolveStop(signal);
  abort.abort(signal);
};
// SIGHUP and SIGBREAK (Ctrl+Break on Windows) too: left to Node's default they kill sg at once, leaving a download's
// `.part` file behind and an upload without its "may have been applied" note.
for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

// While the command runs, runCli reports an error of stdout itself (a closed pipe ends it quietly with 0, a full
// disk is one line and exit 1). One that comes later, while the last bytes are flushed, is handled below.
let lateError: NodeJS.ErrnoException | undefined;
process.stdout.on("error", (error: NodeJS.ErrnoException) => (lateError ??= error));

let code = await runCli(process.argv.slice(2), processIo(), {
  stop,
  signal: abort.signal,
  onApplied: (what) => (applied = what),
  onWriting: (command) => (writing = command),
  onStatus: (status) => (decided = status),
});
if (received) code = afterSignal(code, received);
finished = code;
process.exitCode = code;
// Interrupted, even when the status is 0 (a change made, its output cut by the signal): what stdout still holds is
// incomplete, and a reader that stopped reading must not keep sg waiting. What the pipe takes now is written.
if (received) process.exit(code);
// A signal that came while runCli's last steps ran without waiting (a table's last rows written to a file) may not be
// handled yet: two turns of the event loop (the second after libuv has read its signal pipe) let its handler leave
// with `sg: interrupted` and 130 / 143 (see `leaveWhileFlushing`) before the flush below could end the run with 0.
for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
// Flush stdout before leaving (pipes are asynchronous); keep-alive sockets must not hold the process open.
process.stdout.write("", (error?: Error | null) => {
  const failed = lateError ?? (error as NodeJS.ErrnoException | null | undefined);
  // A closed pipe (`sg find Shot --all | head`) is a quiet end; a stream that runCli already reported failed is too.
  if (code === 0 && failed && failed.code !== "EPIPE" && failed.code !== "ERR_STREAM_DESTROYED") {
    process.stderr.write(`sg: ${outputErrorText(failed)}\n`);
    process.exit(1);
  }
  process.exit(code);
});
