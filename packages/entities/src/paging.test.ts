import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { entityContext, find } from "./index.js";
import { RawReply, startLoopbackSite, type LoopbackSite } from "./test-support/loopback.js";
import { startSite, type TestSite } from "./test-support/site.js";

// Demo fixtures with a page size of 5: 6 Shots, 4 Assets, 26 Tasks, 2 Sequences.
let site: TestSite;
beforeAll(async () => {
  site = await startSite({ pageSize: 5 });
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  site.sent.length = 0;
});

type Paging = { entities_per_page: number; current_page: number };
const pagings = (): Paging[] => site.payloads("read").map((p) => (p as { paging: Paging }).paging);
const flags = (): unknown[] => site.payloads("read").map((p) => (p as Record<string, unknown>)["return_paging_info_without_counts"]);
const ids = (records: readonly { id: number }[]): number[] => records.map((r) => r.id);

describe("paging: the Python algorithm", () => {
  it("reads the page size from info and pages until has_next_page is false", async () => {
    const tasks = await site.api.find("Task", [], ["content"]);
    expect(tasks).toHaveLength(26);
    expect(ids(tasks)).toEqual([...ids(tasks)].sort((a, b) => a - b));
    expect(pagings()).toEqual([1, 2, 3, 4, 5, 6].map((current_page) => ({ entities_per_page: 5, current_page })));
    expect(flags().every((f) => f === true)).toBe(true);
  });

  it("returns [] for an empty result after one request", async () => {
    expect(await site.api.find("Shot", [["code", "is", "nope"]])).toEqual([]);
    expect(pagings()).toEqual([{ entities_per_page: 5, current_page: 1 }]);
  });

  it("stops after exactly one full page when has_next_page is false", async () => {
    const seqs = await site.api.find("Asset", [], ["code"]);
    expect(seqs).toHaveLength(4);
    expect(pagings()).toHaveLength(1);
    const five = await site.api.find("Task", [["id", "less_than", 6]]);
    expect(five).toHaveLength(5);
    expect(pagings().slice(1)).toEqual([{ entities_per_page: 5, current_page: 1 }]);
  });

  it("takes the fast path for a limit inside one page: one request of `limit` records, no paging info", async () => {
    const tasks = await site.api.find("Task", [], ["content"], { limit: 3 });
    expect(ids(tasks)).toEqual([1, 2, 3].map((n) => tasks[0]!.id + n - 1));
    expect(pagings()).toEqual([{ entities_per_page: 3, current_page: 1 }]);
    expect(flags()).toEqual([false]);
  });

  it("pages across page boundaries for a limit above the page size and cuts to the limit", async () => {
    const all = await site.api.find("Task", []);
    site.sent.length = 0;
    const tasks = await site.api.find("Task", [], [], { limit: 12 });
    expect(ids(tasks)).toEqual(ids(all).slice(0, 12));
    expect(pagings().map((p) => p.current_page)).toEqual([1, 2, 3]);
  });

  it("reads one page with the page parameter (and with limit ≤ page size, that page of `limit` records)", async () => {
    const all = await site.api.find("Task", []);
    site.sent.length = 0;
    expect(ids(await site.api.find("Task", [], [], { page: 2 }))).toEqual(ids(all).slice(5, 10));
    expect(pagings()).toEqual([{ entities_per_page: 5, current_page: 2 }]);
    expect(flags()).toEqual([false]);
    expect(ids(await site.api.find("Task", [], [], { page: 3, limit: 2 }))).toEqual(ids(all).slice(4, 6));
    expect(await site.api.find("Task", [], [], { page: 99 })).toEqual([]);
  });

  it("findOne sends limit 1 and returns null when nothing matches", async () => {
    expect(await site.api.findOne("Shot", [["code", "is", "nope"]])).toBeNull();
    const shot = await site.api.findOne("Shot", [], ["code"], { order: ["-code"] });
    expect(shot).toMatchObject({ type: "Shot", code: "SQ020_0030" });
    expect(pagings()).toEqual([{ entities_per_page: 1, current_page: 1 }, { entities_per_page: 1, current_page: 1 }]);
  });
});

/**
 * A site holding 12 Shots that serves at most 5 per page whatever is asked, and says what is left the way a
 * site of `version` does: `has_next_page` (≥ 7.4) or `entity_count` (older).
 */
function cappingSite(version: number[], { advertised = true, offsetByAsked = false } = {}) {
  const sent: Paging[] = [];
  const site = startLoopbackSite((method, payload) => {
    // Not advertised: the site does not say its maximum in info, so a larger pageSize is asked for and pages come short.
    if (method === "info") return advertised ? { version, api_max_entities_per_page: 5 } : { version };
    const { entities_per_page: per, current_page: page } = (payload as { paging: Paging }).paging;
    sent.push({ entities_per_page: per, current_page: page });
    // offsetByAsked: page 2 starts after the size asked for, though only 5 were served (rows between are skipped).
    const ids = Array.from({ length: 12 }, (_, i) => i + 1).slice((page - 1) * (offsetByAsked ? per : Math.min(per, 5)));
    const entities = ids.slice(0, Math.min(per, 5)).map((id) => ({ type: "Shot", id }));
    const more = entities.length > 0 && ids.length > entities.length;
    return { entities, paging_info: version[0]! >= 8 ? { has_next_page: more } : { entity_count: 12 } };
  });
  return site.then((loopback) => Object.assign(loopback, { sent }));
}

describe("paging: a page shorter than asked for", () => {
  it.each([[[8, 0, 0]], [[7, 0, 0]]])("does not end the result while the site (version %j) says more records follow", async (version) => {
    const loopback = await cappingSite(version, { advertised: false });
    try {
      // A pageSize above what the site serves (which it does not say): every page comes back short.
      const sg = entityContext(loopback.client, { pageSize: 10 });
      expect(ids(await find(sg, "Shot", []))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(ids(await find(sg, "Shot", [], [], { limit: 12 }))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(ids(await find(sg, "Shot", [], [], { limit: 11, concurrency: 3 }))).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    } finally {
      await loopback.close();
    }
  });

  it.each([[[8, 0, 0]], [[7, 0, 0]]])("holds a pageSize above the site's advertised maximum to it (version %j): no rows skipped by a site that offsets pages by the size asked for", async (version) => {
    const loopback = await cappingSite(version, { offsetByAsked: true });
    try {
      const sg = entityContext(loopback.client, { pageSize: 10 });
      expect(ids(await find(sg, "Shot", []))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(ids(await find(sg, "Shot", [], [], { limit: 11, concurrency: 3 }))).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      // A limit within the pageSize but above the site's maximum is not one request of `limit` records.
      expect(ids(await find(sg, "Shot", [], [], { limit: 8 }))).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
      expect(loopback.sent.every((p) => p.entities_per_page <= 5)).toBe(true);
      // A pageSize below the maximum is kept as it is.
      loopback.sent.length = 0;
      expect(ids(await find(entityContext(loopback.client, { pageSize: 3 }), "Shot", []))).toHaveLength(12);
      expect(loopback.sent.map((p) => p.entities_per_page)).toEqual([3, 3, 3, 3]);
    } finally {
      await loopback.close();
    }
  });
});

/**
 * A site that serves 2 records per page (`api_max_entities_per_page`) of a table whose `rows` ids it lists, with
 * the `paging_info` that `pagingInfo` gives for each page; after 10 reads it answers with a fault, so a find that
 * would page on forever fails instead of hanging.
 */
function listingSite(version: number[], rows: number, pagingInfo: (page: number) => Record<string, unknown>) {
  let reads = 0;
  return startLoopbackSite((method, payload) => {
    if (method === "info") return { version, api_max_entities_per_page: 2 };
    if (++reads > 10) return new RawReply('{"exception":true,"error_code":103,"message":"paged past the end"}');
    const { entities_per_page: per, current_page: page } = (payload as { paging: Paging }).paging;
    const entities = Array.from({ length: rows }, (_, i) => ({ type: "Shot", id: i + 1 })).slice((page - 1) * per, page * per);
    return { entities, paging_info: pagingInfo(page) };
  });
}
const readPagings = (loopback: LoopbackSite): Paging[] => loopback.requests.filter((r) => r.method === "read").map((r) => (r.payload as { paging: Paging }).paging);

describe("paging: where the loop ends", () => {
  it.each([
    ["a pre-7.4 site whose entity_count is stale (6 counted, 4 left)", [7, 0, 0], () => ({ entity_count: 6 })],
    ["a site that says has_next_page: true on every page", [8, 0, 0], () => ({ has_next_page: true })],
  ])("an empty page ends it, right after that request: %s", async (_name, version, pagingInfo) => {
    const loopback = await listingSite(version, 4, pagingInfo);
    try {
      expect(ids(await find(entityContext(loopback.client), "Shot", []))).toEqual([1, 2, 3, 4]);
      expect(readPagings(loopback).map((p) => p.current_page)).toEqual([1, 2, 3]);
    } finally {
      await loopback.close();
    }
  });

  it("on a pre-7.4 site, reaching entity_count ends it with no further read (a last page that is full)", async () => {
    const loopback = await listingSite([7, 0, 0], 4, () => ({ entity_count: 4 }));
    try {
      expect(ids(await find(entityContext(loopback.client), "Shot", []))).toEqual([1, 2, 3, 4]);
      expect(readPagings(loopback)).toEqual([1, 2].map((current_page) => ({ entities_per_page: 2, current_page })));
      expect(loopback.requests.filter((r) => r.method === "read").map((r) => (r.payload as Record<string, unknown>)["return_paging_info"])).toEqual([true, true]);
    } finally {
      await loopback.close();
    }
  });
});

describe("paging: a single-request find on a site that sends more than asked for", () => {
  it("returns at most `limit` records, for a limit within the page size and for a given page", async () => {
    // The site ignores entities_per_page and sends all 5 records every time.
    const loopback = await startLoopbackSite((method) =>
      method === "info" ? { version: [8, 0, 0], api_max_entities_per_page: 2 } : { entities: [1, 2, 3, 4, 5].map((id) => ({ type: "Shot", id })), paging_info: { has_next_page: false } },
    );
    try {
      const sg = entityContext(loopback.client);
      expect(ids(await find(sg, "Shot", [], [], { limit: 2 }))).toEqual([1, 2]);
      expect(ids(await find(sg, "Shot", [], [], { limit: 1, page: 1 }))).toEqual([1]);
      expect(ids(await find(sg, "Shot", [], [], { limit: 2, page: 3 }))).toEqual([1, 2]);
      expect(readPagings(loopback)).toEqual([
        { entities_per_page: 2, current_page: 1 },
        { entities_per_page: 1, current_page: 1 },
        { entities_per_page: 2, current_page: 3 },
      ]);
    } finally {
      await loopback.close();
    }
  });
});

describe("paging: concurrency", () => {
  it("keeps order and returns the same records as sequential paging", async () => {
    const sequential = await site.api.find("Task", [], ["content"]);
    for (const concurrency of [2, 3, 8]) {
      expect(await site.api.find("Task", [], ["content"], { concurrency })).toEqual(sequential);
    }
  });

  it("over-fetches at most concurrency - 1 pages beyond the last one", async () => {
    // 26 tasks = 6 pages; page 6 is short. With 4 in flight, pages up to 6 + 3 = 9 may be asked for.
    await site.api.find("Task", [], [], { concurrency: 4 });
    const pages = pagings().map((p) => p.current_page);
    expect(Math.max(...pages)).toBeLessThanOrEqual(6 + 3);
    expect(new Set(pages).size).toBe(pages.length);
    site.sent.length = 0;
    // An empty result with 8 in flight: page 1 plus at most 7 more.
    await site.api.find("Task", [["id", "is", 0]], [], { concurrency: 8 });
    expect(pagings().length).toBeLessThanOrEqual(8);
  });

  it("stops launching pages once the limit is covered", async () => {
    const all = await site.api.find("Task", []);
    site.sent.length = 0;
    const tasks = await site.api.find("Task", [], [], { limit: 12, concurrency: 8 });
    expect(ids(tasks)).toEqual(ids(all).slice(0, 12));
    expect(pagings().map((p) => p.current_page)).toEqual([1, 2, 3]);
  });
});

describe("iterate()", () => {
  it("streams every record in order, page by page", async () => {
    const all = await site.api.find("Task", [], ["content"]);
    site.sent.length = 0;
    const seen: unknown[] = [];
    for await (const task of site.api.iterate("Task", [], ["content"])) seen.push(task);
    expect(seen).toEqual(all);
    expect(pagings()).toHaveLength(6);
  });

  it("requests no further page once the consumer breaks out", async () => {
    let n = 0;
    for await (const _ of site.api.iterate("Task", [])) {
      if (++n === 2) break;
    }
    // the first page, and at most the one prefetched while the first was handed out
    expect(pagings().length).toBeLessThanOrEqual(2);
  });

  it("holds at most concurrency + 1 pages: the one being read and `concurrency` requested ahead, sent even if the loop breaks", async () => {
    for await (const _ of site.api.iterate("Task", [], [], { concurrency: 3 })) break;
    // As the README and TSDoc say: page 1 is read while pages 2-4 are requested ahead; nothing after the break.
    await new Promise((resolve) => setImmediate(resolve));
    expect(pagings().map((p) => p.current_page)).toEqual([1, 2, 3, 4]);
  });

  it("honours limit, page and concurrency", async () => {
    const all = await site.api.find("Task", []);
    const take = async (options: Record<string, number>): Promise<number[]> => {
      const out: number[] = [];
      for await (const t of site.api.iterate("Task", [], [], options)) out.push(t.id);
      return out;
    };
    expect(await take({ limit: 7 })).toEqual(ids(all).slice(0, 7));
    expect(await take({ page: 2 })).toEqual(ids(all).slice(5, 10));
    expect(await take({ concurrency: 3 })).toEqual(ids(all));
  });

  it("validates before the first request, when iterate() is called", () => {
    const before = site.emulator.requests().length;
    let error: unknown;
    try {
      site.api.iterate("Task", [], [], { limit: -1 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "SG_VALIDATION", path: ["options", "limit"] });
    expect(site.emulator.requests().length).toBe(before);
  });
});
