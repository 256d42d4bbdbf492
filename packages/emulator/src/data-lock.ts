import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** This process's start (epoch ms): with the pid, it tells this process from an earlier one that had the same pid. */
const START = Math.round(performance.timeOrigin);

/** Whether process `pid` runs on this host: `kill(pid, 0)` throws ESRCH for none (EPERM is someone else's, alive). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Takes `<dataFile>.lock` (created with `wx`, holding `<pid> <start ms>`) for the whole run of one emulator, so that
 * two emulators never serve, and overwrite, the same `--data` file. A lock left by a process that is no longer
 * running (a crash, a `kill -9`) is taken over, and so is one naming this process's pid with another start time (an
 * emulator in a container is PID 1 on every start); a lock of this very process (another emulator it started) is not.
 *
 * @returns a function that removes the lock (once; later calls do nothing).
 * @throws Error naming the data file, the lock and the pid holding it, and what to do, when another emulator holds it.
 */
export function lockDataFile(dataFile: string): () => void {
  const lock = `${dataFile}.lock`;
  const mine = `${process.pid} ${START}\n`;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      try {
        writeSync(fd, mine);
      } catch (err) {
        rmSync(lock, { force: true }); // a full disk, say: leave no empty lock behind
        throw err;
      } finally {
        closeSync(fd);
      }
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
    const known = Number.isSafeInteger(pid) && pid > 0;
    if (known && (pid === process.pid ? start !== `${START}` : !alive(pid))) {
      takeOver(lock, seen);
      continue;
    }
    const who = known ? `another sg-emulator (pid ${pid}${start && Number(start) > 0 ? `, started ${new Date(Number(start)).toISOString()}` : ''})` : 'another sg-emulator';
    throw new Error(
      `Data file ${dataFile} is in use by ${who}: its lock file ${lock} exists. Two emulators on one data file would hand out the same ids and each overwrite the other's writes. Stop the other emulator, or give this one another data file (--data / dataFile); if no emulator runs with it, remove ${lock}.`,
    );
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
