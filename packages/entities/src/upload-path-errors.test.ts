/**
 * A file path an upload refuses (missing, empty, a folder) is named whole in the error, however long: a batch
 * publish's paths run far past the 40 characters other values are cut to, and the cut part is what tells them apart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SgValidationError } from "@sg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

describe("upload path errors name the whole path", () => {
  let site: TestSite;
  let root: string;
  let folder: string;
  const project = (): { type: "Project"; id: number } => demoProject(site);
  beforeAll(async () => {
    site = await startSite();
    root = mkdtempSync(join(tmpdir(), "sg-path-errors-"));
    folder = join(root, "rv-publish", "files", "sequences", "SQ010", "sh020", "publish", "v002");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "sh020_v002_empty.mov"), "");
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await site.close();
  });

  const cases = (): [string, string, string][] => [
    ["missing", join(folder, "sh020_v002.mov"), "the path of an existing file"],
    ["empty", join(folder, "sh020_v002_empty.mov"), "a non-empty file"],
    ["a folder", folder, "the path of a regular file"],
  ];

  it.each(["upload", "uploadThumbnail", "create image", "update image", "shareThumbnail thumbnailPath"])("%s: missing, empty and folder paths are named whole", async (how) => {
    const version = await site.api.create("Version", { code: "path_errors", project: project() });
    for (const [what, path, expected] of cases()) {
      expect(path.length, what).toBeGreaterThan(60);
      const attempt =
        how === "upload"
          ? site.api.upload("Version", version.id, path, { fieldName: "sg_uploaded_movie" })
          : how === "uploadThumbnail"
            ? site.api.uploadThumbnail("Version", version.id, path)
            : how === "create image"
              ? site.api.create("Version", { code: "path_errors_create", project: project(), image: path })
              : how === "update image"
                ? site.api.update("Version", version.id, { image: path })
                : site.api.shareThumbnail([version], { thumbnailPath: path });
      const error = await attempt.catch((e: unknown) => e);
      expect(error, `${how}: ${what}`).toBeInstanceOf(SgValidationError);
      const message = (error as SgValidationError).message;
      expect(message, `${how}: ${what}`).toContain(`expected ${expected}`);
      expect(message, `${how}: ${what}`).toContain(path);
      expect((error as SgValidationError).received, `${how}: ${what}`).toContain(path);
      expect(message, `${how}: ${what}`).not.toContain("...");
    }
  });
});
