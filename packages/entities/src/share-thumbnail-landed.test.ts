/**
 * `shareThumbnail` with a `thumbnailPath` uploads the image to the first entity, then shares it: when the share fails
 * after the upload landed, the error must say so — the entity and the Attachment id, in its message and in `uploaded` —
 * and tell to share it from there with `sourceEntity`, since the same call again would upload a second Attachment.
 * Against the emulator over real sockets: a node:http proxy in front of it answers the share `2…` (not ready), as a
 * real site does while the thumbnail just uploaded is still transient; a target that does not exist gets the
 * emulator's own `0…` refusal.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgThumbnailNotReadyError, SgTransferError, type EntityApi } from "./index.js";
import { startEchoProxy, type EchoProxy } from "./test-support/echo-proxy.js";
import { retryUnlessMaybeSent } from "./test-support/retry-unless-maybe-sent.js";
import { startSite, type TestSite } from "./test-support/site.js";

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let site: TestSite;
let proxy: EchoProxy;
let viaProxy: EntityApi;
let dir: string;
let png: string;
let shots: { type: "Shot"; id: number }[];
beforeAll(async () => {
  site = await startSite();
  proxy = await startEchoProxy(site.emulator.url);
  viaProxy = site.apiVia(proxy.url);
  dir = mkdtempSync(join(tmpdir(), "sg-share-landed-"));
  png = join(dir, "frame.png");
  writeFileSync(png, PNG);
  shots = (await site.api.find("Shot", [], ["id"], { limit: 4 })).map((s) => ({ type: "Shot" as const, id: s.id }));
});
afterAll(async () => {
  await proxy.close();
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The ids of the Attachments on the site. */
const attachments = async (): Promise<number[]> => (await site.api.find("Attachment", [], ["id"])).map((a) => a.id);
/** The Attachment id behind an entity's thumbnail URL (`…/thumbnail/<id>` on the emulator). */
const thumbnailOf = async (shot: { id: number }): Promise<number> => Number(/\/thumbnail\/(\d+)/.exec(String((await site.api.findOne("Shot", [["id", "is", shot.id]], ["image"]))!.image))?.[1]);

describe("shareThumbnail with a thumbnailPath, the upload landed and the share failed", () => {
  it("a 'not ready' answer (2…) stays SgThumbnailNotReadyError, names the upload, and its hint shares it without a second upload", async () => {
    const [first, other] = [shots[0]!, shots[1]!];
    const before = await attachments();
    proxy.echo({ path: "/upload/share_thumbnail", status: 200, body: () => `2\nThe thumbnail of Shot ${first.id} is not ready yet` });
    const error = await viaProxy.shareThumbnail([first, other], { thumbnailPath: png }).catch((e: unknown) => e);
    expect(proxy.spent()).toBe(true);
    const landed = (await attachments()).filter((id) => !before.includes(id));
    expect(landed).toHaveLength(1);
    const attachmentId = landed[0]!;
    expect(error).toBeInstanceOf(SgThumbnailNotReadyError);
    const e = error as SgThumbnailNotReadyError;
    expect(e.code).toBe("SG_THUMBNAIL_NOT_READY");
    expect(e.uploaded).toEqual({ entity: first, attachmentId });
    expect(e.message).toContain(`unable to share thumbnail attached to Shot ${first.id} (Attachment ${attachmentId}): The thumbnail of Shot ${first.id} is not ready yet`);
    expect(e.hint).toContain("Retry once the source's thumbnail is no longer transient");
    expect(e.hint).toContain(`sourceEntity: { type: "Shot", id: ${first.id} }`);
    // part of the call landed: a helper that sends again unless maybeSent leaves it alone
    expect(e.maybeSent).toBe(true);
    expect(e.toJSON()).toMatchObject({ uploaded: { entity: first, attachmentId }, maybeSent: true });
    // Following the hint shares the thumbnail that landed: no second Attachment.
    expect(await site.api.shareThumbnail([other], { sourceEntity: e.uploaded!.entity })).toBe(attachmentId);
    expect(await thumbnailOf(other)).toBe(attachmentId);
    expect(await attachments()).toEqual([...before, attachmentId]);
  });

  it("a refusal (0…, a target that does not exist) is SgTransferError naming the upload; sharing it from there makes no second Attachment", async () => {
    const [first, other] = [shots[2]!, shots[3]!];
    const before = await attachments();
    const error = await site.api.shareThumbnail([first, { type: "Shot", id: 999_999 }], { thumbnailPath: png }).catch((e: unknown) => e);
    const landed = (await attachments()).filter((id) => !before.includes(id));
    expect(landed).toHaveLength(1);
    const attachmentId = landed[0]!;
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).not.toBeInstanceOf(SgThumbnailNotReadyError);
    const e = error as SgTransferError;
    expect(e).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: 103, maybeSent: true, uploaded: { entity: first, attachmentId } });
    expect(e.message).toContain(`unable to share thumbnail attached to Shot ${first.id} (Attachment ${attachmentId}) (share_thumbnail answered 200: No entity of type Shot exists with id 999999`);
    expect(e.hint).toContain("Check the entity type and id");
    expect(e.hint).toContain(`sourceEntity: { type: "Shot", id: ${first.id} }`);
    expect(await thumbnailOf(first)).toBe(attachmentId);
    expect(await site.api.shareThumbnail([other], { sourceEntity: e.uploaded!.entity })).toBe(attachmentId);
    expect(await thumbnailOf(other)).toBe(attachmentId);
    expect(await attachments()).toEqual([...before, attachmentId]);
  });

  it("a retry helper that sends again unless maybeSent does not upload it twice", async () => {
    const before = await attachments();
    const error = await retryUnlessMaybeSent(() => site.api.shareThumbnail([shots[0]!, { type: "Shot", id: 999_999 }], { thumbnailPath: png }));
    expect(error).toBeInstanceOf(SgTransferError);
    expect(await attachments()).toHaveLength(before.length + 1);
  });

  it("with sourceEntity nothing was uploaded: no uploaded, no maybeSent, the hint as before", async () => {
    proxy.echo({ path: "/upload/share_thumbnail", status: 200, body: () => "2\nnot ready" });
    const error = (await viaProxy.shareThumbnail([shots[1]!], { sourceEntity: shots[0]! }).catch((e: unknown) => e)) as SgThumbnailNotReadyError;
    expect(error).toBeInstanceOf(SgThumbnailNotReadyError);
    expect(error.message).toContain("unable to share thumbnail: not ready");
    expect(error.hint).toBe("Retry once the source's thumbnail is no longer transient.");
    expect(error.uploaded).toBeUndefined();
    expect(Object.keys(error)).not.toContain("maybeSent");
    const refused = (await site.api.shareThumbnail([{ type: "Shot", id: 999_999 }], { sourceEntity: shots[0]! }).catch((e: unknown) => e)) as SgTransferError;
    expect(refused).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: 103, uploaded: undefined });
    expect(Object.keys(refused)).not.toContain("maybeSent");
  });
});
