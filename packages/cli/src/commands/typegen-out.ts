/**
 * Writing `sg typegen --out FILE`: a new or plain file whole or not at all, anything else in place; one line and a hint when it fails.
 *
 * @packageDocumentation
 */
import { constants } from "node:fs";
import { access, lstat, mkdir, open } from "node:fs/promises";
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
    case "EFBIG":
      return "Raise the file size limit (ulimit -f), or give --out a path on a file system that allows larger files.";
    case "EISDIR":
      return "Name a file in that folder with --out, e.g. --out src/sg-schema.ts.";
    case "ENOTDIR":
      return "Remove or rename that file, or give --out another path.";
    default:
      return `Check that folder, or give --out another path.`;
  }
}

/** Whether the user may write `path` (a file, or a folder to make files in). */
const mayWrite = (path: string): Promise<boolean> => access(path, constants.W_OK).then(
  () => true,
  () => false,
);

const LEFT = " (the file is left as it was)";
const CUT = " (the file may have been cut short)";

/**
 * Write the generated `source` to `path` (absolute). A new file (its folders made as needed), or a plain file the
 * user may write in a folder the user may write, is replaced whole through a temporary file (see
 * {@link replaceFile}), keeping its permission bits, so that a full disk leaves it as it was; a write-protected file
 * is refused (EACCES), never replaced. Anything else (a symbolic link, live or dangling; a pipe or a device, such as
 * `/dev/stdout` on a terminal (stdout's own file is written through stdout by the command); a file in a folder the user may not write) is written into in place, as a plain write would.
 *
 * @throws {@link FileWriteError} naming the file, what went wrong and what to do, for a file-system error.
 */
export async function writeTypegenOut(path: string, source: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  const plain = info?.isFile() === true;
  // What a failure did to the file: nothing, nothing to an existing file, or it was opened (truncated) in place.
  let done = plain ? LEFT : "";
  try {
    // `--out src/sg-schema.ts` in a project that has no src/ yet: make the folders, as a generator is expected to.
    if (!info) await mkdir(dirname(path), { recursive: true });
    // Its EACCES refuses a write-protected file, as a plain write would (root may write it).
    if (plain) await access(path, constants.W_OK);
    if (!info || (plain && (await mayWrite(dirname(path))))) await replaceFile(path, source, info ? info.mode & 0o7777 : undefined);
    else {
      const file = await open(path, "w");
      done = CUT;
      try {
        await file.writeFile(source);
      } finally {
        await file.close();
      }
    }
  } catch (error) {
    const given = (error as NodeJS.ErrnoException).code;
    if (typeof given !== "string") throw error;
    // mkdir -p through a file says it exists.
    const code = given === "EEXIST" ? "ENOTDIR" : given;
    const why = code === "EISDIR" || info?.isDirectory() ? "it is a folder" : (fileErrorWhy(code, dirname(path)) ?? `${code} (${(error as Error).message.split("\n")[0]})`);
    throw new FileWriteError(`cannot write ${path}: ${why}${done}`, hintFor(info?.isDirectory() ? "EISDIR" : code, dirname(path)));
  }
}
