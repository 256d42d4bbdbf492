import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { SgFault, SgProtocolError, SgValidationError } from "@sg/core";
import { batch, entityApi, SgPartialWriteError } from "./index.js";
import { RawReply, startLoopbackSite } from "./test-support/loopback.js";
import { retryUnlessMaybeSent } from "./test-support/retry-unless-maybe-sent.js";
import { startSite, type TestSite } from "./test-support/site.js";

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

describe("create", () => {
  it("sends {type, fields, return_fields} and returns the record with the fields set", async () => {
    const shot = await site.api.create("Shot", { code: "wr_create", project, sg_status_list: "ip" }, ["code", "sg_status_list", "project"]);
    expect(shot).toMatchObject({ type: "Shot", code: "wr_create", sg_status_list: "ip", project: { type: "Project", id: project.id } });
    expect(typeof shot.id).toBe("number");
    expect(site.payloads("create")).toEqual([
      { type: "Shot", fields: [{ field_name: "code", value: "wr_create" }, { field_name: "project", value: project }, { field_name: "sg_status_list", value: "ip" }], return_fields: ["code", "sg_status_list", "project"] },
    ]);
  });

  it("defaults return_fields to ['id'], sends Dates as wire datetimes and does not trim entity dicts (parity)", async () => {
    const fat = { ...project, name: "Demo Project", extra: "kept" };
    await site.api.create("Note", { subject: "wr", project: fat, content: "x" });
    const payload = site.payloads("create")[0] as { fields: { field_name: string; value: unknown }[]; return_fields: string[] };
    expect(payload.return_fields).toEqual(["id"]);
    expect(payload.fields.find((f) => f.field_name === "project")?.value).toEqual(fat);
  });
});

describe("NaN and Infinity in data", () => {
  // JSON.stringify writes them as null, so they used to clear the field on the site and resolve OK.
  it("are refused before anything is sent, naming the path, and the site's values stay", async () => {
    const shot = await site.api.create("Shot", { code: "wr_nan", project, sg_cut_in: 1001, sg_cut_out: 1100 });
    const before = site.emulator.requests().length;
    const error = await site.api.update("Shot", shot.id, { sg_cut_in: Number.NaN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as SgValidationError).message).toBe("@sg/entities: data.sg_cut_in: expected a finite number, got number NaN");
    const inBatch = await site.api
      .batch([{ request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { code: "wr_nan", sg_cut_out: Infinity } }])
      .catch((e: unknown) => e);
    expect((inBatch as SgValidationError).message).toBe("@sg/entities: requests[0].data.sg_cut_out: expected a finite number, got number Infinity");
    expect(site.emulator.requests().length).toBe(before);
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]], ["sg_cut_in", "sg_cut_out"])).toMatchObject({ sg_cut_in: 1001, sg_cut_out: 1100 });
  });
});

describe("update", () => {
  it("updates fields and returns the record", async () => {
    const shot = await site.api.create("Shot", { code: "wr_update", project });
    const out = await site.api.update("Shot", shot.id, { description: "changed", sg_status_list: "fin" });
    expect(out).toMatchObject({ type: "Shot", id: shot.id, description: "changed", sg_status_list: "fin" });
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]], ["description"])).toMatchObject({ description: "changed" });
  });

  it("trims entity dicts in values (§3.5), and not with trimEntities: false", async () => {
    const shot = await site.api.create("Shot", { code: "wr_trim", project });
    const assets = await site.api.find("Asset", [], ["code", "sg_asset_type"]);
    await site.api.update("Shot", shot.id, { assets: assets.slice(0, 2) });
    const payload = site.payloads("update")[0] as { fields: { value: unknown[] }[] };
    expect(payload.fields[0]!.value).toEqual(assets.slice(0, 2).map((a) => ({ type: "Asset", id: a.id })));
    site.sent.length = 0;
    await site.apiWith({ trimEntities: false }).update("Shot", shot.id, { assets: assets.slice(0, 1) });
    expect((site.payloads("update")[0] as { fields: { value: unknown[] }[] }).fields[0]!.value).toEqual(assets.slice(0, 1));
  });

  it("applies multi_entity_update_modes add / remove / set", async () => {
    const [a1, a2, a3] = await site.api.find("Asset", [], [], { limit: 3 });
    const shot = await site.api.create("Shot", { code: "wr_modes", project, assets: [a1] });
    await site.api.update("Shot", shot.id, { assets: [a2, a3] }, { multiEntityUpdateModes: { assets: "add" } });
    const linked = async (): Promise<number[]> => ((await site.api.findOne("Shot", [["id", "is", shot.id]], ["assets"]))!.assets as { id: number }[]).map((a) => a.id).sort();
    expect(await linked()).toEqual([a1!.id, a2!.id, a3!.id].sort());
    await site.api.update("Shot", shot.id, { assets: [a1] }, { multiEntityUpdateModes: { assets: "remove" } });
    expect(await linked()).toEqual([a2!.id, a3!.id].sort());
    await site.api.update("Shot", shot.id, { assets: [a1] }, { multiEntityUpdateModes: { assets: "set" } });
    expect(await linked()).toEqual([a1!.id]);
    const modes = site.payloads("update").map((p) => (p as { fields: { multi_entity_update_mode?: string }[] }).fields[0]!.multi_entity_update_mode);
    expect(modes).toEqual(["add", "remove", "set"]);
  });

  it("refuses Python's multi_entity_update_modes keyword instead of replacing the links (set) without a word", async () => {
    const [a1, a2] = await site.api.find("Asset", [], [], { limit: 2 });
    const shot = await site.api.create("Shot", { code: "wr_py_modes", project, assets: [a1] });
    site.sent.length = 0;
    const error = await site.api.update("Shot", shot.id, { assets: [a2] }, { multi_entity_update_modes: { assets: "add" } } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["options", "multi_entity_update_modes"], expected: expect.stringContaining("multiEntityUpdateModes") as unknown });
    expect(site.payloads("update")).toEqual([]);
    const linked = (await site.api.findOne("Shot", [["id", "is", shot.id]], ["assets"]))!.assets as { id: number }[];
    expect(linked.map((a) => a.id)).toEqual([a1!.id]);
  });

  it("takes a mode from the modes' own keys only, for the data's own fields only (an inherited member is neither)", async () => {
    const shot = await site.api.create("Shot", { code: "wr_own_modes", project });
    site.sent.length = 0;
    // JSON.parse makes an own __proto__ field: modes["__proto__"] read Object.prototype and sent it as the field's mode.
    const data = () => JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>;
    await site.api.update("Shot", shot.id, data()).catch(() => undefined);
    await site.api.batch([{ request_type: "update", entity_type: "Shot", entity_id: shot.id, data: data() }]).catch(() => undefined);
    const sent = [...site.payloads("update"), ...(site.payloads("batch")[0] as unknown[])];
    expect(sent.map((p) => JSON.stringify((p as { fields: unknown[] }).fields))).toEqual(Array(2).fill('[{"field_name":"__proto__","value":{"x":1}}]'));
    site.sent.length = 0;
    const refused = async (call: Promise<unknown>): Promise<unknown> => (await call.catch((e: unknown) => e as SgValidationError)) as SgValidationError;
    const toString = { toString: "add" } as never;
    expect(await refused(site.api.update("Shot", shot.id, { code: "y" }, { multiEntityUpdateModes: toString }))).toMatchObject({ path: ["options", "multiEntityUpdateModes", "toString"] });
    expect(await refused(site.api.batch([{ request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { code: "y" }, multi_entity_update_modes: toString }]))).toMatchObject({
      path: ["requests", 0, "multi_entity_update_modes", "toString"],
    });
    expect(site.sent).toEqual([]);
  });

  it("surfaces a fault for a missing entity as SgFault", async () => {
    await expect(site.api.update("Shot", 999999, { code: "x" })).rejects.toBeInstanceOf(SgFault);
  });
});

describe("a failure after the write has landed", () => {
  // A client with a cold schema cache must read the field types to decode a value that looks like a
  // datetime. If that read fails, the create/update has already happened: the caller must get the record
  // (as SgPartialWriteError), not a bare fault that makes a retry create a second entity.
  it("create: a failed schema read for date decoding is SgPartialWriteError carrying the created record", async () => {
    const cold = entityApi(site.freshClient().client);
    await cold.info();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 999, message: "schema unavailable" });
    const error = await cold.create("Shot", { code: "wr_after_create", project }, ["created_at"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    const record = (error as SgPartialWriteError).record;
    expect(record).toMatchObject({ type: "Shot", code: "wr_after_create" });
    expect(typeof record["created_at"]).toBe("string");
    expect((error as SgPartialWriteError).cause).toBeInstanceOf(SgFault);
    const rows = await site.api.find("Shot", [["code", "is", "wr_after_create"]]);
    expect(rows.map((r) => r.id)).toEqual([record["id"]]);
  });

  it("update: the same, with the updated record", async () => {
    const shot = await site.api.create("Shot", { code: "wr_after_update", project });
    const cold = entityApi(site.freshClient().client);
    await cold.info();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 999, message: "schema unavailable" });
    const error = await cold.update("Shot", shot.id, { description: "2024-05-06T07:08:09Z" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect((error as SgPartialWriteError).record).toMatchObject({ type: "Shot", id: shot.id, description: "2024-05-06T07:08:09Z" });
  });

  it("batch: the same, carrying every result in records, and nothing is created twice", async () => {
    const victim = await site.api.create("Shot", { code: "wr_after_batch_victim", project });
    const cold = entityApi(site.freshClient().client);
    await cold.info();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 999, message: "schema unavailable" });
    const batchesBefore = site.methods().filter((m) => m === "batch").length;
    const error = await cold
      .batch([
        { request_type: "create", entity_type: "Shot", data: { code: "wr_after_batch", project }, return_fields: ["created_at"] },
        { request_type: "update", entity_type: "Shot", entity_id: victim.id, data: { description: "batched late" } },
        { request_type: "delete", entity_type: "Shot", entity_id: victim.id },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    const e = error as SgPartialWriteError;
    expect(e.reason).toMatch(/batch was applied.*do not retry it/);
    expect(e.cause).toBeInstanceOf(SgFault);
    expect(e.records).toHaveLength(3);
    const [created, updated, deleted] = e.records!;
    expect(created).toMatchObject({ type: "Shot", code: "wr_after_batch" });
    expect(typeof (created as Record<string, unknown>)["created_at"]).toBe("string");
    expect(updated).toMatchObject({ type: "Shot", id: victim.id, description: "batched late" });
    expect(deleted).toBe(true);
    expect(e.record).toBe(created);
    // The batch landed once: one Shot with the new code, and the victim is retired.
    const rows = await site.api.find("Shot", [["code", "is", "wr_after_batch"]]);
    expect(rows.map((r) => r.id)).toEqual([(created as { id: number }).id]);
    expect(await site.api.findOne("Shot", [["id", "is", victim.id]])).toBeNull();
    expect(site.methods().filter((m) => m === "batch").length).toBe(batchesBefore + 1);
  });

  // Landed, so it says maybeSent: true as every landed write's error does: a retry helper that re-sends unless
  // maybeSent is true must not send it again (it used to, and made a second row).
  it("create: the SgPartialWriteError of a failed date decoding (fault 104) says maybeSent: true, typed true", async () => {
    expectTypeOf<SgPartialWriteError["maybeSent"]>().toEqualTypeOf<true>();
    const cold = entityApi(site.freshClient().client);
    await cold.info();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 104, message: "Permission denied" });
    const error = await cold.create("Shot", { code: "wr_landed_create", project }, ["created_at"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(Object.getOwnPropertyDescriptor(error, "maybeSent")).toMatchObject({ value: true, enumerable: true });
  });

  it("batch: maybeSent: true, and a retry helper keyed on it makes no second row", async () => {
    const cold = entityApi(site.freshClient().client);
    await cold.info();
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 104, message: "Permission denied" });
    const error = await retryUnlessMaybeSent(() =>
      cold.batch([{ request_type: "create", entity_type: "Version", data: { code: "wr_landed_batch", project }, return_fields: ["created_at"] }]),
    );
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect((error as SgPartialWriteError).toJSON()).toMatchObject({ code: "SG_PARTIAL_WRITE", maybeSent: true });
    expect(await site.api.find("Version", [["code", "is", "wr_landed_batch"]], ["id"])).toHaveLength(1);
  });
});

describe("delete / revive", () => {
  it("retires and revives, reporting whether anything changed", async () => {
    const shot = await site.api.create("Shot", { code: "wr_delete", project });
    expect(await site.api.delete("Shot", shot.id)).toBe(true);
    expect(await site.api.delete("Shot", shot.id)).toBe(false);
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]])).toBeNull();
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]], [], { retiredOnly: true })).toMatchObject({ id: shot.id });
    expect(site.payloads("read").map((p) => (p as { return_only: string }).return_only)).toEqual(["active", "retired"]);
    expect(await site.api.revive("Shot", shot.id)).toBe(true);
    expect(await site.api.revive("Shot", shot.id)).toBe(false);
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]])).toMatchObject({ id: shot.id });
  });
});

describe("batch", () => {
  it("runs creates, updates and deletes in order and returns their results", async () => {
    const victim = await site.api.create("Shot", { code: "wr_batch_victim", project });
    const results = await site.api.batch([
      { request_type: "create", entity_type: "Shot", data: { code: "wr_batch_1", project }, return_fields: ["code"] },
      { request_type: "update", entity_type: "Shot", entity_id: victim.id, data: { description: "batched" } },
      { request_type: "delete", entity_type: "Shot", entity_id: victim.id },
    ]);
    expect(results[0]).toMatchObject({ type: "Shot", code: "wr_batch_1" });
    expect(results[1]).toMatchObject({ type: "Shot", id: victim.id, description: "batched" });
    expect(results[2]).toBe(true);
    expect(site.payloads("batch")[0]).toEqual([
      { request_type: "create", type: "Shot", fields: [{ field_name: "code", value: "wr_batch_1" }, { field_name: "project", value: project }], return_fields: ["code"] },
      { request_type: "update", type: "Shot", id: victim.id, fields: [{ field_name: "description", value: "batched" }] },
      { request_type: "delete", type: "Shot", id: victim.id },
    ]);
  });

  it("takes a request carrying another type's Python key, and sends it without that key, as Python does", async () => {
    // Python's batch reads only the keys a request's type uses, so scripts that build every request with one
    // helper (an entity_id on a create, return_fields on an update, data on a delete) run as they are.
    const victim = await site.api.create("Shot", { code: "wr_batch_shared_keys", project });
    const results = await site.api.batch([
      { request_type: "create", entity_type: "Shot", entity_id: null, data: { code: "wr_batch_shared_1", project }, return_fields: ["code"] },
      { request_type: "update", entity_type: "Shot", entity_id: victim.id, data: { description: "shared keys" }, return_fields: ["code"] },
      { request_type: "delete", entity_type: "Shot", entity_id: victim.id, data: {} },
    ] as never);
    expect(results).toMatchObject([{ type: "Shot", code: "wr_batch_shared_1" }, { type: "Shot", id: victim.id, description: "shared keys" }, true]);
    expect(site.payloads("batch")[0]).toEqual([
      { request_type: "create", type: "Shot", fields: [{ field_name: "code", value: "wr_batch_shared_1" }, { field_name: "project", value: project }], return_fields: ["code"] },
      { request_type: "update", type: "Shot", id: victim.id, fields: [{ field_name: "description", value: "shared keys" }] },
      { request_type: "delete", type: "Shot", id: victim.id },
    ]);
  });

  it("is atomic: when one request fails, none is applied", async () => {
    const before = (await site.api.find("Shot", [["code", "starts_with", "wr_atomic"]])).length;
    await expect(
      site.api.batch([
        { request_type: "create", entity_type: "Shot", data: { code: "wr_atomic_1", project } },
        { request_type: "update", entity_type: "Shot", entity_id: 999999, data: { code: "nope" } },
      ]),
    ).rejects.toBeInstanceOf(SgFault);
    expect((await site.api.find("Shot", [["code", "starts_with", "wr_atomic"]])).length).toBe(before);
  });

  it("checks the legacy request-level multi_entity_update_mode: a valid one is applied, another refused before sending", async () => {
    const [a1, a2] = await site.api.find("Asset", [], [], { limit: 2 });
    const shot = await site.api.create("Shot", { code: "wr_batch_mode", project, assets: [a1] });
    const request = (mode: unknown) => ({ request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { assets: [a2] }, multi_entity_update_mode: mode }) as never;
    await site.api.batch([request("add")]);
    expect((site.payloads("batch")[0] as { multi_entity_update_mode: string }[])[0]!.multi_entity_update_mode).toBe("add");
    const linked = (await site.api.findOne("Shot", [["id", "is", shot.id]], ["assets"]))!.assets as { id: number }[];
    expect(linked.map((a) => a.id).sort()).toEqual([a1!.id, a2!.id].sort());
    const sent = site.sent.length;
    const error = await site.api.batch([{ request_type: "delete", entity_type: "Shot", entity_id: shot.id }, request("append")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as SgValidationError).path).toEqual(["requests", 1, "multi_entity_update_mode"]);
    expect(site.sent.length).toBe(sent);
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]])).not.toBeNull();
  });

  it("applies per-field multi_entity_update_modes: add, then remove, read back from the site", async () => {
    const [a1, a2, a3] = await site.api.find("Asset", [], [], { limit: 3 });
    const shot = await site.api.create("Shot", { code: "wr_batch_modes", project, assets: [a1] });
    const linked = async (): Promise<number[]> => ((await site.api.findOne("Shot", [["id", "is", shot.id]], ["assets"]))!.assets as { id: number }[]).map((a) => a.id).sort();
    const update = (assets: unknown[], mode: "add" | "remove") =>
      ({ request_type: "update", entity_type: "Shot", entity_id: shot.id, data: { assets }, multi_entity_update_modes: { assets: mode } }) as const;
    await site.api.batch([update([a2, a3], "add")]);
    expect(await linked()).toEqual([a1!.id, a2!.id, a3!.id].sort());
    await site.api.batch([update([a1, a3], "remove")]);
    expect(await linked()).toEqual([a2!.id]);
    const modes = site.payloads("batch").map((b) => (b as { fields: { multi_entity_update_mode?: string }[] }[])[0]!.fields[0]!.multi_entity_update_mode);
    expect(modes).toEqual(["add", "remove"]);
  });

  it("sends create and update values whole: entity dicts are not trimmed in a batch (§3.5, as Python)", async () => {
    const [asset] = await site.api.find("Asset", [], ["code", "sg_asset_type"], { limit: 1 });
    const fatProject = { ...project, name: "Demo Project", sg_custom: "kept" };
    const fatAsset = { ...asset!, sg_custom: "kept" };
    const [created] = await site.api.batch([{ request_type: "create", entity_type: "Shot", data: { code: "wr_batch_whole", project: fatProject } }]);
    await site.api.batch([{ request_type: "update", entity_type: "Shot", entity_id: (created as { id: number }).id, data: { assets: [fatAsset] } }]);
    const [create, update] = site.payloads("batch").map((b) => (b as { fields: { field_name: string; value: unknown }[] }[])[0]!.fields);
    expect(create!.find((f) => f.field_name === "project")?.value).toEqual(fatProject);
    expect(update).toEqual([{ field_name: "assets", value: [fatAsset] }]);
  });

  it("sends nothing for an empty list", async () => {
    const n = site.emulator.requests().length;
    expect(await site.api.batch([])).toEqual([]);
    expect(site.emulator.requests().length).toBe(n);
  });
});

describe("batch replies that are not a list (loopback site)", () => {
  // The emulator always answers a list; a proxy or a broken site may not. The batch may have landed, so the
  // caller must get an error, never an empty result that reads as "nothing happened".
  it.each([
    ["an object", { type: "Shot", id: 1 }],
    ["null", null],
    ["a string", "ok"],
  ])("a reply of %s is SgProtocolError naming the method, not []", async (_name, reply) => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : reply));
    try {
      const error = await batch(loopback.client, [{ request_type: "delete", entity_type: "Shot", entity_id: 1 }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgProtocolError);
      expect((error as SgProtocolError).method).toBe("batch");
      expect((error as SgProtocolError).reason).toMatch(/'batch' did not return a list/);
      expect((error as SgProtocolError).hint).toMatch(/may have landed/);
      expect(loopback.methods.filter((m) => m === "batch")).toHaveLength(1);
    } finally {
      await loopback.close();
    }
  });
});

describe("batch replies that cannot be matched to the requests (loopback site)", () => {
  // Results are matched to requests by position. A short list, or a record where a delete's boolean belongs,
  // would hand the caller results for the wrong requests; the batch has landed, so this is an error that
  // says so, never a misaligned list.
  const requests = [
    { request_type: "create", entity_type: "Shot", data: { code: "a" } },
    { request_type: "delete", entity_type: "Shot", entity_id: 7 },
  ] as const;
  it.each([
    ["a result missing", [{ type: "Shot", id: 1 }]],
    ["a result too many", [{ type: "Shot", id: 1 }, true, true]],
    ["the results swapped", [true, { type: "Shot", id: 1 }]],
    ["a create answered with a boolean", [true, true]],
    ["a record of another type", [{ type: "Asset", id: 1 }, true]],
  ])("%s is SgProtocolError naming the count, not a list", async (_name, reply) => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : reply));
    try {
      const error = await batch(loopback.client, requests).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgProtocolError);
      expect((error as SgProtocolError).reason).toMatch(/'batch' did not return one result per request in order \(2: /);
      expect((error as SgProtocolError).hint).toMatch(/may have landed/);
      expect(loopback.methods.filter((m) => m === "batch")).toHaveLength(1);
    } finally {
      await loopback.close();
    }
  });

  it("refuses an update answered with another record's id", async () => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : [{ type: "Shot", id: 8, code: "b" }]));
    try {
      const error = await batch(loopback.client, [{ request_type: "update", entity_type: "Shot", entity_id: 7, data: { code: "b" } }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgProtocolError);
      expect((error as SgProtocolError).reason).toMatch(/a record of the request's type with its id for each create and update/);
    } finally {
      await loopback.close();
    }
  });

  it("accepts false for a delete (an entity already retired), as the site may answer", async () => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : [{ type: "Shot", id: 1, code: "a" }, false]));
    try {
      expect(await batch(loopback.client, requests)).toEqual([{ type: "Shot", id: 1, code: "a" }, false]);
    } finally {
      await loopback.close();
    }
  });
});

describe("a create reply that is not a record (loopback site)", () => {
  it("is SgProtocolError whose hint, like batch's, says the write may have landed", async () => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : []));
    try {
      const error = await entityApi(loopback.client).create("Shot", { code: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgProtocolError);
      expect((error as SgProtocolError).reason).toMatch(/'create' did not return a Shot record with its id/);
      expect((error as SgProtocolError).hint).toMatch(/may have landed.*before retrying/);
    } finally {
      await loopback.close();
    }
  });
});

describe("a create or update reply that is an object but not the record (loopback site)", () => {
  // Any JSON object used to be taken as the record: a proxy's or an API gateway's `{}` or `{"message": …}`
  // resolved as if it were the record, with no id. The write may have landed, so the error says so, as batch's.
  const bodies: [string, RawReply][] = [
    ["{}", new RawReply("{}")],
    ['{"message":"Request accepted"}', new RawReply('{"message":"Request accepted"}')],
    ['{"results":{}}', new RawReply('{"results":{}}')],
    ["a record without an id", new RawReply('{"results":{"type":"Shot","code":"x"}}')],
    ["a record whose id is text", new RawReply('{"results":{"type":"Shot","id":"7"}}')],
    ["a record of another type", new RawReply('{"results":{"type":"Asset","id":7}}')],
    ["a list whose first item is not the record", new RawReply('{"results":[{"ok":true}]}')],
  ];
  it.each(bodies)("create answered %s: SgProtocolError with maybeSent true, sent once", async (_name, reply) => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : reply));
    try {
      const error = await entityApi(loopback.client).create("Shot", { code: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgProtocolError);
      expect(error).toMatchObject({ method: "create", maybeSent: true });
      expect((error as SgProtocolError).reason).toMatch(/'create' did not return a Shot record with its id \(got /);
      expect((error as SgProtocolError).hint).toMatch(/may have landed.*before retrying/);
      expect(loopback.methods.filter((m) => m === "create")).toHaveLength(1);
    } finally {
      await loopback.close();
    }
  });

  it.each([...bodies, ["another record's id", new RawReply('{"results":{"type":"Shot","id":8}}')] as [string, RawReply]])(
    "update answered %s: SgProtocolError with maybeSent true, sent once",
    async (_name, reply) => {
      const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : reply));
      try {
        const error = await entityApi(loopback.client).update("Shot", 7, { code: "x" }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SgProtocolError);
        expect(error).toMatchObject({ method: "update", maybeSent: true });
        expect((error as SgProtocolError).reason).toMatch(/'update' did not return a Shot record with its id \(got /);
        expect(loopback.methods.filter((m) => m === "update")).toHaveLength(1);
      } finally {
        await loopback.close();
      }
    },
  );

  it("still takes the record, alone or first of a list, when it has the type and id", async () => {
    const replies = [{ type: "Shot", id: 7, code: "x" }, [{ type: "Shot", id: 7, code: "x" }]];
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : replies.shift()));
    try {
      expect(await entityApi(loopback.client).create("Shot", { code: "x" })).toEqual({ type: "Shot", id: 7, code: "x" });
      expect(await entityApi(loopback.client).update("Shot", 7, { code: "x" })).toEqual({ type: "Shot", id: 7, code: "x" });
    } finally {
      await loopback.close();
    }
  });

  it("batch refuses a create's result without a numeric id, as create does", async () => {
    const loopback = await startLoopbackSite((method) => (method === "info" ? { version: [8, 0, 0] } : [{ type: "Shot", code: "a" }]));
    try {
      const error = await batch(loopback.client, [{ request_type: "create", entity_type: "Shot", data: { code: "a" } }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgProtocolError);
      expect(error).toMatchObject({ maybeSent: true });
      expect((error as SgProtocolError).reason).toMatch(/a record of the request's type with its id for each create and update/);
    } finally {
      await loopback.close();
    }
  });
});
