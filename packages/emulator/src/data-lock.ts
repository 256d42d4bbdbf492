import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** This process's start (epoch ms): with the pid, it tells this process from an earlier one that had the same pid. */
const START = Math.round(performance.timeOrigin);

/** How much earlier (ms) than a process's start, as /proc tells it, a lock's start may be and still be that process's. */
const START_SLACK_MS = 5000;

/**
 * When process `pid` started (epoch ms), on Linux: field 22 of `/proc/<pid>/stat` (clock ticks since boot, assumed
 * 100 a second: USER_HZ, what `getconf CLK_TCK` says on every Linux but Alpha's) plus the boot time, `btime` in
 * `/proc/stat` (whole seconds, so up to 1 s early). Undefined where there is no /proc, or the pid is gone.
 */
function procStart(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  const boot = /^btime (\d+)$/m.exec(readText('/proc/stat') ?? '')?.[1];
  // The command name (field 2) is in parentheses and may hold spaces: fields 3 on follow the last ')'.
  const ticks = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return boot && Number.isFinite(ticks) ? Number(boot) * 1000 + ticks * 10 : undefined;
}

/**
 * Whether starts read from /proc can be trusted: this process's own is not after its start by the clock (a CLK_TCK
 * other than 100, or the clock set forward since, breaks that).
 */
function procTrusted(): boolean {
  const own = procStart(process.pid);
  return own !== undefined && own <= START + START_SLACK_MS;
}

/** Whether process `pid` runs on this host: `kill(pid, 0)` throws ESRCH for none (EPERM is someone else's, alive). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * How old (ms, by its mtime) a lock that names no pid (empty or unparsable) must be to count as stale. This emulator
 * never exposes an empty lock (see {@link createLock}), but an older one made it empty first and wrote its pid after.
 */
export const EMPTY_LOCK_GRACE_MS = 2000;

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Takes `<dataFile>.lock` (holding `<pid> <start ms>`, made whole at once by {@link createLock}) for the whole run of
 * one emulator, so that two emulators never serve, and overwrite, the same `--data` file. A lock left by a process
 * that is no longer running (a crash, a `kill -9`) is taken over, and so is one naming this process's pid with another
 * start time (an emulator in a container is PID 1 on every start); a lock of this very process (another emulator it
 * started) is not. On Linux, a lock naming a running process that started more than a few seconds after the lock's
 * start time is taken over too: its pid was reused (after a reboot, say). Where that cannot be checked (no /proc), a
 * lock of a running process is refused with a message saying that process may not be an emulator. A lock that names no pid (empty, or not `<pid> <start>`) is taken over once it is
 * {@link EMPTY_LOCK_GRACE_MS} old: only a crash of an older emulator between making it and writing it leaves one.
 *
 * @param logger told of a stale lock taken over.
 * @returns a function that removes the lock (once; later calls do nothing).
 * @throws Error naming the data file, the lock and the pid holding it, and what to do, when another emulator holds it.
 */
export function lockDataFile(dataFile: string, logger: (line: string) => void = () => {}): () => void {
  const lock = `${dataFile}.lock`;
  const mine = `${process.pid} ${START}\n`;
  for (;;) {
    try {
      createLock(lock, mine);
      let held = true;
      return () => {
        // Only the lock this emulator made: one that took it over as stale (it cannot be, while this process runs) is not removed.
        if (held && readText(lock) === mine) rmSync(lock, { force: true });
        held = false;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`Could not lock data file ${dataFile} (creating ${lock}): ${(err as Error).message}`, { cause: err });
    }
    const seen = readText(lock);
    if (seen === undefined) continue; // removed meanwhile: try again
    const [pidText = '', start] = seen.trim().split(' ');
    const pid = Number(pidText);
    const known = /^\d+$/.test(pidText) && Number.isSafeInteger(pid) && pid > 0;
    const age = known ? 0 : ageMs(lock);
    const own = pid === process.pid;
    const running = known && !own && alive(pid);
    // The lock's start is taken after its process started: one clearly earlier than the start of the process now
    // under that pid is from an earlier process that had the pid (a reboot or a crash, and the pid reused).
    const since = running && /^\d+$/.test(start ?? '') && procTrusted() ? procStart(pid) : undefined;
    // Both starts are read from the wall clock, so a clock set forward since the holder started (an NTP step on a VM
    // that booted with a wrong clock) also reads as a reuse: a process that could be an emulator (a JavaScript
    // runtime) is then not taken over, only named as perhaps not one.
    const later = since !== undefined && Number(start) < since - START_SLACK_MS;
    const reused = later && !/^(node|nodejs|bun|deno)$/.test((readText(`/proc/${pid}/comm`) ?? 'node').trim());
    if (known ? (own ? start !== `${START}` : !running || reused) : age >= EMPTY_LOCK_GRACE_MS) {
      const why = !known
        ? `it names no emulator (${seen.trim() === '' ? 'empty' : 'unreadable'}) and is ${Math.round(age / 1000)} s old`
        : own
          ? `pid ${pid} is this process, restarted: the lock is from another run under that pid${started(start)}`
          : reused
            ? `pid ${pid} now belongs to another process (started ${new Date(since ?? 0).toISOString()}), later than the lock's emulator${started(start)}`
            : `pid ${pid} is not running`;
      logger(`sg-emulator: taking over the stale lock ${lock} (${why})`);
      takeOver(lock, seen);
      continue;
    }
    // Unchecked: no /proc (or one not trusted), no start in the lock to compare with that process's start, or a
    // runtime's process started after the lock's time.
    const unsure = running && (since === undefined || later);
    const who = unsure
      ? `: pid ${pid} is running (it may not be an emulator: if no emulator uses this file, remove ${lock})`
      : known
        ? ` by another sg-emulator (pid ${pid}${started(start)})`
        : ` by another sg-emulator that is starting (the lock names no pid yet; one that still names none ${EMPTY_LOCK_GRACE_MS / 1000} s after it was made is taken over)`;
    throw new Error(
      `Data file ${dataFile} is in use${who}: its lock file ${lock} exists. Two emulators on one data file would hand out the same ids and each overwrite the other's writes. Stop the other emulator, or give this one another data file (--data / dataFile)${unsure ? '' : `; if no emulator runs with it, remove ${lock}`}.`,
    );
  }
}

/** `, started <ISO time>` for a lock's start field (epoch ms), or '' when it holds no such time. */
function started(start: string | undefined): string {
  const at = new Date(Number(start));
  return start && at.getTime() > 0 ? `, started ${at.toISOString()}` : '';
}

/** How long ago (ms) `file` was last written; 0 when it is gone (the caller then finds it gone and tries again). */
function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Makes `lock` holding `content`, or throws EEXIST when it exists, without ever exposing it empty: the content is
 * written to a file of its own in the same folder, then hard-linked to the lock's name (which fails if the name is
 * taken). Where the file system has no hard links, the lock is made with `wx` and written at once, as before.
 */
function createLock(lock: string, content: string): void {
  const tmp = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    // Inside the try: on a full disk the file is made and its write fails, and it must not stay behind.
    writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, lock);
    } catch (err) {
      if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      createUnlinked(lock, content);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The lock made with `wx` and then written: for a file system without hard links. */
function createUnlinked(lock: string, content: string): void {
  const fd = openSync(lock, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } catch (err) {
    rmSync(lock, { force: true }); // a full disk, say: leave no empty lock behind
    throw err;
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes the stale lock `lock` if it still holds `seen`: moves it away under a name of its own, and links it back if
 * what was moved is a newer lock (another emulator took the stale one over first), so that a lock made in its place
 * is never removed.
 */
function takeOver(lock: string, seen: string): void {
  const away = `${lock}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lock, away);
  } catch {
    return; // gone meanwhile
  }
  if (readText(away) !== seen) {
    try {
      linkSync(away, lock);
    } catch {
      // yet another lock was made meanwhile: it stays
    }
  }
  rmSync(away, { force: true });
}
