import { writeAndDrain } from "../io.js";
import { cellText } from "./cell.js";
import { columnsOf, type OutputRecord, type RecordWriter, type WriterOptions } from "./writer.js";

const MAX_CELL = 60;

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, width - 1).join("") + "…" : text;
}

function width(text: string): number {
  return [...text].length;
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
        const keys = columnsOf(options, record);
        const keyWidth = keys.reduce((w, k) => Math.max(w, width(k)), 0);
        for (const k of keys) await writeAndDrain(out, `${k.padEnd(keyWidth)}  ${cellText(record[k], "table")}`.trimEnd() + "\n");
        return;
      }
      const columns = columnsOf(options, records[0]);
      if (records.length === 0) {
        await writeAndDrain(out, "(no records)\n");
        return;
      }
      const cells = records.map((r) => columns.map((c) => clip(cellText(r[c], "table"), MAX_CELL)));
      // A loop, not Math.max(...cells): spreading one argument per row overflows the call stack past ~125k rows.
      const widths = columns.map(width);
      for (const row of cells) {
        for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] ?? 0, width(row[i] ?? ""));
      }
      const render = (row: readonly string[]): string =>
        row
          .map((cell, i) => cell + " ".repeat(Math.max(0, (widths[i] ?? 0) - width(cell))))
          .join("  ")
          .trimEnd() + "\n";
      await writeAndDrain(out, render(columns));
      await writeAndDrain(out, render(widths.map((w) => "-".repeat(w))));
      for (const row of cells) await writeAndDrain(out, render(row));
      await writeAndDrain(out, `(${records.length} record${records.length === 1 ? "" : "s"})\n`);
    },
  };
}
