// The requests one client's callers share — the schema_field_read behind date decoding, the download session token —
// end once every caller waiting for them has aborted, as core's shared info does: a process that aborted its calls
// and never calls close() exits instead of waiting for the transport's timeout, and the next call sends another
// request instead of joining the dead one. Over node:http sites on 127.0.0.1 that never answer the shared request.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SgAbortError } from "@sg/core";
import { entityApi, getSessionToken } from "./index.js";
import { ENTITIES_DIST, exitChild } from "./test-support/exit-child.js";
import { startLoopbackSite, type LoopbackSite } from "./test-support/loopback.js";

/** A process whose first call is aborted while the site holds `method`, and which never calls close(). */
const child = (call: string): string => `
import { createClient } from "@sg/core";
import { entityApi, getSessionToken } from ${ENTITIES_DIST};
import { jsonRpcTransport } from "@sg/transport";
const sg = createClient({ site: process.env.SITE, transport: jsonRpcTransport(), auth: { name: "test", credentials: async () => ({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16) }) } });
const stop = new AbortController();
const found = (${call}).then(() => "ok", (error) => error.code);
process.once("message", () => {
  stop.abort();
  found.then((code) => {
    process.send(code);
    process.disconnect();
  });
});
`;

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0)) await undo();
});

/** A site that answers info and read (one Shot with a datetime) and never answers `held`; resolves once `held` came in. */
async function holdingSite(held: string): Promise<{ url: string; arrived: Promise<void> }> {
  let arrive = (): void => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const method = (JSON.parse(body) as { method_name: string }).method_name;
      if (method === held) return arrive();
      const results = method === "info" ? { version: [8, 50, 0] } : { entities: [{ type: "Shot", id: 1, created_at: "2026-01-05T09:00:00Z" }], paging_info: { entity_count: 1 } };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ results }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived };
}

describe("a process that aborted its only call without close()", () => {
  it.each([
    ["schema_field_read", `entityApi(sg).find("Shot", [], ["created_at"], { signal: stop.signal })`],
    ["get_session_token", `getSessionToken(sg, { signal: stop.signal })`],
  ])("exits while the site still has not answered the shared %s", async (held, call) => {
    const site = await holdingSite(held);
    const { reported, exited, send } = exitChild(child(call), site.url);
    await site.arrived;
    send("abort");
    expect(await reported).toBe("SG_ABORTED");
    // No time limit of its own: without the fix the process stays until the transport's timeout (120 s), past this
    // test's timeout.
    expect(await exited).toBe(0);
  }, 30_000);
});

describe("a shared request every caller left", () => {
  it("is not cached: the next caller sends another and gets its answer", async () => {
    let schemaReads = 0;
    let tokens = 0;
    const site: LoopbackSite = await startLoopbackSite((method) => {
      if (method === "info") return { version: [8, 50, 0] };
      if (method === "read") return { entities: [{ type: "Shot", id: 1, created_at: "2026-01-05T09:00:00Z" }], paging_info: { entity_count: 1 } };
      // The first of each is never answered.
      if (method === "schema_field_read") return ++schemaReads === 1 ? new Promise(() => {}) : { created_at: { data_type: { value: "date_time" } } };
      if (method === "get_session_token") return ++tokens === 1 ? new Promise(() => {}) : { session_id: "tok-2" };
      return null;
    });
    cleanup.push(() => site.close());
    const api = entityApi(site.client);
    const stop = new AbortController();
    const first = api.find("Shot", [], ["created_at"], { signal: stop.signal }).catch((e: unknown) => e);
    const token = getSessionToken(site.client, { signal: stop.signal }).catch((e: unknown) => e);
    while (schemaReads === 0 || tokens === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    expect(await first).toBeInstanceOf(SgAbortError);
    expect(await token).toBeInstanceOf(SgAbortError);
    expect((await api.find("Shot", [], ["created_at"]))[0]!["created_at"]).toEqual(new Date("2026-01-05T09:00:00Z"));
    expect(await getSessionToken(site.client)).toBe("tok-2");
    expect([schemaReads, tokens]).toEqual([2, 2]);
  });
});
