/**
 * Field values JSON has no faithful form for, against the emulator over real sockets: refused with the path of the
 * bad value before anything is sent. A bigint made the transport's `JSON.stringify` throw with the path `payload`
 * (no word of which request of a batch); a Set, Map, RegExp or class instance went out as `{}`; a function or
 * symbol dropped the `value` key. What a ShotGrid field takes still goes out as JSON would send it.
 */
import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject, refusalOn } from "./test-support/suite.js";

let site: TestSite;
let project: { type: "Project"; id: number };
let shot: number;
let task: number;
beforeAll(async () => {
  site = await startSite();
  project = demoProject(site);
  shot = (await site.api.create("Shot", { code: "wv_shot", project, sg_cut_in: 1001 })).id;
  task = (await site.api.create("Task", { content: "wv_task", project, splits: { kept: true } })).id;
});
afterAll(async () => {
  await site.close();
});

/** The error of `call`, checking that the site received nothing. */
const refusal = (call: () => Promise<unknown>): Promise<SgValidationError> => refusalOn(site, call);

const BIGINT = "a number (convert the bigint with Number(); ShotGrid numbers are 32-bit ints)";

describe("a bigint in write data", () => {
  it("is refused in a 2,000-request batch with the path of the request, before anything is sent", async () => {
    const requests = Array.from({ length: 2000 }, (_, i) => ({ request_type: "create" as const, entity_type: "Shot", data: { code: `wv_${i}`, project, sg_cut_in: i === 1234 ? 10n : 1001 } }));
    const error = await refusal(() => site.api.batch(requests));
    expect(error.path).toEqual(["requests", 1234, "data", "sg_cut_in"]);
    expect(error.message).toBe(`@sg/entities: requests[1234].data.sg_cut_in: expected ${BIGINT}, got bigint 10`);
  });

  it("is refused by create and update, at any depth", async () => {
    expect((await refusal(() => site.api.create("Shot", { code: "wv_big", project, sg_cut_in: 10n }))).message).toBe(`@sg/entities: data.sg_cut_in: expected ${BIGINT}, got bigint 10`);
    expect((await refusal(() => site.api.update("Task", task, { splits: { frames: [1, 2n] } }))).path).toEqual(["data", "splits", "frames", 1]);
    expect(await site.api.findOne("Shot", [["id", "is", shot]], ["sg_cut_in"])).toMatchObject({ sg_cut_in: 1001 });
  });
});

/** A class with no fields of its own: JSON sends an instance as `{}`. */
class Marker {
  get at(): number {
    return 3;
  }
}

/** An app's own link type: JSON sends an instance as its fields, `{"type": …, "id": …}`. */
class Link {
  constructor(
    readonly type: string,
    readonly id: number,
  ) {}
}

/** An app's link with a tag of its own (shown by inspectors) and an on() method: still the app's, not a built-in or an emitter. */
class TaggedLink extends Link {
  get [Symbol.toStringTag](): string {
    return "TaggedLink";
  }
  on(listener: () => void): void {
    listener();
  }
}

describe("a value JSON would send as {} or drop", () => {
  const EXPECTED = "a JSON value: string, number, boolean, null, Date, list or plain object";
  it.each([
    ["a Set", new Set([1])],
    ["a Map", new Map([["a", 1]])],
    ["a RegExp", /sh\d+/],
    ["a Marker", new Marker()],
    ["a Uint8Array of 2 bytes", new Uint8Array([1, 2])],
    // built-ins and Node classes with fields of their own, which JSON would send without what they hold
    ["a Readable", Readable.from(["frame"])],
    ["an EventEmitter", new EventEmitter()],
    ["a Map", Object.assign(new Map([["a", 1]]), { x: 1 })],
    ["an Error", Object.assign(new Error("e"), { code: "E1" })],
    ["a String", new String("abc")],
    ["a Blob", new Blob(["x"])],
    ["a function", () => 1],
    ["a symbol", Symbol("x")],
  ] as const)("%s is refused with its path, and the field keeps its value", async (received, value) => {
    const top = await refusal(() => site.api.update("Task", task, { splits: value }));
    expect(top.message).toBe(`@sg/entities: data.splits: expected ${EXPECTED}, got ${received}`);
    const nested = await refusal(() => site.api.batch([{ request_type: "update", entity_type: "Task", entity_id: task, data: { splits: { a: [value] } } }]));
    expect(nested.path).toEqual(["requests", 0, "data", "splits", "a", 0]);
    expect(await site.api.findOne("Task", [["id", "is", task]], ["splits"])).toMatchObject({ splits: { kept: true } });
  });
});

describe("values a ShotGrid field takes", () => {
  it("go out as JSON sends them: plain objects of any realm or none, links, url dicts, toJSON values", async () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const foreign = runInNewContext(`({ list: [1, "two", null], inner: { ok: true } })`) as Record<string, unknown>;
    const frames = { toJSON: () => 1010 };
    await site.api.update("Task", task, { splits: { bare, foreign, links: [{ type: "Shot", id: shot }] }, entity: { type: "Shot", id: shot } });
    await site.api.update("Shot", shot, { sg_cut_in: frames });
    expect(await site.api.findOne("Task", [["id", "is", task]], ["splits", "entity"])).toMatchObject({
      splits: { bare: { a: 1 }, foreign: { list: [1, "two", null], inner: { ok: true } }, links: [{ type: "Shot", id: shot }] },
      entity: { type: "Shot", id: shot },
    });
    expect(await site.api.findOne("Shot", [["id", "is", shot]], ["sg_cut_in"])).toMatchObject({ sg_cut_in: 1010 });
    const version = await site.api.create("Version", { code: "wv_link", project, sg_uploaded_movie: { url: "https://example.invalid/a.mov", name: "a.mov", link_type: "web" } });
    expect(version.id).toBeGreaterThan(0);
  });

  it("take an instance of the app's own class as its own fields, as JSON sends it (a link class, an object made from a prototype)", async () => {
    const fromProto = Object.assign(Object.create({ kind: "link" }) as Record<string, unknown>, { type: "Shot", id: shot });
    await site.api.update("Task", task, { entity: new Link("Shot", shot), splits: { link: fromProto, tagged: new TaggedLink("Shot", shot) } });
    const created = await site.api.batch([{ request_type: "create", entity_type: "Shot", data: { code: "wv_linked", project: new Link("Project", project.id) } }]);
    expect(created[0]).toMatchObject({ type: "Shot" });
    expect(await site.api.findOne("Task", [["id", "is", task]], ["entity", "splits"])).toMatchObject({ entity: { type: "Shot", id: shot }, splits: { link: { type: "Shot", id: shot }, tagged: { type: "Shot", id: shot } } });
  });

  it("take a toJSON that returns a Date as that Date, encoded", async () => {
    const playlist = await site.api.create("Playlist", { code: "wv_when", project, sg_date_and_time: { toJSON: () => new Date("2030-01-02T03:04:05.678Z") } });
    expect(site.payloads("create").at(-1)).toMatchObject({ fields: expect.arrayContaining([{ field_name: "sg_date_and_time", value: "2030-01-02T03:04:05Z" }]) });
    expect(playlist.id).toBeGreaterThan(0);
  });
});

describe("undefined as a list's item (JSON sends it as null)", () => {
  const ITEM = "a value (JSON sends undefined in a list as null: use null, or leave the item out)";
  it("is refused by create with its path before anything is sent, and no row is made", async () => {
    const asset = await site.api.create("Asset", { code: "wv_item", project });
    // A lookup that missed one id, as `ids.map(find)` gives it.
    const byId = new Map([[asset.id, { type: "Asset" as const, id: asset.id }]]);
    const assets = [asset.id, asset.id + 1000].map((id) => byId.get(id));
    const shots = async (): Promise<number> => (await site.api.find("Shot", [["project", "is", project]], ["id"])).length;
    const before = await shots();
    const error = await refusal(() => site.api.create("Shot", { code: "wv_item", project, assets }));
    expect(error.path).toEqual(["data", "assets", 1]);
    expect(error.message).toBe(`@sg/entities: data.assets[1]: expected ${ITEM}, got undefined`);
    expect(await shots()).toBe(before);
  });

  it("is refused by update and batch, at any depth, and the field keeps its value", async () => {
    const splits = async (): Promise<unknown> => (await site.api.findOne("Task", [["id", "is", task]], ["splits"]))?.splits;
    const before = await splits();
    expect((await refusal(() => site.api.update("Task", task, { splits: { frames: [1, undefined] } }))).path).toEqual(["data", "splits", "frames", 1]);
    const batch = await refusal(() => site.api.batch([{ request_type: "update", entity_type: "Shot", entity_id: shot, data: { assets: [undefined] } }]));
    expect(batch.message).toBe(`@sg/entities: requests[0].data.assets[0]: expected ${ITEM}, got undefined`);
    expect(await splits()).toEqual(before);
  });
});

describe("an own __proto__ key in a serializable value (JSON.parse makes one)", () => {
  it("is written, read back and written again with update, never dropped", async () => {
    const splits = JSON.parse('{"__proto__":{"keep":"me"},"other":1}') as Record<string, unknown>;
    await site.api.update("Task", task, { splits });
    const read = (await site.api.findOne("Task", [["id", "is", task]], ["splits"]))?.["splits"];
    expect(JSON.stringify(read)).toBe('{"__proto__":{"keep":"me"},"other":1}');
    await site.api.update("Task", task, { splits: read });
    expect(JSON.stringify((await site.api.findOne("Task", [["id", "is", task]], ["splits"]))?.["splits"])).toBe('{"__proto__":{"keep":"me"},"other":1}');
  });
});
