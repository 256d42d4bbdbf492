/** Where the CLI reads and writes. `runCli` takes one, so tests and embedders can run it in process. */

/** A writable text stream (a subset of `process.stdout`). */
export interface CliOutput {
  /** Write text or bytes; returns false when the stream wants the caller to wait for `drain`. */
  write(chunk: string | Uint8Array): unknown;
  /** True when the stream is a terminal. */
  readonly isTTY?: boolean;
  /** Terminal width, when it is one. */
  readonly columns?: number;
}

/** A readable stream for prompts (a subset of `process.stdin`). */
export interface CliInput extends NodeJS.ReadableStream {
  /** True when the stream is a terminal (prompts then hide what is typed). */
  readonly isTTY?: boolean;
  /** Switch the terminal to raw mode, for prompts without echo. */
  setRawMode?(mode: boolean): unknown;
}

/** Streams, environment and working directory of one CLI run. */
export interface CliIo {
  /** Where results go. */
  readonly stdout: CliOutput;
  /** Where errors, hints, progress and `--debug` lines go. */
  readonly stderr: CliOutput;
  /** Where prompts read from. */
  readonly stdin: CliInput;
  /** Environment variables (`SG_*`, `SG_CONFIG_DIR`, `XDG_CONFIG_HOME`, `HOME`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory for relative paths (`--out`, uploads). */
  readonly cwd: string;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Write to a stream and wait until it drained (so large outputs keep bounded memory). */
export function writeAndDrain(out: CliOutput, chunk: string): Promise<void> | void {
  const ok = out.write(chunk);
  const stream = out as unknown as { once?: (event: string, cb: () => void) => void };
  if (ok === false && typeof stream.once === "function") {
    return new Promise((resolve) => stream.once?.("drain", resolve));
  }
}
