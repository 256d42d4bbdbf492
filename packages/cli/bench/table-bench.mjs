#!/usr/bin/env node
// @sg/cli table bench: how long `--format table` takes to lay out rows whose cells are far longer than the 60 columns
// shown (10,000 rows of a 2,000-character accented description, 2,000 rows of 5,000 CJK characters), next to
// `--format jsonl` for the same rows. Runs the built writers in this process, into a sink (no terminal, no file).
//
//   npm run build -w @sg/cli && node bench/table-bench.mjs [--runs 5]
//   node bench/table-bench.mjs --dist /path/to/main/packages/cli/dist   (another build, e.g. main's, to compare)
//
// After one untimed run of every case (compiled code, first allocations), each case runs --runs times (default 5) in
// rounds: every round runs every case once, starting one case further than the round before, so that neither format
// always runs first and a machine that gets busier or quieter weighs on all cases alike. Prints the median, the
// fastest and the slowest run of each case, and table ÷ jsonl of the medians per set.
import { fileURLToPath, pathToFileURL } from "node:url";

const distAt = process.argv.indexOf("--dist");
const dist = distAt >= 0 ? pathToFileURL(`${process.argv[distAt + 1]}/`).href : new URL("../dist/", import.meta.url).href;
const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`table-bench: --runs must be a whole number ≥ 1, got '${process.argv[runsAt + 1]}'`);
const { createWriter } = await import(new URL("format/index.js", dist).href);

const sets = {
  "10k × 2,000 accented": Array.from({ length: 10_000 }, (_, i) => ({ code: `L${i}`, description: "Plan séquence, caméra à l’épaule, retake demandé. ".repeat(40) })),
  "2k × 5,000 CJK": Array.from({ length: 2_000 }, (_, i) => ({ code: `L${i}`, description: "長".repeat(5_000) })),
};
const out = { write: () => true, isTTY: false };
const cases = Object.entries(sets).flatMap(([set, records]) => ["jsonl", "table"].map((format) => ({ set, format, records })));

/** One run of a case: ms to write every record and end. */
async function timed({ format, records }) {
  const start = performance.now();
  const writer = createWriter(format, { out });
  for (const r of records) await writer.row(r);
  await writer.end();
  return performance.now() - start;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

for (const c of cases) await timed(c); // warm-up, not counted
const times = cases.map(() => []);
for (let round = 0; round < RUNS; round++) {
  for (let k = 0; k < cases.length; k++) {
    const i = (round + k) % cases.length;
    times[i].push(await timed(cases[i]));
  }
}
const rows = cases.map(({ set, format }, i) => ({ set, format, medianMs: Math.round(median(times[i])), minMs: Math.round(Math.min(...times[i])), maxMs: Math.round(Math.max(...times[i])) }));
const ratios = Object.keys(sets).map((set) => {
  const of = (format) => rows.find((r) => r.set === set && r.format === format).medianMs;
  return { set, tableOverJsonl: Math.round((of("table") / of("jsonl")) * 100) / 100 };
});
console.log(`median of ${RUNS} runs per case, in rotating order after a warm-up (node ${process.version})`);
console.table(rows);
console.table(ratios);
console.log(JSON.stringify({ dist: fileURLToPath(dist), runs: RUNS, rows, ratios }));
