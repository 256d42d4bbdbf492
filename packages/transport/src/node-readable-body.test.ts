// A custom `fetch` whose Response body is a Node Readable, not a web stream (node-fetch v3, e.g. through
// node-fetch-native/node): its answers are read through arrayBuffer(), with maxResponseBytes kept. The fetch below
// is node:http's client, over a real socket to a node:http server on 127.0.0.1, shaped as node-fetch's Response.
import { request as httpRequest } from "node:http";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { SgProtocolError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, flood, json, text, useTestServers } from "./test-support/server.js";
import type { Flood } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const };

/** A fetch that answers with node-fetch v3's shape: `body` is the Node Readable, `arrayBuffer()` reads it. */
function nodeReadableFetch(): { fetch: (url: string, init: RequestInit) => Promise<Response>; bodies: IncomingMessage[]; arrayBuffers: () => number } {
  const bodies: IncomingMessage[] = [];
  let arrayBuffers = 0;
  const fetch = (url: string, init: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: init.method, headers: init.headers as Record<string, string>, signal: init.signal ?? undefined }, (res) => {
        bodies.push(res);
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
        resolve({
          status: res.statusCode,
          statusText: res.statusMessage,
          headers,
          body: res,
          arrayBuffer: async () => {
            arrayBuffers++;
            const chunks: Buffer[] = [];
            for await (const chunk of res) chunks.push(chunk as Buffer);
            const all = Buffer.concat(chunks);
            return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
          },
        } as unknown as Response);
      });
      req.on("error", reject);
      req.end(init.body as string);
    });
  return { fetch, bodies, arrayBuffers: () => arrayBuffers };
}

describe("a custom fetch whose Response body is a Node Readable (node-fetch v3)", () => {
  it("reads a read's and a write's answer, with a content-length or chunked", async () => {
    const server = await serve((req, res) => {
      if ((req.json as { method_name: string }).method_name === "create") return json(res, { results: { type: "Shot", id: 7 } });
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": {"entities": [], ');
      res.end('"paging_info": {"entity_count": 0}}}');
    });
    const nf = nodeReadableFetch();
    const transport = jsonRpcTransport({ fetch: nf.fetch, retry: false });
    expect(await transport.send(create, contextFor(server.url))).toEqual({ type: "Shot", id: 7 });
    expect(await transport.send(read, contextFor(server.url))).toEqual({ entities: [], paging_info: { entity_count: 0 } });
    expect(nf.arrayBuffers()).toBe(2);
  });

  it("a content-length over maxResponseBytes is refused before reading (the body is let go); a longer chunked answer after", async () => {
    let sent: Flood | undefined;
    const long = JSON.stringify({ results: "x".repeat(5000) });
    const server = await serve((_req, res, _raw, n) => {
      if (n === 1) return text(res, long, 200, "application/json", { "content-length": String(long.length) });
      res.writeHead(200, { "content-type": "application/json" });
      sent = flood(res, Buffer.alloc(1024, " "), 20_000, "{}");
    });
    const nf = nodeReadableFetch();
    const transport = jsonRpcTransport({ fetch: nf.fetch, retry: false, maxResponseBytes: 1000 });
    const refused = await fail(transport.send(read, contextFor(server.url)));
    expect(refused).toBeInstanceOf(SgProtocolError);
    expect(refused.reason).toBe("The site answered 'read' with more than maxResponseBytes, 1000 bytes (HTTP 200)");
    expect(nf.arrayBuffers()).toBe(0);
    expect(nf.bodies[0]?.destroyed).toBe(true);
    const counted = await fail(transport.send(read, contextFor(server.url)));
    expect(counted).toBeInstanceOf(SgProtocolError);
    expect(counted.reason).toBe("The site answered 'read' with more than maxResponseBytes, 1000 bytes (HTTP 200)");
    expect(nf.arrayBuffers()).toBe(1);
    expect(sent?.written()).toBeGreaterThan(1000);
  });
});
