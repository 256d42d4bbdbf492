/**
 * The reads that entities sends on its own behalf — `schema_field_read` behind date decoding and `get_session_token`
 * behind a download — go as reads whatever the client's `defaults.kind`, as core sends `info`: with
 * `defaults: { kind: "write" }` a 502 on them is retried (it wrote nothing), rather than failing the find or the
 * download with "the write may have been applied". Over a node:http site on 127.0.0.1 that answers each of them 502
 * once.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { downloadAttachment, findOne } from "./index.js";

/** The RPC method names received, in order. */
const received: string[] = [];
/** The methods still to be answered 502 once. */
const failOnce = new Set<string>();
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    if (req.method === "GET") return res.writeHead(200, { "content-type": "application/octet-stream" }).end("bytes");
    const method = (JSON.parse(body) as { method_name: string }).method_name;
    received.push(method);
    if (failOnce.delete(method)) return res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
    const results =
      method === "schema_field_read"
        ? { created_at: { data_type: { value: "date_time" } } }
        : method === "get_session_token"
          ? { session_id: "tok" }
          : method === "read"
            ? { entities: [{ type: "Shot", id: 1, created_at: "2024-01-01T00:00:00Z" }], paging_info: { entity_count: 1 } }
            : { version: [8, 0, 0] };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
  });
});
let client: Client;
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createClient({ site: url, defaults: { kind: "write" }, transport: jsonRpcTransport({ retry: { baseDelayMs: 0 } }), auth: scriptAuth({ scriptName: "x", scriptKey: "0".repeat(64) }) });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("with defaults.kind 'write', entities' own reads go as reads", () => {
  it("schema_field_read answered 502 is sent again, and the find decodes its dates", async () => {
    received.length = 0;
    failOnce.add("schema_field_read");
    const shot = await findOne(client, "Shot", [], ["created_at"], { kind: "read" });
    expect(shot?.["created_at"]).toBeInstanceOf(Date);
    expect(received.filter((m) => m === "schema_field_read")).toHaveLength(2);
  });

  it("get_session_token answered 502 is sent again, and the download goes on", async () => {
    received.length = 0;
    failOnce.add("get_session_token");
    const bytes = await downloadAttachment(client, { url: `${url}/file_serve/attachment/1` });
    expect(new TextDecoder().decode(bytes)).toBe("bytes");
    expect(received.filter((m) => m === "get_session_token")).toHaveLength(2);
  });
});
