/**
 * A thumbnail upload (`uploadThumbnail`, `uploadFilmstripThumbnail`, `upload` into a thumbnail field) goes to
 * `publish_thumbnail`, which takes no tags and no display name: the file part's own name is the Attachment's name.
 * `tagList`, and a `displayName` that is not the name sent (a path's or a named File's own name is), were taken and
 * dropped without a word; they are refused before anything is sent, naming the option and why. A `displayName` still
 * names a Blob without a name of its own, as the file name it is sent under. Against the emulator over real sockets.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { startSite, type TestSite } from "./test-support/site.js";
import { refusalOn } from "./test-support/suite.js";

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let site: TestSite;
let shot: number;
let version: number;
let dir: string;
let png: string;
beforeAll(async () => {
  site = await startSite();
  shot = (await site.api.findOne("Shot", []))!.id;
  version = (await site.api.findOne("Version", []))!.id;
  dir = mkdtempSync(join(tmpdir(), "sg-thumb-options-"));
  png = join(dir, "frame.png");
  writeFileSync(png, PNG);
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

const refusal = (call: () => Promise<unknown>): Promise<SgValidationError> => refusalOn(site, call);
/** Each way of uploading a thumbnail, with options the types of two of them do not take (as from JavaScript). */
const THUMBNAILS: readonly [string, (source: string | Blob, options: object) => Promise<number>][] = [
  ["uploadThumbnail", (source, options) => site.api.uploadThumbnail("Shot", shot, source, options as never)],
  ["uploadFilmstripThumbnail", (source, options) => site.api.uploadFilmstripThumbnail("Version", version, source, options as never)],
  ["upload into image", (source, options) => site.api.upload("Shot", shot, source, { fieldName: "image", ...options })],
  ["upload into filmstrip_image", (source, options) => site.api.upload("Version", version, source, { fieldName: "filmstrip_image", ...options })],
];

describe("options a thumbnail upload would not send", () => {
  it.each(THUMBNAILS)("%s: tagList is refused, as an array or a string", async (_, send) => {
    for (const tagList of [["review"], "review,client"]) {
      const error = await refusal(() => send(png, { tagList }));
      expect(error.path).toEqual(["options", "tagList"]);
      expect(error.message).toContain("options.tagList");
      expect(error.expected).toContain("a thumbnail is not tagged");
    }
  });

  it.each(THUMBNAILS)("%s: a path's displayName is refused (the path's file name is sent)", async (_, send) => {
    const error = await refusal(() => send(png, { displayName: "Hero frame" }));
    expect(error.path).toEqual(["options", "displayName"]);
    expect(error.expected).toContain("a thumbnail keeps its file's own name");
    // a named File's own name is sent too
    expect((await refusal(() => send(new File([PNG], "own.png", { type: "image/png" }), { displayName: "Hero frame" }))).path).toEqual(["options", "displayName"]);
  });

  it("a Blob without a name is sent under its displayName, which names the Attachment", async () => {
    const id = await site.api.uploadThumbnail("Shot", shot, new Blob([PNG], { type: "image/png" }), { displayName: "hero.png" } as never);
    expect((await site.api.findOne("Attachment", [["id", "is", id]], ["display_name"]))?.["display_name"]).toBe("hero.png");
    const viaUpload = await site.api.upload("Shot", shot, new Blob([PNG], { type: "image/png" }), { fieldName: "image", displayName: "hero2.png" });
    expect((await site.api.findOne("Attachment", [["id", "is", viaUpload]], ["display_name"]))?.["display_name"]).toBe("hero2.png");
  });

  it("null (Python's None) is not given, and a file field still takes both", async () => {
    const thumb = await site.api.upload("Shot", shot, png, { fieldName: "image", tagList: null, displayName: null });
    expect((await site.api.findOne("Attachment", [["id", "is", thumb]], ["display_name"]))?.["display_name"]).toBe("frame.png");
    const file = await site.api.upload("Shot", shot, png, { tagList: "review", displayName: "Hero frame" });
    expect(await site.api.findOne("Attachment", [["id", "is", file]], ["display_name", "tag_list"])).toMatchObject({ display_name: "Hero frame", tag_list: ["review"] });
  });
});
