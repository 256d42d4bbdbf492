#!/usr/bin/env node
// @sg/cli table bench: how long `--format table` takes to lay out rows whose cells are far longer than the 60 columns
// shown (10,000 rows of a 2,000-character accented description, 2,000 rows of 5,000 CJK characters), next to
// `--format jsonl` for the same rows. Runs the built writers in this process, into a sink (no terminal, no file).
//
//   npm run build -w @sg/cli && node bench/table-bench.mjs
//   node bench/table-bench.mjs --dist /path/to/main/packages/cli/dist   (another build, e.g. main's, to compare)
import { fileURLToPath, pathToFileURL } from "node:url";

const distAt = process.argv.indexOf("--dist");
const dist = distAt >= 0 ? pathToFileURL(`${process.argv[distAt + 1]}/`).href : new URL("../dist/", import.meta.url).href;
const { createWriter } = await import(new URL("format/index.js", dist).href);

const sets = {
  "10k × 2,000 accented": Array.from({ length: 10_000 }, (_, i) => ({ code: `L${i}`, description: "Plan séquence, caméra à l’épaule, retake demandé. ".repeat(40) })),
  "2k × 5,000 CJK": Array.from({ length: 2_000 }, (_, i) => ({ code: `L${i}`, description: "長".repeat(5_000) })),
};
const out = { write: () => true, isTTY: false };
const rows = [];
for (const [name, records] of Object.entries(sets)) {
  for (const format of ["jsonl", "table"]) {
    const start = performance.now();
    const writer = createWriter(format, { out });
    for (const r of records) await writer.row(r);
    await writer.end();
    rows.push({ set: name, format, ms: Math.round(performance.now() - start) });
  }
}
console.table(rows);
console.log(JSON.stringify({ dist: fileURLToPath(dist), rows }));
