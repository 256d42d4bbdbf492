// An upload ended by its signal is still an SgAbortError, and says which upload it was and what is on the site, as its
// deadline's SgTimeoutError does: an abort once the post that attaches the file was sent says it may have been
// attached (maybeSent), one before anything was posted says nothing was attached. Over a node:http site on 127.0.0.1
// that answers info and holds the upload's post.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { upload } from "./index.js";

let server: Server;
let client: Client;
let dir: string;
let file: string;
/** Called when an upload post has arrived (its body read); the site never answers it. */
let posted = (): void => {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sg-upload-abort-"));
  file = join(dir, "sh010.txt");
  writeFileSync(file, "hello world");
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url?.startsWith("/upload/")) return posted();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ results: { version: [8, 50, 0] } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(16) }) });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an upload aborted by its signal", () => {
  it("after the post was sent: SgAbortError naming the upload, saying it may have been attached", async () => {
    const stop = new AbortController();
    posted = () => stop.abort(new Error("user pressed cancel"));
    const error = await upload(client, "Shot", 12, file, { signal: stop.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({
      message: "@sg/entities: the upload of sh010.txt to Shot 12 was aborted: it may have been attached: check before uploading it again",
      maybeSent: true,
      cause: { name: "SgAbortError", maybeSent: true },
    });
    expect((error as SgAbortError).cause).toBeInstanceOf(SgAbortError);
  });

  it("when its signal timed out: says so", async () => {
    const stop = new AbortController();
    posted = () => stop.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    const error = await upload(client, "Shot", 12, file, { signal: stop.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
    expect((error as SgAbortError).message).toBe(
      "@sg/entities: the upload of sh010.txt to Shot 12 was aborted: its signal timed out: it may have been attached: check before uploading it again",
    );
  });

  it("before anything was posted: SgAbortError naming the upload, saying nothing was attached", async () => {
    const error = await upload(client, "Shot", 12, file, { signal: AbortSignal.abort(new Error("cancelled")) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ message: "@sg/entities: the upload of sh010.txt to Shot 12 was aborted: nothing was attached", maybeSent: false });
  });
});
