/** The emulator clock: wall-clock time plus an offset that tests move forward. */
export class EmulatorClock {
  private offsetMs = 0;

  /** Current emulator time in epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock forward (or back, with a negative number). */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** Back to wall-clock time. */
  reset(): void {
    this.offsetMs = 0;
  }
}

/** Formats epoch milliseconds as the wire datetime `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** Formats epoch milliseconds as the wire date `YYYY-MM-DD` (UTC). */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
