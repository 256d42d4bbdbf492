/**
 * A call's `retry` is read when the call is made, the object inside it too: an app that reuses one options object and
 * changes its `retry` right after the call (for the next one) changes neither how often a create or update answered
 * 502 is sent, nor how often a download answered 503 is asked for. Over a node:http site on 127.0.0.1.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { create, downloadAttachment, update } from "./index.js";

/** Requests received: the RPC method name, or `GET <path>`. */
const received: string[] = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    if (req.method === "GET") {
      received.push(`GET ${req.url}`);
      return res.writeHead(503, { "content-type": "text/plain" }).end("busy");
    }
    const method = (JSON.parse(body) as { method_name: string }).method_name;
    received.push(method);
    if (method === "create" || method === "update") return res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: method === "get_session_token" ? { session_id: "tok" } : { version: [8, 0, 0] } }));
  });
});
let client: Client;
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createClient({ site: url, transport: jsonRpcTransport({ retry: { baseDelayMs: 0 } }), auth: scriptAuth({ scriptName: "x", scriptKey: "0".repeat(64) }) });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type Options = { retry: { maxAttempts: number; retryWrites?: boolean; retryStatuses?: number[] } };

describe("a call's retry is read when the call is made", () => {
  it.each([
    ["create", (o: Options) => create(client, "Shot", { code: "a" }, [], o)],
    ["update", (o: Options) => update(client, "Shot", 1, { code: "a" }, o)],
  ] as const)("%s answered 502 is sent once when retry.maxAttempts and retryWrites change after the call", async (method, call) => {
    received.length = 0;
    const options: Options = { retry: { maxAttempts: 1 } };
    const made = call(options);
    options.retry.retryWrites = true;
    options.retry.maxAttempts = 4;
    await expect(made).rejects.toMatchObject({ name: "SgHttpError" });
    expect(received.filter((m) => m === method)).toHaveLength(1);
  });

  it("a download answered 503 is asked for once when retry.maxAttempts changes after the call", async () => {
    received.length = 0;
    const options: Options = { retry: { maxAttempts: 1 } };
    const made = downloadAttachment(client, { url: `${url}/file_serve/attachment/1` }, options);
    options.retry.maxAttempts = 5;
    await expect(made).rejects.toMatchObject({ name: "SgTransferError" });
    expect(received.filter((m) => m.startsWith("GET"))).toHaveLength(1);
  });
});
