// The client's `defaults.signal` (an app's shutdown signal, as the event-daemon setup uses) ends the page reads of
// find and iterate and a caller's wait for a shared request, as it ends every call: they send with signals of their
// own, which would otherwise replace it. Over a node:http site on 127.0.0.1 that never answers the request held.
import { afterEach, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi, getSessionToken } from "./index.js";
import { startLoopbackSite } from "./test-support/loopback.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0)) await undo();
});

const shots = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ type: "Shot", id: i + 1, code: "x", created_at: "2026-01-05T09:00:00Z" }));

/**
 * A site that answers `info`, page 1 of a read (500 Shots, more to come) and `get_session_token`/`schema_field_read`
 * never, nor any later page; a client of it whose `defaults.signal` is `shutdown`; and `held`, which resolves once
 * `count` requests are held.
 */
async function siteWithShutdown(): Promise<{ sg: Client; shutdown: AbortController; held: (count: number) => Promise<void>; reads: () => number }> {
  let heldCount = 0;
  let reads = 0;
  const site = await startLoopbackSite((method, payload) => {
    if (method === "info") return { version: [8, 50, 0], api_max_entities_per_page: 500 };
    if (method === "read" && (payload as { paging: { current_page: number } }).paging.current_page === 1) {
      reads += 1;
      return { entities: shots(500), paging_info: { has_next_page: true } };
    }
    heldCount += 1;
    return new Promise(() => {});
  });
  const shutdown = new AbortController();
  const sg = createClient({ site: site.client.site.href, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(64) }), defaults: { signal: shutdown.signal } });
  cleanup.push(async () => {
    await sg.close();
    await site.close();
  });
  const held = async (count: number): Promise<void> => {
    while (heldCount < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { sg, shutdown, held, reads: () => reads };
}

describe("the client's defaults.signal", () => {
  it("ends find while a later page is unanswered", async () => {
    const { sg, shutdown, held } = await siteWithShutdown();
    const found = entityApi(sg, { fieldTypes: { Shot: {} } }).find("Shot", [], ["code"]).catch((error: unknown) => error);
    await held(1);
    shutdown.abort();
    expect(await found).toMatchObject({ name: "SgAbortError", code: "SG_ABORTED" });
  }, 15_000);

  it("ends iterate while a later page is unanswered", async () => {
    const { sg, shutdown, held } = await siteWithShutdown();
    let n = 0;
    const iterated = (async () => {
      for await (const _shot of entityApi(sg, { fieldTypes: { Shot: {} } }).iterate("Shot", [], ["code"])) {
        if (++n === 500) {
          await held(1);
          shutdown.abort();
        }
      }
    })().catch((error: unknown) => error);
    expect(await iterated).toMatchObject({ name: "SgAbortError", code: "SG_ABORTED" });
    expect(n).toBe(500);
  }, 15_000);

  it("ends the wait of a caller without a signal of its own for a get_session_token another caller started with its own", async () => {
    const { sg, shutdown, held } = await siteWithShutdown();
    const own = new AbortController();
    const first = getSessionToken(sg, { signal: own.signal }).catch((error: unknown) => error);
    const joined = getSessionToken(sg).catch((error: unknown) => error);
    await held(1);
    shutdown.abort();
    expect(await joined).toMatchObject({ name: "SgAbortError", code: "SG_ABORTED" });
    own.abort();
    expect(await first).toMatchObject({ name: "SgAbortError", code: "SG_ABORTED" });
  }, 15_000);

  it("ends the wait of a caller without a signal of its own for a schema_field_read another caller started with its own", async () => {
    const { sg, shutdown, held, reads } = await siteWithShutdown();
    const own = new AbortController();
    // One page each (limit), with a datetime: its field types are read once, shared by both finds.
    const first = entityApi(sg).find("Shot", [], ["created_at"], { limit: 1, signal: own.signal }).catch((error: unknown) => error);
    await held(1);
    const joined = entityApi(sg).find("Shot", [], ["created_at"], { limit: 1 }).catch((error: unknown) => error);
    // Its read answered, it joins the pending schema_field_read instead of sending another.
    while (reads() < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    shutdown.abort();
    expect(await joined).toMatchObject({ name: "SgAbortError", code: "SG_ABORTED" });
    own.abort();
    expect(await first).toMatchObject({ name: "SgAbortError", code: "SG_ABORTED" });
  }, 15_000);
});
