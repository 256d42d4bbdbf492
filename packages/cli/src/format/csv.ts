import { writeAndDrain } from "../io.js";
import { cellText } from "./cell.js";
import { columnsOf, type OutputRecord, type RecordWriter, type WriterOptions } from "./writer.js";

/** Quote a CSV field when it needs it (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header line, written as each record arrives. Links are `Type:id`. */
export function csvWriter(options: WriterOptions): RecordWriter {
  let columns: string[] | undefined;
  const line = (cells: readonly string[]): string => cells.map(csvField).join(",") + "\r\n";
  return {
    async row(record: OutputRecord) {
      if (!columns) {
        columns = columnsOf(options, record);
        await writeAndDrain(options.out, line(columns));
      }
      await writeAndDrain(options.out, line(columns.map((c) => cellText(record[c], "csv"))));
    },
    async end() {
      if (!columns && options.columns?.length) await writeAndDrain(options.out, line(options.columns));
    },
  };
}
