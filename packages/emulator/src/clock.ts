import { shown } from './options-check.js';

/** 9999-12-31T23:59:59Z in epoch ms: the last datetime the wire format holds. */
const LAST_DATETIME_MS = 253_402_300_799_000;

/** The emulator clock: wall-clock time plus an offset that tests move forward. */
export class EmulatorClock {
  private offsetMs = 0;

  /** Current emulator time in epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /**
   * Moves the clock forward (or back, with a negative number). Throws, leaving the clock as it was, when that would
   * take it outside 1970–9999, the years a wire datetime can hold.
   */
  advance(seconds: number): void {
    // A string would be concatenated into the offset, and undefined would make it NaN.
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new Error(`The emulator clock moves by a finite number of seconds, got ${shown(seconds)}`);
    }
    const offsetMs = this.offsetMs + seconds * 1000;
    const at = Date.now() + offsetMs;
    if (!(at >= 0 && at <= LAST_DATETIME_MS)) {
      throw new Error(`The emulator clock must stay within the years 1970 to 9999; moving it by ${seconds} s would leave them`);
    }
    this.offsetMs = offsetMs;
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
