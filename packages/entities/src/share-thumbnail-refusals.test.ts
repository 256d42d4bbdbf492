/**
 * What `shareThumbnail` throws when the site does not share, against the emulator over real sockets: a "not ready"
 * answer (`2…`) is `SgThumbnailNotReadyError` whose message carries the site's words (scrubbed), as Python's
 * `ShotgunThumbnailNotReady("Unable to share thumbnail: <reply>")`; a refusal (`0…`) is never "not ready".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgThumbnailNotReadyError, SgTransferError } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

describe("shareThumbnail answers that share nothing", () => {
  let site: TestSite;
  let key: string;
  let a: { type: "Version"; id: number };
  let b: { type: "Version"; id: number };
  beforeAll(async () => {
    site = await startSite();
    key = (site.emulator.card.scripts[0] as { key: string }).key;
    const project = demoProject(site);
    a = { type: "Version", id: (await site.api.create("Version", { code: "share_target", project })).id };
    b = { type: "Version", id: (await site.api.create("Version", { code: "share_source", project })).id };
  });
  afterAll(async () => {
    await site.close();
  });

  it("a 'not ready' answer (2…) says the site's words in the message, scrubbed of the credentials", async () => {
    const words = `The source Version ${b.id} has no image yet (still transient) for script key ${key}`;
    site.emulator.injectFault({ method: "/upload/share_thumbnail", status: 200, body: `2\n${words}\n`, times: 1 });
    const error = await site.api.shareThumbnail([a], { sourceEntity: b }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgThumbnailNotReadyError);
    const e = error as SgThumbnailNotReadyError;
    expect(e.code).toBe("SG_THUMBNAIL_NOT_READY");
    expect(e.message).toContain(`unable to share thumbnail: The source Version ${b.id} has no image yet (still transient) for script key `);
    expect(e.message).not.toContain(key);
    expect(e.serverMessage).toContain(`The source Version ${b.id} has no image yet`);
    expect(e.serverMessage).not.toContain(key);
  });

  it("a refusal (0…) is an SgTransferError of the upload, not a 'not ready' error", async () => {
    site.emulator.injectFault({ method: "/upload/share_thumbnail", status: 200, body: `0\nThe source Version ${b.id} has no image to share (error_code 103)`, times: 1 });
    const error = await site.api.shareThumbnail([a], { sourceEntity: b }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).not.toBeInstanceOf(SgThumbnailNotReadyError);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: 103, serverMessage: `The source Version ${b.id} has no image to share` });
    expect((error as SgTransferError).message).toContain(`unable to share thumbnail (share_thumbnail answered 200: The source Version ${b.id} has no image to share (error_code 103))`);
  });

  it.each([
    [false, "a thumbnail"],
    [true, "a filmstrip thumbnail"],
  ])("a source without an image to share (filmstripThumbnail %s): the hint is about the share, not a field or a file", async (filmstripThumbnail, image) => {
    // The emulator's own refusal, as the site words it: no fault injected.
    const error = await site.api.shareThumbnail([a], { sourceEntity: b, filmstripThumbnail }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: 103, serverMessage: `share_thumbnail: Version ${b.id} has no ${image.slice(2)} to share` });
    expect((error as SgTransferError).hint).toBe(
      `The site refused the share (its words above): the source entity must have ${image} to share, and every target entity must exist.`,
    );
  });

  it("a refusal without a code (as a site words it) gets the same hint about the share", async () => {
    site.emulator.injectFault({ method: "/upload/share_thumbnail", status: 200, body: `0\nVersion ${b.id} has no thumbnail`, times: 1 });
    const error = await site.api.shareThumbnail([a], { sourceEntity: b }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: undefined, serverMessage: `Version ${b.id} has no thumbnail` });
    expect((error as SgTransferError).hint).toBe(
      "The site refused the share (its words above): the source entity must have a thumbnail to share, and every target entity must exist.",
    );
  });
});
