// Breaking out of `iterate` aborts the pages it requested ahead: they neither run on at the site nor hold a process
// that has nothing left to do until they are answered. Over a node:http site on 127.0.0.1 that answers page 1 and
// holds every later page.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi } from "./index.js";
import { ENTITIES_DIST, exitChild } from "./test-support/exit-child.js";

/** A site whose pages hold 500 Shots each and say there are more; pages after the first are never answered. */
async function pagesSite(): Promise<{ url: string; held: IncomingMessage[]; close: () => void }> {
  const held: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const rpc = JSON.parse(body) as { method_name: string; params: [unknown, { paging: { current_page: number } }] };
      const send = (results: unknown): void => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ results }));
      };
      if (rpc.method_name === "info") return send({ version: [8, 50, 0], api_max_entities_per_page: 500 });
      const page = rpc.params[1].paging.current_page;
      if (page > 1) return void held.push(req);
      send({ entities: Array.from({ length: 500 }, (_, i) => ({ type: "Shot", id: i + 1, code: "x" })), paging_info: { has_next_page: true } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe("a break out of iterate", () => {
  it("lets a process that has nothing left to do exit while the pages requested ahead are unanswered", async () => {
    const site = await pagesSite();
    closers.push(site.close);
    const { reported, exited } = exitChild(
      `
import { createClient } from "@sg/core";
import { entityApi } from ${ENTITIES_DIST};
import { jsonRpcTransport } from "@sg/transport";
const sg = createClient({ site: process.env.SITE, transport: jsonRpcTransport(), auth: { name: "test", credentials: async () => ({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16) }) } });
for await (const shot of entityApi(sg).iterate("Shot", [], ["code"], { concurrency: 3 })) break;
process.send("left");
process.disconnect();
`,
      site.url,
    );
    expect(await reported).toBe("left");
    // No time limit of its own: without the fix the process stays until the transport's timeout (120 s), past this
    // test's timeout.
    expect(await exited).toBe(0);
  }, 30_000);

  it("ends the requests of the pages requested ahead (the site sees them closed)", async () => {
    const site = await pagesSite();
    closers.push(site.close);
    const client = createClient({ site: site.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(16) }) });
    closers.push(() => void client.close());
    for await (const _shot of entityApi(client).iterate("Shot", [], ["code"], { concurrency: 3 })) {
      while (site.held.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      break;
    }
    // Each held request's socket is closed by the client once its read is aborted.
    await Promise.all(site.held.map((req) => (req.socket.destroyed ? undefined : new Promise((resolve) => req.socket.once("close", resolve)))));
    expect(site.held).toHaveLength(3);
  }, 30_000);
});
