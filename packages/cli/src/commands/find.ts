import { UsageError } from "../exit-codes.js";
import { intOption } from "../config.js";
import type { CommandContext } from "../command-context.js";
import { readFilterArgs } from "../filter-args.js";
import { listArg } from "../json-arg.js";
import { createProgress } from "../progress.js";
import { recordCount } from "./summarize.js";
import type { OutputRecord } from "../format/index.js";

/** Default number of records without `--all` or `--limit`. */
export const DEFAULT_LIMIT = 100;
/** Default number of pages fetched in parallel with `--all`. */
export const DEFAULT_CONCURRENCY = 4;

/** The site's page size, as `@sg/entities` reads it: `api_max_entities_per_page`, else 500. */
function pageSizeOf(info: Readonly<Record<string, unknown>>): number {
  const n = info["api_max_entities_per_page"];
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : 500;
}

/**
 * Page `page` of `limit` records: records `(page-1)*limit` up to `page*limit`. A `find` with a page reads
 * the site's page of `min(limit, pageSize)` records, so a `--limit` above the site's page size is read as the
 * site pages that cover the window, trimmed to it.
 */
async function readPageOf(find: (options: { limit: number; page: number }) => Promise<OutputRecord[]>, limit: number, page: number, pageSize: number): Promise<OutputRecord[]> {
  if (limit <= pageSize) return find({ limit, page });
  const start = (page - 1) * limit;
  const end = start + limit;
  const out: OutputRecord[] = [];
  for (let sitePage = Math.floor(start / pageSize) + 1; (sitePage - 1) * pageSize < end; sitePage++) {
    const records = await find({ limit: pageSize, page: sitePage });
    const first = (sitePage - 1) * pageSize;
    for (const r of records.slice(Math.max(0, start - first), end - first)) out.push(r);
    if (records.length < pageSize) break;
  }
  return out;
}

/** The note on stderr when the default limit cut the rows. */
function truncationNote(): string {
  return `sg: note: only the first ${DEFAULT_LIMIT} records were written, more match; add --all for every record, or --limit N`;
}

/** The note on stderr when a page failed after `written` records of `--all` went to stdout. */
function incompleteNote(written: number, table: boolean): string {
  const records = `${written} record${written === 1 ? "" : "s"}`;
  // A table is written only at the end: the rows read so far were held for it, and nothing reached stdout.
  if (table) return `sg: note: no records were written: a table is written only at the end, and a page failed (below) after ${records} had been read; use --format jsonl or csv to keep the records read before a failure`;
  return `sg: note: the output is incomplete: ${records} ${written === 1 ? "was" : "were"} written before a page failed (below)`;
}

/** `--walk-by-id` reads one page at a time by id ascending, every page: refuse what it cannot honour, before connecting. */
function checkWalkByIdArgs(all: boolean, concurrency: boolean, order: readonly string[] | undefined): void {
  if (!all) throw new UsageError("--walk-by-id only applies with --all (it reads every page by id)", "Add --all, or leave out --walk-by-id.");
  if (concurrency) throw new UsageError("--walk-by-id and --concurrency cannot be combined", "Each page is requested after the last id of the one before it, one at a time.");
  if (order && !(order.length === 1 && order[0] === "id")) {
    throw new UsageError("--walk-by-id and --order cannot be combined (it reads by id ascending)", "Leave out --order (or give --order id), and sort the rows once written.");
  }
}

/** `sg find <Entity> [filters-json]`. */
export async function findCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = ctx.args;
  const [entityType = "", filtersText] = positionals;
  const filterArgs = await readFilterArgs(ctx, filtersText);
  const { filters, options: filterOptions } = filterArgs;
  const fields = listArg("fields", values["fields"] as readonly string[] | undefined) ?? [];
  const order = listArg("order", values["order"] as readonly string[] | undefined);
  const all = values["all"] === true;
  const limit = intOption("limit", values["limit"], { min: 1 });
  const page = intOption("page", values["page"], { min: 1 });
  const concurrency = intOption("concurrency", values["concurrency"], { min: 1, max: 64 }, DEFAULT_CONCURRENCY);
  if (all && page !== undefined) throw new UsageError("--all and --page cannot be combined", "--all streams every page; --page N reads one page of --limit records.");
  if (!all && values["concurrency"] !== undefined) {
    throw new UsageError("--concurrency only applies with --all (the pages fetched in parallel)", "Add --all to read every page, or leave out --concurrency.");
  }
  const walk = values["walk-by-id"] === true;
  if (walk) checkWalkByIdArgs(all, values["concurrency"] !== undefined, order);
  const { api, client } = await ctx.connect();
  const columns = ["type", "id", ...fields.filter((f) => f !== "id" && f !== "type")];
  const options = {
    ...(order ? { order } : {}),
    ...filterOptions,
    ...(values["retired"] === true ? { retiredOnly: true } : {}),
  };
  const writer = ctx.writer({ columns });
  if (!all) {
    const find = (findOptions: { limit: number; page?: number }): Promise<OutputRecord[]> => api.find(entityType, filters, fields, { ...options, ...findOptions }) as Promise<OutputRecord[]>;
    if (limit === undefined && page === undefined) {
      // The default cut: one record more tells whether it cut anything, so the note is never a guess.
      const records = await find({ limit: DEFAULT_LIMIT + 1 });
      for (const r of records.slice(0, DEFAULT_LIMIT)) await writer.row(r);
      await writer.end();
      // On stderr whatever stdout is: a script that saves the rows to a file must learn they are not all of them.
      if (records.length > DEFAULT_LIMIT) ctx.note(truncationNote());
      return 0;
    }
    const effectiveLimit = limit ?? DEFAULT_LIMIT;
    const records = page === undefined ? await find({ limit: effectiveLimit }) : await readPageOf(find, effectiveLimit, page, pageSizeOf(await client.info()));
    for (const r of records) await writer.row(r);
    await writer.end();
    return 0;
  }
  // Rows streamed (every format but table) to the terminal that also shows stderr would get the progress line
  // glued to the next row; the bar is for rows going to a file or a pipe, or for a table written at the end.
  const rowsOnTerminal = ctx.io.stdout.isTTY === true && ctx.format !== "table";
  const progress = createProgress({ stream: ctx.io.stderr, env: ctx.io.env, ...(rowsOnTerminal ? { enabled: false } : {}) });
  // summarize counts active rows only (it has no retired_only): with --retired the line shows rows and rate, no total.
  if (progress.active && values["retired"] !== true) {
    recordCount(api, entityType, filterArgs)
      .then((total) => {
        if (Number.isFinite(total)) progress.total(limit ? Math.min(limit, total) : total);
      })
      .catch(() => undefined);
  }
  let written = 0;
  try {
    const paging = walk ? { walk: "id" as const } : { concurrency };
    for await (const record of api.iterate(entityType, filters, fields, { ...options, ...paging, ...(limit ? { limit } : {}) })) {
      await writer.row(record as OutputRecord);
      written += 1;
      progress.add(1);
    }
  } catch (error) {
    // Rows already streamed stay on stdout (a JSON array left open): a script keeping them must learn they are not all.
    // An interrupted run says so itself (`sg: interrupted`, its output incomplete), and a closed pipe wants no more.
    if (written > 0 && !ctx.signal?.aborted) ctx.note(incompleteNote(written, ctx.format === "table"));
    throw error;
  } finally {
    progress.done();
  }
  await writer.end();
  return 0;
}
