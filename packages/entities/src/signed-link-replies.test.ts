/**
 * A signed (presigned) link's query in what a refused transfer keeps of the answer (`reply`), over real sockets: a
 * proxy or storage that quotes the URL it was asked for (a Squid-style error page, an XML error naming the resource)
 * must not hand the link's live query to the error's `reply`, `toJSON()` or `util.inspect`, whatever its parameters
 * are named (CloudFront's `Policy`, Akamai's `hdnts`), as the error's message already leaves it out.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi } from "./index.js";

const POLICY = "eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cDovL2QxMTExMTEiXQ0-policy";
const HDNTS = "exp=1796000000~acl=/media/*~hmac=9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const QUERY = `Policy=${POLICY}&hdnts=${encodeURIComponent(HDNTS)}&Key-Pair-Id=K2JCJMDEHXQW5F`;

let emulator: EmulatorHandle;
let storage: Server;
let storageUrl: string;
let front: Server;
let frontUrl: string;
const clients: Client[] = [];

/** Start `server` on 127.0.0.1 and give its `http://` origin. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  emulator = await startEmulator({ fixtures: "demo" });
  // Storage that refuses every request with an error page quoting the URL it was asked for, query included.
  storage = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(503, { "content-type": "text/html" });
      res.end(`<h1>ERROR</h1><p>The requested URL could not be retrieved: <a href="http://bucket.example${req.url}">http://bucket.example${req.url}</a></p>`);
    });
  });
  storageUrl = await listen(storage);
  // The site, through a proxy that announces the cloud upload route (as such a site does in `info`) and hands out an
  // upload link signed as a CDN signs it, to that storage.
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(emulator.url);
      const sent = Buffer.concat(chunks);
      const headers = { ...req.headers, host: url.host };
      const out = httpRequest({ host: url.hostname, port: url.port, path: req.url, method: req.method, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on("data", (c: Buffer) => body.push(c));
        answer.on("end", () => {
          let text = Buffer.concat(body).toString("utf8");
          if (req.url?.startsWith("/upload/api_get_upload_link_info")) text = text.replace(/^(1\n)[^\n]*/, `$1${storageUrl}/bucket/a.txt?${QUERY}`);
          if (sent.includes('"method_name":"info"')) {
            const { results } = JSON.parse(text) as { results: Record<string, unknown> };
            text = JSON.stringify({ results: { ...results, s3_direct_uploads_enabled: true, s3_enabled_upload_types: { "*": "*" } } });
          }
          const back = { ...answer.headers };
          delete back["content-length"];
          res.writeHead(answer.statusCode ?? 502, back);
          res.end(text);
        });
      });
      out.end(sent);
    });
  });
  frontUrl = await listen(front);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([storage, front].map((s) => new Promise((r) => s.close(r))));
  await emulator.close();
});

function connect(site: string): ReturnType<typeof entityApi> {
  const { name, key } = emulator.card.scripts[0] as { name: string; key: string };
  const client = createClient({ site, transport: jsonRpcTransport({ retry: false }), auth: scriptAuth({ scriptName: name, scriptKey: key }) });
  clients.push(client);
  return entityApi(client);
}

/** Every form an app or logger may print `error` in. */
const forms = (error: unknown): string[] => [String(error), JSON.stringify(error), inspect(error, { depth: 10 }), (error as SgTransferError).reply ?? ""];

describe("a refused transfer of a signed link quotes the link's query nowhere", () => {
  it("a download: the storage's error page quoting the link keeps the page, not the query's values", async () => {
    const sg = connect(frontUrl);
    const error = await sg.downloadAttachment({ url: `${storageUrl}/media/v001.mov?${QUERY}`, link_type: "web", name: "v001.mov" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", status: 503, reply: expect.stringContaining("The requested URL could not be retrieved") });
    for (const form of forms(error)) for (const secret of [POLICY, HDNTS, encodeURIComponent(HDNTS), "9f8e7d6c5b4a39281706f5e4d3c2b1a0"]) expect(form).not.toContain(secret);
  });

  it("an upload: storage refusing the PUT to its signed link, quoting it, keeps the page, not the query's values", async () => {
    const sg = connect(frontUrl);
    const shot = (await sg.findOne("Shot", []))!.id;
    const error = await sg.upload("Shot", shot, new File(["hello"], "a.txt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 503, reply: expect.stringContaining("The requested URL could not be retrieved") });
    for (const form of forms(error)) for (const secret of [POLICY, HDNTS, encodeURIComponent(HDNTS), "9f8e7d6c5b4a39281706f5e4d3c2b1a0"]) expect(form).not.toContain(secret);
  });
});
