/**
 * What a download does to the file at `filePath`, by HTTP from the emulator and by copying a local file link: a name
 * near the 255-byte limit can be written (its temporary file gets a shorter name of its own); an existing link is
 * written through and stays a link, as Python's `open(path, "wb")` leaves it; an existing file keeps its permission
 * bits, and a new one gets the process umask's.
 */
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttachmentInput } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let dir: string;
let attachmentId: number;
let localLink: AttachmentInput;
const CONTENT = "frame data v2";

beforeAll(async () => {
  site = await startSite();
  dir = await mkdtemp(join(tmpdir(), "sg-download-target-"));
  const shot = (await site.api.findOne("Shot", []))!;
  attachmentId = await site.api.upload("Shot", shot.id, new File([new TextEncoder().encode(CONTENT)], "v2.mov"));
  const source = join(dir, "source.mov");
  await writeFile(source, CONTENT);
  localLink = { url: `file://${source}`, local_path: source, link_type: "local", name: "source.mov" };
});
afterAll(async () => {
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

/** The two ways a download reaches `filePath`. */
const routes: [string, () => AttachmentInput][] = [
  ["by HTTP", () => attachmentId],
  ["from a local file link", () => localLink],
];

describe.each(routes)("a download %s", (_route, attachment) => {
  let folder: string;
  const download = (filePath: string): Promise<string> => site.api.downloadAttachment(attachment(), { filePath });

  beforeAll(async () => {
    folder = await mkdtemp(join(dir, "target-"));
  });

  it("writes a file whose name is 249 bytes of UTF-8, leaving no temporary file", async () => {
    const name = `${"ショット".repeat(20)}_v001.mov`;
    expect(new TextEncoder().encode(name).length).toBe(249);
    const filePath = join(folder, name);
    expect(await download(filePath)).toBe(filePath);
    expect(await readFile(filePath, "utf8")).toBe(CONTENT);
    expect((await readdir(folder)).filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("writes through an existing link: the link stays, the file it leads to gets the bytes", async () => {
    const real = join(folder, "sh010_v001.mov");
    const link = join(folder, "latest.mov");
    await writeFile(real, "v1");
    await symlink("sh010_v001.mov", link);
    expect(await download(link)).toBe(link);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toBe(CONTENT);
  });

  it("keeps an existing file's mode under umask 077, and gives a new file the umask's", async () => {
    const shared = join(folder, "shared.mov");
    await writeFile(shared, "v0");
    await chmod(shared, 0o664);
    const mask = process.umask(0o077);
    try {
      await download(shared);
      await download(join(folder, "new.mov"));
    } finally {
      process.umask(mask);
    }
    expect(await readFile(shared, "utf8")).toBe(CONTENT);
    expect((await stat(shared)).mode & 0o777).toBe(0o664);
    expect((await stat(join(folder, "new.mov"))).mode & 0o777).toBe(0o600);
  });
});
