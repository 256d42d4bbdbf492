/**
 * A download to a `filePath` that is not a regular file: a named pipe (FIFO), a link to one, or a link to an
 * anonymous pipe (what `/dev/stdout` is when stdout is piped: a link to /proc/self/fd/1, whose realpath fails) is
 * written into as `curl -o` and Python's `open(path, "wb")` write into it — no temporary file, no rename, the pipe
 * and the link stay what they were. A `filePath` in a folder that does not exist is refused before anything is sent.
 * A node:http site on 127.0.0.1 serves the file; `mkfifo` and `cat` make the pipes (nothing under the real /dev).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { lstat, mkdtemp, readdir, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgTimeoutError, SgValidationError } from "@sg/core";
import { downloadAttachment, type AttachmentInput } from "./index.js";
import { startFileSite, type FileSite } from "./test-support/file-site.js";

const CONTENT = "frame data v3\n";
let site: FileSite;
let dir: string;
let source: string;

beforeAll(async () => {
  site = await startFileSite((_req, res) => res.writeHead(200, { "content-length": String(CONTENT.length) }).end(CONTENT));
  dir = await mkdtemp(join(tmpdir(), "sg-download-special-"));
  source = join(dir, "source.mov");
  await writeFile(source, CONTENT);
});
afterAll(async () => {
  for (const reader of readers) if (reader.exitCode === null) reader.kill();
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

/** The readers started, stopped at the end should one still wait (a download that did not write into its FIFO). */
const readers: ChildProcess[] = [];

/**
 * Everything read from `path` (a FIFO) by one reader, `cat` (a process of its own, so that a reader that never gets a
 * writer does not hold one of this process's threads), until its writer closes it.
 */
function readAll(path: string): Promise<string> {
  const cat = spawn("cat", [path], { stdio: ["ignore", "pipe", "inherit"] });
  readers.push(cat);
  let text = "";
  cat.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return new Promise((resolve) => cat.on("close", () => resolve(text)));
}

const routes: [string, () => AttachmentInput][] = [
  ["by HTTP", () => 5],
  ["from a local file link", () => ({ url: `file://${source}`, local_path: source, link_type: "local", name: "source.mov" })],
];

describe.each(routes)("a download %s", (route, attachment) => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(dir, "target-"));
  });

  it("into a FIFO writes the bytes into it: it stays a FIFO, and no temporary file is left", async () => {
    const fifo = join(folder, `fifo-${route.length}`);
    execFileSync("mkfifo", [fifo]);
    const read = readAll(fifo);
    expect(await downloadAttachment(site.client, attachment(), { filePath: fifo })).toBe(fifo);
    expect(await read).toBe(CONTENT);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect((await readdir(folder)).filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("through a link to a FIFO writes into the FIFO: the link stays a link to it", async () => {
    const fifo = join(folder, "pipe");
    const link = join(folder, "latest");
    execFileSync("mkfifo", [fifo]);
    await symlink(fifo, link);
    const read = readAll(fifo);
    expect(await downloadAttachment(site.client, attachment(), { filePath: link })).toBe(link);
    expect(await read).toBe(CONTENT);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await stat(link)).isFIFO()).toBe(true);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("through a link to an anonymous pipe (/dev/stdout when piped: realpath fails) writes into the pipe", async () => {
    // `sleep` (the inner sh, which tells its pid, then becomes sleep) has a pipe to `cat` as its stdout: its
    // /proc/<pid>/fd/1 is what /dev/stdout leads to in a piped process (Node's own stdio "pipe"s are sockets)
    const shell = spawn("sh", ["-c", 'sh -c "echo \\$\\$ >&2; exec sleep 60" | cat'], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    shell.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    const ended = new Promise((resolve) => shell.on("close", resolve));
    const pid = Number(await new Promise<string>((resolve) => shell.stderr.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8")))));
    expect(pid).toBeGreaterThan(0);
    // While the shell runs `echo … >&2`, its fd 1 is stderr (the shell moves it back after the builtin): wait for the
    // pipe to be its stdout again, which it is once it has exec'd sleep.
    for (let tries = 0; !(await readlink(`/proc/${pid}/fd/1`).catch(() => "")).startsWith("pipe:") && tries < 500; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    const link = join(folder, `stdout-${route.length}`);
    await symlink(`/proc/${pid}/fd/1`, link);
    try {
      expect((await stat(link)).isFIFO()).toBe(true);
      expect(await downloadAttachment(site.client, attachment(), { filePath: link })).toBe(link);
    } finally {
      process.kill(pid);
    }
    await ended;
    expect(out).toBe(CONTENT);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });
});

describe("a download into a FIFO no one reads", () => {
  it("ends with the call's deadline, leaving the FIFO a FIFO; the error says nothing was written into it", async () => {
    const fifo = join(dir, "unread");
    execFileSync("mkfifo", [fifo]);
    const error = await downloadAttachment(site.client, 5, { filePath: fifo, deadlineMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect((error as Error).message).toMatch(/within its deadline of 500 ms: nothing was written into \S*unread\n/);
    expect((error as Error).message).not.toMatch(/left as it was/);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });
});

describe("a filePath in a folder that does not exist", () => {
  it.each([
    ["a missing folder", () => join(dir, "no-such-folder", "sh010.mov")],
    ["a file taken for a folder", () => join(source, "sh010.mov")],
  ])("(%s) is refused with SgValidationError for options.filePath before anything is sent", async (_, filePath) => {
    const before = site.requests();
    const error = await downloadAttachment(site.client, 5, { filePath: filePath() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["options", "filePath"] });
    expect((error as Error).message).toMatch(/expected a file path in an existing folder/);
    expect(site.requests()).toBe(before);
  });
});

describe("a filePath ending in a separator", () => {
  it.each([
    ["a missing folder", () => `${join(dir, "newdir")}/`],
    ["an existing folder", () => `${dir}/`],
  ])("(%s) is refused as a folder with SgValidationError for options.filePath before anything is sent", async (_, filePath) => {
    const before = site.requests();
    const error = await downloadAttachment(site.client, 5, { filePath: filePath() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["options", "filePath"] });
    expect((error as Error).message).toMatch(/expected a file path, not a folder/);
    expect(site.requests()).toBe(before);
  });
});
