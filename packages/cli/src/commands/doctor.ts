import { scrubText } from "@sg/core";
import type { CommandContext } from "../command-context.js";
import { runDoctor } from "../doctor.js";
import { EXIT_DOCTOR_FAILED, EXIT_OK } from "../exit-codes.js";
import { forTerminal } from "../terminal-text.js";

/** `sg doctor`: one screen of checks; exit {@link EXIT_DOCTOR_FAILED} (7) when any failed. */
export async function doctorCommand(ctx: CommandContext): Promise<number> {
  const report = await runDoctor(ctx);
  // runDoctor scrubbed the secret values out of the outside text it quotes; its own words and the libraries'
  // hold none, and scrubbing values there would show which of those words a weak secret is.
  const scrub = (t: string): string => scrubText(t);
  const format = ctx.args.values["format"] === undefined ? "table" : ctx.format;
  if (format === "json" || format === "jsonl") {
    ctx.io.stdout.write(scrub(JSON.stringify(report, null, format === "json" ? 2 : undefined)) + "\n");
  } else if (format === "csv") {
    const writer = ctx.writer({ columns: ["name", "ok", "detail", "problem", "why", "fix"] });
    for (const c of report.checks) await writer.row({ ...c, detail: scrub(c.detail) });
    await writer.end();
  } else {
    // A check's detail, why and fix may quote the site (a fault's words, an error page, a user's name): each is
    // shown as one line with visible marks for control characters, as a table cell is.
    const lines = [`sg doctor${report.site ? ` — ${forTerminal(report.site)}` : ""}`];
    const width = Math.max(...report.checks.map((c) => c.name.length));
    for (const c of report.checks) {
      lines.push(`  ${c.ok === false ? "FAIL" : "ok  "}  ${c.name.padEnd(width)}  ${forTerminal(c.detail)}`);
      const pad = " ".repeat(width + 10);
      if (c.why) lines.push(`${pad}why: ${forTerminal(c.why)}`);
      if (c.fix) lines.push(`${pad}fix: ${forTerminal(c.fix)}`);
    }
    const failed = report.checks.filter((c) => c.ok === false).length;
    lines.push(failed ? `${failed} check${failed === 1 ? "" : "s"} failed.` : "All checks passed.");
    ctx.io.stdout.write(scrub(lines.join("\n")) + "\n");
  }
  return report.ok ? EXIT_OK : EXIT_DOCTOR_FAILED;
}
