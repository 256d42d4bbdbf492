/**
 * An upload sends its display name, tags and file name in a multipart form, whose encoder alters some text: a line
 * feed or a lone carriage return becomes CRLF and half a surrogate pair becomes U+FFFD, so `"two\nlines"` was stored
 * as `"two\r\nlines"`. Such text is refused before anything is sent, naming where it is; any other text (quotes, tabs,
 * characters outside the BMP) is stored as it was given. Against the emulator over real sockets.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let shot: number;
let root: string;
beforeAll(async () => {
  site = await startSite();
  shot = (await site.api.findOne("Shot", []))!.id;
  root = mkdtempSync(join(tmpdir(), "sg-form-text-"));
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await site.close();
});

const WHY = "a form field cannot carry it unchanged";

/** The error of `attempt`, checking that the site received nothing. */
async function refusal(attempt: () => Promise<unknown>): Promise<SgValidationError> {
  const before = site.emulator.requests().length;
  const error = await attempt().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(site.emulator.requests().slice(before).map((r) => r.path + " " + JSON.stringify(r).slice(0, 300))).toEqual([]);
  expect(error).toBeInstanceOf(SgValidationError);
  return error as SgValidationError;
}

describe("an upload's text that a multipart form would alter", () => {
  it.each([
    ["a line feed", "two\nlines", '"two\\nlines"'],
    ["a lone carriage return", "cr\ronly", '"cr\\ronly"'],
    ["CRLF", "dos\r\nline", '"dos\\r\\nline"'],
    ["half a surrogate pair", "lone\ud800", '"lone\\ud800"'],
  ])("a displayName with %s is refused, naming options.displayName", async (_, displayName, shown) => {
    const error = await refusal(() => site.api.upload("Shot", shot, new Blob(["hi"]), { displayName }));
    expect(error.path).toEqual(["options", "displayName"]);
    expect(error.message).toContain("options.displayName");
    expect(error.expected).toContain("without CR, LF or half a surrogate pair");
    expect(error.expected).toContain(WHY);
    expect(error.received).toContain(shown);
  });

  it("as the hint says, update() then sets such a display name unchanged (JSON carries it)", async () => {
    const id = await site.api.upload("Shot", shot, new Blob(["hi"]), { displayName: "one line" });
    await site.api.update("Attachment", id, { display_name: "two\nlines" });
    expect((await site.api.findOne("Attachment", [["id", "is", id]], ["display_name"]))?.["display_name"]).toBe("two\nlines");
    const error = await refusal(() => site.api.upload("Shot", shot, new Blob(["hi"]), { displayName: "two\nlines" }));
    expect(error.hint).toContain("update()");
  });

  it("a tag with a line break, in the array or the comma-separated string, is refused, naming it", async () => {
    expect((await refusal(() => site.api.upload("Shot", shot, new Blob(["hi"]), { tagList: ["ok", "a\nb"] }))).path).toEqual(["options", "tagList", 1]);
    expect((await refusal(() => site.api.upload("Shot", shot, new Blob(["hi"]), { tagList: "a,b\rc" }))).path).toEqual(["options", "tagList"]);
  });

  it("a File whose name holds a line break is refused, naming the source", async () => {
    for (const name of ["two\nlines.txt", "cr\ronly.txt"]) {
      const error = await refusal(() => site.api.upload("Shot", shot, new File(["hi"], name), { displayName: "fine" }));
      expect(error.path, name).toEqual(["path"]);
      expect(error.expected, name).toContain(WHY);
      expect(error.received, name).toBe(`string ${JSON.stringify(name)}`);
    }
    // A File's name cannot hold half a surrogate pair: its constructor has made it U+FFFD already, as sent.
    expect(new File(["hi"], "blob\ud83dname.txt").name).toBe("blob\ufffdname.txt");
    const thumb = await refusal(() => site.api.shareThumbnail([{ type: "Shot", id: shot }], { thumbnailPath: new File(["hi"], "a\nb.png") }));
    expect(thumb.path).toEqual(["options", "thumbnailPath"]);
  });

  it("a path whose file name holds a line break is refused, naming the name; its folder may hold one", async () => {
    const folder = join(root, "dir\nwith break");
    const file = join(root, "two\nlines.txt");
    writeFileSync(file, "hi");
    const error = await refusal(() => site.api.upload("Shot", shot, file));
    expect(error.path).toEqual(["path"]);
    expect(error.expected).toContain("a file name without CR, LF or half a surrogate pair");
    expect(error.received).toBe('string "two\\nlines.txt"');
    // Only the file name is sent: a line break in a folder of the path is no concern.
    const { mkdirSync } = await import("node:fs");
    mkdirSync(folder);
    writeFileSync(join(folder, "plain.txt"), "hi");
    const id = await site.api.upload("Shot", shot, join(folder, "plain.txt"));
    expect((await site.api.findOne("Attachment", [["id", "is", id]], ["filename"]))?.["filename"]).toBe("plain.txt");
  });

  it("stores any other text as it was given: quotes, a tab, characters outside the BMP", async () => {
    const displayName = 'take "2"\tfinal ✓ \u{1F511}';
    const id = await site.api.upload("Shot", shot, new File(["hi"], 'take "2" ✓.txt'), { displayName });
    const attachment = await site.api.findOne("Attachment", [["id", "is", id]], ["display_name", "filename"]);
    expect(attachment?.["display_name"]).toBe(displayName);
    expect(attachment?.["filename"]).toBe('take "2" ✓.txt');
  });
});
