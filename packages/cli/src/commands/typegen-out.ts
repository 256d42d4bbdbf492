/**
 * Writing `sg typegen --out FILE`: whole or not at all, with one line and a hint when it fails.
 *
 * @packageDocumentation
 */
import { mkdir, realpath, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { FileWriteError } from "../exit-codes.js";
import { fileErrorWhy } from "../file-error-words.js";
import { replaceFile } from "../replace-file.js";

/** What to do after each error code of a failed write in `dir`. */
function hintFor(code: string, dir: string): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return `Make ${dir} (and the file, if it is write-protected) writable by you, or give --out another path.`;
    case "EROFS":
      return "Give --out a path on a writable disk.";
    case "ENOSPC":
    case "EDQUOT":
      return "Free some space, or give --out a path on another disk.";
    case "EISDIR":
      return "Name a file in that folder with --out, e.g. --out src/sg-schema.ts.";
    case "ENOTDIR":
      return "Remove or rename that file, or give --out another path.";
    default:
      return `Check that folder, or give --out another path.`;
  }
}

/**
 * Write the generated `source` to `path` (absolute): its folders made as needed; an existing file replaced through a
 * temporary file (see {@link replaceFile}), keeping its permission bits and any link to it, so that a full disk
 * leaves it as it was (in place when it is writable but its folder is not); a pipe or a device written into as it is.
 *
 * @throws {@link FileWriteError} naming the file, what went wrong and what to do, for a file-system error.
 */
export async function writeTypegenOut(path: string, source: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  const target = info?.isFile() ? await realpath(path).catch(() => path) : path;
  try {
    // `--out src/sg-schema.ts` in a project that has no src/ yet: make the folders, as a generator is expected to.
    if (!info) await mkdir(dirname(path), { recursive: true });
    if (info && !info.isFile() && !info.isDirectory()) await writeFile(path, source);
    else await replaceFile(target, source, info?.isFile() ? info.mode & 0o7777 : undefined).catch((error: NodeJS.ErrnoException) => {
      // A file one may write in a folder one may not (no temporary file there): written in place, as before.
      if (!info || (error.code !== "EACCES" && error.code !== "EPERM")) throw error;
      return writeFile(target, source);
    });
  } catch (error) {
    const given = (error as NodeJS.ErrnoException).code;
    if (typeof given !== "string") throw error;
    // mkdir -p through a file says it exists.
    const code = given === "EEXIST" ? "ENOTDIR" : given;
    const why = code === "EISDIR" || info?.isDirectory() ? "it is a folder" : (fileErrorWhy(code, dirname(target)) ?? `${code} (${(error as Error).message.split("\n")[0]})`);
    throw new FileWriteError(`cannot write ${path}: ${why}${info?.isFile() ? " (the file is left as it was)" : ""}`, hintFor(info?.isDirectory() ? "EISDIR" : code, dirname(target)));
  }
}
