/**
 * The entity fields asked for with `entityFields` in `noteThreadRead` and `activityStreamRead`, against the emulator:
 * decoded as `find` decodes the same field (a `date_time` field a `Date`, or a wire string with `dates: "string"`).
 * Before, they stayed wire strings whatever the date mode. The site's own "… UTC" timestamps stay as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type DateMode, type TransportStrategy } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, type EntityApiOptions } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

let site: TestSite;
let project: { type: "Project"; id: number };
let shot: number;
let note: number;
let reply: number;
beforeAll(async () => {
  site = await startSite();
  project = demoProject(site);
  shot = (await site.api.create("Shot", { code: "ad_shot", project })).id;
  note = (await site.api.create("Note", { subject: "ad note", content: "look", project, note_links: [{ type: "Shot", id: shot }] })).id;
  reply = (await site.api.create("Reply", { content: "seen", entity: { type: "Note", id: note } })).id;
});
afterAll(async () => {
  await site.close();
});

const UTC_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;

describe("noteThreadRead", () => {
  it("decodes the requested fields of each item by its own type, as find does", async () => {
    const api = site.apiWith();
    const thread = await api.noteThreadRead(note, { entityFields: { Note: ["updated_at"], Reply: ["entity.Note.updated_at"] } });
    const noteItem = thread.find((r) => r.type === "Note")!;
    const replyItem = thread.find((r) => r.type === "Reply" && r.id === reply)!;
    const [foundNote] = await api.find("Note", [["id", "is", note]], ["updated_at"]);
    const [foundReply] = await api.find("Reply", [["id", "is", reply]], ["entity.Note.updated_at"]);
    expect(noteItem.updated_at).toBeInstanceOf(Date);
    expect(noteItem.updated_at).toEqual(foundNote!.updated_at);
    expect(replyItem["entity.Note.updated_at"]).toEqual(foundReply!["entity.Note.updated_at"]);
    expect(replyItem["entity.Note.updated_at"]).toBeInstanceOf(Date);
    // the site's own timestamps are not wire datetimes: returned as sent
    expect(noteItem.created_at).toMatch(UTC_TEXT);
  });

  it("leaves them wire strings with dates: 'string', as find does", async () => {
    const api = site.apiWith({ dates: "string" });
    const thread = await api.noteThreadRead(note, { entityFields: { Note: ["updated_at"] } });
    const [found] = await api.find("Note", [["id", "is", note]], ["updated_at"]);
    expect(typeof found!.updated_at).toBe("string");
    expect(thread.find((r) => r.type === "Note")!.updated_at).toBe(found!.updated_at);
  });
});

describe("activityStreamRead", () => {
  it("decodes each update's primary_entity by its type, as find does", async () => {
    const api = site.apiWith();
    const stream = await api.activityStreamRead("Shot", shot, { entityFields: { Shot: ["updated_at"], Note: ["updated_at"] } });
    const ofShot = stream.updates.find((u) => (u["primary_entity"] as { type: string }).type === "Shot")!["primary_entity"] as Record<string, unknown>;
    const ofNote = stream.updates.find((u) => (u["primary_entity"] as { type: string }).type === "Note")!["primary_entity"] as Record<string, unknown>;
    const [foundShot] = await api.find("Shot", [["id", "is", shot]], ["updated_at"]);
    const [foundNote] = await api.find("Note", [["id", "is", note]], ["updated_at"]);
    expect(ofShot["updated_at"]).toBeInstanceOf(Date);
    expect(ofShot["updated_at"]).toEqual(foundShot!.updated_at);
    expect(ofNote["updated_at"]).toBeInstanceOf(Date);
    expect(ofNote["updated_at"]).toEqual(foundNote!.updated_at);
    expect(stream.updates[0]!["created_at"]).toMatch(UTC_TEXT);
  });

  it("leaves them wire strings with dates: 'string'", async () => {
    const api = site.apiWith({ dates: "string" });
    const stream = await api.activityStreamRead("Shot", shot, { entityFields: { Shot: ["updated_at"] } });
    const [found] = await api.find("Shot", [["id", "is", shot]], ["updated_at"]);
    const ofShot = stream.updates.find((u) => (u["primary_entity"] as { type: string }).type === "Shot")!["primary_entity"] as Record<string, unknown>;
    expect(ofShot["updated_at"]).toBe(found!.updated_at);
    expect(typeof ofShot["updated_at"]).toBe("string");
  });
});

describe("the field types both read to decode", () => {
  /** An API on a client of its own (cold caches), and the most schema reads it had in flight at once. */
  function coldApi(options?: EntityApiOptions<DateMode>): { api: ReturnType<typeof entityApi>; methods: string[]; mostAtOnce: () => number } {
    const inner = jsonRpcTransport();
    const script = site.emulator.card.scripts[0] as { name: string; key: string };
    const methods: string[] = [];
    let open = 0;
    let most = 0;
    const transport: TransportStrategy = {
      name: "counting",
      send: (request, context) => {
        methods.push(request.method);
        if (request.method !== "schema_field_read") return inner.send(request, context);
        most = Math.max(most, ++open);
        return inner.send(request, context).finally(() => open--);
      },
      close: () => inner.close?.() ?? Promise.resolve(),
    };
    const client = createClient({ site: site.emulator.url, transport, auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
    return { api: entityApi(client, options as EntityApiOptions), methods, mostAtOnce: () => most };
  }

  it("need the schema read: refused, the call fails, unless fieldTypes says the types or dates: 'string' reads none", async () => {
    site.emulator.injectFault({ method: "schema_field_read", errorCode: 104, message: "Permission denied", times: 1 });
    await expect(coldApi().api.noteThreadRead(note, { entityFields: { Note: ["updated_at"] } })).rejects.toThrow(/schema_field_read/);
    const declared = coldApi({ fieldTypes: { Note: { updated_at: "date_time" } } });
    const thread = await declared.api.noteThreadRead(note, { entityFields: { Note: ["updated_at"] } });
    expect(thread.find((r) => r.type === "Note")!.updated_at).toBeInstanceOf(Date);
    const strings = coldApi({ dates: "string" });
    const stream = await strings.api.activityStreamRead("Shot", shot, { entityFields: { Shot: ["updated_at"] } });
    expect(stream.updates.length).toBeGreaterThan(0);
    expect([...declared.methods, ...strings.methods]).not.toContain("schema_field_read");
  });

  it("are read at once, not one type after another", async () => {
    site.emulator.injectFault({ method: "schema_field_read", delayMs: 150, times: 2 });
    const thread = coldApi();
    await thread.api.noteThreadRead(note, { entityFields: { Note: ["updated_at"], Reply: ["user.ApiUser.updated_at"] } });
    expect(thread.methods.filter((m) => m === "schema_field_read").length).toBe(2);
    expect(thread.mostAtOnce()).toBe(2);
    site.emulator.injectFault({ method: "schema_field_read", delayMs: 150, times: 2 });
    const stream = coldApi();
    await stream.api.activityStreamRead("Shot", shot, { entityFields: { Shot: ["updated_at"], Note: ["updated_at"] } });
    expect(stream.methods.filter((m) => m === "schema_field_read").length).toBe(2);
    expect(stream.mostAtOnce()).toBe(2);
  });
});
