import { writeAndDrain } from "../io.js";
import { forTerminal } from "../terminal-text.js";
import { cellText } from "./cell.js";
import { clip } from "./clip.js";
import { displayWidth } from "./display-width.js";
import { columnsOf, type OutputRecord, type RecordWriter, type WriterOptions } from "./writer.js";

const MAX_CELL = 60;

/** How many rows are laid out or written between two turns of the event loop. */
const ROWS_BETWEEN_TURNS = 1000;

/**
 * One turn of the event loop, then stop if the output's signal aborted (Ctrl-C, SIGTERM, a failed output). A big
 * table is otherwise laid out in one synchronous pass and written to a file that never makes it wait: a signal's
 * handler would not run until the whole table was written.
 */
async function nextTurn(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

/** The terminal columns of a cell: wide characters (CJK, emoji) take two. */
const width = displayWidth;

/** `text` padded with spaces to `columns` terminal columns. */
function pad(text: string, columns: number): string {
  return text + " ".repeat(Math.max(0, columns - width(text)));
}

/** Aligned columns for people. Keeps the records until the end (to size the columns). */
export function tableWriter(options: WriterOptions): RecordWriter {
  const records: OutputRecord[] = [];
  return {
    row(record: OutputRecord) {
      records.push(record);
    },
    async end() {
      const { out } = options;
      if (options.single) {
        const record = records[0];
        if (!record) return;
        // The keys are the site's field names: outside text like the values, shown the same way.
        const keys = columnsOf(options, record).map((k) => [k, forTerminal(k)] as const);
        const keyWidth = keys.reduce((w, [, shown]) => Math.max(w, width(shown)), 0);
        for (const [k, shown] of keys) await writeAndDrain(out, `${pad(shown, keyWidth)}  ${cellText(record[k], "table")}`.trimEnd() + "\n");
        return;
      }
      const columns = columnsOf(options, records[0]);
      if (records.length === 0) {
        await writeAndDrain(out, "(no records)\n");
        return;
      }
      const signal = out.signal;
      const cells: string[][] = [];
      for (const r of records) {
        if (cells.length % ROWS_BETWEEN_TURNS === ROWS_BETWEEN_TURNS - 1) await nextTurn(signal);
        cells.push(columns.map((c) => clip(cellText(r[c], "table"), MAX_CELL)));
      }
      // A loop, not Math.max(...cells): spreading one argument per row overflows the call stack past ~125k rows.
      // The headers are field names from the site's reply (a batch's, a single record's): escaped like the cells.
      const headers = columns.map(forTerminal);
      const widths = headers.map(width);
      for (const row of cells) {
        for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] ?? 0, width(row[i] ?? ""));
      }
      const render = (row: readonly string[]): string =>
        row
          .map((cell, i) => pad(cell, widths[i] ?? 0))
          .join("  ")
          .trimEnd() + "\n";
      await writeAndDrain(out, render(headers));
      await writeAndDrain(out, render(widths.map((w) => "-".repeat(w))));
      for (let i = 0; i < cells.length; i++) {
        if (i % ROWS_BETWEEN_TURNS === ROWS_BETWEEN_TURNS - 1) await nextTurn(signal);
        await writeAndDrain(out, render(cells[i]!));
      }
      await writeAndDrain(out, `(${records.length} record${records.length === 1 ? "" : "s"})\n`);
    },
  };
}
