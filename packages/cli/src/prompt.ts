import { closeSync, openSync, writeSync } from "node:fs";
import type { CliInput, CliOutput } from "./io.js";
import { InterruptedError, UsageError } from "./exit-codes.js";
import { whilePrompting } from "./prompt-pause.js";
import { displayClusters } from "./format/display-width.js";

/**
 * `text` without its last grapheme cluster (`🎬`, `👨‍👩‍👧`, e + accent): what a backspace erases, as a terminal does,
 * never half of a surrogate pair (a lone surrogate would be sent as U+FFFD and refused as a wrong passphrase).
 */
function withoutLastCluster(text: string): string {
  let last = "";
  for (const [cluster] of displayClusters(text)) last = cluster;
  return text.slice(0, text.length - last.length);
}

/**
 * Where the question is written: `output` (stderr) when it is a terminal; else (`2>err.log`) the controlling terminal,
 * so that the person sees what `sg` waits for, or `output` again when there is none (Windows, no terminal).
 */
function questionOutput(output: CliOutput): { write(text: string): void; close(): void } {
  let fd: number | undefined;
  try {
    if (!output.isTTY) fd = openSync("/dev/tty", "w");
  } catch {
    fd = undefined;
  }
  if (fd === undefined) return { write: (text) => void output.write(text), close: () => undefined };
  const tty = fd;
  return { write: (text) => void writeSync(tty, text), close: () => closeSync(tty) };
}

/**
 * Ask a question on the terminal and read one line. `hidden` turns echo off (passphrases, codes). A progress line on
 * `output` is not drawn while the question waits (see `./prompt-pause.ts`), and is drawn again below it once answered.
 * `instead` says how to give the answer without a prompt (`Pass --password or set SG_PASSWORD.`): the hint when the
 * question cannot be asked (standard input is no terminal, or was already read to its end by a `-` argument) and when
 * it is cancelled with Ctrl-D (end of input), which ends `sg` as an interrupt (130), as Ctrl-C does.
 * With echo off, Ctrl-U clears the answer, Ctrl-W erases its last word, and Ctrl-D on an empty answer cancels (it is
 * ignored after something was typed, as a terminal does: the answer is never sent half typed).
 */
export function prompt(input: CliInput, output: CliOutput, question: string, hidden = false, signal?: AbortSignal, instead = "Pass it as an option or environment variable instead."): Promise<string> {
  const what = question.replace(/:\s*$/, "").toLowerCase();
  if (!input.isTTY) return Promise.reject(new UsageError(`cannot ask for ${what}: standard input is not a terminal`, instead));
  const stream = input as CliInput & { readableEnded?: boolean; destroyed?: boolean };
  // A `-` argument read it to its end (Ctrl-D): nothing more can be typed, and what would be (a passphrase) would go
  // to the shell once sg has left. Said before the question shows.
  if (stream.readableEnded || stream.destroyed) return Promise.reject(new UsageError(`cannot ask for ${what}: standard input was already read to its end (by a - argument) or closed`, instead));
  return whilePrompting(output, () =>
    new Promise<string>((resolve, reject) => {
      let answer = "";
      const raw = hidden && typeof input.setRawMode === "function";
      const shown = questionOutput(output);
      // Echo goes off before the question shows: an answer typed (or pasted) as soon as it appears is never echoed.
      if (raw) input.setRawMode?.(true);
      shown.write(question);
      input.setEncoding("utf8");
      input.resume();
      const onAbort = (): void => finish(new UsageError("cancelled"));
      // Ctrl-D at a prompt with echo on ends the input: cancelled, as it is with echo off.
      const onEnd = (): void => finish(new InterruptedError("cancelled at the prompt (Ctrl-D: end of input)", instead));
      const finish = (error?: Error): void => {
        input.removeListener("data", onData);
        input.removeListener("end", onEnd);
        input.removeListener("close", onEnd);
        signal?.removeEventListener("abort", onAbort);
        if (raw) input.setRawMode?.(false);
        input.pause();
        // With echo on, the terminal has shown the Enter that ended the answer; not a Ctrl-D or a signal.
        if (raw || error) shown.write("\n");
        shown.close();
        if (error) reject(error);
        else resolve(answer);
      };
      const onData = (chunk: string | Buffer): void => {
        for (const ch of String(chunk)) {
          if (ch === "\r" || ch === "\n") return finish();
          // Ctrl-C with echo off arrives as a character: the same as an interrupt anywhere else (exit 130).
          if (ch === "\u0003") return finish(new InterruptedError());
          if (ch === "\u0004" && answer === "") return onEnd();
          if (ch === "\u007f" || ch === "\b") answer = withoutLastCluster(answer);
          else if (ch === "\u0015") answer = "";
          else if (ch === "\u0017") answer = answer.replace(/\S*\s*$/, "");
          else if (ch >= " ") answer += ch;
        }
      };
      input.on("data", onData);
      input.once("end", onEnd);
      input.once("close", onEnd);
      // Ctrl-C on a terminal not in raw mode is a SIGINT, not a character: stop waiting for the answer.
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    }),
  );
}
