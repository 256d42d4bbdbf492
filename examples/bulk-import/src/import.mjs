// The bulk import of this recipe: rows go to the site with `batch`, one chunk per call (a batch is one transaction:
// all of a chunk lands, or none of it). A chunk that fails in a way that may have landed (`maybeSent: true`: a 502 or
// 504 from a gateway, a connection dropped after the request went out, a timeout) is never sent again blindly: the
// rows of that chunk are looked up by their key (`code`), and only the ones missing are sent.
import { closeSync, openSync, rmSync, writeSync } from "node:fs";

/**
 * @typedef {{ code: string, [field: string]: string | number | null }} ShotRow
 * @typedef {{ chunk: number, rows: number, landed: number, resent: number, error: string }} Reconciled
 * @typedef {{ code: string, ids: number[] }} Duplicate
 * @typedef {{ created: number, skipped: number, chunks: number, reconciled: Reconciled[], duplicates: Duplicate[] }} ImportReport
 */

/**
 * Whether an error says that a write may have been applied: `maybeSent` is declared by `SgNetworkError`,
 * `SgTimeoutError` and `SgAbortError`, set by `@sg/transport` as an own property on `SgHttpError` and
 * `SgProtocolError` when it is true, and always `true` on `@sg/entities`' `SgPartialWriteError` (a batch that was
 * applied, whose dates could not be decoded): its rows are then checked like any other chunk that may have landed.
 * @param {unknown} error
 */
export const mayHaveLanded = (error) => /** @type {{ maybeSent?: unknown } | null} */ (error)?.maybeSent === true;

/**
 * Parse a plain CSV (a header line, then one row per line; no quoted fields, no commas inside values: a cell that
 * starts with `"` is refused with its line number — use a real CSV library, such as `csv-parse`, for such files).
 * Numeric columns are given by name; empty cells become `null`; a row without a `code` is refused.
 * @param {string} text
 * @param {readonly string[]} [numeric]
 * @returns {ShotRow[]}
 */
export function parseCsv(text, numeric = []) {
  const [first, ...lines] = text.split(/\r?\n/).map((l, i) => /** @type {const} */ ([i + 1, l])).filter(([, l]) => l.trim() !== "");
  const header = first?.[1] ?? "";
  const columns = header.split(",").map((c) => c.trim());
  if (!columns.includes("code")) throw new Error(`bulk-import: the CSV header has no 'code' column: ${header.slice(0, 80)}`);
  return lines.map(([n, line]) => {
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== columns.length) throw new Error(`bulk-import: CSV line ${n}: expected ${columns.length} cells, got ${cells.length}`);
    if (cells.some((c) => c.startsWith('"'))) throw new Error(`bulk-import: CSV line ${n}: a quoted cell; this parser takes plain cells only (use a CSV library such as csv-parse for quoted fields)`);
    /** @type {Record<string, string | number | null>} */
    const row = {};
    columns.forEach((c, j) => {
      const cell = /** @type {string} */ (cells[j]);
      row[c] = cell === "" ? null : numeric.includes(c) ? Number(cell) : cell;
    });
    if (row["code"] === null) throw new Error(`bulk-import: CSV line ${n}: the 'code' cell is empty`);
    return /** @type {ShotRow} */ (row);
  });
}

/** A code as the site compares it: its `in` and `is` filters ignore case. @param {string} code */
const key = (code) => code.toLowerCase();

/**
 * The codes among `codes` that already exist as Shots of `project` (read in one `in` query; reads are retried by
 * the transport, so this is safe to call after any failure).
 * @param {import("@sg/entities").EntityApi} sg
 * @param {{ type: "Project", id: number }} project
 * @param {string[]} codes
 */
async function existingCodes(sg, project, codes) {
  return new Set((await shotsOf(sg, project, codes)).map((r) => key(/** @type {string} */ (r["code"]))));
}

/**
 * The Shots of `project` whose code is among `codes` (any case).
 * @param {import("@sg/entities").EntityApi} sg
 * @param {{ type: "Project", id: number }} project
 * @param {string[]} codes
 */
const shotsOf = (sg, project, codes) => sg.find("Shot", [["project", "is", project], ["code", "in", codes]], ["code"]);

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Take the lock file `file` (created with `wx`: it fails if the file exists), holding this process's pid. A lock
 * that cannot be written (a full disk) is removed before the error is thrown.
 * @param {string} file
 * @returns {() => void} removes the lock
 */
export function takeLock(file) {
  let fd;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if (/** @type {{ code?: string }} */ (error).code !== "EEXIST") throw error;
    throw new Error(`bulk-import: the lock file ${file} exists: another import into this project is running; if none is (a crash left it behind), remove the file and run the import again`);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch (error) {
    rmSync(file, { force: true }); // a full disk, say: leave no empty lock behind to refuse the next run
    throw error;
  } finally {
    closeSync(fd);
  }
  return () => rmSync(file, { force: true });
}

/** @param {string} name @param {unknown} value @param {number} min */
function checkCount(name, value, min) {
  if (!Number.isSafeInteger(value) || /** @type {number} */ (value) < min) throw new Error(`bulk-import: ${name}: expected an integer ≥ ${min}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
}

/**
 * Import `rows` as Shots of `project`, `chunkSize` per `batch`. `code` is the rows' key: it must be unique within
 * the project (ShotGrid does not enforce that; the import relies on it to tell which rows landed).
 *
 * Before each chunk is sent, the rows whose codes are already Shots of the project are dropped from it (counted as
 * `skipped`): running the import again after it stopped part way, or over a CSV imported before, creates only the
 * rows still missing.
 *
 * A chunk that fails with `maybeSent: true` is reconciled: the Shots with the chunk's codes are read, and only the
 * rows not found are sent, in a new batch (reconciled again if that one fails the same way, up to
 * `maxReconcileRounds`). Any other error is thrown as it is: the transport has already retried what was safe to
 * retry, and a fault (bad data, permissions) would fail again. An error thrown by the reconciling read itself is
 * thrown too, with the chunk named, since it is then unknown which rows landed.
 *
 * A request the site is still working on when the client gave up (a timeout, a gateway that stopped waiting) is not
 * on the site yet when it is checked, and lands after the re-send. So the check waits `settleMs` first, and after a
 * chunk whose rows were sent again, its codes are read once more (after `settleMs` too): a code found on more than one
 * Shot is reported in `duplicates` with the Shots' ids (and logged), never deleted: which one to retire is yours to
 * decide.
 *
 * Two imports of the same rows at once would both find a code missing and both create it: run one import per project
 * at a time. `lockFile` enforces it: the file is created exclusively before anything is read (an import that finds
 * it fails, naming it) and removed at the end.
 *
 * @param {object} options
 * @param {import("@sg/entities").EntityApi} options.sg
 * @param {{ type: "Project", id: number }} options.project
 * @param {readonly ShotRow[]} options.rows
 * @param {number} [options.chunkSize] rows per batch, an integer ≥ 1 (100)
 * @param {number} [options.maxReconcileRounds] an integer ≥ 0 (3)
 * @param {number} [options.settleMs] the wait before checking a chunk that may have landed, and before re-checking a
 *   chunk sent again (3000)
 * @param {string} [options.lockFile] a lock file, one per project, held for the whole import
 * @param {(chunk: number, rows: readonly ShotRow[]) => void} [options.onChunk] called before each chunk is sent (progress)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<ImportReport>}
 */
export async function importShots({ lockFile, ...options }) {
  const { chunkSize = 100, maxReconcileRounds = 3, settleMs = 3000, rows } = options;
  checkCount("chunkSize", chunkSize, 1);
  checkCount("maxReconcileRounds", maxReconcileRounds, 0);
  checkCount("settleMs", settleMs, 0);
  const codes = rows.map((r) => key(r.code));
  const dup = rows.find((r, i) => codes.indexOf(key(r.code)) !== i);
  if (dup !== undefined) throw new Error(`bulk-import: code '${dup.code}' is on more than one row (codes are compared ignoring case, as the site does): the import needs one row per code`);
  const unlock = lockFile === undefined ? () => {} : takeLock(lockFile);
  try {
    return await importRows({ ...options, chunkSize, maxReconcileRounds, settleMs });
  } finally {
    unlock();
  }
}

/**
 * The import itself, options checked.
 * @param {{ sg: import("@sg/entities").EntityApi, project: { type: "Project", id: number }, rows: readonly ShotRow[], chunkSize: number, maxReconcileRounds: number, settleMs: number, onChunk?: (chunk: number, rows: readonly ShotRow[]) => void, log?: (line: string) => void }} options
 * @returns {Promise<ImportReport>}
 */
async function importRows({ sg, project, rows, chunkSize, maxReconcileRounds, settleMs, onChunk = () => {}, log = () => {} }) {
  /** @type {ImportReport} */
  const report = { created: 0, skipped: 0, chunks: 0, reconciled: [], duplicates: [] };
  /** @param {readonly ShotRow[]} chunk */
  const send = (chunk) => sg.batch(chunk.map((data) => ({ request_type: "create", entity_type: "Shot", data: { ...data, project } })));

  for (let start = 0, n = 1; start < rows.length; start += chunkSize, n++) {
    const chunk = rows.slice(start, start + chunkSize);
    onChunk(n, chunk);
    const present = await existingCodes(sg, project, chunk.map((r) => r.code));
    let pending = chunk.filter((r) => !present.has(key(r.code)));
    let resent = false;
    report.skipped += chunk.length - pending.length;
    if (pending.length === 0) {
      report.chunks++;
      continue;
    }
    for (let round = 0; ; round++) {
      try {
        await send(pending);
        report.created += pending.length;
        break;
      } catch (error) {
        if (!mayHaveLanded(error) || round >= maxReconcileRounds) throw error;
        const reason = /** @type {Error} */ (error).message.split("\n")[0] ?? "";
        log(`chunk ${n}: the batch of ${pending.length} may have landed (${reason}); checking which rows are on the site in ${settleMs} ms`);
        await sleep(settleMs);
        let landed;
        try {
          landed = await existingCodes(sg, project, pending.map((r) => r.code));
        } catch (checkError) {
          throw new Error(`bulk-import: chunk ${n} (rows ${start + 1}–${start + chunk.length}) may have landed, and checking it failed: run the import again once the site answers (rows already on the site are skipped)`, { cause: checkError });
        }
        const missing = pending.filter((r) => !landed.has(key(r.code)));
        report.created += pending.length - missing.length;
        report.reconciled.push({ chunk: n, rows: pending.length, landed: pending.length - missing.length, resent: missing.length, error: reason });
        log(`chunk ${n}: ${pending.length - missing.length} of ${pending.length} rows landed; sending the ${missing.length} missing`);
        if (missing.length === 0) break;
        pending = missing;
        resent = true;
      }
    }
    if (resent) await findDuplicates(sg, project, chunk, settleMs, n, report, log);
    report.chunks++;
  }
  return report;
}

/**
 * After a chunk was sent again: wait `settleMs`, read its codes once more and report (not delete) any code found on
 * more than one Shot — a first send that landed after the check.
 * @param {import("@sg/entities").EntityApi} sg
 * @param {{ type: "Project", id: number }} project
 * @param {readonly ShotRow[]} chunk
 * @param {number} settleMs
 * @param {number} n
 * @param {ImportReport} report
 * @param {(line: string) => void} log
 */
async function findDuplicates(sg, project, chunk, settleMs, n, report, log) {
  await sleep(settleMs);
  /** @type {Map<string, Duplicate>} */
  const byCode = new Map();
  for (const shot of await shotsOf(sg, project, chunk.map((r) => r.code))) {
    const code = /** @type {string} */ (shot["code"]);
    const entry = byCode.get(key(code)) ?? { code, ids: [] };
    entry.ids.push(shot.id);
    byCode.set(key(code), entry);
  }
  for (const d of byCode.values())
    if (d.ids.length > 1) {
      report.duplicates.push(d);
      log(`chunk ${n}: code '${d.code}' is on ${d.ids.length} Shots (ids ${d.ids.join(", ")}): a first send landed after the check; retire all but one`);
    }
}
