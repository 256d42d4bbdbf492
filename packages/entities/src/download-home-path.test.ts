/**
 * A download's `filePath` starting with `~/` is in the home folder, as an upload's path is: a ported script that
 * uploads from `~/renders/…` and downloads to `~/review/…` behaves the same both ways, instead of the download
 * being refused for a folder named `~`. HOME points at a temporary folder for this file's tests (vitest runs the file
 * in a child process of its own), and nothing is downloaded unless `os.homedir()` says so: the real home is never
 * written into.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SgValidationError } from "@sg/core";
import { expandHome } from "./home-path.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let home: string;
const CONTENT = "frame data from home";

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "sg-download-home-"));
  vi.stubEnv("HOME", home);
  vi.stubEnv("USERPROFILE", home);
  site = await startSite();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await site.close();
  await rm(home, { recursive: true, force: true });
});

/** Fail the test, before anything is written, unless the home folder is the temporary one. */
function homeIsTemporary(): void {
  if (homedir() !== home) throw new Error(`os.homedir() is ${homedir()}, not the test's ${home}: not writing into it`);
}

describe("expandHome", () => {
  it("replaces a leading ~ or ~/ with the home folder, and leaves any other path as it is", () => {
    const at = (): string => "/home/ana";
    expect(expandHome("~/renders/sh010.mov", at)).toBe("/home/ana/renders/sh010.mov");
    expect(expandHome("~", at)).toBe("/home/ana");
    for (const path of ["~ana/x.mov", "renders/~/x.mov", "/tmp/~x", "./~/x", "~x"]) expect(expandHome(path, at)).toBe(path);
  });

  it("asks for the home folder only for a path that starts with it", () => {
    const at = vi.fn(() => "/home/ana");
    expandHome("/tmp/x.mov", at);
    expect(at).not.toHaveBeenCalled();
  });
});

describe("downloadAttachment to a path under ~", () => {
  it("writes into the home folder and resolves to the path it wrote, as an upload reads from ~/", async () => {
    homeIsTemporary();
    await mkdir(join(home, "renders"));
    await writeFile(join(home, "renders", "sh010.mov"), CONTENT);
    const shot = (await site.api.findOne("Shot", []))!;
    const id = await site.api.upload("Shot", shot.id, "~/renders/sh010.mov");
    await mkdir(join(home, "review"));
    const written = await site.api.downloadAttachment(id, { filePath: "~/review/sh010.mov" });
    expect(written).toBe(join(home, "review", "sh010.mov"));
    expect(await readFile(join(home, "review", "sh010.mov"), "utf8")).toBe(CONTENT);
    expect((await readdir(join(home, "review"))).filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("names the expanded folder when it does not exist, and refuses ~ itself as a folder, before anything is sent", async () => {
    homeIsTemporary();
    const shot = (await site.api.findOne("Shot", []))!;
    const id = await site.api.upload("Shot", shot.id, new File([CONTENT], "sh020.mov"));
    const gets = (): number => site.emulator.requests().filter((r) => r.path.startsWith("/file_serve/")).length;
    const before = gets();
    const missing: unknown = await site.api.downloadAttachment(id, { filePath: "~/nowhere/sh020.mov" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SgValidationError);
    expect(missing).toMatchObject({ path: ["options", "filePath"], hint: `Create the folder ${join(home, "nowhere")} first, or name a file in an existing one.` });
    await expect(site.api.downloadAttachment(id, { filePath: "~" })).rejects.toMatchObject({ path: ["options", "filePath"], expected: "a file path, not a folder" });
    expect(gets()).toBe(before);
  });
});
