import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityContext, find, findOne } from "./index.js";
import { startLoopbackSite, type LoopbackSite } from "./test-support/loopback.js";
import { startSite, type TestSite } from "./test-support/site.js";

type Sort = { field_name: string; direction: "asc" | "desc" };
type Read = { sorts?: Sort[]; paging: { entities_per_page: number; current_page: number } };
const ID_ASC = { field_name: "id", direction: "asc" };
const ids = (records: readonly { id: number }[]): number[] => records.map((r) => r.id);

// 12 Shots, 5 a page, in two statuses: most rows tie on sg_status_list. Like a database's LIMIT/OFFSET, the site
// orders rows equal in every sort key as it likes, and differently from page to page (ascending ids on odd pages,
// descending on even ones), so a sort without a unique last key lets rows move between pages.
const ROWS = Array.from({ length: 12 }, (_, i) => ({ type: "Shot", id: i + 1, sg_status_list: i % 3 ? "ip" : "fin", code: `sh${i % 2}` }));
let loopback: LoopbackSite;
let reads: Read[];
beforeAll(async () => {
  loopback = await startLoopbackSite((method, payload) => {
    if (method === "info") return { version: [8, 0, 0], api_max_entities_per_page: 5 };
    const read = payload as Read;
    reads.push(read);
    const { entities_per_page: per, current_page: page } = read.paging;
    const sorted = [...ROWS].sort((a, b) => {
      for (const { field_name, direction } of read.sorts ?? [ID_ASC]) {
        const x = a[field_name as keyof typeof a];
        const y = b[field_name as keyof typeof b];
        if (x !== y) return (x < y ? -1 : 1) * (direction === "asc" ? 1 : -1);
      }
      return page % 2 ? a.id - b.id : b.id - a.id;
    });
    const entities = sorted.slice((page - 1) * per, page * per);
    return { entities, paging_info: { has_next_page: page * per < ROWS.length } };
  });
});
afterAll(async () => {
  await loopback.close();
});

describe("order: id is added last so that pages do not overlap", () => {
  it("reads every row once when the order ties, over all pages or a limit above a page", async () => {
    const sg = entityContext(loopback.client);
    reads = [];
    const all = await find(sg, "Shot", [], ["sg_status_list"], { order: ["sg_status_list"] });
    expect(ids(all).sort((a, b) => a - b)).toEqual(ids(ROWS));
    expect(ids(all)).toEqual([1, 4, 7, 10, 2, 3, 5, 6, 8, 9, 11, 12]);
    expect(reads.map((r) => r.sorts)).toEqual([1, 2, 3].map(() => [{ field_name: "sg_status_list", direction: "asc" }, ID_ASC]));
    reads = [];
    const some = await find(sg, "Shot", [], [], { order: [{ column: "sg_status_list", direction: "desc" }, "code"], limit: 9, concurrency: 2 });
    expect(new Set(ids(some)).size).toBe(9);
    expect(reads[0]?.sorts).toEqual([{ field_name: "sg_status_list", direction: "desc" }, { field_name: "code", direction: "asc" }, ID_ASC]);
  });

  it("is added to a single page and findOne too, and not when the order already sorts by id or there is no order", async () => {
    const sg = entityContext(loopback.client);
    reads = [];
    await find(sg, "Shot", [], [], { order: ["-sg_status_list"], limit: 3, page: 2 });
    await findOne(sg, "Shot", [], [], { order: ["project.Project.id"] });
    await find(sg, "Shot", [], [], { order: ["sg_status_list", "-id"] });
    await find(sg, "Shot", [], [], { order: [{ field_name: "id" }, "code"] });
    await find(sg, "Shot", [], []);
    expect(reads.map((r) => r.sorts)).toEqual([
      [{ field_name: "sg_status_list", direction: "desc" }, ID_ASC],
      [{ field_name: "project.Project.id", direction: "asc" }, ID_ASC],
      ...[1, 2, 3].map(() => [{ field_name: "sg_status_list", direction: "asc" }, { field_name: "id", direction: "desc" }]),
      ...[1, 2, 3].map(() => [ID_ASC, { field_name: "code", direction: "asc" }]),
      ...[1, 2, 3].map(() => undefined),
    ]);
  });
});

describe("order on the emulator", () => {
  // The emulator, like the site, already breaks ties by id ascending: the records do not change.
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite({ pageSize: 5 });
  });
  afterAll(async () => {
    await site.close();
  });

  it("returns the records in the order a read without the added id gives", async () => {
    const order = [{ field_name: "sg_status_list", direction: "desc" }];
    const raw: number[] = [];
    for (let page = 1; raw.length % 5 === 0; page++) {
      const reply = (await site.client.call("read", { type: "Task", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], sorts: order, paging: { entities_per_page: 5, current_page: page } })) as { entities: { id: number }[] };
      if (reply.entities.length === 0) break;
      raw.push(...ids(reply.entities));
    }
    site.sent.length = 0;
    const tasks = await site.api.find("Task", [], ["sg_status_list"], { order: ["-sg_status_list"] });
    expect(raw).toHaveLength(26);
    expect(ids(tasks)).toEqual(raw);
    expect(new Set(tasks.map((t) => t["sg_status_list"])).size).toBeGreaterThan(1);
    expect(site.payloads("read").map((p) => (p as Read).sorts)).toEqual([1, 2, 3, 4, 5, 6].map(() => [...order, ID_ASC]));
  });
});
