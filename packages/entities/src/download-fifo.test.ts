/**
 * A download into a named pipe (FIFO) holds no thread of Node's pool: given up while no program reads the pipe (its
 * `deadlineMs`, its `signal`), it rejects and leaves nothing open or blocked, so the process exits by itself and the
 * next file-system calls run; with a reader, every byte goes in, with back-pressure (a body larger than the pipe's
 * buffer); a reader that goes away midway is an `SgTransferError` saying part of it may have been written. A timeout
 * says "nothing was written" into the pipe until it was opened. A node:http site on 127.0.0.1 serves the file;
 * `mkfifo`, `cat` and `head` make and read the pipes (nothing under the real /dev).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, SgTimeoutError } from "@sg/core";
import { downloadAttachment, SgTransferError, type AttachmentInput } from "./index.js";
import { startFileSite, type FileSite } from "./test-support/file-site.js";

/** Larger than a pipe's buffer (64 KiB on Linux): the writer must wait for the reader. */
const BODY = Buffer.alloc(1024 * 1024, 0);
for (let i = 0; i < BODY.length; i++) BODY[i] = (i * 7) % 251;

let site: FileSite;
let dir: string;
let source: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  site = await startFileSite((req, res) => {
    // /file_serve/attachment/9: a first piece, then nothing (the connection is held)
    if (req.url?.endsWith("/9")) return void res.writeHead(200, { "content-length": String(BODY.length) }).write(BODY.subarray(0, 1000));
    res.writeHead(200, { "content-length": String(BODY.length) }).end(BODY);
  });
  dir = await mkdtemp(join(tmpdir(), "sg-download-fifo-"));
  source = join(dir, "source.mov");
  await writeFile(source, BODY);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

let made = 0;
/** A new FIFO in the test folder. */
function fifo(): string {
  const path = join(dir, `fifo-${++made}`);
  execFileSync("mkfifo", [path]);
  return path;
}

/** Start `command` (a reader of a FIFO); resolves to its stdout once it exits. */
function run(command: string, args: string[]): Promise<Buffer> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const chunks: Buffer[] = [];
  child.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => child.on("close", () => resolve(Buffer.concat(chunks))));
}

const routes: [string, () => AttachmentInput][] = [
  ["by HTTP", () => 5],
  ["from a local file link", () => ({ url: `file://${source}`, local_path: source, link_type: "local", name: "source.mov" })],
];

describe.each(routes)("a download %s into a FIFO", (_route, attachment) => {
  it("no one reads ends with deadlineMs, saying nothing was written into it", async () => {
    const path = fifo();
    // long enough for the session token and the GET on a loaded machine (at 300 ms, a CI run's GET outlasted it), so
    // the time runs out waiting for the pipe's reader
    const error = await downloadAttachment(site.client, attachment(), { filePath: path, deadlineMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect((error as Error).message).toMatch(/within its deadline of 2000 ms: nothing was written into \S*fifo-\d+\n/);
    // the step the time went to, outside any request: no method
    expect(error).toMatchObject({ step: "pipe", method: undefined, scope: "deadline", timeoutMs: 2000 });
    // nor does its cause name a made-up API method, in the error or its JSON
    expect((error as { cause?: { method?: unknown } }).cause?.method).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('"method":"pipe"');
  });

  it("no one reads ends with an aborted signal", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const error = await downloadAttachment(site.client, attachment(), { filePath: fifo(), signal: stop.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
  });

  it("four given up in a row leave the pool free: a download to a regular file still completes", async () => {
    for (let i = 0; i < 4; i++) await expect(downloadAttachment(site.client, attachment(), { filePath: fifo(), deadlineMs: 200 })).rejects.toBeInstanceOf(SgTimeoutError);
    const file = join(dir, `regular-${made}.mov`);
    expect(await downloadAttachment(site.client, attachment(), { filePath: file })).toBe(file);
    expect((await readFile(file)).equals(BODY)).toBe(true);
  });

  it("read by cat gets every byte of a body larger than the pipe's buffer", async () => {
    const path = fifo();
    const read = run("cat", [path]);
    expect(await downloadAttachment(site.client, attachment(), { filePath: path })).toBe(path);
    expect((await read).equals(BODY)).toBe(true);
  });

  it("whose reader goes away midway is an SgTransferError saying part of it may have been written", async () => {
    const path = fifo();
    const read = run("head", ["-c", "10", path]);
    const error = await downloadAttachment(site.client, attachment(), { filePath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect((error as Error).message).toMatch(/failed to write the download to \S*fifo-\d+ \(EPIPE\): part of it may have been written into it/);
    expect((await read).length).toBe(10);
  });
});

describe("a process whose download into a FIFO no one reads was given up", () => {
  it("exits by itself", async () => {
    const require = createRequire(import.meta.url);
    const url = (name: string): string => pathToFileURL(require.resolve(name)).href;
    const script = join(dir, "give-up.mjs");
    await writeFile(
      script,
      `import { createClient } from ${JSON.stringify(url("@sg/core"))};
import { jsonRpcTransport } from ${JSON.stringify(url("@sg/transport"))};
import { scriptAuth } from ${JSON.stringify(url("@sg/auth-script"))};
import { downloadAttachment } from ${JSON.stringify(url("@sg/entities"))};
const client = createClient({ site: process.argv[2], transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "files", scriptKey: "0".repeat(64) }) });
const timedOut = await downloadAttachment(client, 5, { filePath: process.argv[3], deadlineMs: 300 }).catch((e) => e.name);
const aborted = await downloadAttachment(client, 5, { filePath: process.argv[3], signal: AbortSignal.timeout(200) }).catch((e) => e.name);
await client.close();
console.log(timedOut, aborted);
`,
    );
    const child = spawn(process.execPath, [script, site.client.site.origin, fifo()], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    // a process that does not exit is killed at the end of the test's timeout: its exit code is then null, not 0
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await new Promise((resolve) => child.on("close", (code) => resolve(code)));
    clearTimeout(killer);
    expect(out).toBe("SgTimeoutError SgAbortError\n");
    expect(code).toBe(0);
  }, 20_000);
});

describe("a download into a FIFO that ran out of time", () => {
  it("while waiting for get_session_token says nothing was written into it", async () => {
    const slow = await startFileSite((_req, res) => res.writeHead(200).end("x"), 2000);
    try {
      const path = fifo();
      const read = run("cat", [path]);
      const error = await downloadAttachment(slow.client, 5, { filePath: path, deadlineMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgTimeoutError);
      expect((error as Error).message).toMatch(/within its deadline of 300 ms: nothing was written into \S*fifo-\d+\n/);
      // get_session_token at most, no GET (on a loaded machine the 300 ms may pass before the POST even arrives)
      expect(slow.requests()).toBeLessThanOrEqual(1);
      expect(error).toMatchObject({ step: "request", method: "get_session_token" });
      // the pipe was never opened: cat still waits for a writer; one opened and closed here ends it, with no bytes
      await writeFile(path, "");
      expect((await read).length).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it("once the body was being written into it says part of it may have been written", async () => {
    const path = fifo();
    const read = run("cat", [path]);
    const error = await downloadAttachment(site.client, 9, { filePath: path, deadlineMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect((error as Error).message).toMatch(/within its deadline of 1000 ms: part of it may have been written into \S*fifo-\d+\n/);
    expect((await read).equals(BODY.subarray(0, 1000))).toBe(true);
  });
});
