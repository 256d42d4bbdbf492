import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// A power loss cannot be caused here; what makes a save survive one can be watched: the system calls of a real
// save, traced by strace, must flush each file before it is renamed into place, and the folder after the rename.
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const strace = spawnSync('strace', ['-o', '/dev/null', 'true']);
const traced = strace.status === 0;

// Starts an emulator on FILE, uploads one file and creates one Shot, then closes (the final save).
const script = `
const { startEmulator } = await import(process.argv[1]);
const h = await startEmulator({ dataFile: process.argv[2] });
const auth = { script_name: h.card.scripts[0].name, script_key: h.card.scripts[0].key };
const fd = new FormData();
for (const [k, v] of Object.entries({ ...auth, entity_type: 'Shot', entity_id: '1' })) fd.append(k, v);
fd.append('file', new Blob(['bytes of the upload']), 'notes.txt');
const up = await (await fetch(h.url + '/upload/upload_file', { method: 'POST', body: fd })).text();
if (!up.startsWith('1:')) throw new Error('upload refused: ' + up);
const res = await fetch(h.url + '/api3/json', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method_name: 'create', params: [auth, { type: 'Shot', fields: [{ field_name: 'code', value: 'durable' }] }] }) });
if (!(await res.json()).results) throw new Error('create refused');
await h.close();
`;

describe.runIf(traced)('a --data save (traced with strace)', () => {
  it('flushes each file to the disk before renaming it into place, and the folder after', () => {
    const file = join(dir, 'site.json');
    const log = join(dir, 'trace.log');
    const run = spawnSync('strace', ['-f', '-y', '-qq', '-o', log, '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', process.execPath, '--input-type=module', '-e', script, dist, file], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // One call per line: "PID fsync(FD</path>) = 0" or "PID rename("from", "to") = 0" (renameat names folder fds).
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .map((line) => /^\d+\s+(\w+)\((.*)\)\s+= 0$/.exec(line))
      .filter((m) => m !== null)
      .map(([, name, args]) => ({ name: name!, paths: [...args!.matchAll(/<([^>]*)>|"([^"]*)"/g)].map((p) => p[1] ?? p[2]!) }));
    const renames = calls.flatMap((c, i) => (c.name.startsWith('rename') ? [i] : []));
    // The data file (at the start, after the writes, on close) and the upload, each renamed from its own temp file.
    expect(renames.map((i) => calls[i]!.paths[1])).toEqual(expect.arrayContaining([file, expect.stringMatching(new RegExp(`^${file}\\.uploads/\\d+$`))]));
    for (const i of renames) {
      const [from, to] = calls[i]!.paths as [string, string];
      expect(from).toMatch(to === file ? /\.tmp-\d+$/ : /\.tmp$/);
      // The bytes are on the disk before the rename makes them the file, and the rename before anything else happens.
      expect(calls[i - 1]).toEqual({ name: 'fsync', paths: [from] });
      expect(calls[i + 1]).toEqual({ name: 'fsync', paths: [dirname(to)] });
    }
    // The upload is on the disk, folder included, before the data file that names it is renamed into place.
    const upload = renames.find((i) => calls[i]!.paths[1] !== file)!;
    expect(renames.some((i) => i > upload && calls[i]!.paths[1] === file)).toBe(true);
  });
});
