import type { BatchRequest } from "@sg/entities";
import type { CommandContext } from "../command-context.js";
import { columnsOfAll, type OutputRecord } from "../format/index.js";
import { readJsonArg } from "../json-arg.js";

/**
 * `sg batch <requests-json|-|@file>`: one atomic `batch` of creates, updates and deletes, one row per request in
 * order. `@sg/entities` checks every request before anything is sent (a bad one is a usage error naming its
 * path) and refuses a reply it cannot match to the requests; the transport never sends a write again once it
 * may have reached the site, so nothing here retries.
 */
export async function batchCommand(ctx: CommandContext): Promise<number> {
  const [requestsText = ""] = ctx.args.positionals;
  const requests = (await readJsonArg(requestsText, "requests", "any", ctx)) as readonly BatchRequest[];
  const { api } = await ctx.connect();
  ctx.writing();
  const results = await api.batch(requests);
  if (results.length) ctx.applied(`the batch of ${results.length} request${results.length === 1 ? " was" : "s were"} applied`);
  // batch() resolved, so `requests` held valid requests, one per result, in order.
  const rows: OutputRecord[] = results.map((result, i) => {
    if (typeof result !== "boolean") return result;
    const request = requests[i] as { readonly entity_type: string; readonly entity_id: number };
    return { type: request.entity_type, id: request.entity_id, deleted: result };
  });
  // No rows (an empty list): the columns every row has, so csv still has a header, as sg find without records.
  const writer = ctx.writer({ columns: rows.length ? columnsOfAll(rows) : ["type", "id"] });
  for (const row of rows) await writer.row(row);
  await writer.end();
  return 0;
}
