/**
 * Replacing a file whole: the new content goes to a temporary file next to it, renamed over it once complete, so a
 * full disk or any failure midway leaves the old file as it was (and no temporary file).
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { chmod, rename, rm, writeFile } from "node:fs/promises";

/**
 * Write `data` to `path` through `<path>.<pid>.<random>.tmp`: created anew (`wx`, never a name another process may
 * use, hosts sharing a home can have the same pid), given `mode` when one is given, renamed over `path`, and removed
 * on any failure.
 *
 * @param path - the file to replace (or create).
 * @param data - its whole new content.
 * @param mode - its permission bits; by default those of a new file (0666 less the umask).
 */
export async function replaceFile(path: string, data: string, mode?: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { flag: "wx", ...(mode === undefined ? {} : { mode }) });
    // The mode given to open() is narrowed by the umask.
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}
