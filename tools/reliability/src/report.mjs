// `npm run report -w @sg-internal/reliability [-- <id filter>]`: run every reliability scenario against the
// emulator and print its figures. Exit code 1 when a deterministic figure differs from what the tests assert.
import { runAll } from "./scenarios.mjs";

const KEYS = ["calls", "fetches", "http", "rows", "dups", "outcome", "attempts", "delays"];

function cell(v) {
  if (v === undefined) return "";
  if (Array.isArray(v)) return v.length ? v.join("/") : "–";
  return String(v);
}

const started = performance.now();
const results = await runAll(process.argv[2]);
const rows = results.map(({ scenario, figures, ms, mismatches }) => {
  const extra = Object.entries(figures)
    .filter(([k]) => !KEYS.includes(k) && k !== "errorName" && k !== "sleeps")
    .map(([k, v]) => `${k}=${cell(v)}`)
    .join(" ");
  return [scenario.id, ...KEYS.map((k) => (k === "rows" && figures.rows !== undefined ? `${figures.rows}/${scenario.expect.rows ?? "?"}` : cell(figures[k]))), extra, `${ms}`, mismatches.length ? (scenario.knownBug ? "KNOWN BUG" : "FAIL") : scenario.knownBug ? "FIXED?" : "ok"];
});
const header = ["scenario", "calls", "fetches", "http", "rows/exp", "dups", "outcome", "attempts", "delays ms", "other figures", "ms", "check"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => "| " + r.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
const dups = results.reduce((n, r) => n + (r.figures.dups ?? 0), 0);
const writes = results.filter((r) => r.figures.rows !== undefined).length;
const failed = results.filter((r) => r.mismatches.length && !r.knownBug);
const known = results.filter((r) => r.knownBug && r.mismatches.length);
console.log(`\n${results.length} scenarios, ${writes} with faulted writes, duplicated rows in total: ${dups}; ${Math.round(performance.now() - started)} ms`);
for (const r of failed) console.log(`MISMATCH ${r.scenario.id}: ${r.mismatches.map((m) => `${m.key} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}`).join("; ")}`);
for (const r of known) console.log(`KNOWN BUG ${r.scenario.id}: ${r.mismatches.map((m) => `${m.key} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}`).join("; ")}\n  ${r.knownBug}`);
process.exitCode = failed.length || dups ? 1 : 0;
