import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_LOCK_GRACE_MS, lockDataFile } from './data-lock.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

// Two emulators on one --data file handed out the same ids, and the one that saved last wiped the other's writes.
const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const shot = (t: Harness, code: string): Promise<{ id: number }> => t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: code }] });
const codes = async (t: Harness): Promise<string[]> =>
  ((await t.call('read', t.script, { type: 'Shot', return_fields: ['code'], filters: where(['code', 'starts_with', 'via-']) })) as { entities: { code: string }[] }).entities.map((e) => e.code);

describe('one emulator per --data file', { timeout: 30_000 }, () => {
  it('refuses a second emulator on the same file, naming the file, the pid and what to do; a new one starts after close', async () => {
    const file = join(dir, 'shared.json');
    const a = await startHarness({ dataFile: file });
    expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    const refused = startHarness({ dataFile: file });
    await expect(refused).rejects.toThrow(`Data file ${file} is in use by another sg-emulator (pid ${process.pid}, started `);
    await expect(refused).rejects.toThrow(`its lock file ${file}.lock exists`);
    await expect(refused).rejects.toThrow('Stop the other emulator, or give this one another data file (--data / dataFile)');
    await shot(a, 'via-a');
    await a.h.close();
    expect(readdirSync(dir).filter((f) => f.startsWith('shared'))).toEqual(['shared.json']);

    const b = await startHarness({ dataFile: file });
    await shot(b, 'via-b');
    expect(await codes(b)).toEqual(['via-a', 'via-b']);
    await b.h.close();
  });

  it('takes over a lock left by a process that is no longer running', async () => {
    const file = join(dir, 'stale.json');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    expect(pid).toBeGreaterThan(0);
    writeFileSync(`${file}.lock`, `${pid} 1700000000000\n`);
    const lines: string[] = [];
    const t = await startHarness({ dataFile: file, logger: (line) => lines.push(line) });
    expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    expect(lines.filter((l) => l.includes('stale lock'))).toEqual([`sg-emulator: taking over the stale lock ${file}.lock (pid ${pid} is not running)`]);
    await t.h.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock whose pid now belongs to a process started after the lock (the pid was reused, say after a reboot)', async () => {
    if (!existsSync('/proc/self/stat')) return; // only where /proc tells when a process started
    const file = join(dir, 'reused.json');
    // A live process that is no emulator, named by a lock made long before it started.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await once(other, 'spawn');
      writeFileSync(`${file}.lock`, `${other.pid} 1700000000000\n`);
      const lines: string[] = [];
      const t = await startHarness({ dataFile: file, logger: (line) => lines.push(line) });
      expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
      const taken = lines.filter((l) => l.includes('stale lock'));
      expect(taken).toHaveLength(1);
      expect(taken[0]).toMatch(
        new RegExp(`^sg-emulator: taking over the stale lock ${file}\\.lock \\(pid ${other.pid} now belongs to another process \\(started \\S+Z\\), later than the lock's emulator, started 2023-11-14T22:13:20\\.000Z\\)$`),
      );
      await t.h.close();
      expect(existsSync(`${file}.lock`)).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('refuses, hedging, a lock whose pid is a JavaScript runtime started after the lock (a clock set forward reads the same)', async () => {
    if (!existsSync('/proc/self/stat')) return;
    const file = join(dir, 'runtime.json');
    // A live node process named by a lock made long before it started: a reused pid, or an emulator whose host's
    // clock was stepped forward since it started. Two emulators on one file lose data, so it is not taken over.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await once(other, 'spawn');
      writeFileSync(`${file}.lock`, `${other.pid} 1700000000000\n`);
      await expect(startHarness({ dataFile: file })).rejects.toThrow(
        `Data file ${file} is in use: pid ${other.pid} is running (it may not be an emulator: if no emulator uses this file, remove ${file}.lock): its lock file ${file}.lock exists`,
      );
      expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${other.pid} 1700000000000\n`);
      rmSync(`${file}.lock`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('refuses, hedging that it may be no emulator, a lock of a running process whose start it cannot check', async () => {
    const file = join(dir, 'no-start.json');
    // process.ppid runs (it started this test); the lock holds no start time to compare with that process's start.
    writeFileSync(`${file}.lock`, `${process.ppid}\n`);
    await expect(startHarness({ dataFile: file })).rejects.toThrow(
      `Data file ${file} is in use: pid ${process.ppid} is running (it may not be an emulator: if no emulator uses this file, remove ${file}.lock): its lock file ${file}.lock exists`,
    );
    rmSync(`${file}.lock`);
  });

  it("takes over a lock naming this process's pid with another start time (a restart under the same pid), and says so", async () => {
    // An emulator in a container is PID 1 on every start: the lock a killed run left names the pid this one has now.
    const file = join(dir, 'restarted.json');
    writeFileSync(`${file}.lock`, `${process.pid} 1\n`);
    const lines: string[] = [];
    const t = await startHarness({ dataFile: file, logger: (line) => lines.push(line) });
    expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    expect(readFileSync(`${file}.lock`, 'utf8')).not.toBe(`${process.pid} 1\n`);
    expect(lines.filter((l) => l.includes('stale lock'))).toEqual([
      `sg-emulator: taking over the stale lock ${file}.lock (pid ${process.pid} is this process, restarted: the lock is from another run under that pid, started 1970-01-01T00:00:00.001Z)`,
    ]);
    await t.h.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over, with a log line, a lock that names no pid once it is older than the grace period', async () => {
    for (const [name, content, kind] of [
      ['empty.json', '', 'empty'],
      ['garbage.json', 'not a pid\n', 'unreadable'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(`${file}.lock`, content);
      // Made a minute ago: what a crash of an older emulator between creating its lock and writing it leaves.
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${file}.lock`, old, old);
      const lines: string[] = [];
      const t = await startHarness({ dataFile: file, logger: (line) => lines.push(line) });
      expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
      expect(lines.find((l) => l.includes('stale lock'))).toMatch(new RegExp(`^sg-emulator: taking over the stale lock ${file}\\.lock \\(it names no emulator \\(${kind}\\) and is 60 s old\\)$`));
      await t.h.close();
      expect(existsSync(`${file}.lock`)).toBe(false);
    }
  });

  it('refuses a lock that names no pid while it is younger than the grace period (an older emulator may be writing it)', async () => {
    const file = join(dir, 'young.json');
    writeFileSync(`${file}.lock`, '');
    // An hour in the future: younger than the grace period however slow the machine.
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(`${file}.lock`, future, future);
    await expect(startHarness({ dataFile: file })).rejects.toThrow(`Data file ${file} is in use by another sg-emulator that is starting (the lock names no pid yet; one that still names none ${EMPTY_LOCK_GRACE_MS / 1000} s after it was made is taken over): its lock file ${file}.lock exists`);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe('');
    rmSync(`${file}.lock`);
  });

  it('refuses a lock of a running process whose start is no date readably (not with a RangeError from the date)', async () => {
    const file = join(dir, 'far-start.json');
    // process.ppid runs (it started this test); a start past the last date a Date holds is no time to print.
    writeFileSync(`${file}.lock`, `${process.ppid} 99999999999999999\n`);
    await expect(startHarness({ dataFile: file })).rejects.toThrow(`Data file ${file} is in use by another sg-emulator (pid ${process.ppid}): its lock file ${file}.lock exists`);
    rmSync(`${file}.lock`);
  });

  it('makes the lock whole, by a link from a temporary file it removes, and refuses to make it over an existing one', () => {
    const file = join(dir, 'atomic.json');
    const unlock = lockDataFile(file);
    expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    expect(readdirSync(dir).filter((f) => f.startsWith('atomic'))).toEqual(['atomic.json.lock']);
    expect(() => lockDataFile(file)).toThrow('is in use by another sg-emulator');
    unlock();
    expect(readdirSync(dir).filter((f) => f.startsWith('atomic'))).toEqual([]);
  });

  it('refuses a second sg-emulator process readably (exit 1) while another process holds the file, and leaves its lock alone', async () => {
    const file = join(dir, 'cli.json');
    const first = spawn(process.execPath, [cli, '--data', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      first.stdout.setEncoding('utf8');
      let out = '';
      while (!out.includes('\n')) out += ((await once(first.stdout, 'data')) as [string])[0];
      const line = out.slice(0, out.indexOf('\n'));
      expect(JSON.parse(line).url).toMatch(/^http:/);
      await expect(startHarness({ dataFile: file })).rejects.toThrow(`Data file ${file} is in use by another sg-emulator (pid ${first.pid}, started `);
      const second = spawnSync(process.execPath, [cli, '--data', file], { encoding: 'utf8', timeout: 20_000 });
      expect(second.status).toBe(1);
      expect(second.stdout).toBe('');
      expect(second.stderr).toContain(`sg-emulator: Data file ${file} is in use by another sg-emulator (pid ${first.pid}, started `);
      expect(second.stderr).toContain('Stop the other emulator');
      expect(readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${first.pid} `));
    } finally {
      const exited = once(first, 'exit');
      first.kill('SIGTERM');
      await exited;
    }
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('leaves no temporary lock file behind when it cannot write one (a full disk: here a file size limit of 0)', async () => {
    const sub = join(dir, 'full');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    const child = spawn('sh', ['-c', 'ulimit -f 0 && exec "$0" "$@"', process.execPath, cli, '--data', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const [code] = await once(child, 'close');
    expect(code).toBe(1);
    expect(err).toContain(`sg-emulator: Could not lock data file ${file} (creating ${file}.lock): `);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('releases the lock when the start fails, so a corrected start goes ahead', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{}');
    await expect(startHarness({ dataFile: file })).rejects.toThrow('is not a saved site');
    expect(existsSync(`${file}.lock`)).toBe(false);
    rmSync(file);
    const t = await startHarness({ dataFile: file });
    await t.h.close();
  });
});
