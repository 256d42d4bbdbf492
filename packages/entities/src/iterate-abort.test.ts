// An abort of its signal ends `iterate` at the next record with SgAbortError: it neither hands out the rest of the
// pages already read nor finishes as if the result were complete. Against the emulator over real sockets (a few more
// than 200 Shots, 100 a page).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { iterate } from "./index.js";

let site: EmulatorHandle;
let client: Client;
let shutdownClient: Client;
/** The app-wide shutdown signal of `shutdownClient` (its `defaults.signal`); one abort ends it for good. */
const shutdown = new AbortController();
beforeAll(async () => {
  site = await startEmulator({ rows: 250, pageSize: 100 });
  const { name, key } = site.card.scripts[0]!;
  client = createClient({ site: site.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: key }) });
  shutdownClient = createClient({ site: site.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: key }), defaults: { signal: shutdown.signal } });
});
afterAll(async () => {
  await client.close();
  await shutdownClient.close();
  await site.close();
});

describe("iterate after its signal aborted", () => {
  // Record 1: the rest of page 1 was read already; record 201: the first of the last page, read already too, after which
  // the stream used to finish without an error.
  it.each([1, 201])("aborted at record %i: no record after it, and the loop throws SgAbortError", async (abortAt) => {
    const stop = new AbortController();
    let seen = 0;
    const ended = await (async () => {
      for await (const _shot of iterate(client, "Shot", [], ["code"], { signal: stop.signal })) {
        if (++seen === abortAt) stop.abort(new Error("stop"));
      }
      return "completed";
    })().catch((e: unknown) => e);
    expect(seen).toBe(abortAt);
    expect(ended).toBeInstanceOf(SgAbortError);
    expect((ended as SgAbortError).cause).toMatchObject({ message: "stop" });
  });
});

describe("iterate after the client's defaults.signal aborted", () => {
  // An app's shutdown signal ends iterate as the call's own signal does (README "Cancellation"): the rest of page 1,
  // read already, is not handed out. Aborted at record 1, with no signal given to the call.
  it("no record after it, and the loop throws SgAbortError", async () => {
    let seen = 0;
    const ended = await (async () => {
      for await (const _shot of iterate(shutdownClient, "Shot", [], ["code"])) {
        if (++seen === 1) shutdown.abort(new Error("shutdown"));
      }
      return "completed";
    })().catch((e: unknown) => e);
    expect(seen).toBe(1);
    expect(ended).toBeInstanceOf(SgAbortError);
    expect((ended as SgAbortError).cause).toMatchObject({ message: "shutdown" });
  });
});
