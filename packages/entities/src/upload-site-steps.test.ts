/**
 * The site's `/upload/*` posts on a node:http site on 127.0.0.1: a step that attaches the file is never sent twice,
 * whatever `retry` the caller or the context's defaults give (`retryWrites: true` re-sent `/upload/upload_file` after
 * a 502, attaching the file twice), and the cloud route's storage PUT keeps a File's or Blob's own `type`, as the
 * site's route does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, type EntityApi } from "./index.js";

interface Sent {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly contentType: string | undefined;
}

let closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.map((close) => close()));
  closing = [];
});

/**
 * A site answering `info` with `info` and each other request with `files` (the site's `/upload/*` steps, and storage
 * under `/store/`); `sent` lists every request but the RPCs. The client's transport retries after 10 ms, and retries
 * writes on 502/504 with `retryWrites`.
 */
async function startSite(files: (req: IncomingMessage, res: ServerResponse, url: string) => void, info: Record<string, unknown> = {}, retryWrites = false): Promise<{ readonly url: string; readonly sent: Sent[]; readonly api: (defaults?: Record<string, unknown>) => EntityApi }> {
  const sent: Sent[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/api3/json") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { version: [8, 0, 0], ...info } }));
      sent.push({ method: req.method, url: req.url, contentType: req.headers["content-type"] });
      files(req, res, url);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createClient({ site: url, transport: jsonRpcTransport({ retry: { baseDelayMs: 10, retryWrites } }), auth: scriptAuth({ scriptName: "uploads", scriptKey: "0".repeat(64) }) });
  closing.push(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url, sent, api: (defaults) => entityApi(client, defaults ? { defaults } : {}) };
}

/** The cloud route's info: direct uploads for a Version's movie. */
const CLOUD = { s3_direct_uploads_enabled: true, s3_enabled_upload_types: { Version: ["sg_uploaded_movie"] } };

/** The cloud route's steps, storage answering with an ETag; `link` answers `/upload/api_link_file` (its nth time). */
function cloudSteps(link: (res: ServerResponse, n: number) => void): (req: IncomingMessage, res: ServerResponse, url: string) => void {
  let links = 0;
  return (req, res, url) => {
    if (req.url === "/upload/api_get_upload_link_info") return void res.end(`1\n${url}/store/obj?X-Amz-Signature=abc\n2026\nAttachment\nUPID\n`);
    if (req.url?.startsWith("/store/")) return void res.writeHead(200, { etag: '"e1"' }).end();
    if (req.url === "/upload/api_link_file") return link(res, ++links);
    res.writeHead(404).end();
  };
}

/** The answer of an attaching step: a gateway's 502 the first time (the file may have been attached), then an id. */
const badGatewayThenId = (res: ServerResponse, n: number): void => void (n === 1 ? res.writeHead(502).end("bad gateway") : res.end(`1:${100 + n}\n`));

describe("an attaching upload step answered HTTP 502 is sent once, whatever the retry rule says", () => {
  it.each([
    ["the context's defaults", { retry: { retryWrites: true } }, {}, false],
    ["the call's options", undefined, { retry: { retryWrites: true, maxAttempts: 3 } }, false],
    ["the transport's options", undefined, {}, true],
  ])("/upload/upload_file, retryWrites true in %s: one POST, SgTransferError with maybeSent true", async (_, defaults, options, transport) => {
    let posts = 0;
    const site = await startSite((req, res) => (req.url === "/upload/upload_file" ? badGatewayThenId(res, ++posts) : res.writeHead(404).end()), {}, transport);
    const error = await site.api(defaults).upload("Version", 1, new File(["data"], "notes.txt"), options).catch((e: unknown) => e);
    expect(site.sent.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /upload/upload_file"]);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ status: 502, maybeSent: true });
  });

  it("/upload/api_link_file of the cloud route, retryWrites true in the context's defaults: one POST, maybeSent true", async () => {
    const site = await startSite(cloudSteps(badGatewayThenId), CLOUD);
    const error = await site.api({ retry: { retryWrites: true } }).upload("Version", 1, new File(["data"], "plate.mov"), { fieldName: "sg_uploaded_movie" }).catch((e: unknown) => e);
    expect(site.sent.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /upload/api_get_upload_link_info", "PUT /store/obj?X-Amz-Signature=abc", "POST /upload/api_link_file"]);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ status: 502, maybeSent: true });
  });
});

describe("the cloud route's storage PUT", () => {
  it("is sent with the File's or Blob's own type, as the site's route sends it; else the type its name says", async () => {
    const site = await startSite(cloudSteps((res) => res.end("1:77\n")), CLOUD);
    const put = async (file: Blob, displayName?: string): Promise<string | undefined> => {
      const from = site.sent.length;
      expect(await site.api().upload("Version", 1, file, { fieldName: "sg_uploaded_movie", ...(displayName ? { displayName } : {}) })).toBe(77);
      return site.sent.slice(from).find((r) => r.method === "PUT")?.contentType;
    };
    expect(await put(new File(["abc"], "plate_v001.bin", { type: "image/png" }))).toBe("image/png");
    expect(await put(new Blob(["abc"], { type: "text/plain" }), "notes.mov")).toBe("text/plain");
    expect(await put(new File(["abc"], "plate_v001.mov"))).toBe("video/quicktime");
    expect(await put(new Blob(["abc"]), "sh010.exr")).toBe("image/x-exr");
  });

  it("with retryWrites true the PUT itself is still repeated after a 503, as a read (it cannot attach anything)", async () => {
    let puts = 0;
    const steps = cloudSteps((res) => res.end("1:77\n"));
    const site = await startSite((req, res, url) => (req.url?.startsWith("/store/") && ++puts === 1 ? res.writeHead(503).end("SlowDown") : steps(req, res, url)), CLOUD);
    expect(await site.api({ retry: { retryWrites: true } }).upload("Version", 1, new File(["data"], "plate.mov"), { fieldName: "sg_uploaded_movie" })).toBe(77);
    expect(puts).toBe(2);
  });
});
