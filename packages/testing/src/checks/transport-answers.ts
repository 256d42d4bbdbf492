import { isDeepStrictEqual } from "node:util";
import { describeError } from "../secret-scan.js";
import { clientOn, closeWithin, isSg, outcome, record } from "../transport-harness.js";
import type { Verdict } from "./run-check.js";
import type { TransportRun } from "./transport-run.js";

/** Values that a careless encoder or decoder changes: quotes, backslashes, astral characters, line separators, null. */
function trickyValues(): Record<string, unknown> {
  const tag = Math.random().toString(36).slice(2, 10);
  return { code: `kit-${tag} "q" \\ ü 😀 </a> \u2028`, sg_cut_in: 1001, description: "line 1\nline 2\ttab" };
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
};

/** `answers`: info, a create and a read through a real client; the row exists once, its values as sent. */
export async function checkAnswers(run: TransportRun): Promise<Verdict> {
  const recorder = record(run.make());
  const client = clientOn(run.env, recorder.transport);
  const problems: string[] = [];
  try {
    const info = await outcome(client.info({ deadlineMs: run.timeoutMs }));
    if (!info.ok) problems.push(`info rejected: ${describeError(info.error, run.secrets)}`);
    else if (!Array.isArray((info.value as { version?: unknown }).version)) problems.push(`info answered without the site's version: ${show(info.value)}`);

    const values = trickyValues();
    const fields = Object.keys(values);
    const created = await outcome(
      client.call("create", { type: "Shot", fields: Object.entries(values).map(([field_name, value]) => ({ field_name, value })), return_fields: fields }, { deadlineMs: run.timeoutMs }),
    );
    if (!created.ok) {
      problems.push(`create rejected: ${describeError(created.error, run.secrets)}`);
    } else {
      const row = created.value as Record<string, unknown> | null;
      const back = Object.fromEntries(fields.map((f) => [f, row?.[f]]));
      if (row?.type !== "Shot" || typeof row.id !== "number") problems.push(`create answered ${show(row)}, not the new Shot`);
      else if (!isDeepStrictEqual(back, values)) problems.push(`create answered ${show(back)} for the values sent as ${show(values)}`);
    }
    const creates = run.env.emulator.requests().filter((r) => r.method_name === "create").length;
    if (creates !== 1) problems.push(`the site saw ${creates} create requests for one create call (expected 1)`);

    const read = await outcome(
      client.call(
        "read",
        {
          type: "Shot",
          filters: { logical_operator: "and", conditions: [{ path: "code", relation: "is", values: [values.code] }] },
          return_fields: fields,
          return_only: "active",
          paging: { entities_per_page: 10, current_page: 1 },
        },
        { deadlineMs: run.timeoutMs },
      ),
    );
    if (!read.ok) {
      problems.push(`read rejected: ${describeError(read.error, run.secrets)}`);
    } else {
      const entities = (read.value as { entities?: unknown } | null)?.entities;
      if (!Array.isArray(entities)) problems.push(`read answered ${show(read.value)}, without entities`);
      else if (entities.length !== 1) problems.push(`read found ${entities.length} rows with the created code (expected 1)`);
      else if (!isDeepStrictEqual(Object.fromEntries(fields.map((f) => [f, (entities[0] as Record<string, unknown>)[f]])), values)) {
        problems.push(`read answered ${show(entities[0])} for the values created as ${show(values)}`);
      }
    }
    for (const h of recorder.handovers) {
      run.handovers.push({ check: "answers", handover: h });
      if (h.ok === false && !isSg(h.error)) problems.push(`the transport rejected '${h.what}' with a plain ${describeError(h.error, run.secrets)}`);
    }
  } finally {
    await closeWithin(run.timeoutMs, client);
  }
  return problems.length === 0
    ? { status: "passed", detail: "info, create and read answered; one create reached the site; every value read back as sent" }
    : { status: "failed", detail: problems.join("; ") };
}
