import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Site, SiteSnapshot } from './site.js';

/** `--data FILE`: loads the site from the file when it exists, and saves after writes (temp file + rename). */
export class Persistence {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly site: Site,
    private readonly log: (line: string) => void,
  ) {}

  /** Restores the file into the site; false when there is no file yet. */
  load(): boolean {
    if (!existsSync(this.file)) return false;
    const snap = JSON.parse(readFileSync(this.file, 'utf8')) as SiteSnapshot;
    this.site.restore(snap);
    this.log(`loaded ${this.file}`);
    return true;
  }

  /** Schedules a save shortly (writes that arrive together are saved once). */
  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 20);
  }

  /** Saves now if anything changed: writes `FILE.tmp-<pid>` then renames it over `FILE`. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.site.snapshot()));
    renameSync(tmp, this.file);
  }

  /** Saves unconditionally (used after a reset). */
  save(): void {
    this.dirty = true;
    this.flush();
  }
}
