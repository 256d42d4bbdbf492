import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgProtocolError } from "@sg/core";
import { deleteEntity, entityApi, exportPage, find, summarize, type EntityApi } from "./index.js";
import { startLoopbackSite } from "./test-support/loopback.js";
import { startSite, type TestSite } from "./test-support/site.js";

// A reply that is not what a method answers — a proxy's text page, an empty body — used to be turned into a
// made-up result: no summaries, `false` for a delete, the text as a field name. Each is now an SgProtocolError
// that names the method and says what came back, never quoting it (a page may echo the credentials).

let site: TestSite;
let key: string;
let user: { type: string; id: number };
let shot: { type: string; id: number };
let note: { type: string; id: number };
const project = { type: "Project", id: 1 };
beforeAll(async () => {
  site = await startSite();
  key = (site.emulator.card.scripts[0] as { key: string }).key;
  user = (await site.api.findOne("HumanUser", [["login", "is", "artist"]]))!;
  shot = (await site.api.findOne("Shot", []))!;
  note = (await site.api.findOne("Note", []))!;
});
afterAll(() => site.close());

type Call = (api: EntityApi) => Promise<unknown>;
// [RPC method, call, whether it writes]
const methods: [string, Call, boolean][] = [
  ["summarize", (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }]), false],
  ["delete", (a) => a.delete("Shot", shot.id), true],
  ["revive", (a) => a.revive("Shot", shot.id), true],
  ["query_display_name_cache", (a) => a.textSearch("sh0", { Shot: [] }), false],
  ["schema_read", (a) => a.schemaRead(), false],
  ["schema_entity_read", (a) => a.schemaEntityRead(), false],
  ["schema_field_read", (a) => a.schemaFieldRead("Shot"), false],
  ["schema_field_create", (a) => a.schemaFieldCreate("Shot", "text", "Reply Check"), true],
  ["schema_field_update", (a) => a.schemaFieldUpdate("Shot", "code", { description: "x" }), true],
  ["schema_field_delete", (a) => a.schemaFieldDelete("Shot", "sg_reply_check"), true],
  ["follow", (a) => a.follow(user, shot), true],
  ["unfollow", (a) => a.unfollow(user, shot), true],
  ["followers", (a) => a.followers(shot), false],
  ["following", (a) => a.following(user), false],
  ["activity_stream", (a) => a.activityStreamRead("Shot", shot.id), false],
  ["note_thread_contents", (a) => a.noteThreadRead(note.id), false],
  ["preferences_read", (a) => a.preferencesRead(), false],
  ["work_schedule_read", (a) => a.workScheduleRead("2026-01-05", "2026-01-06"), false],
  ["work_schedule_update", (a) => a.workScheduleUpdate("2026-01-05", true), true],
  ["user_subscriptions_read", (a) => a.userSubscriptionsRead(), false],
  ["user_subscriptions_create", (a) => a.userSubscriptionsCreate([{ humanUserId: user.id, subscription: null }]), true],
  ["update_project_last_accessed_by_current_user", (a) => a.updateProjectLastAccessed(project, { user: { type: "HumanUser", id: user.id } }), true],
  ["create", (a) => a.create("Shot", { code: "reply_check", project }), true],
  ["update", (a) => a.update("Shot", shot.id, { description: "reply check" }), true],
  ["batch", (a) => a.batch([{ request_type: "delete", entity_type: "Shot", entity_id: shot.id }]), true],
  ["read", (a) => a.find("Shot", [], ["code"]), false],
];

describe("a text answer to any method is SgProtocolError, not a made-up result", () => {
  it.each(methods)("%s", async (method, call, write) => {
    // The page echoes the script key, as a login page may: none of it may reach the error.
    const page = `Please sign in. The key ${key} was not accepted.`;
    site.emulator.injectFault({ method, status: 200, body: page });
    const error = await call(site.api).then(
      (value) => value,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SgProtocolError);
    const e = error as SgProtocolError;
    expect(e.method).toBe(method);
    expect(e.reason).toMatch(new RegExp(`^@sg/entities: '${method}' did not return .+ \\(got text of ${page.length} characters\\)$`));
    expect(e.hint).toMatch(/Something other than the ShotGrid API may be answering/);
    expect(e.maybeSent).toBe(write ? true : undefined);
    if (write) expect(e.hint).toMatch(/The write may have landed; check the site before retrying it\./);
    expect(JSON.stringify(e) + String(e) + inspect(e, { depth: 5 })).not.toContain(key);
    expect(JSON.stringify(e) + String(e)).not.toContain("sign in");
  });
});

describe("the schema_field_read a find makes to decode its dates", () => {
  it("answered with text is SgProtocolError, not datetimes handed over as strings", async () => {
    const { client } = site.freshClient(); // cold caches: the field types are read
    site.emulator.injectFault({ method: "schema_field_read", status: 200, body: `Please sign in. ${key}` });
    const error = await find(client, "Shot", [], ["created_at"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgProtocolError);
    expect((error as SgProtocolError).method).toBe("schema_field_read");
    expect((error as SgProtocolError).message).toMatch(/'schema_field_read' did not return an object \(got text of \d+ characters\)/);
    expect(JSON.stringify(error) + String(error) + inspect(error, { depth: 5 })).not.toContain(key);
  });
});

describe("an empty answer (null) to any method is SgProtocolError", () => {
  it.each(methods)("%s", async (method, call, write) => {
    site.emulator.injectFault({ method, status: 200, body: "" });
    const error = await call(site.api).then(
      (value) => value,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SgProtocolError);
    expect((error as SgProtocolError).reason).toMatch(new RegExp(`^@sg/entities: '${method}' did not return .+ \\(got null\\)$`));
    expect((error as SgProtocolError).maybeSent).toBe(write ? true : undefined);
  });
});

describe("replies of another JSON shape (loopback site)", () => {
  // [RPC method, reply, call]
  const cases: [string, unknown, Call][] = [
    ["summarize", [], (a) => a.summarize("Shot", [], [{ field: "id", type: "count" }])],
    ["delete", { type: "Shot", id: 1 }, (a) => a.delete("Shot", 1)],
    ["revive", "true", (a) => a.revive("Shot", 1)],
    ["schema_field_create", { name: "sg_x" }, (a) => a.schemaFieldCreate("Shot", "text", "X")],
    ["schema_field_update", 1, (a) => a.schemaFieldUpdate("Shot", "code", { description: "x" })],
    ["followers", { users: [] }, (a) => a.followers({ type: "Shot", id: 1 })],
    ["note_thread_contents", { type: "Note", id: 1 }, (a) => a.noteThreadRead(1)],
    ["export_page", { csv: "a,b" }, (a) => a.exportPage(1, "csv")],
    ["query_display_name_cache", ["not an object"], (a) => a.textSearch("sh0", { Shot: [] })],
  ];
  it.each(cases)("%s answered %j", async (method, reply, call) => {
    const loop = await startLoopbackSite((m) => (m === "info" ? { version: [8, 50, 0] } : m === method ? reply : null));
    try {
      const error = await call(entityApi(loop.client)).then(
        (value) => value,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SgProtocolError);
      expect((error as SgProtocolError).reason).toMatch(new RegExp(`^@sg/entities: '${method}' did not return `));
    } finally {
      await loop.close();
    }
  });

  it("says what came back by its shape only: never a key's name or a value, which may be a secret the site echoed", async () => {
    // [reply, what the error says it got]
    const shapes: [unknown, string][] = [
      [{ ingest: 1, SKEYmark1234: "SKEYmark1234" }, "an object with 2 key(s)"],
      [{ [key]: true }, "an object with 1 key(s)"],
      [{}, "an object with 0 key(s)"],
      [8731904417, "a number"],
      [["SKEYmark1234", "x"], "an array of 2"],
    ];
    for (const [reply, got] of shapes) {
      const loop = await startLoopbackSite((m) => (m === "info" ? { version: [8, 50, 0] } : reply));
      try {
        const error = await entityApi(loop.client).delete("Shot", 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SgProtocolError);
        expect((error as SgProtocolError).reason).toBe(`@sg/entities: 'delete' did not return true or false (got ${got})`);
        const shown = JSON.stringify(error) + String(error) + inspect(error, { showHidden: true, depth: null });
        for (const quoted of ["SKEYmark1234", "ingest", key, "8731904417"]) expect(shown).not.toContain(quoted);
      } finally {
        await loop.close();
      }
    }
  });

  it("the replies of the site itself pass (an empty summaries object, false for a delete, an empty CSV)", async () => {
    const answers: Record<string, unknown> = { info: { version: [8, 50, 0] }, summarize: { summaries: {}, groups: [] }, delete: false, export_page: null };
    const loop = await startLoopbackSite((m) => answers[m] ?? null);
    try {
      expect(await summarize(loop.client, "Shot", [], [{ field: "id", type: "count" }])).toEqual({ summaries: {}, groups: [] });
      expect(await deleteEntity(loop.client, "Shot", 1)).toBe(false);
      // An empty body is an empty export, as Python returns the body as it is.
      expect(await exportPage(loop.client, 1, "csv")).toBe("");
    } finally {
      await loop.close();
    }
  });
});
