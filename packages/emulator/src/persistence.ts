import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { withArticle } from './articles.js';
import { replaceDurably, syncFolder } from './durable-file.js';
import { readUploads, SavedUploads } from './saved-uploads.js';
import { saveError } from './save-error.js';
import type { Site, SiteSnapshot } from './site.js';

/**
 * Reads a `--data` file: the snapshot it holds, or undefined when there is none yet (no file, or an empty one, e.g.
 * made by `touch`), in which case the site starts from its fixtures and is saved there.
 *
 * @throws Error naming the file when it is a folder, or holds something that is not JSON, or JSON that is not a saved site (an
 * object with `"format": "sg-emulator/1"`).
 */
export function readDataFile(file: string): SiteSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
    throw new Error(`Data file ${file} is a folder, not a file: give --data (dataFile) the path of a file, e.g. ${join(file, 'site.json')}`, { cause: err });
  }
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`Data file ${file} is not a saved site (expected JSON written by sg-emulator): ${(err as Error).message}`);
  }
  // JSON that is no saved site (null, {}, a list…) would otherwise be overwritten with the fixtures or stop the
  // start with a message that does not name the file.
  const format = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { format?: unknown }).format : undefined;
  if (format !== 'sg-emulator/1') {
    throw new Error(`Data file ${file} is not a saved site (expected a JSON object with "format": "sg-emulator/1", written by sg-emulator); it holds ${describeJson(parsed)}`);
  }
  readUploads(file, parsed as SiteSnapshot);
  return parsed as SiteSnapshot;
}

/** What a JSON value is, in a few words (never its content: a data file holds keys and passwords). */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value !== 'object') return withArticle(typeof value);
  const format = (value as { format?: unknown }).format;
  return format === undefined ? 'an object without "format"' : `an object with "format" ${JSON.stringify(format)}`;
}

/**
 * Removes the `FILE.tmp-<pid>` files of saves cut short by a crash (each start has a new pid, so none is ever written
 * over). All of them: only an emulator holding the lock on `FILE` writes one, and this one holds it now.
 */
function removeLeftoverTemps(file: string): void {
  const prefix = `${basename(file)}.tmp-`;
  for (const name of readdirSync(dirname(file))) if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) rmSync(join(dirname(file), name), { force: true });
}

/**
 * How many ids of each type a save reserves past the next one: they may be handed out until the next save, which
 * does not have to come first; a write that goes past them saves before it is answered (see `Store.reserveIds`).
 */
const RESERVED_IDS = 1000;

/**
 * The wait before the save that follows a write: {@link SAVE_COST_FACTOR} times as long as the last save took, within
 * these bounds (ms), so that saving a large site takes at most about a fifth of the time while writes keep arriving.
 */
const SAVE_DELAY_MIN = 20;
const SAVE_DELAY_MAX = 2000;
const SAVE_COST_FACTOR = 4;

/**
 * After a timed save failed, the wait before it is tried again by itself (ms): the first retry after
 * {@link SAVE_RETRY_FIRST}, each one after that twice as long as the one before, at most {@link SAVE_RETRY_MAX}
 * (a full disk is not tried, and its failure logged, every few milliseconds).
 */
const SAVE_RETRY_FIRST = 1000;
const SAVE_RETRY_MAX = 30_000;

/** `--data FILE`: saves the site after writes (temp file + rename); {@link readDataFile} reads it at start. */
export class Persistence {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** Whether the file holds ids reserved past the next ones, which the save on close gives back. */
  private reserved = false;
  /** The wait before the next scheduled save (see {@link SAVE_COST_FACTOR}). */
  private delayMs = SAVE_DELAY_MIN;
  /** How many saves in a row have failed since the last one that succeeded (see {@link SAVE_RETRY_FIRST}). */
  private failures = 0;

  /** The uploads' bytes, kept beside the file. */
  private readonly uploads: SavedUploads;

  /**
   * @param logger Where a failed save that was scheduled by {@link markDirty} is reported: no caller is there to
   *   throw to, and throwing from a timer would end the process embedding the emulator.
   * @param saved The snapshot the site was loaded from, if any (its uploads are beside the file already).
   */
  constructor(
    private readonly file: string,
    private readonly site: Site,
    private readonly logger: (line: string) => void,
    saved?: SiteSnapshot,
  ) {
    removeLeftoverTemps(file);
    this.uploads = new SavedUploads(file, site, saved);
  }

  /**
   * Schedules a save 20 ms to 2 s from now, depending on how long the last one took (writes that arrive meanwhile are
   * saved together). A failed save is logged and tried again by itself, 1 s later, then after twice as long each
   * time, at most 30 s apart, until one succeeds (or sooner by a write that must be saved before it is answered).
   */
  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    const delay = this.failures ? Math.min(SAVE_RETRY_MAX, SAVE_RETRY_FIRST * 2 ** (this.failures - 1)) : this.delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveOrRetryLater();
    }, delay);
  }

  /**
   * {@link flush}, reporting a failure to the logger instead of throwing it (the next save tries again).
   * @returns whether the save succeeded (or had nothing to save).
   */
  trySave(): boolean {
    try {
      this.flush();
      this.failures = 0;
      return true;
    } catch (err) {
      this.failures++;
      this.logger(`${(err as Error).message}; the writes since the last save are not saved (the next save tries again)`);
      return false;
    }
  }

  /** {@link trySave} now; after a failure, the next try waits for {@link markDirty}'s delay (longer after each failure) instead of coming at once. */
  saveOrRetryLater(): void {
    if (!this.trySave()) this.markDirty();
  }

  /**
   * Saves now if anything changed (a PAT exchange time too, see `Site.recordPatExchange`): writes `FILE.tmp-<pid>` (mode 0600) then renames it over `FILE`.
   *
   * Ids are reserved past the next ones (see {@link RESERVED_IDS}), except by the `final` save (on close).
   *
   * @throws Error naming the file when it cannot be written; the site then stays unsaved, so the next save retries.
   */
  flush(final = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const { store } = this.site;
    if (!this.dirty && !this.site.patExchangeUnsaved && !store.idsSpent && !store.pastReserved && !(final && this.reserved)) return;
    const reserve = final ? 0 : RESERVED_IDS;
    const tmp = `${this.file}.tmp-${process.pid}`;
    const started = performance.now();
    try {
      // Readable by its owner only: it holds the site card's script keys, the users' passwords and what was written
      // to password fields. The rename keeps this mode, whatever the file it replaces had.
      // Flushed to the disk before and after the rename: a power loss leaves the last save whole, with its uploads.
      this.uploads.writeNew();
      replaceDurably(tmp, this.file, JSON.stringify(this.site.snapshot(reserve)), 0o600);
      syncFolder(dirname(this.file));
      this.uploads.removeGone();
    } catch (err) {
      // A temporary file left on a full disk would keep its space until the next start.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // the error of the save is the one to report
      }
      throw saveError(this.file, err);
    }
    this.dirty = false;
    this.site.patExchangeUnsaved = false;
    store.idsSpent = false;
    store.reserveIds(reserve);
    this.reserved = reserve > 0;
    this.delayMs = Math.min(SAVE_DELAY_MAX, Math.max(SAVE_DELAY_MIN, SAVE_COST_FACTOR * (performance.now() - started)));
  }

  /** Saves unconditionally (used after a reset). */
  save(): void {
    this.dirty = true;
    this.flush();
  }
}
