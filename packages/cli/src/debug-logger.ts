import { redactValue, scrubText, type Logger } from "@sg/core";
import type { CliOutput } from "./io.js";
import { forTerminal } from "./terminal-text.js";

/**
 * A logger for `--debug`: every line on stderr, secrets and secret-named fields redacted, control and bidirectional
 * characters shown as visible marks (a message or a value may quote the site); silent without `enabled`.
 */
export function debugLogger(stream: CliOutput, secrets: () => readonly string[], enabled: boolean): Logger {
  const log =
    (level: string) =>
    (message: string, data?: Readonly<Record<string, unknown>>): void => {
      // Without --debug the libraries stay quiet: their failures reach the person as the error itself.
      if (!enabled) return;
      // The message is the library's own sentence, which holds no secret: only patterns are scrubbed there, as a
      // value scrubbed out of it would show which of its words a weak secret is. The data's values may be anything.
      const extra = data && Object.keys(data).length ? " " + JSON.stringify(redactValue(data, secrets())) : "";
      // JSON escapes C0 controls but writes C1 and bidirectional characters as they are: both parts are made safe.
      stream.write(`${forTerminal(scrubText(`[${level}] ${message}`))}${forTerminal(extra)}\n`);
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}
