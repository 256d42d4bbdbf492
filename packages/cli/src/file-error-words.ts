/**
 * The words for the file-system errors met writing a file, shared by the credentials file and `sg typegen --out`.
 *
 * @packageDocumentation
 */

/**
 * What a Node file-system error code means, in words, for a file in folder `dir`; undefined for a code without its own.
 *
 * @param code - the error's `code` (`EACCES`, `ENOSPC`, …).
 * @param dir - the folder of the file.
 */
export function fileErrorWhy(code: string, dir: string): string | undefined {
  switch (code) {
    case "EISDIR":
      return "it is a folder";
    case "ENOTDIR":
      return `${dir} or a folder above it is a file`;
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOSPC":
    case "EDQUOT":
      return "no space left on the disk (or your disk quota is used up)";
    case "EFBIG":
      return "the file is larger than allowed (the file size limit, ulimit -f, or the file system's largest file)";
    default:
      return undefined;
  }
}
