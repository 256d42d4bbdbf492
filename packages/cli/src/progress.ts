import type { CliOutput } from "./io.js";

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Where to draw: stderr. Nothing is drawn unless it is a terminal. */
  readonly stream: CliOutput;
  /** Milliseconds between redraws. Default 100. */
  readonly intervalMs?: number;
  /** Time source (for tests). */
  readonly now?: () => number;
  /** Draw even when the stream is not a terminal (for tests). */
  readonly force?: boolean;
  /** `false`: draw nothing even on a terminal (e.g. when rows stream to that same terminal). Default true. */
  readonly enabled?: boolean;
  /**
   * The environment: nothing is drawn when `CI` is set (to anything but `false` or `0`), as CI runners often give
   * the job a pseudo-terminal whose log keeps every redraw, nor when `TERM=dumb` (no erase-line code there).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Whether `env` says a progress line must not be drawn even on a terminal: `CI` set to anything but empty, `false`
 * or `0` (a CI log keeps every redraw), or `TERM=dumb` (a terminal without the erase-line code the redraw needs; a
 * line per redraw would flood it, so nothing is drawn rather than a plain line).
 */
export function progressSuppressed(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env["CI"]?.trim().toLowerCase();
  if (ci !== undefined && ci !== "" && ci !== "false" && ci !== "0") return true;
  return env["TERM"] === "dumb";
}

/** A one-line progress display: rows, rate, and a bar once the total is known. */
export interface Progress {
  /** Whether anything is drawn at all. */
  readonly active: boolean;
  /** Set the expected total (draws a bar and a percentage). */
  total(total: number): void;
  /** Count more rows. */
  add(rows: number): void;
  /** Erase the line. */
  done(): void;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A progress line on a terminal; a no-op on anything else (pipes, files, CI logs, `TERM=dumb`). */
export function createProgress(options: ProgressOptions): Progress {
  const active = options.enabled !== false && !(options.env && progressSuppressed(options.env)) && (options.force === true || options.stream.isTTY === true);
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  const started = now();
  let rows = 0;
  let expected: number | undefined;
  let lastDraw = 0;
  let drawn = false;
  const draw = (force: boolean): void => {
    if (!active) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    const seconds = Math.max((t - started) / 1000, 0.001);
    const rate = rows / seconds;
    let line = `${fmt(rows)} rows  ${fmt(rate)} rows/s  ${seconds.toFixed(1)}s`;
    if (expected !== undefined && expected > 0) {
      const ratio = Math.min(rows / expected, 1);
      const width = 24;
      const full = Math.round(ratio * width);
      line = `[${"#".repeat(full)}${"-".repeat(width - full)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${fmt(rows)}/${fmt(expected)} rows  ${fmt(rate)} rows/s`;
    }
    options.stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  return {
    active,
    total(total: number) {
      expected = total;
      draw(true);
    },
    add(n: number) {
      rows += n;
      draw(false);
    },
    done() {
      if (active && drawn) options.stream.write("\r\x1b[2K");
    },
  };
}
