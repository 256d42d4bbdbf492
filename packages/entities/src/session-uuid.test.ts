import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, SgValidationError, type Client, type DefaultCallOptions } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport, type FetchFunction } from "@sg/transport";
import { create, entityContext, find, info, update, upload } from "./index.js";

// `sessionUuid` end to end over real sockets: the emulator stamps `session_uuid` on the EventLogEntries a call
// creates, as a site does for the browser page open with that session. What went on the wire is read from the
// request bodies themselves (the emulator's request log records no auth params).

const UUID_A = "5d3e6f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const UUID_B = "0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b";

/** One request as it left the transport: its path, RPC method, and the `session_uuid` it carried, if any. */
interface WireRequest {
  readonly path: string;
  readonly method: string | undefined;
  /** Whether the auth params (`params[0]`) or the form hold a `session_uuid` key at all. */
  readonly hasSessionUuid: boolean;
  readonly sessionUuid: string | undefined;
  /** The whole body as text, for the RPCs. */
  readonly text: string;
}

let emulator: EmulatorHandle;
let project: { type: "Project"; id: number };
const wire: WireRequest[] = [];
const clients: Client[] = [];

// A fetch that notes what each request carries, then sends it as usual.
const recordingFetch: FetchFunction = async (input, init) => {
  const path = new URL(input).pathname;
  const body = init.body;
  if (typeof body === "string") {
    const rpc = JSON.parse(body) as { method_name: string; params?: unknown[] };
    const first = rpc.params?.[0];
    const auth = first !== null && typeof first === "object" && !Array.isArray(first) ? (first as Record<string, unknown>) : {};
    wire.push({ path, method: rpc.method_name, hasSessionUuid: "session_uuid" in auth, sessionUuid: auth["session_uuid"] as string | undefined, text: body });
  } else if (body instanceof FormData || body instanceof URLSearchParams) {
    const value = body.get("session_uuid");
    wire.push({ path, method: undefined, hasSessionUuid: body.has("session_uuid"), sessionUuid: typeof value === "string" ? value : undefined, text: "" });
  } else {
    wire.push({ path, method: undefined, hasSessionUuid: false, sessionUuid: undefined, text: "" });
  }
  return fetch(input, init);
};

function connect(defaults?: DefaultCallOptions): Client {
  const script = emulator.card.scripts[0] as { name: string; key: string };
  const client = createClient({
    site: emulator.url,
    transport: jsonRpcTransport({ fetch: recordingFetch }),
    auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }),
    ...(defaults ? { defaults } : {}),
  });
  clients.push(client);
  return client;
}

/** The `session_uuid` of each event logged for an entity, oldest first, read back with a find. */
async function eventUuids(client: Client, entity: { type: string; id: number }): Promise<(string | null)[]> {
  const events = await find(client, "EventLogEntry", [["entity", "is", entity]], ["event_type", "session_uuid"], { order: [{ field_name: "id", direction: "asc" }] });
  expect(events.length).toBeGreaterThan(0);
  return events.map((e) => e["session_uuid"] as string | null);
}

beforeAll(async () => {
  emulator = await startEmulator({ fixtures: "demo" });
  project = emulator.card.projects[0] as { type: "Project"; id: number };
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emulator.close();
});

describe("sessionUuid against the emulator", () => {
  it("stamps the EventLogEntries of a create and an update that pass it", async () => {
    const sg = connect();
    wire.length = 0;
    const shot = await create(sg, "Shot", { code: "uuid_create", project }, undefined, { sessionUuid: UUID_A });
    await update(sg, "Shot", shot.id, { description: "seen live" }, { sessionUuid: UUID_A });
    expect(await eventUuids(sg, shot)).toEqual([UUID_A, UUID_A]);
    expect(wire.filter((r) => r.method === "create" || r.method === "update").map((r) => r.sessionUuid)).toEqual([UUID_A, UUID_A]);
  });

  it("sends no session_uuid from a call without one, even right after a call with one: its events carry none", async () => {
    const sg = connect();
    wire.length = 0;
    const shot = await create(sg, "Shot", { code: "uuid_none", project });
    await update(sg, "Shot", shot.id, { description: "with a session" }, { sessionUuid: UUID_A });
    await update(sg, "Shot", shot.id, { description: "no session" });
    expect(await eventUuids(sg, shot)).toEqual([null, UUID_A, null]);
    expect(wire.filter((r) => r.method !== "info").map((r) => [r.method, r.hasSessionUuid])).toEqual([
      ["create", false],
      ["update", true],
      ["update", false],
      ["read", false],
    ]);
  });

  it("defaults: { sessionUuid } goes with every authenticated call; a call's own value wins", async () => {
    const sg = connect({ sessionUuid: UUID_A });
    wire.length = 0;
    const shot = await create(sg, "Shot", { code: "uuid_defaults", project });
    await update(sg, "Shot", shot.id, { description: "from the defaults" });
    await update(sg, "Shot", shot.id, { description: "from this call" }, { sessionUuid: UUID_B });
    expect(await eventUuids(sg, shot)).toEqual([UUID_A, UUID_A, UUID_B]);
    const rpcs = wire.filter((r) => r.method !== undefined && r.method !== "info");
    expect(rpcs.map((r) => r.method)).toEqual(["create", "update", "update", "read"]);
    expect(rpcs.map((r) => r.sessionUuid)).toEqual([UUID_A, UUID_A, UUID_B, UUID_A]);
  });

  it("an entity context's defaults and its calls pass it too", async () => {
    const sg = entityContext(connect(), { defaults: { sessionUuid: UUID_B } });
    const shot = await create(sg, "Shot", { code: "uuid_context", project });
    await update(sg, "Shot", shot.id, { description: "from this call" }, { sessionUuid: UUID_A });
    expect(await eventUuids(sg.client, shot)).toEqual([UUID_B, UUID_A]);
  });

  it("stamps an upload's events, sent as the session_uuid form field", async () => {
    const sg = connect();
    const shot = await create(sg, "Shot", { code: "uuid_upload", project });
    wire.length = 0;
    const attachmentId = await upload(sg, "Shot", shot.id, new Blob(["live upload\n"], { type: "text/plain" }), { displayName: "live.txt", sessionUuid: UUID_B });
    expect(wire.filter((r) => r.path === "/upload/upload_file").map((r) => r.sessionUuid)).toEqual([UUID_B]);
    expect(await eventUuids(sg, { type: "Attachment", id: attachmentId })).toEqual([UUID_B]);
    // and through the defaults, with no option on the upload itself
    const tool = connect({ sessionUuid: UUID_A });
    const second = await upload(tool, "Shot", shot.id, new Blob(["tool upload\n"], { type: "text/plain" }), { displayName: "tool.txt" });
    expect(await eventUuids(tool, { type: "Attachment", id: second })).toEqual([UUID_A]);
  });

  it("never sends it with info", async () => {
    const sg = connect({ sessionUuid: UUID_A });
    wire.length = 0;
    await info(sg, { sessionUuid: UUID_B });
    await sg.call("info", undefined, { sessionUuid: UUID_B });
    await sg.info({ refresh: true });
    await sg.call("read", { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 } });
    expect(wire.map((r) => r.method)).toEqual(["info", "info", "read"]);
    for (const r of wire.slice(0, 2)) expect(r.text).not.toContain("session_uuid");
    expect(wire[2]!.sessionUuid).toBe(UUID_A); // while the calls that carry credentials do carry it
  });

  it("refuses a bad value before anything is sent, the site's info included", async () => {
    const sg = connect(); // cold: info not fetched yet, so an upload would ask for it first
    const shot = await create(connect(), "Shot", { code: "uuid_bad", project });
    const received = emulator.requests().length;
    wire.length = 0;
    const blob = new Blob(["never sent\n"], { type: "text/plain" });
    for (const bad of ["", "line\nbreak", "\u0000", 7 as unknown as string]) {
      const attempts = [
        update(sg, "Shot", shot.id, { description: "never" }, { sessionUuid: bad }),
        create(sg, "Shot", { code: "never", project }, undefined, { sessionUuid: bad }),
        find(sg, "Shot", [], ["code"], { sessionUuid: bad }),
        upload(sg, "Shot", shot.id, blob, { displayName: "never.txt", sessionUuid: bad }),
      ];
      for (const attempt of attempts) {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SgValidationError);
        expect(error).toMatchObject({ path: ["sessionUuid"], message: expect.stringMatching(/^@sg\/core: sessionUuid: expected a non-empty string without control characters/) });
      }
    }
    expect(() => connect({ sessionUuid: "tab\there" })).toThrow(expect.objectContaining({ path: ["defaults", "sessionUuid"] }));
    expect(wire).toEqual([]);
    expect(emulator.requests()).toHaveLength(received);
  });
});

describe("an entity context's defaults, changed after it was made", () => {
  it("change nothing it sends: its session UUID and signal stay the ones it was given", async () => {
    const client = connect();
    const defaults: { sessionUuid?: string; signal?: AbortSignal } = { sessionUuid: UUID_A, signal: new AbortController().signal };
    const ann = entityContext(client, { defaults });
    const bobsRequest = new AbortController();
    defaults.sessionUuid = UUID_B; // an app that fills in one options object per request, for the next context
    defaults.signal = bobsRequest.signal;
    const bob = entityContext(client, { defaults });
    bobsRequest.abort();
    wire.length = 0;
    const shot = await create(ann, "Shot", { code: "uuid_copied_defaults", project });
    await update(ann, "Shot", shot.id, { description: "still ann's" });
    expect(wire.filter((r) => r.method === "create" || r.method === "update").map((r) => r.sessionUuid)).toEqual([UUID_A, UUID_A]);
    expect(await eventUuids(client, shot)).toEqual([UUID_A, UUID_A]);
    expect(bob.client).toBe(client);
  });

  it("a default kind 'read' set afterwards is not used: a create answered 502 goes out once", async () => {
    const defaults: { kind?: string } = {};
    const sg = entityContext(connect(), { defaults: defaults as { kind?: "write" } });
    defaults.kind = "read"; // refused when the context is made: it would let a create be retried after it may have landed
    emulator.injectFault({ method: "create", status: 502 });
    wire.length = 0;
    await expect(create(sg, "Shot", { code: "uuid_once", project })).rejects.toMatchObject({ name: "SgHttpError", status: 502 });
    expect(wire.filter((r) => r.method === "create")).toHaveLength(1);
  });
});
