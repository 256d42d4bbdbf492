import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// nx builds the package before its tests. Rebuilding here rewrote dist/ while other packages' suites were importing
// it (another suite once read a half-written fixtures.js: "seed is not a function"), so this only checks it exists.
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the emulator first (npm run build -w @sg/emulator)`);
});

// Each test spawns `node dist/cli.js`; under nx several suites share two cores, so give process start-up room.
// A bound for hangs, not a speed check.
describe('sg-emulator CLI', { timeout: 30_000 }, () => {
  it('prints one line of JSON when ready, serves requests and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--fixtures', 'demo', '--auth-mode', 'identity', '--rows', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const card = JSON.parse(line) as { url: string; authMode: string; users: unknown[]; scripts: { name: string; key: string }[] };
    expect(card.authMode).toBe('identity');
    expect(card.scripts[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    const res = await fetch(`${card.url}/api3/json`, { method: 'POST', body: JSON.stringify({ method_name: 'read', params: [{ script_name: card.scripts[0]!.name, script_key: card.scripts[0]!.key }, { type: 'Shot', return_fields: ['id'], paging: { entities_per_page: 1 } }] }) });
    expect(((await res.json()) as any).results.paging_info.entity_count).toBe(26);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('keeps serving when its log cannot be written (stderr on a full disk), and still exits 0 on SIGTERM', async () => {
    const full = '/dev/full';
    if (!existsSync(full)) return;
    const fd = openSync(full, 'w');
    const child = spawn(process.execPath, [cli, '--fixtures', 'demo'], { stdio: ['ignore', 'pipe', fd] });
    closeSync(fd);
    try {
      let out = '';
      child.stdout!.setEncoding('utf8');
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const card = JSON.parse(line) as { url: string; scripts: { name: string; key: string }[] };
      // Each request is a log line: several, so that more than one write to stderr fails.
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${card.url}/api3/json`, { method: 'POST', body: JSON.stringify({ method_name: 'info', params: [] }) });
        expect(res.status).toBe(200);
      }
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('turns the browser approval login off with --no-app-session-launcher', async () => {
    const child = spawn(process.execPath, [cli, '--fixtures', 'empty', '--no-app-session-launcher'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      expect(await (await fetch(`${url}/api/v1`)).json()).toMatchObject({ authentication_app_session_launcher_enabled: false });
      expect((await fetch(`${url}/internal_api/app_session_request`, { method: 'POST', body: new URLSearchParams({ appName: 'A', machineId: 'M' }) })).status).toBe(403);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('prints the usage and exits 0 on --help', () => {
    const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: sg-emulator');
  });

  it('exits with 2 and a readable message on bad flags', () => {
    const r = spawnSync(process.execPath, [cli, '--auth-mode', 'ldap'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--auth-mode must be 'default', 'identity' or 'sso'");
    const r2 = spawnSync(process.execPath, [cli, '--bogus'], { encoding: 'utf8' });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('usage: sg-emulator');
  });
});

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything `child` writes on stdout and stderr until it exits, and its exit code. */
function collect(child: ReturnType<typeof spawn>): { out: () => string; err: () => string; exited: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { out: () => out, err: () => err, exited };
}

describe('sg-emulator CLI save failures', { timeout: 30_000 }, () => {
  it('says why it exits 1 when the save on SIGTERM fails, naming the file', async () => {
    const sub = join(dir, 'gone');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    const child = spawn(process.execPath, [cli, '--data', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run = collect(child);
    while (!run.out().includes('\n')) {
      if (child.exitCode !== null) throw new Error(`exited early: ${run.err()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const card = JSON.parse(run.out()) as { url: string; scripts: { name: string; key: string }[] };
    rmSync(sub, { recursive: true });
    const res = await fetch(`${card.url}/api3/json`, { method: 'POST', body: JSON.stringify({ method_name: 'create', params: [{ script_name: card.scripts[0]!.name, script_key: card.scripts[0]!.key }, { type: 'Shot', fields: [{ field_name: 'code', value: 'lost' }] }] }) });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    // Its own line, not only the logged failure of the save scheduled after the write ("[sg-emulator] Could not…").
    expect(run.err().split('\n').filter((line) => line.startsWith('sg-emulator: '))).toEqual([expect.stringContaining(`sg-emulator: Could not save the site to data file ${file}: `)]);
  });

  it.skipIf(process.platform === 'win32')('leaves no temporary file behind when the first save fails on a full disk (a file size limit)', async () => {
    const sub = join(dir, 'full');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    // The lock (a few bytes) fits; the site (tens of KB) does not: its write fails with EFBIG, as with ENOSPC.
    const child = spawn('sh', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath, cli, '--data', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run = collect(child);
    expect(await run.exited).toBe(1);
    expect(run.err()).toContain(`sg-emulator: Could not save the site to data file ${file}: `);
    expect(readdirSync(sub)).toEqual([]);
  });
});
