/**
 * The paging algorithm of `read` (rpc-protocol §2.3), as an ordered stream of pages with an optional
 * bounded window of parallel requests.
 *
 * - `0 < limit ≤ pageSize` (and not above the site's `api_max_entities_per_page`): one request of `limit`
 *   records (page 1 unless `page` is given).
 * - `page > 0`: one request of that page, no paging info asked.
 * - otherwise pages 1, 2, … with paging info, until `has_next_page` is false (sites ≥ 7.4), the collected
 *   count reaches `entity_count` (older sites), a page comes back empty, or `limit` is reached. A page shorter
 *   than asked for ends the result only when the site says neither: a site may serve fewer records per page
 *   than asked (a `pageSize` above its maximum) and still have more.
 *
 * With `concurrency: n > 1`, up to `n` pages are in flight at once, requested in order and handed out in
 * order. Once a page ends the result no new page is requested, so at most `n - 1` pages beyond it were sent.
 * The next pages are requested before a page is handed out, so a consumer that reads it (`iterate`) has up to
 * `n` more on their way, and `n` were sent beyond it if it stops there: those are aborted when the stream ends.
 *
 * With `afterId` (the `walk` option), pages are keyset pages instead: each request is page 1 of the rows with an id
 * above the last one read, ordered by `id`, sent only once the page before it has been handed out (and, with
 * `iterate`, read to its end), so that whatever the consumer did to the rows is seen by the next request.
 *
 * @packageDocumentation
 */
import { onAbort, type CallOptions, type SiteInfo, type WireCondition, type WireFilterGroup } from "@sg/core";
import type { Context } from "./context.js";
import { badReply } from "./reply.js";
import { isPlainObject } from "./validate.js";

/** What the paging loop needs to know about one `find`. */
export interface PagingPlan {
  /** The `read` payload without `paging` and the paging-info flag. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Maximum records (0 = all). */
  readonly limit: number;
  /** A single page to read (0 = page through everything). */
  readonly page: number;
  /** Pages in flight at once (≥ 1). */
  readonly concurrency: number;
  /** Options of every `read`. */
  readonly callOptions: CallOptions;
  /** Walk by id after this id (keyset paging, `page` 0, `concurrency` 1, sorted by `id`); `undefined`: page by offset. */
  readonly afterId?: number | undefined;
}

interface ReadResult {
  readonly entities: unknown[];
  readonly hasNext: boolean | undefined;
  readonly count: number | undefined;
}

async function readPage(ctx: Context, plan: PagingPlan, perPage: number, page: number, withInfo: boolean, flag: string): Promise<ReadResult> {
  // Copy, then add the two paging keys (a spread with a computed key is a slow path in V8).
  const payload: Record<string, unknown> = Object.assign({}, plan.payload);
  payload["paging"] = { entities_per_page: perPage, current_page: page };
  payload[flag] = withInfo;
  const body = await ctx.call<unknown>("read", payload, plan.callOptions);
  // Not "no records": Python's find fails on a reply that is not an object too.
  if (!isPlainObject(body)) throw badReply("read", "an object", body);
  const entities = Array.isArray(body["entities"]) ? (body["entities"] as unknown[]) : [];
  // Each value is taken only when it has its type, so a paging_info that is not an object gives neither.
  const info = body["paging_info"] as { has_next_page?: unknown; entity_count?: unknown } | null | undefined;
  const hasNext = typeof info?.has_next_page === "boolean" ? info.has_next_page : undefined;
  const count = typeof info?.entity_count === "number" ? info.entity_count : undefined;
  return { entities, hasNext, count };
}

/** How a planned `read` is paged: the page size to ask for, a single page to read (0 = all), and the paging-info flag. */
export interface PagingSetup {
  /** Records per request. */
  readonly perPage: number;
  /** The one page to read, or 0 to page through everything. */
  readonly page: number;
  /** Maximum records (0 = all). */
  readonly limit: number;
  /** `return_paging_info_without_counts` (sites ≥ 7.4) or `return_paging_info`. */
  readonly flag: string;
}

/** Work out how a planned `read` is paged (the site's page size and version come from the cached `info`). */
export async function pagingSetup(ctx: Context, plan: PagingPlan): Promise<PagingSetup> {
  return pagingSetupFor(ctx, plan, ctx.infoNow() ?? (await ctx.info(plan.callOptions)));
}

/** {@link pagingSetup} for a known `info` (synchronous: the single-request hot path does not wait a tick). */
export function pagingSetupFor(ctx: Context, plan: PagingPlan, info: SiteInfo): PagingSetup {
  const pageSize = ctx.pageSizeOf(info);
  const flag = ctx.atLeastOf(info, [7, 4, 0]) ? "return_paging_info_without_counts" : "return_paging_info";
  let { limit, page } = plan;
  let perPage = pageSize;
  // Not when the site serves fewer per page than `limit` (a `pageSize` above its maximum): pages then read the rest.
  if (limit > 0 && limit <= pageSize && !(limit > (info.api_max_entities_per_page as number))) {
    perPage = limit;
    if (page === 0) page = 1;
  }
  return { perPage, page, limit, flag };
}

/** The records of a single-request `read` (`setup.page` set): one request, no paging info asked. */
export function readSinglePage(ctx: Context, plan: PagingPlan, setup: PagingSetup): Promise<unknown[]> {
  return readPage(ctx, plan, setup.perPage, setup.page, false, setup.flag).then(({ entities }) =>
    setup.limit > 0 && entities.length > setup.limit ? entities.slice(0, setup.limit) : entities,
  );
}

/** Removes what {@link tie} left on a signal once its controller is collected (a second removal does nothing). */
const dropped = new FinalizationRegistry<() => void>((off) => off());

/**
 * Abort `stop` when `signal` aborts; the returned function undoes it. `stop` is held weakly: an iteration driven by
 * hand and dropped unclosed never runs its `finally`, and a long-lived signal (a daemon's `defaults.signal`) must not
 * keep it, and its pages, alive; once it is collected, the callback leaves the signal too.
 */
function tie(signal: AbortSignal, stop: AbortController): () => void {
  const ref = new WeakRef(stop);
  const off = onAbort(signal, () => ref.deref()?.abort(signal.reason));
  dropped.register(stop, off);
  return off;
}

/** Stream the raw pages of a `read`, in order, honouring `limit`, `page` and `concurrency`. */
export async function* readPages(ctx: Context, plan: PagingPlan): AsyncGenerator<unknown[], void, undefined> {
  const setup = await pagingSetup(ctx, plan);
  if (setup.page !== 0 && plan.afterId === undefined) {
    yield await readSinglePage(ctx, plan, setup);
    return;
  }
  const { perPage, limit, flag } = setup;
  // The reads' own signal, tied to the caller's (else the client's defaults', which a call's own signal replaces):
  // aborted when the iteration ends (a `break`, an error), so that the pages requested ahead end instead of running on
  // (and holding the process) with no one to read them.
  const stop = new AbortController();
  const signal = plan.callOptions.signal ?? ctx.client.defaults?.signal;
  const off = signal && tie(signal, stop);
  plan = { ...plan, callOptions: { ...plan.callOptions, signal: stop.signal } };

  const window = Math.max(1, plan.concurrency);
  const queue: { page: number; result: Promise<ReadResult> }[] = [];
  let nextPage = 1;
  let collected = 0;
  let stopped = false;
  const launch = (): void => {
    // Pages in flight are counted as full; short pages that came back leave records to read.
    while (!stopped && queue.length < window && (limit === 0 || collected + queue.length * perPage < limit)) {
      const p = nextPage++;
      const result = readPage(ctx, plan, perPage, p, true, flag);
      result.catch(() => undefined);
      queue.push({ page: p, result });
    }
  };
  try {
    if (plan.afterId !== undefined) {
      yield* walkPages(ctx, plan, setup, plan.afterId);
      return;
    }
    launch();
    while (queue.length > 0) {
      const head = queue.shift() as { page: number; result: Promise<ReadResult> };
      const { entities, hasNext, count } = await head.result;
      let batch = entities;
      if (limit > 0 && collected + batch.length >= limit) {
        batch = batch.slice(0, limit - collected);
        stopped = true;
      }
      collected += batch.length;
      const end = !entities.length || hasNext === false || (hasNext === undefined && (count === undefined ? entities.length < perPage : collected >= count));
      if (end) stopped = true;
      if (!stopped) launch();
      if (batch.length > 0) yield batch;
      if (stopped) return;
      launch();
    }
  } finally {
    stopped = true;
    queue.length = 0;
    off?.();
    stop.abort();
  }
}

/** The filters of a keyset page: the caller's, and `id` above `afterId` (an `or` tree is kept whole, as one group). */
function afterIdFilters(filters: WireFilterGroup, afterId: number): WireFilterGroup {
  const after: WireCondition = { path: "id", relation: "greater_than", values: [afterId] };
  return { logical_operator: "and", conditions: filters.logical_operator === "and" ? [...filters.conditions, after] : [filters, after] };
}

/**
 * The pages of a walk by id: page 1 of the rows above the last id read, until `limit` is reached or a request finds no
 * row. That last request is made even after a short page: a row created while the page before it was handled is read.
 */
async function* walkPages(ctx: Context, plan: PagingPlan, setup: PagingSetup, afterId: number): AsyncGenerator<unknown[], void, undefined> {
  const { perPage, limit, flag } = setup;
  const filters = plan.payload["filters"] as WireFilterGroup;
  let lastId = afterId;
  let collected = 0;
  while (limit === 0 || collected < limit) {
    const page: PagingPlan = { ...plan, payload: { ...plan.payload, filters: afterIdFilters(filters, lastId) } };
    const { entities } = await readPage(ctx, page, limit > 0 ? Math.min(perPage, limit - collected) : perPage, 1, false, flag);
    const batch = limit > 0 && collected + entities.length > limit ? entities.slice(0, limit - collected) : entities;
    if (batch.length === 0) return;
    for (const [i, record] of batch.entries()) {
      const id = isPlainObject(record) ? record["id"] : undefined;
      // Ids not above the last would make the next request repeat rows, or never end: refused rather than looped on. So
      // is an id the next request cannot carry as it came: a fraction, one past 2^53, or Infinity (JSON's 1e400), sent as
      // null. The id is quoted (ids are no secret), with its place in the page.
      if (!(Number.isSafeInteger(id) && (id as number) > lastId)) {
        throw badReply("read", `whole-number ids (up to 2^53) above ${lastId}, ascending`, 0, "A walk by id needs the site's id filter and sort; drop `walk` to page by offset.", `id ${typeof id == "string" ? `"${id}"` : id} at index ${i}`);
      }
      lastId = id as number;
    }
    collected += batch.length;
    yield batch;
  }
}
