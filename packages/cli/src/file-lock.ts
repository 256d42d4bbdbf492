import { open, rename, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { CredentialsFileError } from "./exit-codes.js";

/** How long a lock is waited for, and after how long an untouched lock is taken as left by a process that died. */
export interface FileLockTiming {
  readonly waitMs: number;
  readonly staleMs: number;
}

const TIMING: FileLockTiming = { waitMs: 15_000, staleMs: 10_000 };

/**
 * Run `work` while holding `lockPath`, a file created with O_EXCL (atomic on local disks and on NFSv3+), so that two
 * `sg` (in one shell, or on two hosts sharing a home) never read-modify-write the same file at once. Waits up to
 * `waitMs`; a lock older than `staleMs` (its holder died) is moved away and retaken. The lock is removed after `work`.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, timing: FileLockTiming = TIMING): Promise<T> {
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    try {
      // Empty: on a full disk it is still made, and nothing can fail between making it and the try below.
      await (await open(lockPath, "wx", 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const since = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (since > timing.staleMs) {
      // Moved first, under a name of its own, so that of two processes finding it stale only one removes it.
      const away = `${lockPath}.${randomBytes(4).toString("hex")}.stale`;
      if (await rename(lockPath, away).then(() => true, () => false)) await rm(away, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new CredentialsFileError(
        `another sg has held ${lockPath} for ${Math.round(since / 1000)} s, so the credentials file was not changed`,
        `Run the command again; if no other sg is running, remove ${lockPath}.`,
        "credentials-file-locked",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
