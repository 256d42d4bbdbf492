/**
 * The content type an upload is sent with, as the site stores it (the emulator keeps the multipart part's
 * `Content-Type`): guessed from the file's name when the source does not say it (a path, or a `File`/`Blob` without a
 * `type`), as Python guesses it from the filename (rpc-protocol §2.9); a `type` the Blob has is kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

describe("the content type of an upload", () => {
  let site: TestSite;
  let dir: string;
  let version: number;
  beforeAll(async () => {
    site = await startSite();
    dir = mkdtempSync(join(tmpdir(), "sg-content-type-"));
    const project = demoProject(site);
    version = (await site.api.create("Version", { code: "content_type", project })).id;
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await site.close();
  });

  /** Upload `source` to the Version's movie field and read back the content type the site stored. */
  async function stored(source: string | Blob, displayName?: string): Promise<unknown> {
    await site.api.upload("Version", version, source, { fieldName: "sg_uploaded_movie", ...(displayName ? { displayName } : {}) });
    const movie = (await site.api.findOne("Version", [["id", "is", version]], ["sg_uploaded_movie"]))!.sg_uploaded_movie as { content_type?: unknown };
    return movie.content_type;
  }

  const bytes = new TextEncoder().encode("not really a movie");

  it("a File without a type is sent with the type its name says, as the same file by path is", async () => {
    const path = join(dir, "sh020_v001.mov");
    writeFileSync(path, bytes);
    expect(await stored(path)).toBe("video/quicktime");
    expect(await stored(new File([bytes], "sh020_v001.mov"))).toBe("video/quicktime");
    expect(await stored(new File([bytes], "plate.EXR"))).toBe("image/x-exr");
  });

  it("a Blob without a type is sent with the type of the name it is sent under (displayName)", async () => {
    expect(await stored(new Blob([bytes]), "sh020_v001.mp4")).toBe("video/mp4");
    expect(await stored(new Blob([bytes]))).toBe("application/octet-stream");
  });

  it("a type the File or Blob has is kept, whatever its name", async () => {
    expect(await stored(new File([bytes], "sh020_v001.mov", { type: "video/mp4" }))).toBe("video/mp4");
    expect(await stored(new Blob([bytes], { type: "text/plain" }), "notes.mov")).toBe("text/plain");
  });
});
