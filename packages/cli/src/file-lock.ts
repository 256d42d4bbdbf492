import { link, open, rename, rm, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
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
 * `waitMs`; a lock older than `staleMs` (its holder died) is removed by one of those waiting (see {@link breakStale})
 * and retaken. A lock's age is read on its file system's clock (see {@link ageReader}), never this host's. The lock
 * is removed after `work`. `signal` (Ctrl-C) ends the wait with its reason, before the lock is taken; once taken,
 * `work` runs to its end.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, timing: FileLockTiming = TIMING, signal?: AbortSignal): Promise<T> {
  const deadline = performance.now() + timing.waitMs;
  const ageOf = ageReader(lockPath);
  for (;;) {
    signal?.throwIfAborted();
    try {
      // Empty: on a full disk it is still made, and nothing can fail between making it and the try below.
      await (await open(lockPath, "wx", 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const found = await stat(lockPath).catch(() => undefined);
    const [age, ahead] = found ? await ageOf(found) : [0, 0];
    if (found && age > timing.staleMs && (await breakStale(lockPath, identity(found), timing.staleMs, ageOf))) continue;
    if (performance.now() > deadline) {
      throw new CredentialsFileError(
        `another sg has held ${lockPath} for ${Math.round(age / 1000)} s${ahead > 0 ? ` at least (stamped ${Math.round(ahead / 1000)} s ahead of its file system's clock)` : ""}, so the credentials file was not changed`,
        `Run the command again; if no other sg is running, remove ${lockPath}.`,
        "credentials-file-locked",
      );
    }
    await sleep(20 + Math.random() * 80, undefined, { signal }).catch(() => undefined);
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** A file's age in ms and, when its time stamp is over 1 s ahead of its file system's clock, by how much (else 0). */
type AgeOf = (s: Stats) => Promise<readonly [age: number, ahead: number]>;

/**
 * Ages of files next to `near`, on the clock of their file system (an NFS server's for a shared home), which can be
 * far from this host's: read once from a probe file made there (`<near>.<random>.probe`, removed at once) and then
 * followed with this host's monotonic clock. A file stamped ahead of that clock (set back since), or when no probe
 * can be made, is as old as the time it has been seen here unchanged.
 */
function ageReader(near: string): AgeOf {
  let clock: Promise<number> | undefined;
  const firstSeen = new Map<string, number>();
  return async (s) => {
    const now = performance.now();
    const id = identity(s);
    const seen = now - (firstSeen.get(id) ?? (firstSeen.set(id, now), now));
    const fsAge = (await (clock ??= fsClock(near))) + performance.now() - s.mtimeMs;
    return [Math.max(fsAge, seen), fsAge < -1000 && fsAge > -Infinity ? -fsAge : 0];
  };
}

/** The file system's clock minus performance.now(), read off a probe file's time stamp (-Infinity if none). */
async function fsClock(near: string): Promise<number> {
  const probe = `${near}.${randomBytes(4).toString("hex")}.probe`;
  try {
    const file = await open(probe, "wx", 0o600);
    try {
      return (await file.stat()).mtimeMs - performance.now();
    } finally {
      await file.close();
      await rm(probe, { force: true });
    }
  } catch {
    return -Infinity;
  }
}

/** A file's inode and modification time: another file made in its place (even reusing the inode) is newer. */
const identity = (s: Stats): string => `${s.ino}-${s.mtimeMs}`;

/** The {@link identity} of the file at `path` now ("" if none), opened so that an NFS client asks the server afresh. */
async function identityOf(path: string): Promise<string> {
  const file = await open(path, "r").catch(() => undefined);
  try {
    return identity(await (file ? file.stat() : stat(path)));
  } catch {
    return "";
  } finally {
    await file?.close();
  }
}

/**
 * Remove `path` if it is still the file `seen` (its {@link identity}) found stale (by `ageOf`); resolves whether it removed it
 * (or, to that end, a stale guard), so that the caller tries again at once rather than waits. Of several processes
 * finding it stale at once, only the one that creates `<path>.<seen>.break` (O_EXCL, empty) does, so that none removes
 * a lock made in its place after another removed it; one that died holding that guard left it stale, and it is broken
 * the same way. The lock is checked again under the guard (opened: an NFS client's cached view of it may be old), then
 * moved away under a name of its own and checked once more: a newer lock moved there (its holder was alive and gave it
 * up just then) is linked back unless yet another was made meanwhile. A crash after the move leaves only the moved
 * lock and the guard behind, under names never used again.
 */
async function breakStale(path: string, seen: string, staleMs: number, ageOf: AgeOf): Promise<boolean> {
  const guard = `${path}.${seen}.break`;
  try {
    await (await open(guard, "wx", 0o600)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const held = await stat(guard).catch(() => undefined);
    return !!held && (await ageOf(held))[0] > staleMs && (await breakStale(guard, identity(held), staleMs, ageOf));
  }
  try {
    const away = `${path}.${randomBytes(4).toString("hex")}.stale`;
    if ((await identityOf(path)) !== seen || !(await rename(path, away).then(() => true, () => false))) return false;
    const same = (await identityOf(away)) === seen;
    if (!same) await link(away, path).catch(() => undefined);
    await rm(away, { force: true });
    return same;
  } finally {
    await rm(guard, { force: true });
  }
}
