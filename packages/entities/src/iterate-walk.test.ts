// `walk: "id"` (keyset paging): each query starts after the last id read, ordered by id, so a loop that updates or
// deletes the rows it reads neither skips nor repeats any. Against the emulator with 100 records a page.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SgAbortError, SgValidationError } from "@sg/core";
import { entityApi, find, iterate } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
beforeEach(async () => {
  site = await startSite({ fixtures: "empty", pageSize: 100 });
});
afterEach(async () => {
  await site.close();
});

/** Create `n` Shots with the status given, in one batch; their ids, ascending. */
async function shots(n: number, status: string, prefix = "walk"): Promise<number[]> {
  const requests = Array.from({ length: n }, (_, i) => ({ request_type: "create" as const, entity_type: "Shot", data: { code: `${prefix}${String(i).padStart(5, "0")}`, sg_status_list: status } }));
  const created = (await site.api.batch(requests)) as { id: number }[];
  return created.map((r) => r.id);
}

type Read = { filters: unknown; sorts?: unknown; paging: { entities_per_page: number; current_page: number } };
const reads = (): Read[] => site.payloads("read") as Read[];

describe("iterate with walk: 'id'", () => {
  it("hands out every row once while the loop updates each row it reads out of the filter (offset paging, the control, skips half)", async () => {
    const ids = await shots(1200, "wtg");
    // The control: offset paging over the same loop.
    const control: number[] = [];
    for await (const shot of site.api.iterate("Shot", [["sg_status_list", "is", "wtg"]], ["code"])) {
      control.push(shot.id);
      await site.api.update("Shot", shot.id, { sg_status_list: "ip" });
    }
    // Each page handled moves 100 rows out of the filter, so the next offset requested skips the 100 after them (700
    // here: the page requested ahead of the first one handled is read before any row moved).
    expect(control.length).toBeLessThan(1200);
    expect(new Set(control).size).toBe(control.length);
    await site.api.batch(ids.map((id) => ({ request_type: "update" as const, entity_type: "Shot", entity_id: id, data: { sg_status_list: "wtg" } })));

    site.sent.length = 0;
    const seen: number[] = [];
    for await (const shot of site.api.iterate("Shot", [["sg_status_list", "is", "wtg"]], ["code"], { walk: "id" })) {
      seen.push(shot.id);
      await site.api.update("Shot", shot.id, { sg_status_list: "ip" });
    }
    expect(seen).toEqual(ids);
    // 12 full pages, then one that finds no row above the last id.
    const sent = reads();
    expect(sent).toHaveLength(13);
    expect(sent[0]).toMatchObject({
      filters: { logical_operator: "and", conditions: [{ path: "sg_status_list", relation: "is", values: ["wtg"] }, { path: "id", relation: "greater_than", values: [0] }] },
      sorts: [{ field_name: "id", direction: "asc" }],
      paging: { entities_per_page: 100, current_page: 1 },
    });
    expect(sent[1]?.filters).toMatchObject({ conditions: [{}, { path: "id", relation: "greater_than", values: [ids[99]] }] });
    expect(sent.every((r) => r.paging.current_page === 1)).toBe(true);
  }, 60_000);

  it("does not hand out an unread row deleted by the loop, nor any row twice", async () => {
    const ids = await shots(450, "wtg");
    const deleted = new Set<number>();
    const seen: number[] = [];
    for await (const shot of site.api.iterate("Shot", [["sg_status_list", "is", "wtg"]], [], { walk: "id" })) {
      seen.push(shot.id);
      // Every 10th row read deletes the row 155 places on (on a page not read yet) and the row read itself.
      const index = ids.indexOf(shot.id);
      if (index % 10 === 0) {
        const ahead = ids[index + 155];
        if (ahead !== undefined) {
          await site.api.delete("Shot", ahead);
          deleted.add(ahead);
        }
        await site.api.delete("Shot", shot.id);
      }
    }
    expect(deleted.size).toBe(30);
    // 420 rows: 4 full pages, 20, then none.
    expect(reads()).toHaveLength(6);
    expect(seen).toEqual(ids.filter((id) => !deleted.has(id)));
  });

  it("hands out rows created during the walk (their ids are higher), each once, even one created while the last row is handled", async () => {
    const ids = await shots(250, "wtg");
    const created: number[] = [];
    const seen: number[] = [];
    for await (const shot of site.api.iterate("Shot", [["sg_status_list", "is", "wtg"]], [], { walk: "id" })) {
      seen.push(shot.id);
      if (seen.length % 50 === 0 && created.length < 5) created.push((await site.api.create("Shot", { code: `new${seen.length}`, sg_status_list: "wtg" })).id);
    }
    expect(created).toHaveLength(5);
    expect(seen).toEqual([...ids, ...created]);
  });

  it("nests the filters of filterOperator 'any' as one group beside the id condition", async () => {
    const wtg = await shots(150, "wtg", "a");
    const hld = await shots(150, "hld", "b");
    await shots(20, "fin", "c");
    const seen: number[] = [];
    for await (const shot of site.api.iterate("Shot", [["sg_status_list", "is", "wtg"], ["sg_status_list", "is", "hld"]], [], { filterOperator: "any", walk: "id" })) {
      seen.push(shot.id);
      await site.api.update("Shot", shot.id, { sg_status_list: "ip" });
    }
    expect(seen).toEqual([...wtg, ...hld]);
    expect(reads()[0]?.filters).toEqual({
      logical_operator: "and",
      conditions: [
        { logical_operator: "or", conditions: [{ path: "sg_status_list", relation: "is", values: ["wtg"] }, { path: "sg_status_list", relation: "is", values: ["hld"] }] },
        { path: "id", relation: "greater_than", values: [0] },
      ],
    });
  });

  it("starts after the id given with walk: { afterId } (a crashed run resumes there)", async () => {
    const ids = await shots(230, "wtg");
    const after = ids[120] as number;
    const seen: number[] = [];
    for await (const shot of site.api.iterate("Shot", [], [], { walk: { afterId: after } })) seen.push(shot.id);
    expect(seen).toEqual(ids.slice(121));
    expect(reads()[0]?.filters).toEqual({ logical_operator: "and", conditions: [{ path: "id", relation: "greater_than", values: [after] }] });
  });

  it("reads one page and hands out nothing for an afterId above every id; afterId 0 starts at the first row", async () => {
    const ids = await shots(30, "wtg");
    site.sent.length = 0;
    const past = (ids[29] as number) + 1000;
    expect(await site.api.find("Shot", [], [], { walk: { afterId: past } })).toEqual([]);
    const handed: number[] = [];
    for await (const shot of site.api.iterate("Shot", [], [], { walk: { afterId: past } })) handed.push(shot.id);
    expect(handed).toEqual([]);
    expect(reads().map((r) => r.filters)).toEqual([0, 1].map(() => ({ logical_operator: "and", conditions: [{ path: "id", relation: "greater_than", values: [past] }] })));
    expect((await site.api.find("Shot", [], [], { walk: { afterId: 0 } })).map((r) => r.id)).toEqual(ids);
  });

  it("caps the total at limit, as without it", async () => {
    const ids = await shots(300, "wtg");
    site.sent.length = 0;
    const seen: number[] = [];
    for await (const shot of iterate(site.client, "Shot", [], [], { walk: "id", limit: 250 })) seen.push(shot.id);
    expect(seen).toEqual(ids.slice(0, 250));
    expect(reads().map((r) => r.paging.entities_per_page)).toEqual([100, 100, 50]);
    site.sent.length = 0;
    // A limit within a page: one request, after the id given.
    expect((await find(site.client, "Shot", [], [], { walk: { afterId: ids[9] as number }, limit: 5 })).map((r) => r.id)).toEqual(ids.slice(10, 15));
    expect(reads()).toHaveLength(1);
  });

  it("walks in find too, and takes order: ['id'] (ascending) as the order it sends anyway", async () => {
    const ids = await shots(210, "wtg");
    expect((await site.api.find("Shot", [], [], { walk: "id", order: ["id"] })).map((r) => r.id)).toEqual(ids);
    expect((await site.api.find("Shot", [], [], { walk: "id", order: [{ field_name: "id", direction: "asc" }], concurrency: 1, page: 0 })).map((r) => r.id)).toEqual(ids);
  });

  it("does not request the next page before the loop has handled the last row of the one read", async () => {
    await shots(250, "wtg");
    let handed = 0;
    for await (const _shot of site.api.iterate("Shot", [], [], { walk: "id" })) {
      handed++;
      expect(reads()).toHaveLength(Math.ceil(handed / 100));
    }
    expect(handed).toBe(250);
    expect(reads()).toHaveLength(4);
  });

  it("ends with SgAbortError at the next row when the signal aborts in the loop", async () => {
    await shots(150, "wtg");
    const controller = new AbortController();
    let handed = 0;
    const run = async (): Promise<void> => {
      for await (const _shot of site.api.iterate("Shot", [], [], { walk: "id", signal: controller.signal })) {
        if (++handed === 30) controller.abort();
      }
    };
    await expect(run()).rejects.toBeInstanceOf(SgAbortError);
    expect(handed).toBe(30);
    expect(reads()).toHaveLength(1);
  });
});

describe("walk: refusals before any request", () => {
  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ["page", { walk: "id", page: 2 }, /options\.page: expected no page with walk/],
    ["an order by another field", { walk: "id", order: ["code"] }, /options\.order: expected no order, or \['id'\], with walk/],
    ["an order by id descending", { walk: "id", order: ["-id"] }, /options\.order: expected no order, or \['id'\], with walk/],
    ["an order by id then another field", { walk: "id", order: ["id", "code"] }, /options\.order: expected no order, or \['id'\], with walk/],
    ["concurrency above 1", { walk: "id", concurrency: 2 }, /options\.concurrency: expected 1 \(or none\) with walk/],
    ["an unknown walk", { walk: "code" }, /options\.walk: expected 'id' or \{ afterId: n \}/],
    ["a negative afterId", { walk: { afterId: -1 } }, /options\.walk\.afterId: expected a whole number ≥ 0/],
    ["an unknown key beside afterId", { walk: { afterId: 3, from: 2 } }, /options\.walk\.from/],
  ];
  // An afterId that is not a whole number ≥ 0 (the id of a row, or 0 for the first): the path names it.
  const badAfterIds: [string, unknown][] = [
    ["a fraction", 1.5],
    ["a numeric string", "3"],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a whole number past 2^53 (not exact as a double)", 2 ** 53],
    ["null", null],
    ["a bigint", 3n],
  ];
  it.each(badAfterIds)("refuses an afterId that is %s, naming options.walk.afterId", async (_what, afterId) => {
    const { client, sent } = site.freshClient();
    const options = { walk: { afterId } } as never;
    for (const run of [() => iterate(client, "Shot", [], [], options), () => find(client, "Shot", [], [], options), () => entityApi(client).iterate("Shot", [], [], options)]) {
      let error: unknown;
      try {
        await run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as SgValidationError).path).toEqual(["options", "walk", "afterId"]);
      expect((error as Error).message).toMatch(/^@sg\/entities: options\.walk\.afterId: expected a whole number ≥ 0 \(the last id already handled\), got /);
    }
    // A walk without afterId names it as missing.
    expect(() => iterate(client, "Shot", [], [], { walk: {} } as never)).toThrow(/options\.walk\.afterId: expected a whole number ≥ 0/);
    expect(sent).toHaveLength(0);
  });
  it.each(refusals)("refuses %s", (_what, options, message) => {
    const { client, sent } = site.freshClient();
    expect(() => iterate(client, "Shot", [], [], options)).toThrow(message);
    expect(() => entityApi(client).iterate("Shot", [], [], options)).toThrow(message);
    expect(sent).toHaveLength(0);
  });

  it("is not an option of findOne", async () => {
    const { client, sent } = site.freshClient();
    await expect(entityApi(client).findOne("Shot", [], [], { walk: "id" } as never)).rejects.toThrow(/options\.walk: expected one of/);
    expect(sent).toHaveLength(0);
  });
});
