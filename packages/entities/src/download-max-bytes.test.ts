/**
 * `downloadAttachment`'s bytes are bounded by `maxBytes` (default 2 GiB): an endless or oversize answer is not read
 * past it (the transport counts it as it comes and drops the connection), and a local file link is read only as a
 * regular file no larger than it — a pipe or a device (`/dev/zero`) is refused before reading. Downloads to a file and
 * `openAttachment`'s stream are not bounded by it. A node:http site on 127.0.0.1, a real FIFO and `/dev/zero`.
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SgProtocolError, SgValidationError, createClient, type HttpRequest, type TransportStrategy } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { SgTransferError, downloadAttachment, openAttachment } from "./index.js";
import { startFileSite, type FileSite } from "./test-support/file-site.js";

const LIMIT = 100_000;
const CHUNK = Buffer.alloc(64 * 1024, 3);
const HINT = "Raise options.maxBytes, or give a filePath, or stream it with openAttachment().";

let dir = "";
let site: FileSite | undefined;
let gets = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-max-bytes-"));
  gets = 0;
});
afterEach(async () => {
  await site?.close();
  site = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A file site whose GETs `files` answers (`n` counts them from 1). */
async function serve(files: (res: ServerResponse, n: number) => void): Promise<FileSite> {
  site = await startFileSite((_req, res) => files(res, ++gets));
  return site;
}

/** Write `CHUNK` again and again, as fast as the client reads, up to 256 MB: far past any limit here. */
function endless(res: ServerResponse): void {
  let written = 0;
  const more = (): void => {
    while (!res.destroyed && written < 256 * 1024 * 1024) {
      written += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once("drain", more);
    }
    if (!res.destroyed) res.end();
  };
  res.writeHead(200, { "content-type": "application/octet-stream" });
  more();
}

function expectTooLarge(error: unknown, what: string, limit = LIMIT): void {
  expect(error).toBeInstanceOf(SgTransferError);
  expect(error).toMatchObject({ code: "SG_DOWNLOAD_TOO_LARGE", reason: `@sg/entities: ${what} is larger than options.maxBytes, ${limit} bytes: it was not read`, hint: HINT });
}

describe("downloadAttachment's maxBytes over HTTP", () => {
  it("an endless answer is cut at maxBytes: SG_DOWNLOAD_TOO_LARGE naming the download, the limit and the option; the connection dropped, no retry", async () => {
    const { client, hungUp } = await serve(endless);
    const error = await downloadAttachment(client, 12, { maxBytes: LIMIT }).catch((e: unknown) => e);
    expectTooLarge(error, `the download of ${client.site.origin}/file_serve/attachment/12`);
    expect((error as SgTransferError).cause).toMatchObject({ name: "SgProtocolError", code: "SG_RESPONSE_TOO_LARGE" });
    await hungUp;
    expect(gets).toBe(1);
  });

  it("a content-length past maxBytes fails at once, without waiting for the body", async () => {
    const { client } = await serve((res) => res.writeHead(200, { "content-length": String(10 * LIMIT) }).write(CHUNK.subarray(0, 10)));
    expectTooLarge(await downloadAttachment(client, 12, { maxBytes: LIMIT, timeoutMs: 600_000 }).catch((e: unknown) => e), `the download of ${client.site.origin}/file_serve/attachment/12`);
  });

  it("an answer of exactly maxBytes is returned whole (chunked)", async () => {
    const bytes = Buffer.from(Array.from({ length: LIMIT }, (_, i) => i % 253));
    const { client } = await serve((res) => {
      res.writeHead(200);
      for (let i = 0; i < bytes.length; i += 4099) res.write(bytes.subarray(i, i + 4099));
      res.end();
    });
    expect(Buffer.from(await downloadAttachment(client, 12, { maxBytes: LIMIT })).equals(bytes)).toBe(true);
  });

  it("a connection reset midway of a download read into memory is retried, and the bytes come whole", async () => {
    const bytes = Buffer.alloc(3 * CHUNK.length, 9);
    const { client } = await serve((res, n) => {
      res.writeHead(200, { "content-length": String(bytes.length) });
      if (n > 1) return res.end(bytes);
      res.write(bytes.subarray(0, CHUNK.length), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    expect(Buffer.from(await downloadAttachment(client, 12)).equals(bytes)).toBe(true);
    expect(gets).toBe(2);
  });

  it("does not bound a download to filePath nor openAttachment's stream", async () => {
    const bytes = Buffer.alloc(4 * LIMIT, 4);
    const { client } = await serve((res) => res.writeHead(200, { "content-length": String(bytes.length) }).end(bytes));
    const filePath = join(dir, "big.bin");
    expect(await downloadAttachment(client, 12, { filePath, maxBytes: LIMIT })).toBe(filePath);
    expect(readFileSync(filePath).equals(bytes)).toBe(true);
    const { stream } = await openAttachment(client, 12);
    expect(Buffer.from(await new Response(stream).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("refuses a maxBytes that is not a positive whole number, naming it, before any request", async () => {
    const { client } = await serve((res) => res.end("x"));
    for (const maxBytes of [0, -1, 1.5, 2 ** 53, Infinity, "100", null]) {
      const error = await downloadAttachment(client, 12, { maxBytes: maxBytes as number }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["options", "maxBytes"], expected: "a positive whole number of bytes" });
    }
    // openAttachment streams: it has no maxBytes
    expect(await openAttachment(client, 12, { maxBytes: 1 } as never).catch((e: unknown) => e)).toMatchObject({ path: ["options", "maxBytes"] });
    expect(gets).toBe(0);
  });
});

describe("downloadAttachment's maxBytes with another transport", () => {
  /** A transport whose downloads `answer` gives; it records each http() request. */
  function transportOf(answer: (request: HttpRequest) => Promise<Uint8Array>): { transport: TransportStrategy; requests: HttpRequest[] } {
    const requests: HttpRequest[] = [];
    const transport: TransportStrategy = {
      name: "custom",
      send: async (request) => (request.method === "get_session_token" ? { session_id: "tok" } : { version: [8, 0, 0] }),
      http: async (request) => {
        requests.push(request);
        return { status: 200, headers: new Headers(), body: await answer(request) };
      },
    };
    return { transport, requests };
  }
  const clientOf = (transport: TransportStrategy) => createClient({ site: "https://studio.example.com", transport, auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(40) }) });

  it("asks for maxBytes (2 GiB by default) only for bytes, and knows the refusal by its code, not by its class", async () => {
    const { transport, requests } = transportOf(async () => new Uint8Array(3));
    const client = clientOf(transport);
    await downloadAttachment(client, 12);
    await downloadAttachment(client, 12, { maxBytes: 5 });
    await openAttachment(client, 12);
    expect(requests.map((r) => r.maxBytes)).toEqual([2 ** 31, 5, undefined]);

    // another protocol error of a custom transport is not taken for "too large"
    const other = new SgProtocolError("the site answered with an HTML page", { status: 200 });
    const odd = clientOf(transportOf(() => Promise.reject(other)).transport);
    expect(await downloadAttachment(odd, 12).catch((e: unknown) => e)).toBe(other);
    // any error with the transport's mark is
    const marked = Object.assign(new Error("too big"), { code: "SG_RESPONSE_TOO_LARGE" });
    const error = await downloadAttachment(clientOf(transportOf(() => Promise.reject(marked)).transport), 12).catch((e: unknown) => e);
    expectTooLarge(error, "the download of https://studio.example.com/file_serve/attachment/12", 2 ** 31);
  });

  it("refuses the bytes of a transport that ignored maxBytes", async () => {
    const client = clientOf(transportOf(async () => new Uint8Array(11)).transport);
    expectTooLarge(await downloadAttachment(client, 12, { maxBytes: 10 }).catch((e: unknown) => e), "the download of https://studio.example.com/file_serve/attachment/12", 10);
    expect((await downloadAttachment(client, 12, { maxBytes: 11 })).byteLength).toBe(11);
  });
});

describe("downloadAttachment's maxBytes with a local file link", () => {
  const linkTo = (path: string) => ({ url: `file://${path}`, link_type: "local", local_path: path, name: "x" });
  const client = () => createClient({ site: "https://studio.example.com", transport: { name: "none", send: () => Promise.reject(new Error("nothing is sent")) } });

  it("/dev/zero (a device) is refused before reading, not read until memory runs out", async () => {
    const error = await downloadAttachment(client(), linkTo("/dev/zero"), { deadlineMs: 3_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", reason: "@sg/entities: the local file /dev/zero is not a regular file (a pipe, a device, a folder): it was not read" });
  });

  it.runIf(existsSync("/usr/bin/mkfifo") || existsSync("/bin/mkfifo"))("a FIFO is refused at once, without waiting for a writer", async () => {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    try {
      const error = await downloadAttachment(client(), linkTo(fifo), { deadlineMs: 3_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", reason: `@sg/entities: the local file ${fifo} is not a regular file (a pipe, a device, a folder): it was not read` });
    } finally {
      // a reader left blocked in open() (without the fix) is let go
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader: nothing to let go
      }
    }
  });

  it("a folder is refused; a regular file is bounded by its size", async () => {
    expect(await downloadAttachment(client(), linkTo(dir)).catch((e: unknown) => e)).toMatchObject({ code: "SG_DOWNLOAD_FAILED" });
    const file = join(dir, "f.bin");
    writeFileSync(file, Buffer.alloc(LIMIT + 1, 1));
    expectTooLarge(await downloadAttachment(client(), linkTo(file), { maxBytes: LIMIT }).catch((e: unknown) => e), `the read of ${file}`);
    const bytes = await downloadAttachment(client(), linkTo(file), { maxBytes: LIMIT + 1 });
    expect(bytes.byteLength).toBe(LIMIT + 1);
    expect(bytes.constructor).toBe(Uint8Array);
  });
});
