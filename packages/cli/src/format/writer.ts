import type { CliOutput } from "../io.js";

/** The output formats of `sg`. */
export type OutputFormat = "table" | "json" | "jsonl" | "csv";

/** The output formats, in help order. */
export const OUTPUT_FORMATS: readonly [OutputFormat, ...OutputFormat[]] = ["table", "json", "jsonl", "csv"];

/** A record as the API returns it. */
export type OutputRecord = Readonly<Record<string, unknown>>;

/** Receives records one at a time and writes them in one format. */
export interface RecordWriter {
  /** Write (or, for tables, keep) one record. */
  row(record: OutputRecord): Promise<void> | void;
  /** Finish the output. */
  end(): Promise<void> | void;
}

/** Options shared by every writer. */
export interface WriterOptions {
  /** Where rows are written. */
  readonly out: CliOutput;
  /** Columns in order; when absent they are taken from the first record. */
  readonly columns?: readonly string[];
  /** The output is one record, not a list (json writes an object, table writes key/value lines). */
  readonly single?: boolean;
}

/** The columns to show: the given ones, else the keys of the first record. */
export function columnsOf(options: WriterOptions, first: OutputRecord | undefined): string[] {
  if (options.columns && options.columns.length) return [...options.columns];
  return first ? Object.keys(first) : [];
}

/** Every key of `records`, in the order they first appear: the columns of rows that do not all have the same fields. */
export function columnsOfAll(records: readonly OutputRecord[]): string[] {
  const columns = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) columns.add(key);
  return [...columns];
}
