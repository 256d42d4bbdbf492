/**
 * A download the site redirects to a signed storage link, which storage refuses (403) quoting the link: over real
 * sockets (node:http site and storage on 127.0.0.1). The refused transfer's reply, message and toJSON() carry
 * nothing of the followed link's query, and the hint blames the storage link, not the session.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgError, createClient, type AuthStrategy, type Client, type TransportStrategy } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, downloadAttachment } from "./index.js";

const HMAC = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const TOKEN = `exp=1764600000~acl=/*~hmac=${HMAC}`;
let storage: http.Server;
let site: http.Server;
let storageUrl = "";
let siteUrl = "";
const hits = { site: 0, storage: 0 };
const clients: Client[] = [];

const listen = async (server: http.Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  storage = http.createServer((req, res) => {
    hits.storage += 1;
    res.writeHead(403, { "content-type": "text/plain" }).end(`Access denied: the token for http://${req.headers.host}${req.url} has expired`);
  });
  storageUrl = await listen(storage);
  site = http.createServer((req, res) => {
    hits.site += 1;
    if (req.url === "/file_serve/denied") return void res.writeHead(403, { "content-type": "text/plain" }).end("no session");
    if (req.url?.startsWith("/file_serve/")) return void res.writeHead(302, { location: `${storageUrl}/media/shot010.mov?hdnts=${TOKEN}` }).end();
    res.writeHead(404).end();
  });
  siteUrl = await listen(site);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([storage, site].map((s) => new Promise((resolve) => s.close(resolve))));
});

let rejected = 0;
const session: AuthStrategy = {
  name: "s",
  credentials: async () => ({ kind: "session", sessionToken: "sessTOKEN123456" }),
  onRejected: async () => {
    rejected += 1;
    return { kind: "session", sessionToken: "sessTOKEN654321" };
  },
};

describe("a download redirected to a signed storage link that storage refuses", () => {
  it("keeps the followed link's query out of the error, and names the origin that refused it, not the session", async () => {
    const client = createClient({ site: siteUrl, transport: jsonRpcTransport({ retry: false }), auth: session });
    clients.push(client);
    const error = await downloadAttachment(client, { url: `${siteUrl}/file_serve/attachment/1`, link_type: "web", name: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    const e = error as SgTransferError;
    expect(e).toMatchObject({ code: "SG_DOWNLOAD_FAILED", status: 403 });
    // the storage page was read, with the link's query scrubbed
    expect(e.reply).toMatch(/^Access denied: the token for http:\/\/127\.0\.0\.1:\d+\/media\/shot010\.mov\?.*REDACTED.* has expired$/);
    for (const text of [e.message, String(e.reply), JSON.stringify(e), inspect(e, { showHidden: true, depth: 9 })]) expect(text).not.toContain(HMAC);
    // it names who refused, says what may be wrong, and that the site's credentials do not go there
    expect(e.hint).toBe(`${storageUrl} refused the download: a signed link may have expired (download again for a new one); the site's credentials are not sent there.`);
    // storage's refusal is not the session's: no renewal, nothing sent again
    expect(rejected).toBe(0);
    expect(hits).toEqual({ site: 1, storage: 1 });
  });

  it("a signed storage link given as the attachment's url and refused: the same hint, the link's query scrubbed", async () => {
    const client = createClient({ site: siteUrl, transport: jsonRpcTransport({ retry: false }), auth: session });
    clients.push(client);
    const error = await downloadAttachment(client, { url: `${storageUrl}/media/shot010.mov?hdnts=${TOKEN}`, link_type: "web", name: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", status: 403, hint: expect.stringMatching(new RegExp(`^${storageUrl} refused the download: a signed link may have expired`)) });
    expect(JSON.stringify(error)).not.toContain(HMAC);
  });

  it("a transport whose answer's url is empty or not a URL (a constructed fetch Response's): taken for the link asked, no crash", async () => {
    for (const url of ["", "not a url", "http://"]) {
      const inner = jsonRpcTransport({ retry: false });
      const transport: TransportStrategy = { ...inner, name: "url-setter", send: inner.send.bind(inner), http: async (request, context) => ({ ...(await inner.http!(request, context)), url }) };
      const client = createClient({ site: siteUrl, transport, auth: session });
      clients.push(client);
      const before = rejected;
      const error = await downloadAttachment(client, { url: `${siteUrl}/file_serve/denied`, link_type: "web", name: "x" }).catch((e: unknown) => e);
      // the site's own refusal: the session is renewed once and the download asked again, then refused
      expect(error, url).toBeInstanceOf(SgError);
      expect(error, url).toMatchObject({ status: 403 });
      expect(rejected - before, url).toBe(1);
    }
  });
});
