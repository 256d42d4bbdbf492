import { shown } from './options-check.js';
import { utcDay } from './utc-day.js';

/** 9999-12-31T23:59:59Z in epoch ms: the last datetime the wire format holds. */
const LAST_DATETIME_MS = 253_402_300_799_000;

/** `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or `±HH:MM`: an instant, never a local time that depends on the machine. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** How the clock stands, as a `--data` file keeps it: an offset from the wall clock (running) or a held instant (frozen). */
export type ClockSnapshot = { readonly offsetMs: number } | { readonly frozenAt: number };

/** Where the clock starts, and goes back to on reset: an instant, running from there or held there. */
export interface ClockStart {
  /** The instant in epoch milliseconds. */
  readonly at: number;
  /** Whether the clock stays at `at` until it is moved. */
  readonly frozen: boolean;
}

/**
 * Reads an absolute clock setting: a `Date`, or an ISO 8601 date-time with a time zone (`2026-01-12T09:00:00Z`,
 * `2026-01-12T10:00:00+01:00`), within the years 1970–9999 that a wire datetime can hold.
 *
 * @param value - What was received.
 * @param label - How the message names the value, e.g. `clock` or `'at'`.
 * @returns The instant in epoch milliseconds.
 * @throws Error naming the value and what was expected.
 */
export function parseClockInstant(value: unknown, label: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string' && ISO_INSTANT.test(value) && isCalendarTime(value)) ms = Date.parse(value);
  else ms = Number.NaN;
  if (Number.isNaN(ms)) {
    const got = value instanceof Date ? 'an invalid Date' : shown(value);
    throw new Error(`${label} must be an ISO 8601 date-time with a time zone, such as "2026-01-12T09:00:00Z", or a Date; got ${got}`);
  }
  if (!(ms >= 0 && ms <= LAST_DATETIME_MS)) {
    throw new Error(`${label} must be within the years 1970 to 9999, got ${shown(value instanceof Date ? value.toISOString() : value)}`);
  }
  return ms;
}

/** Whether the date and time of a string of the {@link ISO_INSTANT} form exist (no 30 February, no 24:00): `Date.parse` would roll them over. */
function isCalendarTime(iso: string): boolean {
  const [y, mo, d, h, mi, se] = [0, 5, 8, 11, 14, 17].map((at) => Number(iso.slice(at, at === 0 ? 4 : at + 2)));
  const day = new Date(utcDay(y!, mo! - 1, d!));
  const second = iso[16] === ':' ? se! : 0;
  return day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d! && h! <= 23 && mi! <= 59 && second <= 59;
}

/**
 * The emulator clock: the wall clock plus an offset that tests move, or an instant it is held at ("frozen") until
 * it is moved or set again.
 */
export class EmulatorClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  /** @param start - Where the clock starts and where {@link reset} puts it; the wall clock when absent. */
  constructor(private readonly start?: ClockStart) {
    this.reset();
  }

  /** Current emulator time in epoch milliseconds. */
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Whether the clock is held at one instant. */
  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  /**
   * Moves the clock forward (or back, with a negative number); a frozen clock stays frozen at the new time. Throws,
   * leaving the clock as it was, when that would take it outside 1970–9999, the years a wire datetime can hold.
   */
  advance(seconds: number): void {
    // A string would be concatenated into the offset, and undefined would make it NaN.
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new Error(`The emulator clock moves by a finite number of seconds, got ${shown(seconds)}`);
    }
    const at = this.now() + seconds * 1000;
    if (!(at >= 0 && at <= LAST_DATETIME_MS)) {
      throw new Error(`The emulator clock must stay within the years 1970 to 9999; moving it by ${seconds} s would leave them`);
    }
    if (this.frozenAt !== null) this.frozenAt = at;
    else this.offsetMs += seconds * 1000;
  }

  /**
   * Sets the clock to the instant `at` (epoch ms, see {@link parseClockInstant}): it runs on from there, or, when
   * `frozen`, stays there until moved or set again.
   */
  set(at: number, frozen: boolean): void {
    if (!(Number.isFinite(at) && at >= 0 && at <= LAST_DATETIME_MS)) {
      throw new Error(`The emulator clock must stay within the years 1970 to 9999, got ${shown(at)} ms`);
    }
    if (frozen) {
      this.frozenAt = at;
      this.offsetMs = 0;
    } else {
      this.frozenAt = null;
      this.offsetMs = at - Date.now();
    }
  }

  /** Back to where it started: the start instant (running or frozen) when one was given, else the wall clock. */
  reset(): void {
    if (this.start) {
      this.set(this.start.at, this.start.frozen);
    } else {
      this.frozenAt = null;
      this.offsetMs = 0;
    }
  }

  /** How the clock stands, for a `--data` file. */
  snapshot(): ClockSnapshot {
    return this.frozenAt !== null ? { frozenAt: this.frozenAt } : { offsetMs: this.offsetMs };
  }

  /** Puts the clock back as {@link snapshot} left it; something else (an older or edited file) is ignored. */
  restore(snap: unknown): void {
    if (!snap || typeof snap !== 'object') return;
    const s = snap as Record<string, unknown>;
    const frozenAt = s['frozenAt'];
    const offsetMs = s['offsetMs'];
    if (typeof frozenAt === 'number' && frozenAt >= 0 && frozenAt <= LAST_DATETIME_MS) {
      this.frozenAt = frozenAt;
      this.offsetMs = 0;
    } else if (typeof offsetMs === 'number' && Number.isFinite(offsetMs)) {
      const at = Date.now() + offsetMs;
      if (at >= 0 && at <= LAST_DATETIME_MS) {
        this.frozenAt = null;
        this.offsetMs = offsetMs;
      }
    }
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
