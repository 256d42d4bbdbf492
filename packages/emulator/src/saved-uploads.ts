import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { replaceDurably, syncFolder } from './durable-file.js';
import type { Site, SiteSnapshot, StoredFile } from './site.js';

/** The folder that holds the uploaded files of data file `file`, one file each, named by its Attachment id. */
export const uploadsFolder = (file: string): string => `${file}.uploads`;

/**
 * Reads into `snap.files` the bytes of the uploads it names that are kept in {@link uploadsFolder} (those of a file
 * written before that folder existed are inline, in base64).
 *
 * @throws Error naming the data file and the missing upload when one cannot be read.
 */
export function readUploads(file: string, snap: SiteSnapshot): void {
  for (const [id, f] of Object.entries(snap.files)) {
    if (f.data !== undefined) continue;
    const path = join(uploadsFolder(file), id);
    try {
      f.bytes = readFileSync(path);
    } catch (err) {
      throw new Error(`Data file ${file} names upload ${id}, whose bytes ${path} cannot be read: ${(err as Error).message}`, { cause: err });
    }
  }
}

/**
 * Keeps {@link uploadsFolder} in step with the site's uploads: each is written once, before the first save of the
 * data file that names it, and removed after the first save that no longer does. An upload's bytes thus never go
 * through the data file's JSON, whose one string could not hold a few hundred MB of them.
 */
export class SavedUploads {
  /** The uploads the folder holds, by id, as they were when written (an id a reset handed out again is written again). */
  private readonly written = new Map<number, StoredFile>();
  private readonly folder: string;

  /**
   * @param saved - The snapshot the site was loaded from: its uploads without inline bytes are in the folder already.
   *   Anything else there is removed (left by a crash between writing an upload and saving the file, or a half-written
   *   `.tmp`): the data file is locked by this emulator, so no other writes there.
   */
  constructor(
    file: string,
    private readonly site: Site,
    saved: SiteSnapshot | undefined,
  ) {
    this.folder = uploadsFolder(file);
    for (const [id, f] of Object.entries(saved?.files ?? {})) {
      const stored = site.files.get(Number(id));
      if (f.data === undefined && stored) this.written.set(Number(id), stored);
    }
    if (existsSync(this.folder)) for (const name of readdirSync(this.folder)) if (!this.written.has(Number(name)) || String(Number(name)) !== name) rmSync(join(this.folder, name), { force: true });
  }

  /** Writes the uploads not written yet (mode 0600, through a temporary file flushed to the disk): call before saving the data file. */
  writeNew(): void {
    let wrote = false;
    for (const [id, f] of this.site.files) {
      if (this.written.get(id) === f) continue;
      // A folder made now is flushed into its parent at once: the data file that names its uploads must never be on the
      // disk without it.
      if (!wrote && mkdirSync(this.folder, { recursive: true, mode: 0o700 }) !== undefined) syncFolder(dirname(this.folder));
      const path = join(this.folder, String(id));
      replaceDurably(`${path}.tmp`, path, f.data, 0o600);
      this.written.set(id, f);
      wrote = true;
    }
    // On the disk before the data file that names them.
    if (wrote) syncFolder(this.folder);
  }

  /** Removes the uploads the site no longer has: call after saving the data file. */
  removeGone(): void {
    for (const id of this.written.keys()) {
      if (this.site.files.has(id)) continue;
      rmSync(join(this.folder, String(id)), { force: true });
      this.written.delete(id);
    }
  }
}
