// The compile-time cost of the schema types, measured with the real compiler (`tsc`, TypeScript 7) on the
// emulator's 77-type schema as `sg typegen` writes it (src/test-support/sg-schema.ts). Each case is a file
// of 50 calls, checked alone with `--extendedDiagnostics`; the table gives wall seconds, the compiler's
// check time, memory and the number of errors. A benchmark, not a test: nothing here asserts a time.
//
//   npm run bench:types -w @sg/entities [-- --calls 50] [-- --timeout 120] [-- --runs 5] [-- --only <case index>]
//
// After one untimed check (the compiler's binary and the sources into the disk cache), each file is checked
// --runs times (default 5) in rounds: every round checks every file once, starting one file further than the round
// before, so that a machine that gets busier or quieter weighs on all files alike. The table gives the median of the
// runs (wall seconds, check time, memory) and the slowest and fastest wall time; a file whose error count changes
// from run to run stops the bench.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const tsc = join(pkg, "..", "..", "node_modules", ".bin", "tsc");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg("calls", 50);
const TIMEOUT_S = arg("timeout", 120);
const RUNS = arg("runs", 5);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`types-bench: --runs must be a whole number ≥ 1, got ${RUNS}`);
const dir = join(pkg, "src", ".types-bench");

const HEAD = `import { entityApi, filterBuilder, type FieldPath, type EntityApi, type EntityData, type EntityTypeName, type SiteSchema, type SummaryField, type BatchRequest } from "../index.js";
import { sgFieldTypes, type SgSchema } from "../test-support/sg-schema.js";
import type { Client, Filter } from "@sg/core";
declare const client: Client;
const sg = entityApi<SgSchema>(client, { fieldTypes: sgFieldTypes });
const fb = filterBuilder<SgSchema, "Shot">();
`;

/** Each case: a name and the body of call i. */
const CASES = [
  ["literal fields (find, 3 fields + 1 dotted)", (i) => `export async function f${i}() { const r = await sg.find("Shot", [], ["code", "sg_status_list", "sg_sequence.Sequence.code"]); return r[0]?.code; }`],
  ["typo in create returnFields (1 error each)", (i) => `export async function f${i}() { return sg.create("Shot", { code: "x${i}" }, ["cdoe"]); }`],
  ["non-literal field list + .code", (i) => `export async function f${i}(fields: FieldPath<SgSchema, "Shot">[]) { const rows = await sg.find("Shot", [], fields); return rows[0]?.code; }`],
  ["create with EntityData<SgSchema, \"Shot\">", (i) => `export async function f${i}(data: EntityData<SgSchema, "Shot">) { const c = await sg.create("Shot", data); return c.code; }`],
  ["summarize, 4 literal summaries + grouping", (i) => `export async function f${i}() { const r = await sg.summarize("Shot", [], [{ field: "id", type: "count" }, { field: "sg_cut_in", type: "sum" }, { field: "created_at", type: "latest" }, { field: "sg_sequence.Sequence.code", type: "count" }], { grouping: [{ field: "sg_status_list", type: "exact" }] }); return r.summaries.created_at; }`],
  ["typo in summarize summary field (1 error each)", (i) => `export async function f${i}() { return sg.summarize("Shot", [], [{ field: "id", type: "count" }, { field: "cdoe", type: "count" }]); }`],
  ["batch, literal create + update + delete", (i) => `export async function f${i}() { const [c, u, d] = await sg.batch([{ request_type: "create", entity_type: "Shot", data: { code: "x${i}", sg_cut_in: 1 }, return_fields: ["sg_status_list", "sg_sequence.Sequence.code"] }, { request_type: "update", entity_type: "Asset", entity_id: ${i + 1}, data: { description: "d" } }, { request_type: "delete", entity_type: "Task", entity_id: ${i + 1} }]); return [c.code, u.description, d]; }`],
  ["typo in batch data (1 error each)", (i) => `export async function f${i}() { return sg.batch([{ request_type: "create", entity_type: "Shot", data: { cdoe: "x${i}" } }]); }`],
  ["batch with BatchRequest[] built at run time", (i) => `export async function f${i}(requests: BatchRequest[]) { const r = await sg.batch(requests); return r[0]; }`],
  ["summarize with SummaryField[] built at run time", (i) => `export async function f${i}(q: SummaryField[]) { const r = await sg.summarize("Shot", [], q); return r.summaries["id"]; }`],
  ["list filters, 5 literal conditions + nested group", (i) => `export async function f${i}() { return sg.find("Shot", [["code", "is", "x${i}"], ["sg_sequence.Sequence.project.Project.name", "is", "p"], ["assets.Asset.sg_asset_type", "in", ["Prop", "Character"]], ["sg_cut_in", "between", ${i}, null], { filter_operator: "any", filters: [["sg_status_list", "is", "ip"], ["created_at", "in_last", 2, "DAY"]] }], ["code"]); }`],
  ["typo in a list filter (1 error each)", (i) => `export async function f${i}() { return sg.find("Shot", [["code", "is", "x${i}"], ["cdoe", "is", "x"]], ["code"]); }`],
  ["list filters as Filter[] built at run time", (i) => `export async function f${i}(filters: Filter[]) { const rows = await sg.find("Shot", filters, ["code"]); return rows[0]?.code; }`],
  ["builder, 3 one-hop conditions", (i) => `export async function f${i}() { return sg.find("Shot", [fb.is("code", "x${i}"), fb.is("sg_sequence.Sequence.code", "s"), fb.in("sg_status_list", ["ip", "fin"])], ["code"]); }`],
  ["builder, 3 conditions, one of 2 hops", (i) => `export async function f${i}() { return sg.find("Shot", [fb.is("code", "x${i}"), fb.is("sg_sequence.Sequence.project.Project.name", "p"), fb.in("sg_status_list", ["ip", "fin"])], ["code"]); }`],
  ["typo in a 2-hop builder path (1 error each)", (i) => `export function f${i}() { return fb.is("sg_sequence.Sequence.project.Project.nme", "x${i}"); }`],
  ["order, 3 one-hop keys", (i) => `export async function f${i}() { return sg.find("Shot", [], ["code"], { order: ["-created_at", { field_name: "sg_sequence.Sequence.code", direction: "desc" }, "sg_status_list"], limit: ${i + 1} }); }`],
  ["order, 3 keys, one of 2 hops", (i) => `export async function f${i}() { return sg.find("Shot", [], ["code"], { order: ["-created_at", { field_name: "sg_sequence.Sequence.code", direction: "desc" }, "sg_sequence.Sequence.project.Project.name"], limit: ${i + 1} }); }`],
  ["typo in a 2-hop order key (1 error each)", (i) => `export async function f${i}() { return sg.find("Shot", [], ["code"], { order: ["sg_sequence.Sequence.project.Project.nme"], limit: ${i + 1} }); }`],
  ["list filter with a generic entity type (any of 77)", (i) => `export async function f${i}<E extends EntityTypeName<SgSchema>>(type: E) { return sg.find(type, [["id", "is", ${i}]], ["id"]); }`],
  ["update, literal data (3 fields)", (i) => `export async function f${i}() { const u = await sg.update("Shot", ${i + 1}, { code: "x${i}", sg_status_list: "ip", description: "d" }); return u.code; }`],
  ["typo in update data (1 error each)", (i) => `export async function f${i}() { return sg.update("Shot", ${i + 1}, { code: "x${i}", cdoe: 1 }); }`],
  ["update data whose only key is not writable (1 error each)", (i) => `export async function f${i}() { return sg.update("Shot", ${i + 1}, { created_at: new Date(${i}) }); }`],
  ["create data whose only key is a typo (1 error each)", (i) => `export async function f${i}() { return sg.create("Shot", { cdoe: "x${i}" }); }`],
  ["update + create, generic entity type (Shot | Asset)", (i) => `export async function f${i}<E extends "Shot" | "Asset">(type: E, data: EntityData<SgSchema, E>) { await sg.update(type, ${i + 1}, data); return sg.create(type, { code: "x${i}" }); }`],
  ["findOne, id filter, generic schema", (i) => `export async function f${i}<S extends SiteSchema, E extends EntityTypeName<S>>(api: EntityApi<S>, type: E) { return api.findOne(type, [["id", "is", ${i}]], ["id"]); }`],
];

function measure(name, body) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lines = [HEAD];
  for (let i = 0; i < CALLS; i++) lines.push(body(i));
  writeFileSync(join(dir, "calls.ts"), lines.join("\n") + "\n");
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../../../tsconfig.base.json", compilerOptions: { noEmit: true, declaration: false, isolatedDeclarations: false, rootDir: ".." }, files: ["calls.ts"] }));
  const started = performance.now();
  const r = spawnSync(tsc, ["-p", join(dir, "tsconfig.json"), "--extendedDiagnostics", "--pretty", "false"], { encoding: "utf8", timeout: TIMEOUT_S * 1000, maxBuffer: 1 << 30 });
  const wall = (performance.now() - started) / 1000;
  const out = r.stdout ?? "";
  const stat = (label) => out.match(new RegExp(`^${label}:\\s+(\\S+)`, "m"))?.[1] ?? "?";
  const errors = (out.match(/error TS\d+/g) ?? []).length;
  const first = out.match(/error (TS\d+: .*)/)?.[1]?.slice(0, 110) ?? "";
  if (r.error) return { wall: Infinity, check: NaN, memoryK: NaN, errors: "?", first: `killed after ${TIMEOUT_S} s` };
  return { wall, check: Number.parseFloat(stat("Check time")), memoryK: Number.parseFloat(stat("Memory used")), errors, first };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ONLY = arg("only", -1);
const cases = CASES.filter((_, index) => ONLY < 0 || index === ONLY);
measure(...cases[0]); // warm-up, not counted
const runs = new Map(cases.map(([name]) => [name, []]));
for (let round = 0; round < RUNS; round++) {
  for (let k = 0; k < cases.length; k++) {
    const [name, body] = cases[(round + k) % cases.length];
    const run = measure(name, body);
    const before = runs.get(name)[0];
    if (before && before.errors !== run.errors) throw new Error(`types-bench: '${name}' gave ${before.errors} then ${run.errors} errors`);
    runs.get(name).push(run);
  }
  console.error(`round ${round + 1} of ${RUNS} done`);
}
rmSync(dir, { recursive: true, force: true });
const rows = cases.map(([name]) => {
  const xs = runs.get(name);
  const walls = xs.map((x) => x.wall);
  const fmt = (s) => (Number.isFinite(s) ? s.toFixed(2) : `>${TIMEOUT_S} (killed)`);
  return {
    case: name,
    wall_s: fmt(median(walls)),
    "min–max s": `${fmt(Math.min(...walls))}–${fmt(Math.max(...walls))}`,
    check_s: median(xs.map((x) => x.check)).toFixed(2),
    memory_MB: Math.round(median(xs.map((x) => x.memoryK)) / 1024),
    errors: xs[0].errors,
    first: xs[0].first,
  };
});
console.log(`tsc ${spawnSync(tsc, ["--version"], { encoding: "utf8" }).stdout.trim()}, ${CALLS} calls per file, 77-type schema, median of ${RUNS} run(s) in rotating order after a warm-up`);
console.table(rows);
