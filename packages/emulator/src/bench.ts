/**
 * `npm run bench -w @sg/emulator`: times `read` over HTTP against a site seeded with 100,000 Shots
 * (`rows: 100_000`) and prints a table of medians: the classic cases with the read cache off (cold cost), and a
 * client paging through 20,000 matches with the cache off and on. Not part of the public API.
 */
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
  await h.close();
  const cached = await startEmulator({ rows: ROWS });
  rows.push(await pagedSequential(cached.url, auth, 'read cache'));
  rows.push(await pagedConcurrent(cached.url, auth, 'read cache'));
  await cached.close();
  const header = ['case (Shot rows: ' + ROWS.toLocaleString('en-US') + ')', 'matched', 'median ms', 'min ms'];
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ') + ' |';
  process.stdout.write(`seeded ${ROWS.toLocaleString('en-US')} shots (+ assets, tasks, versions) in ${(seedMs / 1000).toFixed(1)} s; ${RUNS} timed runs per case over HTTP\n`);
  process.stdout.write(line(header) + '\n' + '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
