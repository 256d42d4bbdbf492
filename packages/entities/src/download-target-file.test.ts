/**
 * What a download does to the file at `filePath`, by HTTP from the emulator and by copying a local file link: a name
 * near the 255-byte limit can be written (its temporary file gets a shorter name of its own).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
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
});
