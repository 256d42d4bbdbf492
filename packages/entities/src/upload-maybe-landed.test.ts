/**
 * An upload step that landed and was then answered with something else: a node:http gateway on 127.0.0.1 passes the
 * step on to the emulator, which stores the file, and answers the client with a 5xx or a page of its own. The error
 * must say the upload may have been applied (`maybeSent: true`, a hint to check first), as a write's errors do, never
 * "try again later", which duplicated the attachment. Steps that did not land (a 4xx in the site's place, a `0…`
 * refusal, the cloud route's link-info step) keep their own hints and no `maybeSent`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, type EntityApi } from "./index.js";
import { startEchoProxy, type EchoProxy } from "./test-support/echo-proxy.js";

let site: EmulatorHandle;
let gateway: EchoProxy;
let cloudGateway: EchoProxy;
let direct: EntityApi;
let viaGateway: EntityApi;
let viaCloudGateway: EntityApi;
let shots: number[];
const clients: Client[] = [];

function connect(url: string): EntityApi {
  const { name, key } = site.card.scripts[0] as { name: string; key: string };
  const client = createClient({ site: url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: key }) });
  clients.push(client);
  return entityApi(client);
}

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  gateway = await startEchoProxy(site.url);
  cloudGateway = await startEchoProxy(site.url, { cloud: true });
  direct = connect(site.url);
  viaGateway = connect(gateway.url);
  viaCloudGateway = connect(cloudGateway.url);
  shots = (await direct.find("Shot", [], ["id"], { limit: 3 })).map((s) => s.id);
});
afterEach(() => {
  expect(gateway.spent() && cloudGateway.spent()).toBe(true);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await gateway.close();
  await cloudGateway.close();
  await site.close();
});

/** The Attachments on the site, counted directly (not through the gateway). */
const attachments = async (): Promise<number> => (await direct.find("Attachment", [], ["id"])).length;

/** The paths of the emulator's answers with status 200 since `from` (an index into its request log). */
const landedSince = (from: number): string[] => site.requests().slice(from).filter((r) => r.status === 200).map((r) => r.path).filter((p) => p.startsWith("/upload/"));

/** The hint of an attaching step that may have landed: the words its deadline's error uses for the same state. */
const MAY_HAVE_LANDED = /^The site answered HTTP \d+ instead of an upload reply; it may have been attached: check before uploading it again\.$/;

describe("an upload step that landed, answered by a gateway with", () => {
  it.each([
    ["HTTP 502", 502, "<html><body>502 Bad Gateway</body></html>"],
    ["HTTP 500", 500, "Internal Server Error"],
    ["a 2xx page that is not an upload reply", 200, "<html><body>Welcome</body></html>"],
  ])("%s: SgTransferError with maybeSent true and a hint to check before uploading again, never to try again later", async (_, status, body) => {
    const before = await attachments();
    const from = site.requests().length;
    gateway.echo({ path: "/upload/upload_file", status, body: () => body, landed: true });
    const error = await viaGateway.upload("Shot", shots[0]!, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status, maybeSent: true });
    expect((error as SgTransferError).hint).toMatch(MAY_HAVE_LANDED);
    expect((error as SgTransferError).hint).not.toMatch(/try again later/);
    expect(JSON.parse(JSON.stringify(error)) as unknown).toMatchObject({ maybeSent: true });
    // it did land: the hint that would have the caller repeat it would attach the file twice
    expect(landedSince(from)).toEqual(["/upload/upload_file"]);
    expect(await attachments()).toBe(before + 1);
  });

  it("HTTP 504 on a thumbnail: maybeSent true", async () => {
    gateway.echo({ path: "/upload/publish_thumbnail", status: 504, body: () => "Gateway Timeout", landed: true });
    const error = await viaGateway.uploadThumbnail("Shot", shots[0]!, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1])], "t.png")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 504, maybeSent: true });
    expect((error as SgTransferError).hint).toMatch(MAY_HAVE_LANDED);
  });

  it("HTTP 502 on the cloud route's link step, after the bytes went to storage: maybeSent true", async () => {
    const before = await attachments();
    cloudGateway.echo({ path: "/upload/api_link_file", status: 502, body: () => "Bad Gateway", landed: true });
    const error = await viaCloudGateway.upload("Shot", shots[0]!, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 502, maybeSent: true });
    expect((error as SgTransferError).hint).toMatch(MAY_HAVE_LANDED);
    expect(await attachments()).toBe(before + 1);
  });

  it("HTTP 502 on a share: maybeSent true and a hint to check before sharing again", async () => {
    await direct.uploadThumbnail("Shot", shots[1]!, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 2])], "s.png"));
    gateway.echo({ path: "/upload/share_thumbnail", status: 502, body: () => "Bad Gateway", landed: true });
    const from = site.requests().length;
    const error = await viaGateway.shareThumbnail([{ type: "Shot", id: shots[2]! }], { sourceEntity: { type: "Shot", id: shots[1]! } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 502, maybeSent: true });
    expect((error as SgTransferError).hint).toMatch(/; sharing it may have landed: check before sharing again\.$/);
    expect(landedSince(from)).toEqual(["/upload/share_thumbnail"]);
  });
});

describe("an upload step that did not land keeps its hint, without maybeSent", () => {
  it.each([
    ["HTTP 403 in the site's place", 403, /check the site URL, and try again later if the site is busy/],
    ["HTTP 413 in the site's place", 413, /larger than the site accepts/],
  ])("%s", async (_, status, hint) => {
    const before = await attachments();
    gateway.echo({ path: "/upload/upload_file", status, body: () => "refused" });
    const error = await viaGateway.upload("Shot", shots[0]!, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status });
    expect((error as SgTransferError).maybeSent).toBeUndefined();
    expect(Object.keys(error as object)).not.toContain("maybeSent");
    expect((error as SgTransferError).hint).toMatch(hint);
    expect(await attachments()).toBe(before);
  });

  it("the site's own refusal (0…, HTTP 200) of a record that does not exist", async () => {
    const error = await viaGateway.upload("Shot", 99999, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 200, errorCode: 103 });
    expect((error as SgTransferError).maybeSent).toBeUndefined();
  });

  it("HTTP 502 on the cloud route's link-info step, which attaches nothing: the busy-site hint", async () => {
    const before = await attachments();
    cloudGateway.echo({ path: "/upload/api_get_upload_link_info", status: 502, body: () => "Bad Gateway", landed: true });
    const error = await viaCloudGateway.upload("Shot", shots[0]!, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 502 });
    expect((error as SgTransferError).maybeSent).toBeUndefined();
    expect((error as SgTransferError).hint).toMatch(/try again later if the site is busy/);
    expect(await attachments()).toBe(before);
  });
});
