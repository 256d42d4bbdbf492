import type { CliOutput } from "./io.js";
import { onPromptOn } from "./prompt-pause.js";

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Where to draw: stderr. Nothing is drawn unless it is a terminal. */
  readonly stream: CliOutput;
  /** Milliseconds between redraws. Default 100. */
  readonly intervalMs?: number;
  /**
   * Time source in ms (for tests). Default `performance.now`: a monotonic clock, so a wall clock set back (or
   * forward) neither stops the redraws nor skews the rate.
   */
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
  /** Erase the line (and stop following the prompts on the stream). */
  done(): void;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/**
 * A progress line on a terminal; a no-op on anything else (pipes, files, CI logs, `TERM=dumb`). While a prompt waits
 * on the same stream (a two-factor code asked for mid-command), the line is erased and not drawn, so the redraw cannot
 * wipe out the question; once answered, it is drawn again on the fresh line below.
 */
export function createProgress(options: ProgressOptions): Progress {
  const active = options.enabled !== false && !(options.env && progressSuppressed(options.env)) && (options.force === true || options.stream.isTTY === true);
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const started = now();
  let rows = 0;
  let expected: number | undefined;
  // The first count draws at once, whatever the time source's origin.
  let lastDraw = -Infinity;
  let drawn = false;
  /** Prompts waiting on the stream; nothing is drawn while there is one. */
  let prompts = 0;
  /** Whether the line had something to show when a prompt came, or was to be drawn while one waited. */
  let held = false;
  /** Set by `done()`: a prompt that ends afterwards must not draw the line again. */
  let finished = false;
  const draw = (force: boolean): void => {
    if (!active || finished) return;
    if (prompts > 0) {
      held = true;
      return;
    }
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
    // Wider than the terminal, the line would wrap, and the erase of the next redraw clears only its last row.
    const columns = options.stream.columns;
    if (columns !== undefined && columns > 1) line = line.slice(0, columns - 1);
    options.stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  const stopFollowing = active
    ? onPromptOn(options.stream, {
        pause() {
          prompts += 1;
          if (prompts > 1) return;
          held = drawn;
          // The question then starts at the beginning of an empty line, not after the rows and rate.
          if (drawn) options.stream.write("\r\x1b[2K");
          drawn = false;
        },
        resume() {
          prompts -= 1;
          if (prompts > 0 || !held) return;
          held = false;
          // The prompt ended its line: the display comes back on the one below, as it stands now.
          draw(true);
        },
      })
    : undefined;
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
      finished = true;
      stopFollowing?.();
      if (active && drawn) options.stream.write("\r\x1b[2K");
    },
  };
}
