// The bulk import of this recipe: rows go to the site with `batch`, one chunk per call (a batch is one transaction:
// all of a chunk lands, or none of it). A chunk that fails in a way that may have landed (`maybeSent: true`: a 502 or
// 504 from a gateway, a connection dropped after the request went out, a timeout) is never sent again blindly: the
// rows of that chunk are looked up by their key (`code`), and only the ones missing are sent.

/**
 * @typedef {{ code: string, [field: string]: string | number | null }} ShotRow
 * @typedef {{ chunk: number, rows: number, landed: number, resent: number, error: string }} Reconciled
 * @typedef {{ created: number, skipped: number, chunks: number, reconciled: Reconciled[] }} ImportReport
 */

/**
 * Whether an error says that a write may have been applied: `maybeSent` is declared by `SgNetworkError`,
 * `SgTimeoutError` and `SgAbortError`, and set by `@sg/transport` as an own property on `SgHttpError` and
 * `SgProtocolError` when it is true.
 * @param {unknown} error
 */
export const mayHaveLanded = (error) => /** @type {{ maybeSent?: unknown } | null} */ (error)?.maybeSent === true;

/**
 * Parse a plain CSV (a header line, then one row per line; no quoted fields, no commas inside values). Numeric
 * columns are given by name; empty cells become `null`.
 * @param {string} text
 * @param {readonly string[]} [numeric]
 * @returns {ShotRow[]}
 */
export function parseCsv(text, numeric = []) {
  const [header = "", ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const columns = header.split(",").map((c) => c.trim());
  if (!columns.includes("code")) throw new Error(`bulk-import: the CSV header has no 'code' column: ${header.slice(0, 80)}`);
  return lines.map((line, i) => {
    const cells = line.split(",");
    if (cells.length !== columns.length) throw new Error(`bulk-import: CSV line ${i + 2}: expected ${columns.length} cells, got ${cells.length}`);
    /** @type {Record<string, string | number | null>} */
    const row = {};
    columns.forEach((c, j) => {
      const cell = /** @type {string} */ (cells[j]).trim();
      row[c] = cell === "" ? null : numeric.includes(c) ? Number(cell) : cell;
    });
    return /** @type {ShotRow} */ (row);
  });
}

/**
 * The codes among `codes` that already exist as Shots of `project` (read in one `in` query; reads are retried by
 * the transport, so this is safe to call after any failure).
 * @param {import("@sg/entities").EntityApi} sg
 * @param {{ type: "Project", id: number }} project
 * @param {string[]} codes
 */
async function existingCodes(sg, project, codes) {
  const found = await sg.find("Shot", [["project", "is", project], ["code", "in", codes]], ["code"]);
  return new Set(found.map((r) => /** @type {string} */ (r["code"])));
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
 * @param {object} options
 * @param {import("@sg/entities").EntityApi} options.sg
 * @param {{ type: "Project", id: number }} options.project
 * @param {readonly ShotRow[]} options.rows
 * @param {number} [options.chunkSize] rows per batch (100)
 * @param {number} [options.maxReconcileRounds] (3)
 * @param {(chunk: number, rows: readonly ShotRow[]) => void} [options.onChunk] called before each chunk is sent (progress)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<ImportReport>}
 */
export async function importShots({ sg, project, rows, chunkSize = 100, maxReconcileRounds = 3, onChunk = () => {}, log = () => {} }) {
  const codes = rows.map((r) => r.code);
  const dup = codes.find((c, i) => codes.indexOf(c) !== i);
  if (dup !== undefined) throw new Error(`bulk-import: code '${dup}' is on more than one row: the import needs one row per code`);
  /** @type {ImportReport} */
  const report = { created: 0, skipped: 0, chunks: 0, reconciled: [] };
  /** @param {readonly ShotRow[]} chunk */
  const send = (chunk) => sg.batch(chunk.map((data) => ({ request_type: "create", entity_type: "Shot", data: { ...data, project } })));

  for (let start = 0, n = 1; start < rows.length; start += chunkSize, n++) {
    const chunk = rows.slice(start, start + chunkSize);
    onChunk(n, chunk);
    const present = await existingCodes(sg, project, chunk.map((r) => r.code));
    let pending = chunk.filter((r) => !present.has(r.code));
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
        log(`chunk ${n}: the batch of ${pending.length} may have landed (${reason}); checking which rows are on the site`);
        let landed;
        try {
          landed = await existingCodes(sg, project, pending.map((r) => r.code));
        } catch (checkError) {
          throw new Error(`bulk-import: chunk ${n} (rows ${start + 1}–${start + chunk.length}) may have landed, and checking it failed: run the import again once the site answers (rows already on the site are skipped)`, { cause: checkError });
        }
        const missing = pending.filter((r) => !landed.has(r.code));
        report.created += pending.length - missing.length;
        report.reconciled.push({ chunk: n, rows: pending.length, landed: pending.length - missing.length, resent: missing.length, error: reason });
        log(`chunk ${n}: ${pending.length - missing.length} of ${pending.length} rows landed; sending the ${missing.length} missing`);
        if (missing.length === 0) break;
        pending = missing;
      }
    }
    report.chunks++;
  }
  return report;
}
