// A walk by id (`walk: "id" | { afterId }`) asks each page for the rows above the last id read, so it trusts the site to
// honour that filter and the `id` sort. A site or proxy that does not (it ignores the sort, or serves a cached page
// again) would make the walk repeat rows or never end: such a page is refused with an SgProtocolError, before any of
// its rows is handed out. Over a node:http site on 127.0.0.1 that answers each `read` as the test says.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SgProtocolError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, type EntityApi } from "./index.js";

/** The records a scripted site answers to its n-th `read` (from 0), given the id the read asks for rows above. */
type Answer = (n: number, after: number | undefined) => unknown[] | string;

/** What the site received of one `read`. */
interface Read {
  readonly filters: unknown;
  readonly sorts: unknown;
  readonly paging: { entities_per_page: number; current_page: number };
}

/** The id after which a `read` of a walk asks for rows (its `id greater_than` condition), or `undefined`. */
function afterOf(read: Read): number | undefined {
  const conditions = (read.filters as { conditions: { path?: string; relation?: string; values?: number[] }[] }).conditions;
  const last = conditions[conditions.length - 1];
  return last?.path === "id" && last.relation === "greater_than" ? last.values?.[0] : undefined;
}

/**
 * A site of 3 rows a page whose `read` answers the records `answer` gives for the n-th read (from 0) and the id it
 * asks to read after; each record is `{ type: "Shot", id }`, or the value itself when it is not a number; a string is
 * the JSON text of the records, sent as it is.
 */
async function scriptedSite(answer: Answer): Promise<{ api: EntityApi; reads: Read[]; close: () => Promise<void> }> {
  const reads: Read[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const rpc = JSON.parse(body) as { method_name: string; params: [unknown, Read] };
      const send = (results: unknown): void => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
      if (rpc.method_name === "info") return send({ version: [8, 50, 0], api_max_entities_per_page: 3 });
      const read = rpc.params[1];
      reads.push(read);
      const records = answer(reads.length - 1, afterOf(read));
      if (typeof records === "string") return void res.writeHead(200, { "content-type": "application/json" }).end(`{"results":{"entities":${records}}}`);
      send({ entities: records.map((id) => (typeof id === "number" ? { type: "Shot", id } : id)) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client: Client = createClient({
    site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    transport: jsonRpcTransport(),
    auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(16) }),
  });
  return {
    api: entityApi(client),
    reads,
    close: async () => {
      await client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Pages of `pages`, in turn; no row once they are used up. */
const inTurn =
  (...pages: (unknown[] | string)[]): Answer =>
  (n) =>
    pages[n] ?? [];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function site(answer: Answer): Promise<{ api: EntityApi; reads: Read[] }> {
  const s = await scriptedSite(answer);
  closers.push(s.close);
  return s;
}

/** The ids `iterate` handed out before it failed, and the error it failed with. */
async function iterateIds(api: EntityApi, options: Record<string, unknown> = { walk: "id" }): Promise<{ ids: number[]; error: unknown }> {
  const ids: number[] = [];
  try {
    for await (const record of api.iterate("Shot", [], [], options)) ids.push(record.id);
  } catch (error) {
    return { ids, error };
  }
  return { ids, error: undefined };
}

const HINT = "A walk by id needs the site's id filter and sort; drop `walk` to page by offset.";

/** The walk's refusal of a page: `lastId` the id its rows had to be above, `got` the id that was not (as shown) at `index` of the page. */
const refusal = (lastId: number, got: string, index: number): string =>
  `@sg/entities: 'read' did not return whole-number ids (up to 2^53) above ${lastId}, ascending (got id ${got} at index ${index})\n` + `Hint: ${HINT}`;

/** Expect `error` to be the walk's refusal of a page (see {@link refusal}). */
function expectRefusal(error: unknown, lastId: number, got: string, index: number): void {
  expect(error).toBeInstanceOf(SgProtocolError);
  const e = error as SgProtocolError;
  expect(e.message).toBe(refusal(lastId, got, index));
  expect(e.method).toBe("read");
  expect(e.status).toBe(200);
  expect(e.hint).toBe(HINT);
}

describe("a walk by id refuses a page whose ids do not ascend above the last id read", () => {
  it("refuses a page out of order (a site that ignores the sort), handing out none of its rows and asking for no more", async () => {
    const { api, reads } = await site((_n, after) => (after === 0 ? [1, 2, 3] : after === 3 ? [6, 4, 5] : [7]));
    const { ids, error } = await iterateIds(api);
    // 6 was above 3; 4 is not above 6.
    expectRefusal(error, 6, "4", 1);
    expect(ids).toEqual([1, 2, 3]);
    expect(reads.map(afterOf)).toEqual([0, 3]);
    await expect(api.find("Shot", [], [], { walk: "id" })).rejects.toThrow(refusal(6, "4", 1));
  });

  it("refuses a page served again (a reused cursor, or a proxy that ignores the id filter)", async () => {
    const { api, reads } = await site(() => [1, 2, 3]);
    const { ids, error } = await iterateIds(api);
    expectRefusal(error, 3, "1", 0);
    expect(ids).toEqual([1, 2, 3]);
    // Not looped on: the second page, the same rows, is the last request.
    expect(reads.map(afterOf)).toEqual([0, 3]);
  });

  it("refuses a first page at or below the afterId given", async () => {
    const { api, reads } = await site(inTurn([4, 5, 6]));
    const { ids, error } = await iterateIds(api, { walk: { afterId: 5 } });
    expectRefusal(error, 5, "4", 0);
    expect(ids).toEqual([]);
    expect(reads.map(afterOf)).toEqual([5]);
  });

  it("refuses an id repeated across pages and within a page", async () => {
    const across = await site(inTurn([1, 2, 3], [3, 4, 5]));
    const a = await iterateIds(across.api);
    expectRefusal(a.error, 3, "3", 0);
    expect(a.ids).toEqual([1, 2, 3]);

    const within = await site(inTurn([1, 2, 2]));
    const w = await iterateIds(within.api);
    expectRefusal(w.error, 2, "2", 2);
    expect(w.ids).toEqual([]);
    expect(within.reads).toHaveLength(1);
  });

  it("refuses a record without a numeric id (one the next request could not start after)", async () => {
    for (const [record, got] of [
      [{ type: "Shot", id: "4" }, '"4"'],
      [{ type: "Shot", name: "x" }, "undefined"],
    ] as const) {
      const { api, reads } = await site(inTurn([1, 2, 3], [record, 5, 6]));
      const { ids, error } = await iterateIds(api);
      expectRefusal(error, 3, got, 0);
      expect(ids).toEqual([1, 2, 3]);
      expect(reads).toHaveLength(2);
    }
  });

  it("refuses an id that is not a whole number the next request can carry (a fraction, one past 2^53, 1e400)", async () => {
    for (const [records, got] of [
      // Above the last id, but not whole: the message must not say it is not above.
      [`[{"type":"Shot","id":1},{"type":"Shot","id":2.5}]`, "2.5"],
      // JSON.parse reads it as 2^53, past the whole numbers a double holds exactly.
      [`[{"type":"Shot","id":1},{"type":"Shot","id":9007199254740993}]`, "9007199254740992"],
      // JSON.parse reads it as Infinity, which the next request would send as null.
      [`[{"type":"Shot","id":1},{"type":"Shot","id":1e400}]`, "Infinity"],
    ] as const) {
      const { api, reads } = await site(inTurn(records, [7]));
      const { ids, error } = await iterateIds(api);
      expectRefusal(error, 1, got, 1);
      expect(ids).toEqual([]);
      expect(reads).toHaveLength(1);
    }
  });

  it("takes ids with gaps, and a short page, and ends at the first page with no row (asking for none after it)", async () => {
    const { api, reads } = await site(inTurn([2, 10, 11], [40], [], [50, 51]));
    const { ids, error } = await iterateIds(api);
    expect(error).toBeUndefined();
    expect(ids).toEqual([2, 10, 11, 40]);
    // A short page does not end the walk (rows may have been created meanwhile); an empty one does, whatever the site
    // would have answered after it.
    expect(reads.map(afterOf)).toEqual([0, 11, 40]);
    expect(reads.every((r) => r.paging.current_page === 1 && r.paging.entities_per_page === 3)).toBe(true);
    expect(reads.every((r) => JSON.stringify(r.sorts) === JSON.stringify([{ field_name: "id", direction: "asc" }]))).toBe(true);
  });

  it("does not check the rows beyond limit (they are not handed out)", async () => {
    // The site serves more than asked for; the rows past the limit are dropped before the check.
    const { api, reads } = await site(inTurn([1, 2, 3, 1]));
    expect((await api.find("Shot", [], [], { walk: "id", limit: 3 })).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(reads).toHaveLength(1);
  });
});
