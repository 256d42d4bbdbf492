/**
 * A local file link read on an OS its LocalStorage has no path for: the record says so (`local_path: null`, as the
 * Python client's `_parse_records` sets it from the platform's key), and a download refuses it rather than reading
 * another OS's path as a relative file name.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgTransferError, downloadAttachment, openAttachment } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

/** This platform's `local_path_*` key, and a LocalStorage root and file of another OS. */
const here = process.platform === "win32" ? "local_path_windows" : process.platform === "darwin" ? "local_path_mac" : "local_path_linux";
const foreign =
  process.platform === "win32"
    ? { field: "linux_path", key: "local_path_linux", root: "/jobs", file: "/jobs/a/b.exr" }
    : { field: "windows_path", key: "local_path_windows", root: "W:\\jobs", file: "W:\\jobs\\a\\b.exr" };

describe("a local file link with no path for this OS", () => {
  let site: TestSite;
  let link: Record<string, unknown>;
  let storageId: number;
  beforeAll(async () => {
    site = await startSite();
    const storage = await site.api.create("LocalStorage", { code: "other_os_only", [foreign.field]: foreign.root });
    storageId = storage.id;
    const project = demoProject(site);
    const pf = await site.api.create("PublishedFile", { code: "b.exr", project, path: { local_path: foreign.file } });
    link = (await site.api.findOne("PublishedFile", [["id", "is", pf.id]], ["path"]))!.path as Record<string, unknown>;
  });
  afterAll(async () => {
    await site.close();
  });

  it("reads back with local_path set from this platform's key (null) and url 'file://', not the other OS's path", () => {
    expect(link).toMatchObject({ link_type: "local", [here]: null, local_path: null, url: "file://" });
    expect(link).toHaveProperty(here, null);
  });

  it.each([
    ["downloadAttachment", (l: Record<string, unknown>) => downloadAttachment(site.client, l)],
    ["openAttachment", (l: Record<string, unknown>) => openAttachment(site.client, l)],
  ])("%s refuses it, naming the platform's key and the LocalStorage, and reads no file", async (_name, read) => {
    const before = site.emulator.requests().length;
    // Also as a raw site value (not through find), whose local_path is the other OS's path.
    for (const given of [link, { ...link, local_path: foreign.file, url: `file://${foreign.file}` }]) {
      const error = await read(given).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgTransferError);
      expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED" });
      const message = (error as SgTransferError).message;
      expect(message).toContain("no path for this OS");
      expect(message).toContain(`${here} is null`);
      expect(message).toContain(`LocalStorage ${storageId} 'other_os_only'`);
      expect(message).not.toContain(foreign.file);
    }
    expect(site.emulator.requests().length).toBe(before);
  });

  it("reads the file where the app mapped it: a local_path of its own on such a link, or a hand-made link's url", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-local-link-"));
    try {
      const mounted = join(dir, "b.exr");
      writeFileSync(mounted, "EXR-BYTES");
      // the usual farm workaround: the other OS's path mapped onto this machine's mount
      const mapped = { ...link, local_path: mounted, url: `file://${mounted}` };
      expect(new TextDecoder().decode(await downloadAttachment(site.client, mapped))).toBe("EXR-BYTES");
      // a link the app made, with no per-OS keys: its url's path
      const made = { link_type: "local", local_path: null, url: `file://${mounted}`, name: "b.exr" };
      expect(new TextDecoder().decode(await downloadAttachment(site.client, made))).toBe("EXR-BYTES");
      // the hint's way when the mount equals another OS's path: local_path and this OS's key both set to it
      const refused = (await downloadAttachment(site.client, link).catch((e: unknown) => e)) as SgTransferError;
      expect(refused.hint).toBe(`Give its LocalStorage a path for this OS, or set the link's local_path and ${here} to where the file is here.`);
      const same = { ...link, [foreign.key]: mounted, local_path: mounted, [here]: mounted, url: `file://${mounted}` };
      expect(new TextDecoder().decode(await downloadAttachment(site.client, same))).toBe("EXR-BYTES");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
