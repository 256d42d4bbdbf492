// The walk-through of `npm start -w @sg-examples/bulk-import`, against a site it is given (main.mjs starts the
// embedded emulator for it; the test gives it one of its own and counts the Shots afterwards).
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { importShots, parseCsv } from "./import.mjs";

/**
 * Write a CSV of `count` Shots (`BI_0001`, …) to `file`.
 * @param {string} file
 * @param {number} count
 */
export function writeSampleCsv(file, count) {
  const lines = ["code,description,sg_cut_in,sg_cut_out"];
  for (let i = 1; i <= count; i++) lines.push(`BI_${String(i).padStart(4, "0")},imported from shots.csv line ${i + 1},${1001},${1001 + 8 + (i % 40)}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
}

/**
 * @param {{ url: string, card: { scripts: { name: string, key: string }[], projects: { type: "Project", id: number, name: string }[] }, injectFault: (fault: object) => void }} site the emulator handle
 * @param {{ dir: string, out: (line: string) => void, csv?: string, count?: number, chunkSize?: number }} options
 */
export async function runRecipe(site, { dir, out, csv, count = 500, chunkSize = 100 }) {
  const script = /** @type {{ name: string, key: string }} */ (site.card.scripts[0]);
  // The transport never retries a write that may have landed (its default); reads back off 50 ms × n here.
  const transport = jsonRpcTransport({ retry: { baseDelayMs: 50 } });
  const sg = entityApi(createClient({ site: site.url, transport, auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) }));
  const project = /** @type {{ type: "Project", id: number, name: string }} */ (site.card.projects[0]);

  // One import per project at a time: a lock file named after the site and the project, in the temporary folder
  // (on a farm, put it on storage every importing host shares).
  const lockFile = join(tmpdir(), `sg-bulk-import-${new URL(site.url).host.replace(/[^\w.-]/g, "_")}-project-${project.id}.lock`);
  // The wait before a check (and before re-checking a chunk sent again): the emulator applies a request at once, so
  // 100 ms; on a real site keep the default (3 s) or more.
  const settleMs = 100;

  const file = csv ?? join(dir, "shots.csv");
  if (!csv) writeSampleCsv(file, count);
  const rows = parseCsv(readFileSync(file, "utf8"), ["sg_cut_in", "sg_cut_out"]);
  out(`\n1. Read ${rows.length} rows from ${file}; importing them into '${project.name}', ${chunkSize} per batch`);

  // Two failures that may have landed, as a pipeline meets them: a connection dropped after the site applied
  // chunk 2, and a gateway's 502 on chunk 4 that never reached the site. The error alone cannot tell them apart.
  const faults = new Map([
    [2, { method: "batch", dropConnection: true, when: "after" }],
    [4, { method: "batch", status: 502, html: true }],
  ]);
  const report = await importShots({
    sg,
    project,
    rows,
    chunkSize,
    settleMs,
    lockFile,
    onChunk: (n, chunk) => {
      const fault = faults.get(n);
      if (fault) site.injectFault(fault);
      out(`   · chunk ${n}: ${chunk.length} rows (${chunk[0]?.code} … ${chunk.at(-1)?.code})${fault ? ` — the site will ${fault.dropConnection ? "apply it, then drop the connection" : "answer 502 from a gateway, without applying it"}` : ""}`);
    },
    log: (line) => out(`   · ${line}`),
  });
  for (const r of report.reconciled) out(`   ✓ chunk ${r.chunk} reconciled: ${r.landed} of ${r.rows} had landed, ${r.resent} sent again`);
  for (const d of report.duplicates) out(`   ✗ code ${d.code} is on Shots ${d.ids.join(", ")}`);
  out(`   ✓ ${report.chunks} chunks imported; ${report.created} Shots created`);

  out("\n2. Check against the site: every row once, none twice");
  const codes = rows.map((r) => r.code);
  const found = await sg.find("Shot", [["project", "is", project], ["code", "in", codes]], ["code"]);
  const foundCodes = found.map((r) => /** @type {string} */ (r["code"]));
  const twice = foundCodes.filter((c, i) => foundCodes.indexOf(c) !== i);
  const missing = codes.filter((c) => !foundCodes.includes(c));
  if (twice.length || missing.length) throw new Error(`bulk-import: ${found.length} Shots for ${codes.length} rows; twice: [${twice.slice(0, 5)}…], missing: [${missing.slice(0, 5)}…]`);
  out(`   ✓ ${found.length} Shots for ${codes.length} rows, no code twice, none missing`);

  out("\n3. Run the same import again (as after a stop part way): rows already on the site are skipped");
  const again = await importShots({ sg, project, rows, chunkSize, settleMs, lockFile });
  if (again.created !== 0 || again.skipped !== rows.length) throw new Error(`bulk-import: the second run created ${again.created} and skipped ${again.skipped} of ${rows.length}`);
  out(`   ✓ ${again.skipped} rows skipped, ${again.created} created`);
  return { report, codes, project };
}
