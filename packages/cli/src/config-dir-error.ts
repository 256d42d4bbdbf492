/**
 * Why the folder of the credentials file could not be made, said of the folder that is really in the way: Node's
 * recursive mkdir reports the deepest missing folder (ENOENT on a read-only file system, ENOENT for a link to a
 * missing folder), not the existing one that refused it.
 *
 * @packageDocumentation
 */
import { lstat, mkdir, readlink, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { credentialsFileError } from "./credentials-file-error.js";
import { CredentialsFileError } from "./exit-codes.js";
import { fileErrorWhy } from "./file-error-words.js";

const ELSEWHERE = "set SG_CONFIG_DIR to a writable folder of yours";

/**
 * The error to show when `mkdir -p dir` failed with `error`: the deepest folder of `dir` that exists is named, with
 * the errno a plain mkdir of the next level gets there (EACCES, EROFS, …), or the link that leads to a missing
 * folder. Anything else is left to {@link credentialsFileError}.
 *
 * @param error - what the recursive mkdir threw.
 * @param path - the credentials file.
 * @param dir - its folder.
 */
export async function configDirError(error: unknown, path: string, dir: string): Promise<unknown> {
  const fail = (why: string, hint: string): CredentialsFileError =>
    new CredentialsFileError(`cannot write the credentials file ${path}: cannot create its folder ${dir}: ${why}`, hint, "credentials-file-unwritable");
  let below: string | undefined;
  let at = dir;
  for (let info = await lstat(at).catch(() => undefined); !info; info = await lstat(at).catch(() => undefined)) {
    if (dirname(at) === at) return credentialsFileError(error, path, dir, true);
    below = at;
    at = dirname(at);
  }
  const found = await stat(at).catch(() => undefined);
  if (!found) {
    // A relative target is relative to the link's folder, not to the current one.
    const to = await readlink(at).then((target) => resolve(dirname(at), target), () => "?");
    return fail(`${at} is a symbolic link to a missing folder (${to})`, `Create ${to}, or point the link at an existing folder, or ${ELSEWHERE}.`);
  }
  // The folder, or one on the way, is there but no folder: a file.
  if (!found.isDirectory()) return credentialsFileError(Object.assign(new Error("not a folder"), { code: "ENOTDIR", syscall: "mkdir" }), path, dir, true);
  if (!below) return credentialsFileError(error, path, dir, true);
  const code = await mkdir(below, { mode: 0o700 }).then(
    () => undefined,
    (retry: NodeJS.ErrnoException) => retry.code,
  );
  if (!code) return credentialsFileError(error, path, dir, true);
  const why = `${fileErrorWhy(code, at) ?? code} in ${at}`;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return fail(why, `Create ${dir} as a user who may write ${at} (then chown it to you), or ${ELSEWHERE}.`);
    case "ENOSPC":
    case "EDQUOT":
      return fail(why, `Free some space, or ${ELSEWHERE} on another disk.`);
    default:
      return fail(why, `Set SG_CONFIG_DIR to a writable folder of yours.`);
  }
}
