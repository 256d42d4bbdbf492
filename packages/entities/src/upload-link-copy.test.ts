/** An uploaded file's link, read from one record and written to another, stays that upload (not a web link). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let dir: string;
let project: { type: "Project"; id: number };
beforeAll(async () => {
  site = await startSite();
  project = site.emulator.card.projects[0] as { type: "Project"; id: number };
  dir = mkdtempSync(join(tmpdir(), "sg-entities-copy-"));
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

type Movie = { type: string; id: number; name: string; link_type: string; url: string; content_type: string | null };

/** A Version with `notes.txt` uploaded into `sg_uploaded_movie`, and that field as read back. */
async function versionWithUpload(code: string): Promise<Movie> {
  const file = join(dir, "notes.txt");
  writeFileSync(file, "hello\n");
  const version = await site.api.create("Version", { code, project });
  await site.api.upload("Version", version.id, file, { fieldName: "sg_uploaded_movie", displayName: "Notes" });
  return (await site.api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"]))!.sg_uploaded_movie as Movie;
}

const movieOf = async (id: number): Promise<unknown> => (await site.api.findOne("Version", [["id", "is", id]], ["sg_uploaded_movie"]))!.sg_uploaded_movie;

describe("copying an uploaded file's link", () => {
  it("update of another Version with the link read back links the same Attachment, still an upload", async () => {
    const movie = await versionWithUpload("copy_from");
    expect(movie).toMatchObject({ type: "Attachment", link_type: "upload", name: "Notes" });
    const other = await site.api.create("Version", { code: "copy_to", project });
    await site.api.update("Version", other.id, { sg_uploaded_movie: movie });
    // The update sent the trimmed link, without link_type: that is what the site must read as the upload.
    expect(JSON.stringify(site.payloads("update").at(-1))).not.toContain("link_type");
    expect(await movieOf(other.id)).toEqual(movie);
  });

  it("keeps only the link's own keys, and refuses an Attachment that does not exist, as a link to a missing record", async () => {
    const movie = await versionWithUpload("keys_from");
    const created = await site.api.create("Version", { code: "keys_to", project, sg_uploaded_movie: { link_type: "upload", id: movie.id, name: "Renamed", evil: "x" } as never });
    expect(await movieOf(created.id)).toEqual(movie);
    await expect(site.api.create("Version", { code: "missing", project, sg_uploaded_movie: { link_type: "upload", id: 999999, evil: "x" } as never })).rejects.toThrow(
      "Version.sg_uploaded_movie: Attachment with id 999999 does not exist",
    );
    await expect(site.api.create("Version", { code: "missing2", project, sg_uploaded_movie: { type: "Attachment", id: 999998 } as never })).rejects.toThrow("Attachment with id 999998 does not exist");
    const missingShot = site.api.create("Shot", { code: "missing_link", project, sg_sequence: { type: "Sequence", id: 999999 } });
    await expect(missingShot).rejects.toThrow("Shot.sg_sequence: Sequence with id 999999 does not exist");
  });

  it("writes a link saying link_type web as a new web link, though it names an Attachment (a link dict taken from a site)", async () => {
    const movie = await versionWithUpload("web_from");
    const web = { type: "Attachment", id: movie.id, link_type: "web", url: "https://b.example/new.mov", name: "new" };
    const created = await site.api.create("Version", { code: "web_to", project, sg_uploaded_movie: web as never });
    expect(await movieOf(created.id)).toMatchObject({ link_type: "web", url: "https://b.example/new.mov", name: "new" });
  });
});
