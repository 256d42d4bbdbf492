/**
 * The client's `defaults.signal` (an app's shutdown signal) ends the download of a local file link as a call's own
 * signal does, though nothing is sent for it (core applies the defaults only to what it sends): an aborted one refuses
 * the download at once, and one aborted while a copy or a stream waits on a stalled pipe ends the wait. Real files and
 * pipes; the client's site (127.0.0.1:9) is never asked.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SgAbortError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { downloadAttachment, openAttachment } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "sg-local-defaults-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clientWith = (signal: AbortSignal): Client =>
  createClient({ site: "http://127.0.0.1:9", defaults: { signal }, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "x", scriptKey: "0".repeat(64) }) });
const linkTo = (path: string): object => ({ url: `file://${path}`, local_path: path, link_type: "local" });

describe("a local file link and the client's defaults.signal", () => {
  it("an aborted one refuses downloadAttachment and openAttachment", async () => {
    const file = join(dir, "plate.exr");
    writeFileSync(file, "bytes");
    const client = clientWith(AbortSignal.abort());
    await expect(downloadAttachment(client, linkTo(file))).rejects.toBeInstanceOf(SgAbortError);
    await expect(downloadAttachment(client, linkTo(file), { filePath: join(dir, "copy.exr") })).rejects.toBeInstanceOf(SgAbortError);
    await expect(openAttachment(client, linkTo(file))).rejects.toBeInstanceOf(SgAbortError);
  });

  it.skipIf(process.platform === "win32")("one aborted while a copy to filePath waits on a stalled pipe ends the download", async () => {
    const pipe = join(dir, "copy.mov");
    execFileSync("mkfifo", [pipe]);
    const stop = new AbortController();
    const download = downloadAttachment(clientWith(stop.signal), linkTo(pipe), { filePath: join(dir, "copy.out") }).catch((e: unknown) => e);
    // read-write: never waits for the other end (see downloads-stream.test.ts)
    const writer = await open(pipe, "r+");
    try {
      await writer.write(Buffer.from("first bytes"));
      stop.abort();
      // Without the defaults' signal this waits for bytes no one writes.
      expect(await download).toBeInstanceOf(SgAbortError);
    } finally {
      await writer.close();
    }
  });

  it.skipIf(process.platform === "win32")("one aborted while an openAttachment stream waits on a stalled pipe errors the stream", async () => {
    const pipe = join(dir, "stream.mov");
    execFileSync("mkfifo", [pipe]);
    const stop = new AbortController();
    const opening = openAttachment(clientWith(stop.signal), linkTo(pipe));
    const writer = await open(pipe, "r+");
    try {
      await writer.write(Buffer.from("first bytes"));
      const reader = (await opening).stream.getReader();
      expect(Buffer.from((await reader.read()).value!).toString()).toBe("first bytes");
      const stalled = reader.read().catch((e: unknown) => e);
      stop.abort();
      expect(await stalled).toBeInstanceOf(SgAbortError);
    } finally {
      await writer.close();
    }
  });
});
