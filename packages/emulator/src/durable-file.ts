import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';

/** Codes of a folder `fsync` that the file system does not support (the rename is then as durable as it can be). */
const UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF', 'EPERM', 'EACCES']);

/**
 * Writes `data` to `tmp` (created with `mode`), flushes it to the disk, then renames it over `file`. After a power
 * loss, `file` is then the old one or the new one whole, never a renamed file whose bytes were not written yet. Call
 * {@link syncFolder} on the folder afterwards to make the rename itself survive one.
 *
 * @throws the file system's error; `tmp` may then be left for the caller to remove.
 */
export function replaceDurably(tmp: string, file: string, data: string | Uint8Array, mode: number): void {
  const fd = openSync(tmp, 'w', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Flushes `folder`'s entries (a rename or a new file in it) to the disk. A file system that cannot `fsync` a folder
 * is left as it is.
 *
 * @throws the file system's error when the flush itself fails (e.g. EIO).
 */
export function syncFolder(folder: string): void {
  let fd: number;
  try {
    fd = openSync(folder, 'r');
  } catch (err) {
    if (UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    if (!UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    closeSync(fd);
  }
}
