// Calls a script ported from the Python client makes, checked to send what it sends and return what it returns.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SgProtocolError, SgValidationError, createClient } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { activityStreamRead, entityApi, find, findOne, noteThreadRead, textSearch, upload } from "./index.js";
import { startLoopbackSite } from "./test-support/loopback.js";
import { demoProject, useSite } from "./test-support/suite.js";

const site = useSite();

describe("limit: 0 is sent as the Python client sends it", () => {
  it("textSearch sends max_results: 0 and gets the site's matches", async () => {
    const result = await site().api.textSearch("SQ010", { Shot: [] }, { limit: 0 });
    expect(site().payloads("query_display_name_cache").at(-1)).toMatchObject({ text: "SQ010", max_results: 0 });
    expect(result.matches.length).toBeGreaterThan(0);
  });

  it("activityStreamRead sends limit: 0 and gets the site's updates", async () => {
    const shot = await site().api.create("Shot", { code: "parity_limit_0", project: demoProject(site()) });
    const stream = await site().api.activityStreamRead("Shot", shot.id, { limit: 0 });
    expect(site().payloads("activity_stream").at(-1)).toEqual({ type: "Shot", id: shot.id, max_id: null, min_id: null, limit: 0, entity_fields: {} });
    expect(stream.entity_id).toBe(shot.id);
    expect(stream.updates.length).toBeGreaterThan(0);
  });
});

describe("limit: null is Python's default None: sent as null, as when it is left out", () => {
  // A script ported from text_search(..., limit=None) or activity_stream_read(..., limit=None) was refused.
  it("textSearch sends max_results: null and gets what it gets without a limit", async () => {
    const unlimited = await site().api.textSearch("SQ010", { Shot: [] });
    const result = await site().api.textSearch("SQ010", { Shot: [] }, { limit: null });
    expect(site().payloads("query_display_name_cache").slice(-2)).toEqual([
      { text: "SQ010", entity_types: { Shot: { logical_operator: "and", conditions: [] } }, project_ids: [], max_results: null },
      { text: "SQ010", entity_types: { Shot: { logical_operator: "and", conditions: [] } }, project_ids: [], max_results: null },
    ]);
    expect(result.matches.length).toBeGreaterThan(0);
    expect(result).toEqual(unlimited);
  });

  it("activityStreamRead sends limit: null and gets what it gets without a limit", async () => {
    const shot = await site().api.create("Shot", { code: "parity_limit_null", project: demoProject(site()) });
    const unlimited = await site().api.activityStreamRead("Shot", shot.id);
    const stream = await activityStreamRead(site().client, "Shot", shot.id, { limit: null });
    expect(site().payloads("activity_stream").slice(-2)).toEqual([
      { type: "Shot", id: shot.id, max_id: null, min_id: null, limit: null, entity_fields: {} },
      { type: "Shot", id: shot.id, max_id: null, min_id: null, limit: null, entity_fields: {} },
    ]);
    expect(stream.updates.length).toBeGreaterThan(0);
    expect(stream).toEqual(unlimited);
  });
});

describe("the other options whose Python default is None take null as not given", () => {
  // A script ported from text_search(..., project_ids=None), activity_stream_read(..., min_id=None, max_id=None,
  // entity_fields=None) or note_thread_read(..., entity_fields=None) was refused before sending, though Python
  // sends these calls: null is sent as Python sends None (`project_ids or []`, `entity_fields or {}`, ids as null),
  // which is also what goes out when the option is left out.
  it("textSearch projectIds, activityStreamRead minId / maxId / entityFields, noteThreadRead entityFields", async () => {
    const shot = await site().api.create("Shot", { code: "parity_options_null", project: demoProject(site()) });
    const note = (await findOne(site().client, "Note", [["subject", "contains", "Timing"]]))!;
    const cases: [string, () => Promise<unknown>, () => Promise<unknown>, unknown][] = [
      ["query_display_name_cache", () => textSearch(site().client, "SQ010", { Shot: [] }), () => textSearch(site().client, "SQ010", { Shot: [] }, { projectIds: null, limit: null }),
        { text: "SQ010", entity_types: { Shot: { logical_operator: "and", conditions: [] } }, project_ids: [], max_results: null }],
      ["activity_stream", () => activityStreamRead(site().client, "Shot", shot.id), () => activityStreamRead(site().client, "Shot", shot.id, { minId: null, maxId: null, limit: null, entityFields: null }),
        { type: "Shot", id: shot.id, max_id: null, min_id: null, limit: null, entity_fields: {} }],
      ["note_thread_contents", () => noteThreadRead(site().client, note.id), () => noteThreadRead(site().client, note.id, { entityFields: null }), { note_id: note.id, entity_fields: {} }],
    ];
    for (const [method, leftOut, givenNull, payload] of cases) {
      const plain = await leftOut();
      expect(await givenNull(), method).toEqual(plain);
      expect(site().payloads(method).slice(-2), method).toEqual([payload, payload]);
    }
  });

  it("a value of another type is still refused, naming the option", async () => {
    const refusals: [Promise<unknown>, string[]][] = [
      [textSearch(site().client, "SQ010", { Shot: [] }, { projectIds: 5 as never }), ["options", "projectIds"]],
      [activityStreamRead(site().client, "Shot", 1, { minId: -1 }), ["options", "minId"]],
      [activityStreamRead(site().client, "Shot", 1, { maxId: "9" as never }), ["options", "maxId"]],
      [noteThreadRead(site().client, 1, { entityFields: [] as never }), ["options", "entityFields"]],
    ];
    for (const [refused, path] of refusals) await expect(refused).rejects.toMatchObject({ name: "SgValidationError", path });
  });
});

describe("textSearch and activityStreamRead post-process only the top level of the reply, as Python does", () => {
  // Python runs its record parsing (`&lt;` → `<`, this platform's local_path) on the reply object itself,
  // whose matches / updates are lists: their entries come back as the site sent them.
  const localLink = { link_type: "local", name: "a.mov", local_path_linux: "/mnt/a.mov", local_path_mac: "/Volumes/a.mov", local_path_windows: "C:\\a.mov", url: "file:///server/a.mov" };
  const match = { type: "Shot", id: 7, name: "sh &lt;010&gt;", links: ["Sequence", "SQ &lt;1&gt;"], status: "ip" };
  const update = { id: 70, update_type: "create", content: "a &lt; b", this_file: localLink, primary_entity: { type: "Shot", id: 7, name: "sh &lt;010&gt;" } };
  const answer = (method: string): unknown =>
    method === "info" ? { version: [8, 50, 0] }
    : method === "query_display_name_cache" ? { matches: [match], terms: ["sh"] }
    : { entity_type: "Shot", entity_id: 7, earliest_update_id: 70, latest_update_id: 70, updates: [update] };

  it("leaves match names as the site sent them", async () => {
    const loop = await startLoopbackSite(answer);
    try {
      const result = await textSearch(loop.client, "sh010", { Shot: [] });
      expect(result).toEqual({ matches: [match], terms: ["sh"] });
    } finally {
      await loop.close();
    }
  });

  it("leaves updates as the site sent them", async () => {
    const loop = await startLoopbackSite(answer);
    try {
      const stream = await activityStreamRead(loop.client, "Shot", 7);
      expect(stream.updates).toEqual([update]);
      expect(stream).toMatchObject({ entity_type: "Shot", entity_id: 7, earliest_update_id: 70, latest_update_id: 70 });
    } finally {
      await loop.close();
    }
  });
});

describe("records: `&lt;` in a top-level string comes back as `<`, as in Python (spec §7.2#15)", () => {
  // The site sanitises `<` as `&lt;` in the strings it returns; Python undoes exactly that, on each record's own
  // string fields: no other entity, no `&amp;lt;`, nothing inside a list or a nested dict.
  const sent = { type: "Shot", id: 7, code: "a &lt;b&gt; &amp;lt;", tags: ["a &lt;b"], sg_meta: { note: "x &lt;y" } };
  const parsed = { type: "Shot", id: 7, code: "a <b&gt; &amp;lt;", tags: ["a &lt;b"], sg_meta: { note: "x &lt;y" } };
  const answer = (method: string): unknown =>
    method === "info" ? { version: [8, 50, 0] }
    : method === "read" ? { entities: [sent], paging_info: { entity_count: 1 } }
    : method === "batch" ? [sent, sent]
    : sent;

  it("from find, create, update and batch", async () => {
    const loop = await startLoopbackSite(answer);
    try {
      const api = entityApi(loop.client);
      expect(await api.find("Shot", [], ["code", "tags", "sg_meta"])).toEqual([parsed]);
      expect(await api.create("Shot", { code: "a <b" }, ["code", "tags", "sg_meta"])).toEqual(parsed);
      expect(await api.update("Shot", 7, { code: "a <b" })).toEqual(parsed);
      expect(
        await api.batch([
          { request_type: "create", entity_type: "Shot", data: { code: "a <b" } },
          { request_type: "update", entity_type: "Shot", entity_id: 7, data: { code: "a <b" } },
        ]),
      ).toEqual([parsed, parsed]);
      expect(loop.methods.filter((m) => m !== "info")).toEqual(["read", "create", "update", "batch"]);
    } finally {
      await loop.close();
    }
  });
});

describe("a read reply that is not an object is an error, as in Python", () => {
  it("a text/plain answer to read (a proxy's or a login page) says what came back and where to look", async () => {
    // The page echoes the script key: nothing of it may reach the error, which cannot know which words are secrets.
    const key = "0".repeat(60) + "beef";
    const page = `Please sign in to continue. The key ${key} was not accepted.`;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        if (body.includes('"method_name":"info"')) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { version: [8, 50, 0] } }));
        else res.writeHead(200, { "content-type": "text/plain" }).end(page);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = createClient({ site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "loopback", scriptKey: key }) });
    try {
      const error = (await find(client, "Shot", [], ["code"]).catch((e: unknown) => e)) as SgProtocolError;
      expect(error).toBeInstanceOf(SgProtocolError);
      expect(error.reason).toBe(`@sg/entities: 'read' did not return an object (got text of ${page.length} characters)`);
      expect(error.hint).toBe("Something other than the ShotGrid API may be answering (a proxy, a login page): check the site URL and any proxy.");
      expect(error.bodySnippet).toBe("");
      expect(JSON.stringify(error) + String(error) + inspect(error, { depth: 5 })).not.toContain("beef");
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // Python's find calls .get("entities") on the reply, which fails for anything but a dict; an empty list
  // here would tell a script that nothing matched.
  for (const reply of [null, "ok", [{ type: "Shot", id: 1 }]]) {
    it(`find and findOne refuse ${JSON.stringify(reply)}`, async () => {
      const loop = await startLoopbackSite((method) => (method === "info" ? { version: [8, 50, 0] } : reply));
      try {
        await expect(find(loop.client, "Shot", [], ["code"])).rejects.toBeInstanceOf(SgProtocolError);
        await expect(findOne(loop.client, "Shot", [], ["code"])).rejects.toThrow(/^@sg\/entities: 'read' did not return an object/);
        expect(loop.methods.filter((m) => m === "read")).toHaveLength(2);
      } finally {
        await loop.close();
      }
    });
  }

  it("an object without entities is still no records (Python's single-page read defaults them to [])", async () => {
    const loop = await startLoopbackSite((method) => (method === "info" ? { version: [8, 50, 0] } : {}));
    try {
      expect(await find(loop.client, "Shot", [], ["code"], { limit: 5 })).toEqual([]);
    } finally {
      await loop.close();
    }
  });
});

describe("upload takes Python's tag_list string", () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-entities-parity-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sends a comma-separated tagList as it is, and the Attachment gets those tags", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "some notes");
    const version = await site().api.create("Version", { code: "parity_tags", project: demoProject(site()) });
    const id = await site().api.upload("Version", version.id, file, { tagList: "review,client" });
    const attachment = await site().api.findOne("Attachment", [["id", "is", id]], ["tag_list"]);
    expect(attachment?.["tag_list"]).toEqual(["review", "client"]);
  });

  it("puts tag_list on the wire exactly as written, and joins an array with commas; an array tag holding a comma is refused", async () => {
    // A node:http site that answers info and captures the upload form, so the test sees what was sent, not what
    // a site made of it after splitting and trimming.
    const forms: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.setEncoding("latin1");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        if (req.url === "/upload/upload_file") {
          forms.push(body);
          res.writeHead(200, { "content-type": "text/plain" }).end("1:77\n");
        } else {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { version: [8, 50, 0] } }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = createClient({ site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "loopback", scriptKey: "0".repeat(64) }) });
    try {
      const file = new File([new TextEncoder().encode("x")], "x.txt");
      const tagListOf = (form: string): string | undefined => /name="tag_list"\r\n\r\n([^\r]*)\r\n/.exec(form)?.[1];
      expect(await upload(client, "Shot", 1, file, { tagList: "review, client" })).toBe(77);
      expect(await upload(client, "Shot", 1, file, { tagList: ["review", "client"] })).toBe(77);
      await upload(client, "Shot", 1, file, { tagList: "" });
      expect(forms.map(tagListOf)).toEqual(["review, client", "review,client", undefined]);
      const refused = await upload(client, "Shot", 1, file, { tagList: ["review,client"] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SgValidationError);
      expect(refused).toMatchObject({ path: ["options", "tagList", 0] });
      expect(forms).toHaveLength(3);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
