import { writeAndDrain } from "../io.js";
import { toJson } from "./cell.js";
import type { OutputRecord, RecordWriter, WriterOptions } from "./writer.js";

/** One compact JSON object per line, written as each record arrives. */
export function jsonlWriter(options: WriterOptions): RecordWriter {
  return {
    row: (record: OutputRecord) => writeAndDrain(options.out, toJson(record) + "\n"),
    end: () => undefined,
  };
}
