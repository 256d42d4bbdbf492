/**
 * A local file link with only its url (`file://…`): the site's form `"file://" + path` (not percent-encoded, so a name
 * may hold `%`, `#`, spaces) and an encoded one made with `pathToFileURL` both read the file they name; what cannot be
 * read is an `SgTransferError`, never a raw `URIError`. Real files in a temporary folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadAttachment, openAttachment, SgTransferError } from "./index.js";
import { startFileSite, type FileSite } from "./test-support/file-site.js";

let files: FileSite;
let dir: string;
beforeAll(async () => {
  files = await startFileSite((_req, res) => res.writeHead(500).end());
  dir = mkdtempSync(join(tmpdir(), "sg-local-url-"));
  for (const name of ["進捗 100%.txt", "進捗 %41.txt", "進捗 A.txt", "aA.txt", "caf%E9.txt", "take#2.exr", "a%2Fb.txt", "a%5cb.txt"]) writeFileSync(join(dir, name), name);
  // what a url naming the host `server` would read if its host were taken for a folder of the working folder
  mkdirSync(join(dir, "server", "share"), { recursive: true });
  writeFileSync(join(dir, "server", "share", "x y.exr"), "relative");
});
afterAll(async () => {
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The text of the local file link `{ url, link_type: "local" }`. */
async function read(url: string): Promise<string> {
  return new TextDecoder().decode(await downloadAttachment(files.client, { url, link_type: "local" }));
}

describe("a url-only local file link reads the file its url names", () => {
  it.each([
    // the site's form: the path as it is — a literal %, a literal %41 next to a name that is not encoded, a #
    ["進捗 100%.txt", "進捗 100%.txt"],
    ["進捗 %41.txt", "進捗 %41.txt"],
    ["take#2.exr", "take#2.exr"],
    // all ASCII, valid escapes that are not UTF-8: read as written
    ["caf%E9.txt", "caf%E9.txt"],
    // all ASCII, but an encoded / or \ is no name's part: fileURLToPath refuses it; read as written, never as a folder
    ["a%2Fb.txt", "a%2Fb.txt"],
    ["a%5cb.txt", "a%5cb.txt"],
    // all ASCII and of encoded form: decoded, as fileURLToPath does (a literal %41 there needs local_path)
    ["a%41.txt", "aA.txt"],
  ])("file://<dir>/%s reads %s", async (name, file) => {
    expect(await read(`file://${dir}/${name}`)).toBe(file);
  });

  it.each([
    // file:/path (one slash) and file://localhost/path are this machine's path too, as written or decoded alike
    ["file:", "進捗 A.txt", "進捗 A.txt"],
    ["file:", "進捗 100%.txt", "進捗 100%.txt"],
    ["file:", "a%41.txt", "aA.txt"],
    ["file://localhost", "進捗 A.txt", "進捗 A.txt"],
    ["FILE://LOCALHOST", "take#2.exr", "take#2.exr"],
  ])("%s<dir>/%s reads %s", async (prefix, name, file) => {
    expect(await read(`${prefix}${dir}/${name}`)).toBe(file);
  });

  it("a url naming another machine is refused, never read as a path relative to the working folder", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // four slashes or more, or two separators after file:// or file://localhost, are the same UNC share: refused alike,
      // never read as the POSIX path //server/share/x y.exr (which is /server/share/x y.exr)
      for (const url of ["file://server/share/x y.exr", "file://server/share/x%20y.exr", "file:\\\\server\\share\\x y.exr", "file:////server/share/x y.exr", "file:////server/share/x%20y.exr", "file://///server/share/x y.exr", "file://localhost//server/share/x y.exr", "file:///\\server\\share\\x y.exr"]) {
        const error = await read(url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SgTransferError);
        expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", message: expect.stringContaining("names another machine (server)") });
        expect((error as Error).message).toContain("local_path");
      }
      // its local_path, when set, is what is read
      const linked = await downloadAttachment(files.client, { url: "file://server/share/x y.exr", local_path: join(dir, "進捗 A.txt"), link_type: "local" });
      expect(new TextDecoder().decode(linked)).toBe("進捗 A.txt");
    } finally {
      process.chdir(cwd);
    }
  });

  it("an encoded url (pathToFileURL) reads the file it names", async () => {
    for (const name of ["進捗 100%.txt", "進捗 %41.txt", "take#2.exr"]) expect(await read(pathToFileURL(join(dir, name)).href)).toBe(name);
  });

  it("openAttachment names the file by its path as written", async () => {
    const opened = await openAttachment(files.client, { url: `file://${dir}/進捗 100%.txt`, link_type: "local" });
    await opened.stream.cancel();
    expect(opened.fileName).toBe("進捗 100%.txt");
  });

  it("a missing file whose url holds a literal % is an SgTransferError naming it, not a URIError", async () => {
    const error = await read(`file://${dir}/missing 100%.txt`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", message: expect.stringContaining(`@sg/entities: failed to read the local file ${dir}/missing 100%.txt`) });
  });
});
