/**
 * Uploads and downloads the site answers with a refusal, against the emulator over real sockets: the
 * `SgTransferError` carries the attempt that was answered, as every `SgError` lists the attempts made (an empty list
 * means none was made, which is not so here).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
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
