/** Where the CLI reads and writes. `runCli` takes one, so tests and embedders can run it in process. */
import { isAbsolute, resolve } from "node:path";
import { UsageError } from "./exit-status.js";

/** A writable text stream (a subset of `process.stdout`). */
export interface CliOutput {
  /** Write text or bytes; returns false when the stream wants the caller to wait for `drain`. */
  write(chunk: string | Uint8Array): unknown;
  /** True when the stream is a terminal. */
  readonly isTTY?: boolean;
  /** Terminal width, when it is one. */
  readonly columns?: number;
  /**
   * Ends a wait for `drain` ({@link writeAndDrain} rejects with its reason): Ctrl-C while the reader of a pipe has
   * stopped reading must not wait for it. {@link outputUntil} adds it to a stream.
   */
  readonly signal?: AbortSignal;
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
  /** Working directory for relative paths (`--out`, uploads); read only to resolve one (see {@link resolveFromCwd}). */
  readonly cwd: string;
}

/**
 * The real process's streams and environment. Its working directory is looked up when read: one that was deleted
 * (`process.cwd()` then throws) stops only the commands that resolve a relative path ({@link resolveFromCwd}).
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    get cwd() {
      return process.cwd();
    },
  };
}

/**
 * `path` made absolute against the run's working directory, which is read only for a relative path: a usage error
 * naming `path` when that folder is gone (deleted while the shell was in it).
 */
export function resolveFromCwd(io: CliIo, path: string): string {
  if (isAbsolute(path)) return resolve(path);
  let cwd: string;
  try {
    cwd = io.cwd;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot find ${path}: the current folder ${code === "ENOENT" ? "was deleted" : `cannot be read (${code})`}`, "Run sg from a folder that exists, or give an absolute path.");
  }
  return resolve(cwd, path);
}

/** The events of a stream that {@link writeAndDrain} uses, when the output has them (`process.stdout` does). */
interface Drainable {
  once?(event: "drain", listener: () => void): unknown;
  removeListener?(event: "drain", listener: () => void): unknown;
}

/**
 * Write to a stream and wait until it drained (so large outputs keep bounded memory). The wait ends with a
 * rejection when the output's {@link CliOutput.signal} aborts (Ctrl-C, or the output failed).
 */
export function writeAndDrain(out: CliOutput, chunk: string | Uint8Array): Promise<void> | void {
  const ok = out.write(chunk);
  const stream = out as CliOutput & Drainable;
  if (ok !== false || typeof stream.once !== "function") return;
  const signal = out.signal;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const drained = (): void => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    };
    const aborted = (): void => {
      stream.removeListener?.("drain", drained);
      reject(signal?.reason);
    };
    stream.once?.("drain", drained);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/** `out` whose waits for `drain` end when `signal` aborts (see {@link CliOutput.signal}). */
export function outputUntil(out: CliOutput, signal: AbortSignal | undefined): CliOutput {
  if (!signal) return out;
  const stream = out as CliOutput & Drainable;
  return {
    write: (chunk) => out.write(chunk),
    get isTTY() {
      return out.isTTY;
    },
    get columns() {
      return out.columns;
    },
    signal,
    ...(typeof stream.once === "function"
      ? {
          once: (event: "drain", listener: () => void) => stream.once?.(event, listener),
          removeListener: (event: "drain", listener: () => void) => stream.removeListener?.(event, listener),
        }
      : {}),
  } as CliOutput;
}

/**
 * One line for an output that failed (`/dev/full`, a disk that filled up): `could not write the output: ENOSPC (no
 * space left on device)`, from the system error's code and its text, without a stack.
 */
export function outputErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
  // A system error reads "ENOSPC: no space left on device, write": keep the words between the code and the call.
  const words = typeof code === "string" ? new RegExp(`^${code}: ([^,]+)`).exec(message)?.[1] : undefined;
  if (typeof code === "string") return `could not write the output: ${code} (${words ?? message})`;
  return `could not write the output: ${message}`;
}
