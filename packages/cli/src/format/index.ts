import { csvWriter } from "./csv.js";
import { jsonWriter } from "./json.js";
import { jsonlWriter } from "./jsonl.js";
import { tableWriter } from "./table.js";
import type { OutputFormat, RecordWriter, WriterOptions } from "./writer.js";

export { cellText, toJson } from "./cell.js";
export { csvField } from "./csv.js";
export { OUTPUT_FORMATS, columnsOf, columnsOfAll } from "./writer.js";
export type { OutputFormat, OutputRecord, RecordWriter, WriterOptions } from "./writer.js";

/** A writer for a format. */
export function createWriter(format: OutputFormat, options: WriterOptions): RecordWriter {
  switch (format) {
    case "json":
      return jsonWriter(options);
    case "jsonl":
      return jsonlWriter(options);
    case "csv":
      return csvWriter(options);
    case "table":
      return tableWriter(options);
  }
}
