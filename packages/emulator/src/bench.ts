/**
 * `npm run bench -w @sg/emulator`: times `read` over HTTP against a site seeded with 100,000 Shots
 * (`rows: 100_000`) and prints a table of medians: the classic cases with the read cache off (cold cost), a
 * client paging through 20,000 matches with the cache off and on, writes that add a Shot to or move it
 * between the two Sequences' `shots` lists (50,000 each, kept in step as reverse links), writes that move all
 * the Shots of one Sequence to the other at once, and batches of Versions created into a Playlist of 16,000. It also times a restart from a `--data` file of that site,
 * which loads the file without seeding first. Not part of the public API.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './server.js';

const ROWS = Number(process.env['SG_BENCH_ROWS'] ?? 100_000);
const RUNS = Number(process.env['SG_BENCH_RUNS'] ?? 15);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const cond = (path: string, relation: string, ...values: unknown[]): unknown => ({ path, relation, values });

type Auth = { script_name: string | undefined; script_key: string | undefined };

async function rpc(url: string, auth: Auth, method: string, payload: unknown, name: string): Promise<unknown> {
  const res = await fetch(`${url}/api3/json`, { method: 'POST', body: JSON.stringify({ method_name: method, params: [auth, payload] }) });
  const json = (await res.json()) as { results?: unknown; exception?: boolean; message?: string };
  if (json.exception || json.results === undefined) throw new Error(`${name}: ${json.message ?? 'no results'}`);
  return json.results;
}

/**
 * Writes that change one link of a long reverse list (`Sequence.shots`, 50,000 Shots each): they should cost
 * about what any write does, however long the list. The `matched` column gives the length of the lists.
 */
async function reverseLinkWrites(url: string, auth: Auth): Promise<string[][]> {
  const sequences = [{ type: 'Sequence', id: 1 }, { type: 'Sequence', id: 2 }];
  const listed = `${Math.ceil(ROWS / 2).toLocaleString('en-US')} listed`;
  const timed = async (name: string, write: (i: number) => Promise<unknown>): Promise<string[]> => {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const start = performance.now();
      await write(i);
      if (i >= 2) times.push(performance.now() - start);
    }
    return [name, listed, median(times).toFixed(1), Math.min(...times).toFixed(1)];
  };
  const create = (name: string) => (i: number): Promise<unknown> =>
    rpc(url, auth, 'create', { type: 'Shot', fields: [{ field_name: 'code', value: `bench_${i}` }, { field_name: 'sg_sequence', value: sequences[i % 2] }] }, name);
  const move = (name: string) => (i: number): Promise<unknown> =>
    rpc(url, auth, 'update', { type: 'Shot', id: 10, fields: [{ field_name: 'sg_sequence', value: sequences[i % 2] }] }, name);
  const rows = [
    await timed('create Shot with sg_sequence (+1 in Sequence.shots)', create('create')),
    await timed('update Shot sg_sequence 1↔2 (moves between the lists)', move('update')),
  ];
  // A filter on the list builds its index, which every later write keeps in step.
  await rpc(url, auth, 'read', { type: 'Sequence', return_fields: ['code'], filters: { logical_operator: 'and', conditions: [cond('shots', 'is', { type: 'Shot', id: 5 })] } }, 'index');
  rows.push(await timed('same, once a Sequence.shots filter built its index', move('update, indexed')));
  rows.push(await bulkMoves(url, auth));
  rows.push(await playlistAppends(url, auth));
  return rows;
}

/** Versions in the Playlist of {@link playlistAppends} before the timed writes. */
const PLAYLIST_LENGTH = 16_000;

/**
 * A `batch` of 100 `create Version … playlists=[P]` against a Playlist of {@link PLAYLIST_LENGTH} Versions: each
 * create appends to `Playlist.versions` and makes the PlaylistVersionConnection of the link, numbered by position.
 * It should cost what it costs with a short Playlist: only the appended rows are found and numbered.
 */
async function playlistAppends(url: string, auth: Auth): Promise<string[]> {
  const name = 'batch of 100 create Version playlists=[P] (+100 in Playlist.versions)';
  const project = { type: 'Project', id: 1 };
  const pl = ((await rpc(url, auth, 'create', { type: 'Playlist', fields: [{ field_name: 'project', value: project }, { field_name: 'code', value: 'bench' }] }, name)) as { id: number }).id;
  let made = 0;
  const creates = (k: number): unknown[] =>
    Array.from({ length: k }, () => ({
      request_type: 'create',
      type: 'Version',
      fields: [{ field_name: 'project', value: project }, { field_name: 'code', value: `bench_v${made++}` }, { field_name: 'playlists', value: [{ type: 'Playlist', id: pl }] }],
    }));
  while (made < PLAYLIST_LENGTH) await rpc(url, auth, 'batch', creates(500), name);
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = performance.now();
    await rpc(url, auth, 'batch', creates(100), name);
    if (i >= 2) times.push(performance.now() - start);
  }
  return [name, `${PLAYLIST_LENGTH.toLocaleString('en-US')}+ listed`, median(times).toFixed(1), Math.min(...times).toFixed(1)];
}

/** Timed runs of {@link bulkMoves}: each moves every Shot of one Sequence, so a run costs far more than one link. */
const BULK_RUNS = 5;

/**
 * Moves the Shots of Sequence 2 (50,000 at `rows: 100000`) into Sequence 1 in one write, then back, and so on:
 * `update Sequence shots` in `add` mode, so that every Shot leaves the other Sequence's `shots` as its
 * `sg_sequence` moves. Prints the median of {@link BULK_RUNS} moves after one untimed.
 */
async function bulkMoves(url: string, auth: Auth): Promise<string[]> {
  const filters = { logical_operator: 'and', conditions: [cond('id', 'is', 2)] };
  const read = (await rpc(url, auth, 'read', { type: 'Sequence', return_fields: ['shots'], filters }, 'bulk move')) as { entities: { shots: { type: string; id: number }[] }[] };
  const moving = (read.entities[0]?.shots ?? []).map((l) => ({ type: l.type, id: l.id }));
  const times: number[] = [];
  for (let i = 0; i <= BULK_RUNS; i++) {
    const fields = [{ field_name: 'shots', value: moving, multi_entity_update_mode: 'add' }];
    const start = performance.now();
    await rpc(url, auth, 'update', { type: 'Sequence', id: i % 2 === 0 ? 1 : 2, fields }, 'bulk move');
    if (i > 0) times.push(performance.now() - start);
  }
  const name = `update Sequence shots add [all of the other's] (each moves, ${BULK_RUNS} runs)`;
  return [name, `${moving.length.toLocaleString('en-US')} moved`, median(times).toFixed(1), Math.min(...times).toFixed(1)];
}

async function readOnce(url: string, auth: Auth, payload: Record<string, unknown>, name: string): Promise<number> {
  const body = JSON.stringify({ method_name: 'read', params: [auth, payload] });
  const res = await fetch(`${url}/api3/json`, { method: 'POST', body });
  const json = (await res.json()) as { results?: { paging_info: { entity_count: number } }; message?: string };
  if (!json.results) throw new Error(`${name}: ${json.message ?? 'no results'}`);
  return json.results.paging_info.entity_count;
}

const RETURN_FIELDS = ['code', 'sg_status_list', 'sg_sequence', 'sg_cut_duration'];
/** 20,000 of the generated Shots, sorted so that every page needs the whole sorted list. */
const PAGED = { type: 'Shot', return_fields: RETURN_FIELDS, filters: { logical_operator: 'and', conditions: [cond('id', 'between', 1001, 21_000)] }, sorts: [{ field_name: 'code', direction: 'desc' }] };
const PAGES = 40;

/** Pages 1..40 of 500, one request at a time, each timed on its own: [matched, median, min]. */
async function pagedSequential(url: string, auth: Auth, label: string): Promise<string[]> {
  const name = `20,000 matches, page 1..40 of 500 (${label})`;
  const times: number[] = [];
  let matched = 0;
  for (let run = 0; run < Math.max(2, Math.ceil(RUNS / 5)); run++) {
    for (let page = 1; page <= PAGES; page++) {
      const start = performance.now();
      matched = await readOnce(url, auth, { ...PAGED, paging: { entities_per_page: 500, current_page: page } }, name);
      times.push(performance.now() - start);
    }
  }
  return [name, String(matched), median(times).toFixed(1), Math.min(...times).toFixed(1)];
}

/** Pages 1..40 of 500 with 8 requests in flight (as a concurrent client pages): wall time of all 40. */
async function pagedConcurrent(url: string, auth: Auth, label: string): Promise<string[]> {
  const name = `same, 8 in flight, wall ms for all 40 pages (${label})`;
  const times: number[] = [];
  let matched = 0;
  for (let run = 0; run < Math.max(3, Math.ceil(RUNS / 3)); run++) {
    let next = 1;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next <= PAGES) {
          const page = next++;
          matched = await readOnce(url, auth, { ...PAGED, paging: { entities_per_page: 500, current_page: page } }, name);
        }
      }),
    );
    times.push(performance.now() - start);
  }
  return [name, String(matched), median(times).toFixed(1), Math.min(...times).toFixed(1)];
}

/** Timed starts from the data file in {@link restartFromDataFile}. */
const RESTART_RUNS = 5;

/**
 * Median ms of {@link RESTART_RUNS} starts from a data file saved by a site seeded with `rows: ROWS`, given the same
 * options, and the size of that file in bytes.
 */
async function restartFromDataFile(): Promise<{ ms: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-bench-'));
  try {
    const dataFile = join(dir, 'site.json');
    await (await startEmulator({ rows: ROWS, dataFile })).close();
    const bytes = statSync(dataFile).size;
    const times: number[] = [];
    for (let i = 0; i < RESTART_RUNS; i++) {
      const start = performance.now();
      const h = await startEmulator({ rows: ROWS, dataFile });
      times.push(performance.now() - start);
      await h.close();
    }
    return { ms: median(times), bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const seedStart = performance.now();
  // The classic cases repeat one query: with the read cache they would time cache hits, so they run without it.
  const h = await startEmulator({ rows: ROWS, queryCacheSize: 0 });
  const seedMs = performance.now() - seedStart;
  const auth: Auth = { script_name: h.card.scripts[0]?.name, script_key: h.card.scripts[0]?.key };
  const project = { type: 'Project', id: 1 };
  const cases: [string, Record<string, unknown>][] = [
    ['status is ip, sort code desc, page 1/500', { filters: { logical_operator: 'and', conditions: [cond('sg_status_list', 'is', 'ip')] }, sorts: [{ field_name: 'code', direction: 'desc' }] }],
    ['project + status in [ip,rdy], sort cut desc', { filters: { logical_operator: 'and', conditions: [cond('project', 'is', project), cond('sg_status_list', 'in', 'ip', 'rdy')] }, sorts: [{ field_name: 'sg_cut_duration', direction: 'desc' }] }],
    ['cut_duration > 150 (scan), sort code', { filters: { logical_operator: 'and', conditions: [cond('sg_cut_duration', 'greater_than', 150)] }, sorts: [{ field_name: 'code', direction: 'asc' }] }],
    ['code contains 12 (scan), sort id', { filters: { logical_operator: 'and', conditions: [cond('code', 'contains', '12')] } }],
    ['dotted sg_sequence.Sequence.code is SQ010', { filters: { logical_operator: 'and', conditions: [cond('sg_sequence.Sequence.code', 'is', 'SQ010')] }, sorts: [{ field_name: 'code', direction: 'asc' }] }],
    ['code is R050000 (index)', { filters: { logical_operator: 'and', conditions: [cond('code', 'is', 'R050000')] } }],
    ['page 100 of all shots, sort code', { sorts: [{ field_name: 'code', direction: 'asc' }], paging: { entities_per_page: 500, current_page: 100 } }],
  ];
  const rows: string[][] = [];
  for (const [name, extra] of cases) {
    const payload = { type: 'Shot', return_fields: RETURN_FIELDS, paging: { entities_per_page: 500, current_page: 1 }, ...extra };
    const times: number[] = [];
    let matched = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const start = performance.now();
      matched = await readOnce(h.url, auth, payload, name);
      if (i >= 2) times.push(performance.now() - start);
    }
    rows.push([name + ' (no cache)', String(matched), median(times).toFixed(1), Math.min(...times).toFixed(1)]);
  }
  rows.push(await pagedSequential(h.url, auth, 'no cache'));
  rows.push(await pagedConcurrent(h.url, auth, 'no cache'));
  const writes = await reverseLinkWrites(h.url, auth);
  await h.close();
  const cached = await startEmulator({ rows: ROWS });
  rows.push(await pagedSequential(cached.url, auth, 'read cache'));
  rows.push(await pagedConcurrent(cached.url, auth, 'read cache'));
  await cached.close();
  rows.push(...writes);
  const restart = await restartFromDataFile();
  const header = ['case (Shot rows: ' + ROWS.toLocaleString('en-US') + ')', 'matched', 'median ms', 'min ms'];
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ') + ' |';
  process.stdout.write(`seeded ${ROWS.toLocaleString('en-US')} shots (+ assets, tasks, versions) in ${(seedMs / 1000).toFixed(1)} s; ${RUNS} timed runs per case over HTTP\n`);
  process.stdout.write(`restarted from a --data file of that site (${(restart.bytes / 2 ** 20).toFixed(0)} MiB, same options) in ${(restart.ms / 1000).toFixed(1)} s (median of ${RESTART_RUNS})\n`);
  process.stdout.write(line(header) + '\n' + '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
