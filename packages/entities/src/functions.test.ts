/**
 * The standalone functions: the same behaviour as the `entityApi` methods, per-client caches shared between
 * the functions, contexts and API objects over one client, and typed usage through `entityContext<S>()`
 * (the `expectTypeOf` and `@ts-expect-error` lines are checked by `tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { SgAbortError, SgValidationError, type Client } from "@sg/core";
import {
  batch, create, deleteEntity, entityApi, entityContext, find, findOne, getAttachmentDownloadUrl, getSessionToken, info, iterate, revive,
  schemaFieldRead, summarize, textSearch, update, type EntityContext, type EntityLink, type EntityTarget, type LooseRecord,
} from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

type DemoSite = {
  Shot: {
    code: { type: "text"; value: string | null };
    description: { type: "text"; value: string | null };
    sg_status_list: { type: "status_list"; value: "wtg" | "rdy" | "ip" | "hld" | "fin" | "cbb" | "omt" | null };
    sg_sequence: { type: "entity"; value: EntityLink<"Sequence"> | null };
    created_at: { type: "date_time"; value: string | null };
    project: { type: "entity"; value: EntityLink<"Project"> | null };
  };
  Sequence: {
    code: { type: "text"; value: string | null };
    created_at: { type: "date_time"; value: string | null };
  };
  Project: { name: { type: "text"; value: string | null } };
};

let site: TestSite;
let project: { type: "Project"; id: number };
beforeAll(async () => {
  site = await startSite();
  project = site.emulator.card.projects[0] as { type: "Project"; id: number };
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  site.sent.length = 0;
});

const count = (sent: { method: string }[], method: string): number => sent.filter((r) => r.method === method).length;

describe("standalone functions over a plain client", () => {
  it("find / findOne / iterate return what the entityApi methods return", async () => {
    const filters = [["sg_status_list", "is_not", null]] as const;
    const viaFunction = await find(site.client, "Shot", [...filters], ["code", "sg_status_list"], { order: ["code"] });
    const viaApi = await site.api.find("Shot", [...filters], ["code", "sg_status_list"], { order: ["code"] });
    expect(viaFunction.length).toBeGreaterThan(0);
    expect(viaFunction).toEqual(viaApi);
    expect(await findOne(site.client, "Shot", [...filters], ["code"], { order: ["code"] })).toEqual({ type: "Shot", id: viaApi[0]!.id, code: viaApi[0]!["code"] });
    expect(await findOne(site.client, "Shot", [["code", "is", "no such shot"]])).toBeNull();
    const streamed: unknown[] = [];
    for await (const shot of iterate(site.client, "Shot", [...filters], ["code", "sg_status_list"], { order: ["code"], concurrency: 2 })) streamed.push(shot);
    expect(streamed).toEqual(viaApi);
  });

  it("create / update / deleteEntity / revive / batch / summarize", async () => {
    const shot = await create(site.client, "Shot", { code: "fn_1", project }, ["description"]);
    expect(shot).toMatchObject({ type: "Shot", code: "fn_1", description: null });
    expect(await update(site.client, "Shot", shot.id, { description: "changed" })).toMatchObject({ id: shot.id, description: "changed" });
    expect(await deleteEntity(site.client, "Shot", shot.id)).toBe(true);
    expect(await deleteEntity(site.client, "Shot", shot.id)).toBe(false);
    expect(await revive(site.client, "Shot", shot.id)).toBe(true);
    const results = await batch(site.client, [
      { request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { description: "batched" } },
      { request_type: "delete", entity_type: "Shot", entity_id: shot.id },
    ]);
    expect(results).toEqual([expect.objectContaining({ id: shot.id, description: "batched" }), true]);
    const summary = await summarize(site.client, "Shot", [], [{ field: "id", type: "count" }]);
    expect(typeof summary.summaries["id"]).toBe("number");
    expect(count(site.sent, "batch")).toBe(1);
  });

  it("validates the first argument like every other argument", async () => {
    for (const bad of [null, undefined, 42, {}, { client: {} }]) {
      const error = await find(bad as never, "Shot").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as SgValidationError).path).toEqual(["client"]);
    }
    // Synchronous like the method.
    expect(() => getAttachmentDownloadUrl({} as never, 1)).toThrow(SgValidationError);
    expect(getAttachmentDownloadUrl(site.client, 7)).toBe(`${site.emulator.url}/file_serve/attachment/7`);
  });

  it("refuses bad arguments before anything is sent, with the same paths as the methods", async () => {
    const error = await find(site.client, "Shot", [], ["code"], { limit: -1 }).catch((e: unknown) => e);
    expect((error as SgValidationError).path).toEqual(["options", "limit"]);
    expect(site.sent).toEqual([]);
  });
});

describe("per-client caches", () => {
  it("reads info once and the schema of a type once per client, across functions, contexts and API objects", async () => {
    const { client, sent } = site.freshClient();
    await find(client, "Shot", [], ["created_at"], { limit: 2 });
    await findOne(client, "Shot", [], ["created_at"]);
    for await (const _ of iterate(client, "Shot", [], ["created_at"], { limit: 3 })) void _;
    await find(entityContext(client, { trimEntities: false }), "Shot", [], ["created_at"], { limit: 1 });
    await entityApi(client).find("Shot", [], ["created_at"], { limit: 1 });
    expect(sent.filter((r) => r.method === "schema_field_read").map((r) => r.payload)).toEqual([{ type: "Shot" }]);
    expect(count(sent, "info")).toBe(1);
    expect(count(sent, "read")).toBe(5);
  });

  it("keeps caches apart between clients", async () => {
    const a = site.freshClient();
    const b = site.freshClient();
    await findOne(a.client, "Shot", [], ["created_at"]);
    await findOne(b.client, "Shot", [], ["created_at"]);
    expect(count(a.sent, "schema_field_read")).toBe(1);
    expect(count(b.sent, "schema_field_read")).toBe(1);
  });

  it("decodes dates with the cached schema: the same records whichever way they are read", async () => {
    const { client } = site.freshClient();
    const first = (await findOne(client, "Shot", [], ["created_at", "description"]))!;
    const again = (await entityApi(client).findOne("Shot", [["id", "is", first.id]], ["created_at", "description"]))!;
    expect(first["created_at"]).toBeInstanceOf(Date);
    expect(again).toEqual(first);
  });

  it("fetches the download session token once per client", async () => {
    const { client, sent } = site.freshClient();
    const [a, b] = await Promise.all([getSessionToken(client), getSessionToken(entityContext(client))]);
    expect(a).toBe(b);
    expect(await entityApi(client).getSessionToken()).toBe(a);
    expect(count(sent, "get_session_token")).toBe(1);
  });

  it("a failed schema read is not cached", async () => {
    const { client, sent } = site.freshClient();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 999, message: "nope" });
    await expect(findOne(client, "Shot", [], ["created_at"])).rejects.toThrow();
    expect((await findOne(client, "Shot", [], ["created_at"]))!["created_at"]).toBeInstanceOf(Date);
    expect(count(sent, "schema_field_read")).toBe(2);
    site.emulator.reset();
  });
});

describe("entityContext: options and a schema type for the functions", () => {
  it("applies its options (dates, fieldTypes, pageSize, defaults)", async () => {
    const { client, sent } = site.freshClient();
    const strings = entityContext(client, { dates: "string" });
    const shot = (await findOne(strings, "Shot", [], ["created_at"]))!;
    expect(shot["created_at"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const declared = entityContext(client, { fieldTypes: { Shot: { created_at: "date_time" } }, pageSize: 2 });
    const rows = await find(declared, "Shot", [], ["created_at"], { limit: 3 });
    expect(rows).toHaveLength(3);
    expect(rows[0]!["created_at"]).toBeInstanceOf(Date);
    expect(count(sent, "schema_field_read")).toBe(0);
    expect(sent.filter((r) => r.method === "read").map((r) => (r.payload as { paging: unknown }).paging)).toEqual([
      { entities_per_page: 1, current_page: 1 },
      { entities_per_page: 2, current_page: 1 },
      { entities_per_page: 2, current_page: 2 },
    ]);
    const aborted = entityContext(client, { defaults: { signal: AbortSignal.abort() } });
    await expect(find(aborted, "Shot", [], ["code"])).rejects.toBeInstanceOf(SgAbortError);
  });

  it("validates its options at once", () => {
    expect(() => entityContext(site.client, { dates: "iso" as never })).toThrow(SgValidationError);
    expect(() => entityContext({} as Client)).toThrow(SgValidationError);
  });

  // An unknown option used to be ignored: `trim_entities: false` kept trimming, `pagesize` kept the site's page
  // size, and a call option next to the context options (or a misspelt one in `defaults`) never reached a call.
  const contextOptions = "one of dates, trimEntities, fieldTypes, pageSize, defaults";
  const callOptionNames = "one of signal, timeoutMs, deadlineMs, retry, kind, sessionUuid";
  it.each([
    ["Python's trim_entities", { trim_entities: false }, ["options", "trim_entities"], contextOptions],
    ["a misspelt pageSize", { pagesize: 10 }, ["options", "pagesize"], contextOptions],
    ["a call option outside defaults", { timeoutMs: 5_000 }, ["options", "timeoutMs"], contextOptions],
    ["a misspelt call option in defaults", { defaults: { timeout: 5_000 } }, ["options", "defaults", "timeout"], callOptionNames],
    ["a method option in defaults", { defaults: { limit: 10 } }, ["options", "defaults", "limit"], callOptionNames],
    ["a secret in the wrong place", { defaults: { scriptKey: "s3cret-key-value" } }, ["options", "defaults", "scriptKey"], callOptionNames],
  ])("entityApi and entityContext refuse %s before anything is sent", async (_name, options, path, expected) => {
    const { client, sent } = site.freshClient();
    for (const make of [() => entityApi(client, options as never), () => entityContext(client, options as never)]) {
      const thrown = (() => {
        try {
          return make();
        } catch (error) {
          return error;
        }
      })();
      expect(thrown).toBeInstanceOf(SgValidationError);
      expect(thrown).toMatchObject({ code: "SG_VALIDATION", path, expected, received: `string ${JSON.stringify(path.at(-1))}` });
      expect((thrown as Error).message).toMatch(/^@sg\/entities: options\./);
      expect((thrown as Error).message).not.toContain("s3cret");
    }
    // Every call option is still taken in defaults, and the context still works over the same client.
    const sg = entityContext(client, { defaults: { signal: new AbortController().signal, timeoutMs: 5_000, deadlineMs: 10_000, retry: false, kind: "write", sessionUuid: "u-1" } });
    await find(sg, "Shot", [], ["code"], { limit: 1 });
    expect(sent.map((r) => r.method)).toEqual(["info", "read"]);
  });

  it("refuses defaults of kind 'read', which would let its creates and updates be retried after they may have landed", () => {
    const thrown = (() => {
      try {
        // The types refuse it too, as they do createClient's: the value is checked at run time for plain JS.
        // @ts-expect-error a default kind may only be "write"
        return entityContext(site.client, { defaults: { kind: "read" } });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect(thrown).toMatchObject({ path: ["options", "defaults", "kind"], received: 'string "read"' });
    expect((thrown as Error).message).toContain("set 'read' per call");
    expect(() => entityContext(site.client, { defaults: { kind: "write" } })).not.toThrow();
  });

  it("an EntityApi is a context: its methods and the functions agree", async () => {
    const sg = site.apiWith<DemoSite, "string">({ dates: "string" });
    const viaFunction = (await findOne(sg, "Shot", [], ["code", "created_at"]))!;
    expect(typeof viaFunction.created_at).toBe("string");
    expect(await sg.findOne("Shot", [["id", "is", viaFunction.id]], ["code", "created_at"])).toEqual(viaFunction);
    expect(Object.isFrozen(sg)).toBe(true);
  });

  it("types records from the context's schema (compile-time assertions)", async () => {
    const sg = entityContext<DemoSite>(site.client);
    const shots = await find(sg, "Shot", [["sg_status_list", "is", "ip"]], ["code", "sg_status_list", "created_at", "sg_sequence.Sequence.code"], { order: ["-code"] });
    expectTypeOf(shots).toEqualTypeOf<{
      readonly type: "Shot";
      readonly id: number;
      readonly code: string | null;
      readonly sg_status_list: "wtg" | "rdy" | "ip" | "hld" | "fin" | "cbb" | "omt" | null;
      readonly created_at: Date | null;
      readonly "sg_sequence.Sequence.code": string | null;
    }[]>();
    const bare = await findOne(sg, "Sequence", []);
    expectTypeOf(bare).toEqualTypeOf<{ readonly type: "Sequence"; readonly id: number } | null>();
    const asStrings = entityContext<DemoSite, "string">(site.client, { dates: "string" });
    for await (const s of iterate(asStrings, "Shot", [], ["created_at"], { limit: 1 })) {
      expectTypeOf(s.created_at).toEqualTypeOf<string | null>();
      expect(typeof s.created_at).toBe("string");
    }
    const created = await create(sg, "Shot", { code: "typed_fn", project }, ["sg_status_list"]);
    expectTypeOf(created.code).toEqualTypeOf<string | null>();
    expectTypeOf(created.sg_status_list).toEqualTypeOf<"wtg" | "rdy" | "ip" | "hld" | "fin" | "cbb" | "omt" | null>();
    const updated = await update(sg, "Shot", created.id, { description: "typed" });
    expectTypeOf(updated.description).toEqualTypeOf<string | null>();
    expectTypeOf(await schemaFieldRead(sg, "Shot")).not.toBeAny();
    await textSearch(sg, "typed", { Shot: [] });

    // Plain clients give loose records.
    const loose = await find(site.client, "Shot", [], ["code"], { limit: 1 });
    expectTypeOf(loose).toEqualTypeOf<LooseRecord[]>();
    // Contexts and API objects are targets; so are plain clients.
    expectTypeOf(sg).toExtend<EntityTarget<DemoSite, "date">>();
    expectTypeOf(site.apiWith<DemoSite>()).toExtend<EntityContext<DemoSite, "date">>();
    expectTypeOf(site.client).toExtend<EntityTarget>();
    expectTypeOf(await info(sg)).not.toBeAny();

    if (Math.random() > 2) {
      // @ts-expect-error unknown field of Shot
      await find(sg, "Shot", [], ["nope"]);
      // @ts-expect-error unknown entity type
      await find(sg, "Nope", []);
      // @ts-expect-error wrong value type in data
      await create(sg, "Shot", { code: 42 });
      // @ts-expect-error unknown entity type for deleteEntity
      await deleteEntity(sg, "Nope", 1);
      // @ts-expect-error textSearch only takes the schema's types
      await textSearch(sg, "abc", { Nope: [] });
      // @ts-expect-error dates mode mismatch between the type argument and the options
      entityContext<DemoSite, "string">(site.client, { dates: "date" });
    }
  });
});
