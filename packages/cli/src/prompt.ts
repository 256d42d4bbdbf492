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
 * Ask a question on the terminal and read one line. `hidden` turns echo off (passphrases, codes). A progress line on
 * `output` is not drawn while the question waits (see `./prompt-pause.ts`), and is drawn again below it once answered.
 */
export function prompt(input: CliInput, output: CliOutput, question: string, hidden = false, signal?: AbortSignal): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(new UsageError(`cannot ask for ${question.replace(/:\s*$/, "").toLowerCase()}: standard input is not a terminal`, "Pass it as an option or environment variable instead."));
  }
  return whilePrompting(output, () =>
    new Promise<string>((resolve, reject) => {
      let answer = "";
      const raw = hidden && typeof input.setRawMode === "function";
      // Echo goes off before the question shows: an answer typed (or pasted) as soon as it appears is never echoed.
      if (raw) input.setRawMode?.(true);
      output.write(question);
      input.setEncoding("utf8");
      input.resume();
      const onAbort = (): void => finish(new UsageError("cancelled"));
      const finish = (error?: Error): void => {
        input.removeListener("data", onData);
        signal?.removeEventListener("abort", onAbort);
        if (raw) input.setRawMode?.(false);
        input.pause();
        output.write("\n");
        if (error) reject(error);
        else resolve(answer);
      };
      const onData = (chunk: string | Buffer): void => {
        for (const ch of String(chunk)) {
          if (ch === "\r" || ch === "\n") return finish();
          // Ctrl-C with echo off arrives as a character: the same as an interrupt anywhere else (exit 130).
          if (ch === "\u0003") return finish(new InterruptedError());
          if (ch === "\u007f" || ch === "\b") answer = withoutLastCluster(answer);
          else if (ch >= " ") answer += ch;
        }
      };
      input.on("data", onData);
      // Ctrl-C on a terminal not in raw mode is a SIGINT, not a character: stop waiting for the answer.
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    }),
  );
}
