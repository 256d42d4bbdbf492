/**
 * A local file link's path is the site's value: a site (or an account that can write links) may point it at any
 * file of this machine, directly or with `..` under a storage root. By default it is read, as the Python client
 * does; `localFiles: false` refuses it before anything is read. Against the emulator, over real sockets.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { SgTransferError, downloadAttachment, openAttachment } from "./index.js";
import { demoProject, useSite } from "./test-support/suite.js";

const getSite = useSite();

let dir = "";
let link: Record<string, unknown> = {};
beforeAll(async () => {
  const site = getSite();
  dir = mkdtempSync(join(tmpdir(), "sg-local-files-"));
  mkdirSync(join(dir, "projects"));
  mkdirSync(join(dir, "home"));
  writeFileSync(join(dir, "home", "id_rsa"), "PRIVATE KEY");
  // A storage root, and a link that climbs out of it to a key.
  const storage = await site.api.create("LocalStorage", { code: "projects", linux_path: join(dir, "projects"), mac_path: join(dir, "projects"), windows_path: "P:\\projects" });
  const version = await site.api.create("Version", { code: "innocent", project: demoProject(site) });
  await site.api.update("Version", version.id, { sg_uploaded_movie: { local_storage: { type: "LocalStorage", id: storage.id }, relative_path: "../home/id_rsa", name: "innocent.exr" } });
  link = (await site.api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"]))!.sg_uploaded_movie as Record<string, unknown>;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a local file link the site points outside its storage", () => {
  it("is read by default, as the Python client reads it", async () => {
    expect(link).toMatchObject({ link_type: "local", local_path: `${join(dir, "projects")}/../home/id_rsa` });
    expect(new TextDecoder().decode(await downloadAttachment(getSite().client, link))).toBe("PRIVATE KEY");
  });

  it("with localFiles: false is refused before anything is read: bytes, filePath and openAttachment", async () => {
    const { client, emulator } = getSite();
    const from = emulator.requests().length;
    const copy = join(dir, "copy.exr");
    for (const refused of [() => downloadAttachment(client, link, { localFiles: false }), () => downloadAttachment(client, link, { localFiles: false, filePath: copy }), () => openAttachment(client, link, { localFiles: false })]) {
      const error = await refused().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgTransferError);
      // the url as a URL: percent-encoded, `..` resolved
      expect(error).toMatchObject({ code: "SG_LOCAL_LINK_REFUSED", reason: `@sg/entities: options.localFiles is false: the local file link file://${join(dir, "home", "id_rsa")} was not read` });
    }
    expect(existsSync(copy)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["home", "projects"]);
    expect(emulator.requests().length).toBe(from);
  });

  it("localFiles: false leaves the site's own files alone, and localFiles must be a boolean", async () => {
    const { api, client } = getSite();
    const shot = (await api.findOne("Shot", []))!.id;
    const id = await api.upload("Shot", shot, new File(["served"], "served.txt"));
    expect(new TextDecoder().decode(await downloadAttachment(client, id, { localFiles: false }))).toBe("served");
    const bad = await downloadAttachment(client, link, { localFiles: "no" as unknown as boolean }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SgValidationError);
    expect((bad as SgValidationError).message).toBe('@sg/entities: options.localFiles: expected true or false, got string "no"');
  });
});
