import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { publishVersion } from "./publish.mjs";
import { runRecipe, writeMedia } from "./recipe.mjs";

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));
/** @type {string} */
let dir;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-publish-version-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** @param {string} url a client of the test's own, without retries */
const client = (url) => entityApi(createClient({ site: url, transport: jsonRpcTransport({ retry: false }), auth: scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }) }));

describe("the publish-version recipe", () => {
  it("npm start: publishes through three failures that may have landed and exits 0", () => {
    const run = spawnSync(process.execPath, [main], { encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/create: failed in a way that may have landed \(HTTP 504.*the site shows it did: not sending it again/);
    expect(run.stdout).toMatch(/movie: failed in a way that may have landed .*the site shows it did: not sending it again/);
    expect(run.stdout).toMatch(/thumbnail: failed in a way that may have landed .*502.*the site shows it did not: sending it once more/);
    expect(run.stdout.trimEnd().endsWith("All steps passed.")).toBe(true);
  }, 40_000);

  it("the Version exists once, with one movie attachment (its bytes) and one thumbnail, and no step landed twice", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const { code, checked } = await runRecipe(site, { dir, out: () => {} });
      expect(checked.map((c) => [c.step, c.landed])).toEqual([["create", true], ["movie", true], ["thumbnail", false]]);
      const sg = client(site.url);
      const versions = await sg.find("Version", [["code", "is", code]], ["entity", "sg_uploaded_movie", "image"]);
      expect(versions.length).toBe(1);
      const version = /** @type {NonNullable<(typeof versions)[0]>} */ (versions[0]);
      expect(version["entity"]).toMatchObject({ type: "Shot", id: 1 });
      expect(version["image"]).toEqual(expect.any(String));
      const attachments = await sg.find("Attachment", [], ["attachment_links", "sg_type", "file_size"]);
      const movies = attachments.filter((a) => /** @type {{ type: string, id: number }[]} */ (a["attachment_links"]).some((l) => l.type === "Version" && l.id === version.id));
      expect(movies.map((a) => a["file_size"])).toEqual([256 * 1024]);
      expect(attachments.filter((a) => a["sg_type"] === "Thumbnail").length).toBe(1);
      expect(version["sg_uploaded_movie"]).toMatchObject({ type: "Attachment", id: movies[0]?.id, name: `${code}.mov` });
      const bytes = await sg.downloadAttachment(/** @type {{ type: "Attachment", id: number }} */ (version["sg_uploaded_movie"]));
      expect(/** @type {Uint8Array} */ (bytes).byteLength).toBe(256 * 1024);
      // What reached the site: one create, one movie upload (the dropped one, not re-sent), two thumbnail posts (the 502 was not applied).
      const requests = site.requests();
      expect(requests.filter((r) => r.method_name === "create").map((r) => r.injected)).toEqual(["status-504-after"]);
      expect(requests.filter((r) => r.path === "/upload/upload_file").map((r) => r.injected)).toEqual(["drop-after"]);
      expect(requests.filter((r) => r.path === "/upload/publish_thumbnail").map((r) => r.injected)).toEqual(["html-502", null]);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("a failure that did not land (a 4xx) is thrown, not checked and re-sent", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const media = writeMedia(dir, "v_4xx", 1024);
      site.injectFault({ method: "/upload/upload_file", status: 400 });
      await expect(publishVersion({ sg, project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "v_4xx", ...media })).rejects.toThrow(/400/);
      expect(site.requests().filter((r) => r.path === "/upload/upload_file").length).toBe(1);
      const [version] = await sg.find("Version", [["code", "is", "v_4xx"]], ["sg_uploaded_movie"]);
      expect(version?.["sg_uploaded_movie"]).toBeNull();
    } finally {
      await site.close();
    }
  }, 20_000);
  it("two publishes of one code at once leave no Version without its movie and thumbnail, and upload once per Version", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const media = writeMedia(dir, "dbl_v001", 1024);
      const job = () => publishVersion({ sg, project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "dbl_v001", ...media });
      const results = await Promise.all([job(), job()]);
      const versions = await sg.find("Version", [["code", "is", "dbl_v001"]], ["sg_uploaded_movie", "image"]);
      for (const v of versions) expect([v.id, Boolean(v["sg_uploaded_movie"]), Boolean(v["image"])]).toEqual([v.id, true, true]);
      for (const r of results) expect(versions.map((v) => v.id)).toContain(r.version.id);
      expect(site.requests().filter((r) => r.path === "/upload/upload_file").length).toBe(versions.length);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("a movie or thumbnail that is missing, not a file or empty is refused before anything is sent", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const media = writeMedia(dir, "v_nofile", 1024);
      const empty = join(dir, "empty.png");
      writeFileSync(empty, "");
      const job = (/** @type {{ moviePath: string, thumbnailPath: string }} */ files) => publishVersion({ sg, project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "v_nofile", ...files });
      await expect(job({ ...media, moviePath: join(dir, "missing.mov") })).rejects.toThrow(`publish-version: moviePath ${join(dir, "missing.mov")}: cannot read it (ENOENT); nothing was sent`);
      await expect(job({ ...media, moviePath: dir })).rejects.toThrow(`publish-version: moviePath ${dir}: expected a regular file of 1 byte or more`);
      await expect(job({ ...media, thumbnailPath: empty })).rejects.toThrow(`publish-version: thumbnailPath ${empty}: expected a regular file of 1 byte or more`);
      expect(site.requests().length).toBe(0);
    } finally {
      await site.close();
    }
  }, 20_000);
});
