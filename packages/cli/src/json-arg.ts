import { UsageError } from "./exit-codes.js";

/** Parse a JSON command-line argument, or throw a usage error naming it. */
export function parseJsonArg(text: string, what: string, expect: "array-or-object" | "object"): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : "";
    throw new UsageError(`${what} is not valid JSON: ${detail}`, what === "filters" ? `Example: '[["code", "is", "SH010"], ["sg_status_list", "in", ["ip", "rdy"]]]'` : `Example: '{"code": "SH010", "description": "…"}'`);
  }
  if (expect === "object" && (value === null || typeof value !== "object" || Array.isArray(value))) {
    throw new UsageError(`${what} must be a JSON object`, `Example: '{"code": "SH010"}'`);
  }
  if (expect === "array-or-object" && (value === null || typeof value !== "object")) {
    throw new UsageError(`${what} must be a JSON array of conditions (or a filter object)`, `Example: '[["code", "is", "SH010"]]'`);
  }
  return value;
}

/**
 * Parse a record id argument: decimal digits only. `Number()` alone would read `0x10` as 16, `1e1` as 10 and
 * round ids beyond 2^53, so a typo would update or retire another record.
 */
export function parseId(text: string): number {
  const id = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`'${text}' is not a record id (a whole number ≥ 1 in digits)`);
  return id;
}

/** Split `a,b, c` (the value of `--<option>`) into names. */
export function listArg(option: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (!parts.length) throw new UsageError(`--${option} expects a comma-separated list of field names, got '${text}'`, option === "order" ? "Example: --order=-created_at,code ('-' for descending)" : `Example: --${option} code,sg_status_list`);
  return parts;
}
