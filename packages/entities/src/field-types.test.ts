import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { SgFault, SgHttpError, type RpcRequest } from "@sg/core";
import { SgPartialWriteError, entityApi, find } from "./index.js";
import { startLoopbackSite } from "./test-support/loopback.js";
import { startSite, type TestSite } from "./test-support/site.js";

// The field data types read with schema_field_read (to know which values are datetimes) are cached per client.
// A field added while a program runs must still decode as a Date, in a script that adds it and in a daemon that
// sees an admin add it.

let site: TestSite;
const project = { type: "Project", id: 1 };
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site.close());

const schemaReads = (sent: readonly RpcRequest[]): unknown[] => sent.filter((r) => r.method === "schema_field_read").map((r) => r.payload);

describe("the cached field types of a type", () => {
  it("are dropped by schemaFieldCreate, so the new date_time field decodes as a Date", async () => {
    const { client, sent } = site.freshClient();
    const sg = entityApi(client);
    const shot = await sg.create("Shot", { code: "ft_create", project });
    expect((await sg.findOne("Shot", [["id", "is", shot.id]], ["created_at"]))!.created_at).toBeInstanceOf(Date);
    const field = await sg.schemaFieldCreate("Shot", "date_time", "Delivered At");
    const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    await sg.update("Shot", shot.id, { [field]: when });
    const read = (await sg.findOne("Shot", [["id", "is", shot.id]], [field]))!;
    expect(read[field]).toEqual(when);
    expect(schemaReads(sent)).toEqual([{ type: "Shot" }, { type: "Shot" }]);
  });

  it("are dropped by schemaFieldUpdate and schemaFieldDelete", async () => {
    const { client, sent } = site.freshClient();
    const sg = entityApi(client);
    const field = await sg.schemaFieldCreate("Asset", "text", "Cache Check");
    await sg.findOne("Asset", [], ["created_at"]);
    await sg.schemaFieldUpdate("Asset", field, { description: "checked" });
    await sg.findOne("Asset", [], ["created_at"]);
    await sg.schemaFieldDelete("Asset", field);
    await sg.findOne("Asset", [], ["created_at"]);
    expect(schemaReads(sent)).toEqual([{ type: "Asset" }, { type: "Asset" }, { type: "Asset" }]);
  });

  it("are read again once when a datetime comes back for a field they do not hold (added by someone else)", async () => {
    // The daemon has read Shot's field types; an admin then adds a date_time field and fills it.
    const daemon = site.freshClient();
    const sg = entityApi(daemon.client);
    const shot = await sg.create("Shot", { code: "ft_admin", project });
    await sg.findOne("Shot", [["id", "is", shot.id]], ["created_at"]);
    const admin = entityApi(site.freshClient().client);
    const field = await admin.schemaFieldCreate("Shot", "date_time", "Approved At");
    const when = new Date(Date.UTC(2026, 5, 7, 8, 9, 10));
    await admin.update("Shot", shot.id, { [field]: when });
    expect((await sg.findOne("Shot", [["id", "is", shot.id]], [field]))![field]).toEqual(when);
    // Read once more for that field, then not again.
    expect((await sg.findOne("Shot", [["id", "is", shot.id]], [field]))![field]).toEqual(when);
    expect(schemaReads(daemon.sent)).toEqual([{ type: "Shot" }, { type: "Shot" }]);
  });

  it("are read again once for records decoded at the same time, which all wait for that read", async () => {
    const daemon = site.freshClient();
    const sg = entityApi(daemon.client);
    const [a, b] = [await sg.create("Shot", { code: "ft_batch_a", project }), await sg.create("Shot", { code: "ft_batch_b", project })];
    await sg.findOne("Shot", [["id", "is", a.id]], ["created_at"]);
    const field = await entityApi(site.freshClient().client).schemaFieldCreate("Shot", "date_time", "Batch Checked At");
    const when = new Date(Date.UTC(2026, 2, 4, 5, 6, 7));
    // The results of a batch are decoded together: the second must not take the field types read before the field was added.
    const results = await sg.batch([
      { request_type: "update", entity_type: "Shot", entity_id: a.id, data: { [field]: when } },
      { request_type: "update", entity_type: "Shot", entity_id: b.id, data: { [field]: when } },
    ]);
    expect(results.map((r) => (r as Record<string, unknown>)[field])).toEqual([when, when]);
    expect(schemaReads(daemon.sent)).toEqual([{ type: "Shot" }, { type: "Shot" }]);
  });
});

describe("a field the schema does not list (loopback site)", () => {
  it("costs one more read of the field types, not one per call", async () => {
    const answers: Record<string, unknown> = {
      info: { version: [8, 50, 0] },
      read: { entities: [{ type: "Shot", id: 1, created_at: "2026-01-05T09:00:00Z", mystery: "2026-01-05T09:00:00Z" }] },
      schema_field_read: { created_at: { data_type: { value: "date_time", editable: false } } },
    };
    const loop = await startLoopbackSite((method) => answers[method] ?? null);
    try {
      for (let i = 0; i < 4; i++) {
        const [row] = await find(loop.client, "Shot", [], ["created_at", "mystery"]);
        expect(row!["created_at"]).toBeInstanceOf(Date);
        expect(row!["mystery"]).toBe("2026-01-05T09:00:00Z");
      }
      expect(loop.methods.filter((m) => m === "schema_field_read")).toHaveLength(2);
    } finally {
      await loop.close();
    }
  });

  it("is not looked up for a type whose field types were declared (fieldTypes wins)", async () => {
    const answers: Record<string, unknown> = {
      info: { version: [8, 50, 0] },
      read: { entities: [{ type: "Shot", id: 1, created_at: "2026-01-05T09:00:00Z", mystery: "2026-01-05T09:00:00Z" }] },
    };
    const loop = await startLoopbackSite((method) => answers[method] ?? null);
    try {
      const sg = entityApi(loop.client, { fieldTypes: { Shot: { created_at: "date_time" } } });
      const [row] = await sg.find("Shot", [], ["created_at", "mystery"]);
      expect(row!["created_at"]).toBeInstanceOf(Date);
      expect(loop.methods).not.toContain("schema_field_read");
    } finally {
      await loop.close();
    }
  });
});

describe("a failed read of the field types behind date decoding", () => {
  const HELP = /reading the field types of Shot to decode its dates/;
  it("says so and names the ways around it, keeping the site's error as cause, with its class and code", async () => {
    const { client, sent } = site.freshClient();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 104, message: "Permission denied" });
    const error = await find(client, "Shot", [], ["code", "created_at"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgFault);
    const fault = error as SgFault;
    expect(fault.cause).toBeInstanceOf(SgFault);
    const cause = fault.cause as SgFault;
    expect([fault.code, fault.errorCode, fault.serverMessage, fault.method]).toEqual([cause.code, 104, cause.serverMessage, "schema_field_read"]);
    expect(fault.reason).toBe(`@sg/entities: reading the field types of Shot to decode its dates (schema_field_read) failed: ${cause.reason}`);
    expect(fault.hint).toMatch(/fieldTypes option/);
    expect(fault.hint).toMatch(/dates: "string"/);
    expect(fault.message).toBe(`${fault.reason}\nHint: ${fault.hint}`);
    // What a person sees of an uncaught error is its stack, which starts with the new message.
    expect(inspect(fault)).toMatch(HELP);
    expect(fault.toJSON()).toMatchObject({ name: "SgFault", code: cause.code, errorCode: 104, cause: { message: cause.message } });
    // Not cached: the next find reads the field types again and decodes.
    expect((await find(client, "Shot", [], ["created_at"]))[0]!["created_at"]).toBeInstanceOf(Date);
    expect(schemaReads(sent)).toHaveLength(2);
  });

  it("keeps an HTTP error's class and status, so retry logic and exit codes see what they would", async () => {
    const { client } = site.freshClient();
    site.emulator.injectFault({ method: "schema_field_read", status: 500 });
    const error = await find(client, "Shot", [], ["created_at"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgHttpError);
    expect((error as SgHttpError).status).toBe(500);
    expect((error as SgHttpError).code).toBe("SG_HTTP");
    expect((error as SgHttpError).message).toMatch(HELP);
    expect((error as SgHttpError).cause).toBeInstanceOf(SgHttpError);
  });

  it("is the cause of a create's SgPartialWriteError, saying the same", async () => {
    const { client } = site.freshClient();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 104, message: "Permission denied" });
    const error = await entityApi(client).create("Shot", { code: "ft_partial", project }, ["created_at"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect((error as SgPartialWriteError).cause).toBeInstanceOf(SgFault);
    expect(((error as SgPartialWriteError).cause as SgFault).message).toMatch(HELP);
  });
});
