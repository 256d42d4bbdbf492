import { CredentialsFileError } from "./exit-codes.js";
import { fileErrorWhy } from "./file-error-words.js";

const OTHER_FOLDER = "or set SG_CONFIG_DIR to a writable folder of yours";

/**
 * The error to show for a failure to read or write the credentials file: a Node file-system error (EISDIR, EACCES,
 * ENOSPC, …) becomes a {@link CredentialsFileError} naming the file and what to do; any other error is returned as is.
 *
 * @param error - what the read or write threw.
 * @param path - the credentials file.
 * @param dir - its folder.
 * @param writing - whether it was being written (else read).
 */
export function credentialsFileError(error: unknown, path: string, dir: string, writing: boolean): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !(error as NodeJS.ErrnoException).syscall) return error;
  const why = fileErrorWhy(code, dir) ?? `${code} (${(error as Error).message})`;
  return new CredentialsFileError(`cannot ${writing ? "write" : "read"} the credentials file ${path}: ${why}`, hintFor(code, path, dir, writing), writing ? "credentials-file-unwritable" : "credentials-file-unreadable");
}

/** What to do about error `code` reading or writing the credentials file `path` in `dir`. */
function hintFor(code: string, path: string, dir: string, writing: boolean): string {
  switch (code) {
    case "EISDIR":
      return `Remove that folder (sg login writes the file again), ${OTHER_FOLDER}.`;
    case "ENOTDIR":
      return `Remove or rename that file, ${OTHER_FOLDER}.`;
    case "EACCES":
    case "EPERM":
      return writing ? `Make ${dir} yours and writable (chmod 700 ${dir} as its owner), ${OTHER_FOLDER}.` : `Make the file yours and private (chmod 600 ${path} as its owner; the folder chmod 700 ${dir}), ${OTHER_FOLDER}.`;
    case "EROFS":
      return "Set SG_CONFIG_DIR to a writable folder of yours.";
    case "ENOSPC":
    case "EDQUOT":
      return `Free some space, ${OTHER_FOLDER} on another disk.`;
    default:
      return `Check that folder, ${OTHER_FOLDER}.`;
  }
}
