/**
 * On Windows a url-only local file link naming a drive path is read as Windows reads it — `file:///P:/a%20b.exr` is
 * `P:\a b.exr`, as `fileURLToPath(url, { windows: true })` says — not as the POSIX path `/P:/a b.exr` (which Windows
 * resolves to `C:\P:\…`); and the url this package itself makes from a record there (`file://P:\…`) reads back the
 * same file. Run with `process.platform` set to `"win32"` before the package is loaded (it reads it once, as it picks
 * `local_path_windows`), so this machine plays a Windows one; no such drive exists here, so the path the download
 * opens is the one its `SgTransferError` names.
 */
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const platform = vi.hoisted(() => {
  const was = Object.getOwnPropertyDescriptor(process, "platform")!;
  Object.defineProperty(process, "platform", { ...was, value: "win32" });
  return was;
});

import { downloadAttachment, getAttachmentDownloadUrl, openAttachment, SgTransferError } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
  Object.defineProperty(process, "platform", platform);
});

/** The message of the refusal a download of the url-only local file link `url` fails with. */
async function failure(url: string, open = false): Promise<string> {
  const link = { url, link_type: "local" };
  const error = await (open ? openAttachment(site.client, link) : downloadAttachment(site.client, link)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SgTransferError);
  return (error as SgTransferError).message;
}

describe("on Windows a url-only local file link's drive path is a Windows path", () => {
  it.each([
    // encoded (pathToFileURL), with /, \ or no slash before the drive letter, and through localhost
    [pathToFileURL("P:\\shots\\a b.exr", { windows: true }).href, "P:\\shots\\a b.exr"],
    ["file:///P:\\shots\\a b.exr", "P:\\shots\\a b.exr"],
    ["file://P:/shots/a%20b.exr", "P:\\shots\\a b.exr"],
    ["file://localhost/P:/shots/a%20b.exr", "P:\\shots\\a b.exr"],
    ["file:P:/shots/a%20b.exr", "P:\\shots\\a b.exr"],
    // as written, the site's "file://" + path form: a literal %, non-ASCII, a space
    ["file://P:\\shots\\進捗 100%.txt", "P:\\shots\\進捗 100%.txt"],
    ["file:///c:/Users/artist/%E9%80%B2%E6%8D%97.exr", "c:\\Users\\artist\\進捗.exr"],
  ])("%s is read as %s", async (url, path) => {
    for (const open of [false, true]) expect(await failure(url, open)).toBe(`@sg/entities: failed to read the local file ${path}`);
  });

  it("a path with no drive is left as it is, and another machine's url is still refused", async () => {
    expect(await failure("file:///p/a%20b.exr")).toBe("@sg/entities: failed to read the local file /p/a b.exr");
    // the same share written with four slashes or two separators after file:// is refused alike, never read as \\server\share
    for (const url of ["file://server/share/a.exr", "file:////server/share/a.exr", "file:////server/share/a%20b.exr", "file:///\\server\\share\\a.exr", "file://\\\\server\\share\\a.exr", "file://localhost//server/share/a.exr"]) {
      for (const open of [false, true]) expect(await failure(url, open), url).toContain("names another machine (server)");
    }
  });

  it("the url made from a record on Windows (file://P:\\…) reads the record's local_path", async () => {
    const pf = await site.api.create("PublishedFile", { code: "a.exr", project: demoProject(site), path: { local_path: "P:\\projects\\shots\\a.exr" } });
    const link = (await site.api.findOne("PublishedFile", [["id", "is", pf.id]], ["path"]))!.path as Record<string, unknown>;
    expect(link).toMatchObject({ local_path: "P:\\projects\\shots\\a.exr", local_path_windows: "P:\\projects\\shots\\a.exr" });
    const url = getAttachmentDownloadUrl(site.client, link as never)!;
    expect(url).toBe("file://P:\\projects\\shots\\a.exr");
    const whole = await downloadAttachment(site.client, link).catch((e: unknown) => e);
    expect((whole as SgTransferError).message).toBe("@sg/entities: failed to read the local file P:\\projects\\shots\\a.exr");
    expect(await failure(url)).toBe((whole as SgTransferError).message);
  });
});
