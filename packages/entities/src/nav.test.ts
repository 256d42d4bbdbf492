/**
 * The navigation RPCs over real sockets. The payloads, the classification as reads and the validation are
 * checked against a node:http JSON-RPC site on 127.0.0.1 that records what it receives; the emulator does not
 * implement `nav_expand`/`nav_search` (their answers are undocumented), so it is only used to show how its
 * fault for them reaches the caller.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SgFault, SgNetworkError, SgValidationError, type Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, entityContext, navExpand, navSearchEntity, navSearchString } from "./index.js";
import { DROP_CONNECTION, startLoopbackSite, type LoopbackSite } from "./test-support/loopback.js";
import { startSite } from "./test-support/site.js";

// Arbitrary answers: the client must hand back whatever the site sends, whatever its shape.
const EXPANDED = { anything: ["the", "site", "sends", 1, null, { nested: true }] };
const FOUND = [{ opaque: "answer" }, 2];

describe("navigation RPCs on the wire", () => {
  let site: LoopbackSite;
  beforeAll(async () => {
    site = await startLoopbackSite((method) => (method === "nav_expand" ? EXPANDED : method === "nav_search" ? FOUND : null));
  });
  afterAll(async () => {
    await site.close();
  });
  beforeEach(() => {
    site.requests.length = 0;
  });

  it("navExpand sends the path with seed_entity_field and entity_fields as null, and returns the answer unchanged", async () => {
    expect(await navExpand(site.client, "/Project/65")).toEqual(EXPANDED);
    expect(site.requests).toEqual([{ method: "nav_expand", payload: { path: "/Project/65", seed_entity_field: null, entity_fields: null } }]);
  });

  it("navExpand sends seedEntityField unchanged and entityFields as checked; null options are sent as null", async () => {
    const seed = { some: "key", nested: { type: "Project", id: 65 } };
    await navExpand(site.client, "/Project/65/Shot", { seedEntityField: seed, entityFields: { Shot: ["code", "sg_sequence.Sequence.code"], Asset: [] } });
    await navExpand(site.client, "/Project/65", { seedEntityField: null, entityFields: null });
    expect(site.requests.map((r) => r.payload)).toEqual([
      { path: "/Project/65/Shot", seed_entity_field: seed, entity_fields: { Shot: ["code", "sg_sequence.Sequence.code"], Asset: [] } },
      { path: "/Project/65", seed_entity_field: null, entity_fields: null },
    ]);
  });

  it("a Date in seedEntityField goes out as a wire datetime, as Python converts its payload; an out-of-range one is refused with its path", async () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    await navSearchString(site.client, "/Project/65", "sh010", { seedEntityField: { since: at, nested: [{ at }] } });
    expect(site.requests.map((r) => r.payload)).toEqual([
      { root_path: "/Project/65", seed_entity_field: { since: "2024-01-02T03:04:05Z", nested: [{ at: "2024-01-02T03:04:05Z" }] }, search_criteria: { search_string: "sh010" } },
    ]);
    const error = await navExpand(site.client, "/Project/65", { seedEntityField: { at: new Date(Number.NaN) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as SgValidationError).path).toEqual(["options", "seedEntityField", "at"]);
    expect((error as SgValidationError).message).toMatch(/^@sg\/entities: /);
    expect(site.requests).toHaveLength(1);
  });

  it("navSearchString sends root_path, seed_entity_field and search_criteria.search_string, and returns the answer unchanged", async () => {
    expect(await navSearchString(site.client, "/Project/65", "sh010")).toEqual(FOUND);
    await navSearchString(site.client, "/Project/65", "sh0", { seedEntityField: { k: 1 } });
    expect(site.requests).toEqual([
      { method: "nav_search", payload: { root_path: "/Project/65", seed_entity_field: null, search_criteria: { search_string: "sh010" } } },
      { method: "nav_search", payload: { root_path: "/Project/65", seed_entity_field: { k: 1 }, search_criteria: { search_string: "sh0" } } },
    ]);
  });

  it("navSearchEntity sends the entity cut to {type, id} as search_criteria.entity, and returns the answer unchanged", async () => {
    const shot = { type: "Shot", id: 7, name: "sh010", code: "sh010", project: { type: "Project", id: 65 } };
    expect(await navSearchEntity(site.client, "/Project/65", shot)).toEqual(FOUND);
    expect(site.requests).toEqual([
      { method: "nav_search", payload: { root_path: "/Project/65", seed_entity_field: null, search_criteria: { entity: { type: "Shot", id: 7 } } } },
    ]);
  });

  it("entityApi and entityContext carry the three methods with the same payloads", async () => {
    const api = entityApi(site.client);
    const ctx = entityContext(site.client);
    expect(await api.navExpand("/Project/65", { entityFields: { Shot: ["code"] } })).toEqual(EXPANDED);
    expect(await api.navSearchString("/Project/65", "sh010")).toEqual(FOUND);
    expect(await api.navSearchEntity("/Project/65", { type: "Shot", id: 7 })).toEqual(FOUND);
    await navExpand(ctx, "/Project/65", { entityFields: { Shot: ["code"] } });
    await navSearchString(ctx, "/Project/65", "sh010");
    await navSearchEntity(ctx, "/Project/65", { type: "Shot", id: 7 });
    const payloads = site.requests.map((r) => r.payload);
    expect(payloads.slice(3)).toEqual(payloads.slice(0, 3));
    expect(payloads[0]).toEqual({ path: "/Project/65", seed_entity_field: null, entity_fields: { Shot: ["code"] } });
  });

  const bad: [string, (c: Client) => Promise<unknown>, (string | number)[], RegExp][] = [
    ["navExpand: empty path", (c) => navExpand(c, ""), ["path"], /navigation path/],
    ["navExpand: path not a string", (c) => navExpand(c, 65 as never), ["path"], /navigation path/],
    ["navExpand: entityFields an array", (c) => navExpand(c, "/Project/65", { entityFields: ["code"] as never }), ["options", "entityFields"], /EntityType: \[fields\]/],
    ["navExpand: entityFields value not a list", (c) => navExpand(c, "/Project/65", { entityFields: { Shot: "code" } as never }), ["options", "entityFields", "Shot"], /array of field names/],
    ["navExpand: entityFields with a bad field", (c) => navExpand(c, "/Project/65", { entityFields: { Shot: ["code", 3] } as never }), ["options", "entityFields", "Shot", 1], /field name/],
    ["navExpand: entityFields with a bad type", (c) => navExpand(c, "/Project/65", { entityFields: { "no type": ["code"] } }), ["options", "entityFields", "no type"], /entity type name/],
    ["navExpand: seedEntityField a string", (c) => navExpand(c, "/Project/65", { seedEntityField: "Project" as never }), ["options", "seedEntityField"], /plain object/],
    ["navExpand: options not an object", (c) => navExpand(c, "/Project/65", "options" as never), ["options"], /options object/],
    ["navExpand: signal not an AbortSignal", (c) => navExpand(c, "/Project/65", { signal: "stop" as never }), ["options", "signal"], /AbortSignal/],
    ["navSearchString: empty rootPath", (c) => navSearchString(c, "", "sh010"), ["rootPath"], /navigation path/],
    ["navSearchString: empty searchString", (c) => navSearchString(c, "/Project/65", ""), ["searchString"], /non-empty search string/],
    ["navSearchString: searchString not a string", (c) => navSearchString(c, "/Project/65", 10 as never), ["searchString"], /non-empty search string/],
    ["navSearchString: seedEntityField an array", (c) => navSearchString(c, "/Project/65", "sh010", { seedEntityField: [1] as never }), ["options", "seedEntityField"], /plain object/],
    ["navSearchEntity: rootPath null", (c) => navSearchEntity(c, null as never, { type: "Shot", id: 7 }), ["rootPath"], /navigation path/],
    ["navSearchEntity: entity without an id", (c) => navSearchEntity(c, "/Project/65", { type: "Shot" } as never), ["entity"], /entity link/],
    ["navSearchEntity: entity id 0", (c) => navSearchEntity(c, "/Project/65", { type: "Shot", id: 0 }), ["entity", "id"], /positive integer/],
    ["navSearchEntity: entity type malformed", (c) => navSearchEntity(c, "/Project/65", { type: "no type", id: 7 }), ["entity", "type"], /entity type name/],
    ["navSearchEntity: seedEntityField a number", (c) => navSearchEntity(c, "/Project/65", { type: "Shot", id: 7 }, { seedEntityField: 5 as never }), ["options", "seedEntityField"], /plain object/],
    ["any: not a client", () => navSearchEntity({} as never, "/Project/65", { type: "Shot", id: 7 }), ["client"], /Client/],
  ];

  it.each(bad)("refuses %s with SgValidationError naming the path, and sends nothing", async (_label, call, path, expected) => {
    let pending: Promise<unknown> | undefined;
    expect(() => (pending = call(site.client))).not.toThrow(); // a rejection, not a synchronous throw
    const error = await pending!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as SgValidationError).path).toEqual(path);
    expect((error as SgValidationError).expected).toMatch(expected);
    expect((error as SgValidationError).message).toMatch(/^@sg\/entities: /);
    expect(site.requests).toEqual([]);
  });
});

describe("navigation RPCs are reads", () => {
  // Resets the connection the first time each method arrives, then answers.
  let site: LoopbackSite;
  const seen = new Set<string>();
  beforeAll(async () => {
    site = await startLoopbackSite(
      (method) => {
        if (!seen.has(method)) {
          seen.add(method);
          return DROP_CONNECTION;
        }
        return method === "nav_expand" ? EXPANDED : FOUND;
      },
      { transport: jsonRpcTransport({ retry: { baseDelayMs: 1, budget: false } }) },
    );
  });
  afterAll(async () => {
    await site.close();
  });
  beforeEach(() => {
    seen.clear();
    site.requests.length = 0;
  });

  it.each([
    ["navExpand", "nav_expand", (c: Client) => navExpand(c, "/Project/65"), EXPANDED],
    ["navSearchString", "nav_search", (c: Client) => navSearchString(c, "/Project/65", "sh010"), FOUND],
    ["navSearchEntity", "nav_search", (c: Client) => navSearchEntity(c, "/Project/65", { type: "Shot", id: 7 }), FOUND],
  ] as const)("%s: a reset after the request arrived is retried, as for a read, and the answer returned", async (_name, method, call, answer) => {
    expect(await call(site.client)).toEqual(answer);
    expect(site.requests.map((r) => r.method)).toEqual([method, method]);
    expect(site.requests[1]!.payload).toEqual(site.requests[0]!.payload);
  });

  it("a kind set by the call or by the context's defaults wins: as a write, the reset is not retried", async () => {
    const perCall = await navExpand(site.client, "/Project/65", { kind: "write" }).catch((e: unknown) => e);
    expect(perCall).toBeInstanceOf(SgNetworkError);
    expect((perCall as SgNetworkError).maybeSent).toBe(true);
    expect(site.requests.map((r) => r.method)).toEqual(["nav_expand"]);

    const ctx = entityContext(site.client, { defaults: { kind: "write" } });
    const byDefault = await navSearchString(ctx, "/Project/65", "sh010").catch((e: unknown) => e);
    expect(byDefault).toBeInstanceOf(SgNetworkError);
    expect(site.requests.map((r) => r.method)).toEqual(["nav_expand", "nav_search"]);
  });
});

describe("navigation RPCs against the emulator (not emulated there)", () => {
  it("surfaces the emulator's fault 103 for nav_expand and nav_search as SgFault", async () => {
    const site = await startSite();
    try {
      const calls = [
        ["nav_expand", navExpand(site.client, "/Project/1")],
        ["nav_search", navSearchString(site.client, "/Project/1", "sh010")],
        ["nav_search", navSearchEntity(site.client, "/Project/1", { type: "Shot", id: 1 })],
      ] as const;
      for (const [method, pending] of calls) {
        const error = await pending.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SgFault);
        expect((error as SgFault).errorCode).toBe(103);
        expect((error as SgFault).method).toBe(method);
        expect((error as SgFault).serverMessage).toBe(`Unknown method '${method}'`);
      }
      // A fault is final: each call reached the site once.
      expect(site.methods()).toEqual(["nav_expand", "nav_search", "nav_search"]);
    } finally {
      await site.close();
    }
  });
});
