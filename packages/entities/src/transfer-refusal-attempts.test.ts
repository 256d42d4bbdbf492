/**
 * Uploads and downloads the site answers with a refusal, against the emulator over real sockets: the
 * `SgTransferError` carries the attempt that was answered, as every `SgError` lists the attempts made (an empty list
 * means none was made, which is not so here). A refusal of the credentials in an upload reply carries it too, against
 * a node:http site, so that an upload cut while the client logs in again says the step went out and was refused.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, SgAuthError, SgTimeoutError, createClient, type AuthStrategy, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, type EntityApi } from "./index.js";

let site: EmulatorHandle;
let client: Client;
let sg: EntityApi;
let shot: number;
beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  const { name, key } = site.card.scripts[0] as { name: string; key: string };
  client = createClient({ site: site.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: key }) });
  sg = entityApi(client);
  shot = (await sg.findOne("Shot", []))!.id;
});
afterAll(async () => {
  await client.close();
  await site.close();
});

describe("a transfer refused with an HTTP status lists the attempt answered", () => {
  it("an upload step answered 502: maybeSent true, attempts [{attempt: 1, status: 502}]", async () => {
    site.injectFault({ method: "/upload/upload_file", status: 502, times: 1 });
    const error = await sg.upload("Shot", shot, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 502, maybeSent: true });
    expect((error as SgTransferError).attempts).toEqual([{ attempt: 1, status: 502 }]);
  });

  it("an upload step refused with a reply (0… error_code 103): attempts [{attempt: 1, status: 200}]", async () => {
    site.injectFault({ method: "/upload/upload_file", status: 200, body: "0\nbad input (error_code 103)", times: 1 });
    const error = await sg.upload("Shot", shot, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 200, errorCode: 103 });
    expect((error as SgTransferError).attempts).toEqual([{ attempt: 1, status: 200 }]);
  });

  it("a download answered 404: attempts [{attempt: 1, status: 404}]", async () => {
    const id = await sg.upload("Shot", shot, new File(["payload"], "b.txt"));
    site.injectFault({ method: `/file_serve/attachment/${id}`, status: 404, body: "Not Found", times: 1 });
    const error = await sg.downloadAttachment(id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", status: 404 });
    expect((error as SgTransferError).attempts).toEqual([{ attempt: 1, status: 404 }]);
  });
});

describe("an upload step whose reply refuses the credentials lists the attempt answered", () => {
  /**
   * Upload a file to a node:http site that answers `info` and refuses every upload step's credentials
   * (`0\n… (error_code 102)`, HTTP 200), with a strategy whose `onRejected` is `refresh`; the error and how many
   * upload steps the site got.
   */
  async function refusedUpload(refresh: AuthStrategy["onRejected"], options: { readonly deadlineMs?: number; readonly signal?: AbortSignal } = {}): Promise<{ error: unknown; steps: number }> {
    let steps = 0;
    const server = createServer((req, res) => {
      req.resume().on("end", () => {
        if (req.url?.startsWith("/upload/")) {
          steps++;
          res.writeHead(200, { "content-type": "text/plain" }).end("0\nbad credentials (error_code 102)");
        } else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { version: [8, 0, 0] } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const auth: AuthStrategy = { name: "refused", credentials: async () => ({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" }), onRejected: refresh };
    const refusing = createClient({ site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: jsonRpcTransport(), auth });
    try {
      const error = await entityApi(refusing)
        .upload("Shot", 1, new File(["hello"], "a.txt"), options)
        .then(
          () => new Error("expected a rejection"),
          (e: unknown) => e,
        );
      return { error, steps };
    } finally {
      await refusing.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it("cut by its deadline while the client logs in again: attempts [{attempt: 1, status: 200}], maybeSent false, one step sent", async () => {
    const { error, steps } = await refusedUpload(() => new Promise(() => {}), { deadlineMs: 300 });
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ method: "/upload/upload_file", maybeSent: false });
    expect((error as SgTimeoutError).attempts).toEqual([{ attempt: 1, status: 200 }]);
    expect(steps).toBe(1);
  });

  it("aborted while the client logs in again: the SgAbortError lists the attempt too", async () => {
    const stop = new AbortController();
    const { error, steps } = await refusedUpload(() => (setTimeout(() => stop.abort(), 50), new Promise(() => {})), { signal: stop.signal });
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ method: "/upload/upload_file", maybeSent: false });
    expect((error as SgAbortError).attempts).toEqual([{ attempt: 1, status: 200 }]);
    expect(steps).toBe(1);
  });

  it("refused for good (the strategy gives up): the SgAuthError lists the attempt too", async () => {
    const { error, steps } = await refusedUpload(async () => undefined);
    expect(error).toBeInstanceOf(SgAuthError);
    expect(error).toMatchObject({ errorCode: 102, method: "/upload/upload_file" });
    expect((error as SgAuthError).attempts).toEqual([{ attempt: 1, status: 200 }]);
    expect(steps).toBe(1);
  });
});
