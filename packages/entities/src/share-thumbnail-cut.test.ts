/**
 * `shareThumbnail` with a `thumbnailPath` uploads the image to the first entity, then shares it. Once that upload
 * landed, every error the call ends with must say so — `uploaded`, `maybeSent: true`, a hint to share it from
 * `sourceEntity` — whatever ends it: its deadline or its signal or the client's close() before or while the share goes
 * out, a connection reset or a gateway's 502 on the share. A retry helper that sends again unless `maybeSent` otherwise
 * uploads the image a second time. Each error keeps its class. Against the emulator over real sockets: a node:http
 * proxy in front of it holds, resets or answers 502 to `/upload/share_thumbnail`; for a cut before the share goes
 * out, the client's auth strategy waits when asked for the share's credentials, once the upload reached the site.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, SgError, SgNetworkError, SgTimeoutError, createClient, type AuthStrategy, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, type EntityApi, type UploadedThumbnail } from "./index.js";
import { startEchoProxy, type EchoProxy } from "./test-support/echo-proxy.js";
import { retryUnlessMaybeSent } from "./test-support/retry-unless-maybe-sent.js";
import { startSite, type TestSite } from "./test-support/site.js";

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let site: TestSite;
let proxy: EchoProxy;
let dir: string;
let png: string;
let first: { type: "Shot"; id: number };
let other: { type: "Shot"; id: number };
const clients: Client[] = [];
beforeAll(async () => {
  site = await startSite();
  proxy = await startEchoProxy(site.emulator.url);
  dir = mkdtempSync(join(tmpdir(), "sg-share-cut-"));
  png = join(dir, "frame.png");
  writeFileSync(png, PNG);
  const shots = (await site.api.find("Shot", [], ["id"], { limit: 2 })).map((s) => ({ type: "Shot" as const, id: s.id }));
  [first, other] = [shots[0]!, shots[1]!];
});
afterEach(() => {
  expect(proxy.spent()).toBe(true);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy.close();
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client of its own (one test closes it), to `url`, with `auth` (default: the emulator's script). */
function connect(url: string, auth?: AuthStrategy): { client: Client; api: EntityApi } {
  const { name, key } = site.emulator.card.scripts[0] as { name: string; key: string };
  const client = createClient({ site: url, transport: jsonRpcTransport(), auth: auth ?? scriptAuth({ scriptName: name, scriptKey: key }) });
  clients.push(client);
  return { client, api: entityApi(client) };
}

/**
 * A client straight to the emulator whose auth strategy, when asked for credentials once the thumbnail's upload has
 * reached the site (for the share, before it goes out), runs `atShare` once and never answers: the call waits there
 * until its deadline, its signal or close() ends it.
 */
function gatedAt(atShare: (client: Client) => void): EntityApi {
  const { name, key } = site.emulator.card.scripts[0] as { name: string; key: string };
  const script = scriptAuth({ scriptName: name, scriptKey: key });
  const from = site.emulator.requests().length;
  let gated = false;
  const auth: AuthStrategy = {
    name: "gated",
    credentials: (context) => {
      if (gated || !site.emulator.requests().slice(from).some((r) => r.path === "/upload/publish_thumbnail")) return script.credentials(context);
      gated = true;
      atShare(made.client);
      return new Promise(() => {});
    },
  };
  const made = connect(site.emulator.url, auth);
  return made.api;
}

/** The ids of the Attachments on the site, read directly. */
const attachments = async (): Promise<number[]> => (await site.api.find("Attachment", [], ["id"])).map((a) => a.id);

/**
 * Run `share` (a shareThumbnail of `first` and `other` with a thumbnailPath) through a helper that sends it again
 * unless its error says `maybeSent`, and check its error: of class `type`, naming the one upload that landed, and
 * whose hint, followed, shares that upload with `other` without a second Attachment. Returns the error.
 */
async function landedOnce<E extends SgError>(type: abstract new (...args: never[]) => E, share: () => Promise<number>): Promise<E & { uploaded: UploadedThumbnail }> {
  const before = await attachments();
  const error = await retryUnlessMaybeSent(share);
  const landed = (await attachments()).filter((id) => !before.includes(id));
  // one upload: the helper did not send it again
  expect(landed).toHaveLength(1);
  expect(error).toBeInstanceOf(type);
  const e = error as E & { uploaded: UploadedThumbnail; maybeSent?: unknown };
  const attachmentId = landed[0]!;
  expect(e.uploaded).toEqual({ entity: first, attachmentId });
  expect(e.maybeSent).toBe(true);
  // where it is, in the message or the hint
  expect(e.message).toContain(`Shot ${first.id} (Attachment ${attachmentId})`);
  expect(e.hint).toContain(`sourceEntity: { type: "Shot", id: ${first.id} }`);
  expect(e.toJSON()).toMatchObject({ uploaded: { entity: first, attachmentId }, maybeSent: true });
  // Following the hint shares the thumbnail that landed: no second Attachment.
  expect(await site.api.shareThumbnail([other], { sourceEntity: e.uploaded.entity })).toBe(attachmentId);
  expect(await attachments()).toEqual([...before, attachmentId]);
  return e;
}

describe("shareThumbnail with a thumbnailPath, cut after its upload landed", () => {
  it("its deadline passing while the share is held by the site: SgTimeoutError naming the upload", async () => {
    const { api } = connect(proxy.url);
    const hold = proxy.hold("/upload/share_thumbnail");
    const e = await landedOnce(SgTimeoutError, () => api.shareThumbnail([first, other], { thumbnailPath: png, deadlineMs: 1500 }));
    hold.release();
    expect(e).toMatchObject({ code: "SG_TIMEOUT", scope: "deadline" });
    expect(e.message).toContain(`the thumbnail was attached to Shot ${first.id} (Attachment ${e.uploaded.attachmentId}), sharing it may have landed`);
  });

  it("its deadline passing before the share went out: SgTimeoutError naming the upload", async () => {
    const api = gatedAt(() => {});
    const e = await landedOnce(SgTimeoutError, () => api.shareThumbnail([first, other], { thumbnailPath: png, deadlineMs: 1500 }));
    expect(e.message).toContain(`the thumbnail was attached to Shot ${first.id} (Attachment ${e.uploaded.attachmentId}), nothing was shared`);
  });

  it("its signal aborted while the share is held: SgAbortError naming the upload", async () => {
    const { api } = connect(proxy.url);
    const controller = new AbortController();
    const hold = proxy.hold("/upload/share_thumbnail");
    void hold.reached.then(() => controller.abort());
    const e = await landedOnce(SgAbortError, () => api.shareThumbnail([first, other], { thumbnailPath: png, signal: controller.signal }));
    hold.release();
    expect(e.code).toBe("SG_ABORTED");
    expect(e.message).toContain(`was aborted: the thumbnail was attached to Shot ${first.id}`);
  });

  it("its signal aborted before the share went out: SgAbortError naming the upload", async () => {
    const controller = new AbortController();
    const api = gatedAt(() => controller.abort());
    const e = await landedOnce(SgAbortError, () => api.shareThumbnail([first, other], { thumbnailPath: png, signal: controller.signal }));
    expect(e.message).toContain(`nothing was shared`);
  });

  it("the client's close() while the share is held: SgAbortError naming the upload", async () => {
    const { client, api } = connect(proxy.url);
    const hold = proxy.hold("/upload/share_thumbnail");
    void hold.reached.then(() => client.close());
    await landedOnce(SgAbortError, () => api.shareThumbnail([first, other], { thumbnailPath: png }));
    hold.release();
  });

  it("the client's close() before the share went out: SgAbortError naming the upload", async () => {
    const api = gatedAt((client) => void client.close());
    await landedOnce(SgAbortError, () => api.shareThumbnail([first, other], { thumbnailPath: png }));
  });

  it.each([
    ["before the site got it", false],
    ["after the site took it", true],
  ])("a connection reset on the share %s: the network error, naming the upload", async (_, landed) => {
    const { api } = connect(proxy.url);
    proxy.echo({ path: "/upload/share_thumbnail", status: 0, body: () => "", reset: true, landed });
    const e = await landedOnce(SgNetworkError, () => api.shareThumbnail([first, other], { thumbnailPath: png }));
    expect(e.code).toBe("SG_NETWORK");
  });

  it.each([
    ["before the site got it", false],
    ["after the site took it", true],
  ])("a gateway's 502 on the share %s: the transfer error, naming the upload", async (_, landed) => {
    const { api } = connect(proxy.url);
    proxy.echo({ path: "/upload/share_thumbnail", status: 502, body: () => "<html><body>502 Bad Gateway</body></html>", landed });
    const e = await landedOnce(SgTransferError, () => api.shareThumbnail([first, other], { thumbnailPath: png }));
    expect(e).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 502 });
  });
});
