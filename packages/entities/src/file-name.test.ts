/**
 * `openAttachment().fileName` is the site's name for the file, which a compromised account or a hostile site chooses:
 * it is handed over as a plain name — its last part, without controls — so that joining it to a folder stays in it.
 * Against the emulator (an uploaded file whose name is a path) and a node:http site sending hostile headers.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, win32 } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityApi, openAttachment } from "./index.js";
import { startDispositionSite, type DispositionSite } from "./test-support/file-site.js";
import { useSite } from "./test-support/suite.js";

const getSite = useSite();

let files: DispositionSite;
beforeAll(async () => {
  files = await startDispositionSite();
});
afterAll(() => files.close());
const nameOf = (header: string): Promise<string | undefined> => files.nameOf(header);

describe("openAttachment().fileName is the site's name reduced to a plain file name", () => {
  it("an uploaded file named with a path gives its last part only (the emulator keeps and serves the name as uploaded)", async () => {
    const site = getSite();
    const shot = (await site.api.findOne("Shot", []))!.id;
    const id = await site.api.upload("Shot", shot, new File(["echo owned\n"], "../../../home/artist/.bashrc"));
    const opened = await entityApi(site.client).openAttachment({ type: "Attachment", id });
    await opened.stream.cancel();
    expect(opened.fileName).toBe(".bashrc");
    expect(join("/renders/inbox", opened.fileName!)).toBe("/renders/inbox/.bashrc");
  });

  it.each([
    ['attachment; filename="/etc/cron.d/x"', "x"],
    ['attachment; filename="C:\\Windows\\x.dll"', "x.dll"],
    ['attachment; filename="..\\..\\x.dll"', "x.dll"],
    // decoded %2F, NUL, newline and ESC: the controls go, then the last part is kept
    ["attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys%00%0A%1b%5B2J.png; filename=\"ok.png\"", "authorized_keys[2J.png"],
    // a right-to-left override (and the other bidi controls, C1 controls) would make "exe.png" read as a .png
    ["attachment; filename*=UTF-8''photo%E2%80%AEgnp.exe", "photognp.exe"],
    ["attachment; filename*=UTF-8''%E2%80%8E%E2%80%8F%E2%80%AAa%E2%80%AC%E2%81%A6b%E2%81%A9%C2%85%C2%9B.mov", "ab.mov"],
    // U+061C (an Arabic letter mark, bidi too) and the line and paragraph separators U+2028/U+2029 go as well
    ["attachment; filename*=UTF-8''report%D8%9Cgpj.exe", "reportgpj.exe"],
    ["attachment; filename*=UTF-8''a%E2%80%A8b%E2%80%A9c.png", "abc.png"],
    // a drive-relative name (Windows: relative to drive C's current folder, out of the target folder) and an
    // alternate data stream: every ':' becomes '_'
    ['attachment; filename="C:evil.txt"', "C_evil.txt"],
    ['attachment; filename="notes.txt:hidden:$DATA"', "notes.txt_hidden_$DATA"],
    // what Windows refuses in a file name becomes '_' as well, on every OS (a name from a site should be portable)
    ['attachment; filename="a<b>c\\"d|e?f*g.exr"', "a_b_c_d_e_f_g.exr"],
    ["attachment; filename*=UTF-8''%3C%3E%22%7C%3F%2A.txt", "______.txt"],
    // Windows drops the dots and spaces that end a name: "x.exe." would be written as x.exe, ". ." as the folder
    ['attachment; filename="trailing. "', "trailing"],
    ["attachment; filename*=UTF-8''x.exe.%00", "x.exe"],
    ['attachment; filename="plate.exr"', "plate.exr"],
    ['attachment; filename=".bashrc"', ".bashrc"],
  ])("%j gives %j", async (header, name) => {
    expect(await nameOf(header)).toBe(name);
  });

  it("a drive-relative name joined to a Windows folder stays in it", async () => {
    const name = await nameOf('attachment; filename="C:evil.txt"');
    expect(win32.resolve("D:\\inbox", name!)).toBe("D:\\inbox\\C_evil.txt");
    expect(win32.join("D:\\inbox", name!)).toBe("D:\\inbox\\C_evil.txt");
  });

  it.each([['attachment; filename=".."'], ['attachment; filename="."'], ["attachment; filename*=UTF-8''..%2F"], ["attachment; filename*=UTF-8''%1b%00"], ["attachment; filename*=UTF-8''a%2F..%00"], ['attachment; filename=". ."'], ['attachment; filename="a/..."'], ["attachment"]])(
    "%j gives no name",
    async (header) => {
      expect(await nameOf(header)).toBeUndefined();
    },
  );

  it("a local file link's name is cleaned the same way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-file-name-"));
    try {
      const local = join(dir, "shot\u202egnp.exe");
      writeFileSync(local, "bytes");
      const opened = await openAttachment(files.client, { url: `file://${encodeURI(local)}`, local_path: local, link_type: "local" });
      await opened.stream.cancel();
      expect(opened.fileName).toBe("shotgnp.exe");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
