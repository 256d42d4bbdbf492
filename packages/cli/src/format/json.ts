import { writeAndDrain } from "../io.js";
import { toJson } from "./cell.js";
import type { OutputRecord, RecordWriter, WriterOptions } from "./writer.js";

/** Pretty JSON: an array streamed element by element (valid JSON at the end), or one object with `single`. */
export function jsonWriter(options: WriterOptions): RecordWriter {
  const { out } = options;
  let count = 0;
  return {
    async row(record: OutputRecord) {
      if (options.single) {
        await writeAndDrain(out, toJson(record, 2) + "\n");
        count++;
        return;
      }
      const body = toJson(record, 2).replace(/\n/g, "\n  ");
      await writeAndDrain(out, (count === 0 ? "[\n  " : ",\n  ") + body);
      count++;
    },
    async end() {
      if (options.single) {
        if (count === 0) await writeAndDrain(out, "null\n");
        return;
      }
      await writeAndDrain(out, count === 0 ? "[]\n" : "\n]\n");
    },
  };
}
