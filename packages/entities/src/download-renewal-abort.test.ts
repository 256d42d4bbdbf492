/**
 * A download refused for its session (401) renews the token with a `get_session_token` that the download's own signal
 * can end, as the first token's fetch: when the only download waiting for the renewal aborts, the renewal request is
 * ended too, rather than left open (holding the site and the process) until the transport's timeout. Over a node:http
 * site on 127.0.0.1 that refuses every download and holds the second `get_session_token`.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SgAbortError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { downloadAttachment } from "./index.js";

let tokens = 0;
let renewalArrived!: () => void;
const arrived = new Promise<void>((resolve) => (renewalArrived = resolve));
let renewalClosed!: () => void;
const closed = new Promise<void>((resolve) => (renewalClosed = resolve));
const json = (res: ServerResponse, results: unknown): void => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    if (req.method === "GET") return res.writeHead(401, { "content-type": "text/plain" }).end("expired");
    const method = (JSON.parse(body) as { method_name: string }).method_name;
    if (method !== "get_session_token") return json(res, { version: [8, 0, 0] });
    if (++tokens === 1) return json(res, { session_id: "tok-1" });
    // The renewal: held until the client ends it.
    res.on("close", renewalClosed);
    renewalArrived();
  });
});
let client: Client;
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createClient({ site: url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "x", scriptKey: "0".repeat(64) }) });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it("aborting the only download waiting for a renewed token ends the renewal's get_session_token", async () => {
  const stop = new AbortController();
  const download = downloadAttachment(client, { url: `${url}/file_serve/attachment/1` }, { signal: stop.signal }).catch((e: unknown) => e);
  await arrived;
  stop.abort();
  expect(await download).toBeInstanceOf(SgAbortError);
  // Without the download's signal the renewal stays open until the transport's timeout: this waits for ever.
  await closed;
  expect(tokens).toBe(2);
});
