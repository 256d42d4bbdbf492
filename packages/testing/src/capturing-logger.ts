import type { Logger } from "@sg/core";
import { safeInspect, safeJson } from "./secret-scan.js";

/** One line a {@link CapturingLogger} received. */
export interface CapturedLogLine {
  /** Log level. */
  readonly level: "debug" | "info" | "warn" | "error";
  /** The message. */
  readonly message: string;
  /** The structured data, as given. */
  readonly data: Readonly<Record<string, unknown>> | undefined;
}

/** A {@link Logger} that keeps every line, for tests that assert on logging. */
export interface CapturingLogger extends Logger {
  /** Every line received so far, in order. */
  readonly lines: readonly CapturedLogLine[];
  /** Each line as text (`level message json(data) inspect(data)`), for searching. */
  text(): string[];
}

/** Create a {@link CapturingLogger}. */
export function createCapturingLogger(): CapturingLogger {
  const lines: CapturedLogLine[] = [];
  const push =
    (level: CapturedLogLine["level"]) =>
    (message: string, data?: Readonly<Record<string, unknown>>): void => {
      lines.push({ level, message, data });
    };
  return {
    lines,
    debug: push("debug"),
    info: push("info"),
    warn: push("warn"),
    error: push("error"),
    text: (): string[] =>
      lines.map((l) => `${l.level} ${String(l.message)}${l.data === undefined ? "" : ` ${safeJson(l.data)} ${safeInspect(l.data)}`}`),
  };
}
